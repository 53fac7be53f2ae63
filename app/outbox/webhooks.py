"""Customs systems' webhooks: where this Party's permit news is pushed, through the outbox.

A webhook's messages go to ``webhook:<id>``; their payload is a signed EPIX envelope addressed
to this Party itself (the customs system verifies it with the certificate published at
/epix/v1/certificates). A 2xx answer is delivery; 4xx is a permanent refusal (dead); anything
else is retried."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import page
from app.core.errors import Conflict, InvalidInput, NotFound
from app.outbox.models import Webhook
from epix import EndpointError, check_endpoint

ACTIVE, SUSPENDED = "active", "suspended"
PREFIX = "webhook:"


def destination(webhook_id: int) -> str:
    """Where a webhook's messages go in the outbox (``webhook_id`` reads it back)."""
    return f"{PREFIX}{webhook_id}"


def webhook_id(destination: str) -> int | None:
    """The webhook a destination names, or None when it is a Party."""
    if not destination.startswith(PREFIX):
        return None
    value = destination.removeprefix(PREFIX)
    return int(value) if value.isdigit() else None


def add(session: Session, *, name: str, url: str, actor: Actor) -> Webhook:
    try:
        check_endpoint(url)
    except EndpointError as exc:
        raise InvalidInput(str(exc), code="insecure_endpoint", details={"url": url}) from None
    if session.scalar(select(Webhook).where(Webhook.name == name)) is not None:
        raise Conflict(f"a webhook named {name!r} exists", code="webhook_exists")
    now = utcnow()
    webhook = Webhook(name=name, url=url, state=ACTIVE, created_at=now, updated_at=now)
    session.add(webhook)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="webhook.add",
        object_type="webhook",
        object_id=webhook.id,
        details={"name": name, "url": url},
    )
    return webhook


def get(session: Session, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(
            f"no webhook {webhook_id}", code="webhook_not_found", details={"id": webhook_id}
        )
    return webhook


def set_state(session: Session, *, webhook: Webhook, state: str, actor: Actor) -> Webhook:
    previous, webhook.state, webhook.updated_at = webhook.state, state, utcnow()
    session.flush()  # written at once, as ``add`` does: ``active_destinations`` reads unflushed
    audit.record(
        session,
        actor=actor,
        action=f"webhook.{'activate' if state == ACTIVE else 'suspend'}",
        object_type="webhook",
        object_id=webhook.id,
        details={"from": previous, "to": state},
    )
    return webhook


def list_webhooks(
    session: Session, *, limit: int = 50, offset: int = 0
) -> tuple[list[Webhook], int]:
    return page(session, select(Webhook), Webhook.id, limit=limit, offset=offset)


_WEBHOOKS = cast(Table, Webhook.__table__)
# Every issuance, cancellation and replacement reads this: a Core statement, built once.
_ACTIVE_IDS = select(_WEBHOOKS.c.id).where(_WEBHOOKS.c.state == ACTIVE).order_by(_WEBHOOKS.c.id)


def active_destinations(session: Session) -> list[str]:
    """The outbox destinations of the active webhooks, in id order. Core on the session's
    connection, without flushing the caller's pending work (an issuance's audit event, say):
    webhooks are written as soon as they change (``add``, ``set_state``), so a flush would
    change nothing this reads."""
    return [destination(webhook_id) for webhook_id in session.connection().scalars(_ACTIVE_IDS)]
