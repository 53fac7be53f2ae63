"""The two border events: the export endorsement (Box 14) and the import clearance
(Art. VI(6)). Each locks the document, answers a resent declaration with its first answer,
checks state and quantities, records the event, moves the document's state and queues the
news to the other Party, all in the caller's transaction: two events racing for one document
are serialised by the lock, and exactly one wins."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.errors import Conflict, InvalidInput, NotFound
from app.customs.schemas import (
    BorderEventResult,
    CustomsState,
    Declaration,
    ExportEndorsement,
    ImportClearance,
)
from app.customs.service import Document, customs_state, event_read, find_document, unit, view
from app.outbox import announce
from app.outbox.announce import Announcer
from app.permits import border
from app.permits import service as permits_service
from app.permits.models import BorderEvent, Permit
from app.species import ledger
from app.workflow.transitions import Action, Entity, next_state
from epix import EndorsedQuantity, PermitState

_REFUSED_STATES = {
    CustomsState.NOT_YET_VALID: "permit_not_yet_valid",
    CustomsState.EXPIRED: "permit_expired",
    CustomsState.CANCELLED: "permit_cancelled",
    CustomsState.REPLACED: "permit_replaced",
    CustomsState.EXPORTED: "permit_already_exported",
    CustomsState.USED: "permit_used",
}


def _digest(declaration: Declaration, document: Document) -> str:
    """The declaration's content, including the document it is made on."""
    content = f"{document.country}/{document.number}/{declaration.model_dump_json()}"
    return hashlib.sha256(content.encode()).hexdigest()


def _refuse_state(document: Document, state: CustomsState) -> None:
    code = _REFUSED_STATES[state]
    details: dict[str, object] = {"state": state.value, "number": document.number}
    if document.replaced_by:
        details["replaced_by"] = document.replaced_by
    raise Conflict(f"permit {document.number} is {state.value}", code=code, details=details)


def _check_quantities(
    document: Document, declaration: Declaration, ceiling: dict[str, Decimal] | None, what: str
) -> None:
    """Each declared line exists once, in the permit's unit, within the permit (or within the
    quantity endorsed at export when known: ``ceiling``)."""
    lines = {x.line: x for x in document.lines}
    seen = Counter(item.line for item in declaration.lines)
    for item in declaration.lines:
        details = {"line": item.line, "number": document.number}
        permitted = lines.get(item.line)
        if permitted is None:
            raise InvalidInput(
                f"permit {document.number} has no line {item.line}",
                code="unknown_line",
                details={**details, "lines": sorted(lines)},
            )
        if seen[item.line] > 1:
            raise InvalidInput(
                f"line {item.line} is declared twice", code="duplicate_line", details=details
            )
        if unit(item.unit) != permitted.unit:
            raise InvalidInput(
                f"line {item.line} is in {permitted.unit}, not {unit(item.unit)}",
                code="unit_mismatch",
                details={**details, "unit": permitted.unit},
            )
        if ceiling is not None:  # what left, line by line (a line not endorsed: nothing)
            exported = ceiling.get(item.line, Decimal(0))
            if item.quantity > exported:
                raise InvalidInput(
                    f"line {item.line}: {item.quantity} is more than the {exported} "
                    f"endorsed at export",
                    code="quantity_exceeds_export",
                    details={**details, "exported": str(exported)},
                )
        elif permitted.quantity is not None and item.quantity > permitted.quantity:
            raise InvalidInput(
                f"line {item.line}: {item.quantity} is more than the {permitted.quantity} {what}",
                code="quantity_exceeds_permit",
                details={**details, "permitted": str(permitted.quantity)},
            )


def _previous(
    session: Session, kind: str, own_party: str, declaration: Declaration, document: Document
) -> BorderEventResult | None:
    """The first answer to this declaration, if it was made before (same content), else
    None; the same reference with other content is refused."""
    event = border.find(
        session, kind=kind, reported_by=own_party, declaration_ref=declaration.declaration_ref
    )
    if event is None:
        return None
    if event.request_sha256 != _digest(declaration, document) or event.answer is None:
        raise Conflict(
            f"declaration {declaration.declaration_ref} was made before with other content "
            f"(on {event.issuing_party} {event.number})",
            code="declaration_conflict",
            details={"declaration_ref": declaration.declaration_ref},
        )
    return BorderEventResult.model_validate(json.loads(event.answer))


def _record(
    session: Session,
    *,
    kind: str,
    document: Document,
    declaration: Declaration,
    own_party: str,
    actor: Actor,
    now: datetime,
    import_permit_number: str | None = None,
) -> BorderEvent:
    return border.record(
        session,
        kind=kind,
        issuing_party=document.country,
        number=document.number,
        reported_by=own_party,
        declaration_ref=declaration.declaration_ref,
        event_date=declaration.date,
        lines=[border.EndorsedLine(x.line, x.quantity, unit(x.unit)) for x in declaration.lines],
        recorded_at=now,
        request_sha256=_digest(declaration, document),
        port=declaration.port,
        customs_officer=declaration.officer,
        import_permit_number=import_permit_number,
        recorded_by_id=actor.user_id,
    )


def _finish(
    session: Session, event: BorderEvent, document: Document, now: datetime
) -> BorderEventResult:
    result = BorderEventResult(event=event_read(event), permit=view(session, document, now=now))
    event.answer = result.model_dump_json()
    return result


def _endorsed(declaration: Declaration) -> tuple[EndorsedQuantity, ...]:
    return tuple(EndorsedQuantity(x.line, x.quantity, unit(x.unit)) for x in declaration.lines)


def _lookup(
    session: Session, country: str, number: str, *, own_party: str, max_bytes: int
) -> Document:
    document = find_document(
        session, country, number, own_party=own_party, max_bytes=max_bytes, for_update=True
    )
    if document is None:
        raise NotFound(
            f"no permit {number} of {country} is known here",
            code="permit_not_found",
            details={"country": country, "number": number, "state": CustomsState.NOT_FOUND},
        )
    return document


def endorse_export(
    session: Session,
    country: str,
    number: str,
    declaration: ExportEndorsement,
    *,
    own_party: str,
    max_bytes: int,
    actor: Actor,
    announcer: Announcer,
    now: datetime,
) -> tuple[BorderEventResult, bool]:
    """Box 14: this Party's customs records what left on this Party's export permit or
    re-export certificate, once. Returns (result, created)."""
    document = _lookup(session, country, number, own_party=own_party, max_bytes=max_bytes)
    previous = _previous(session, border.EXPORT, own_party, declaration, document)
    if previous is not None:
        return previous, False
    if not document.own or document.document_type not in ("E", "R") or document.permit is None:
        raise Conflict(
            f"{number} is not an export permit or re-export certificate of {own_party}",
            code="wrong_document",
            details={"country": country, "number": number, "type": document.document_type},
        )
    state = customs_state(document.status, document.valid_from, document.valid_until, now.date())
    if state is not CustomsState.VALID:
        _refuse_state(document, state)
    _check_quantities(document, declaration, None, "permitted")
    permit = document.permit
    permits_service.change_status(
        session,
        permit=permit,
        status=next_state(Entity.PERMIT, permit.status, Action.EXPORT, actor.role),
        reason=None,
        actor=actor,
        action="permit.export",
        details={"declaration_ref": declaration.declaration_ref, "port": declaration.port},
    )
    document.status = permit.status
    event = _record(
        session,
        kind=border.EXPORT,
        document=document,
        declaration=declaration,
        own_party=own_party,
        actor=actor,
        now=now,
    )
    endorsed = {x.line: (x.quantity, unit(x.unit)) for x in declaration.lines}
    ledger.consume(session, permit_id=permit.id, endorsed=endorsed, now=now)  # quota ledger
    announce.permit_status(
        session,
        announcer,
        permit=permit,
        state=PermitState.EXPORTED,
        endorsed=_endorsed(declaration),
    )
    return _finish(session, event, document, now), True


def _import_permit(
    session: Session,
    clearance: ImportClearance,
    document: Document,
    *,
    own_party: str,
    now: datetime,
) -> Permit | None:
    """This Party's import permit presented with the document: required for Appendix I."""
    needs_one = any(x.appendix == "I" for x in document.lines)
    if clearance.import_permit_number is None:
        if needs_one:
            raise InvalidInput(
                "an Appendix I specimen needs this Party's import permit",
                code="import_permit_required",
                details={"number": document.number},
            )
        return None
    permit = permits_service.find_own_for_update(session, own_party, clearance.import_permit_number)
    details = {"import_permit_number": clearance.import_permit_number}
    if permit is None or permit.document_type != "I":
        raise InvalidInput(
            f"{clearance.import_permit_number} is not an import permit of {own_party}",
            code="import_permit_invalid",
            details=details,
        )
    state = customs_state(permit.status, permit.valid_from, permit.valid_until, now.date())
    if state is not CustomsState.VALID:
        raise Conflict(
            f"import permit {permit.number} is {state.value}",
            code="import_permit_invalid",
            details={**details, "state": state.value},
        )
    return permit


def clear_import(
    session: Session,
    country: str,
    number: str,
    clearance: ImportClearance,
    *,
    own_party: str,
    max_bytes: int,
    actor: Actor,
    announcer: Announcer,
    now: datetime,
) -> tuple[BorderEventResult, bool]:
    """Art. VI(6): this Party's customs accepts a consignment at import on another Party's
    export permit or re-export certificate (with this Party's import permit where required).
    Afterwards the documents are used. Returns (result, created)."""
    document = _lookup(session, country, number, own_party=own_party, max_bytes=max_bytes)
    previous = _previous(session, border.IMPORT, own_party, clearance, document)
    if previous is not None:
        return previous, False
    stored = document.foreign
    if stored is None or document.document_type not in ("E", "R"):
        raise Conflict(
            f"{number} of {country} is not a received export permit or re-export certificate",
            code="wrong_document",
            details={"country": country, "number": number, "type": document.document_type},
        )
    if document.signature is None or not document.signature.verified:
        raise Conflict(
            f"the signature of {number} does not verify",
            code="signature_invalid",
            details={"reasons": document.signature.reasons if document.signature else []},
        )
    importer = document.importer.country if document.importer else None
    if importer is not None and importer != own_party:
        raise Conflict(
            f"{number} is for import into {importer}, not {own_party}",
            code="wrong_importer",
            details={"importer": importer},
        )
    events = border.events_on(session, issuing_party=country, number=number)
    exports = [e for e in events if e.kind == border.EXPORT]
    state = customs_state(document.status, document.valid_from, document.valid_until, now.date())
    expired_after_export = (
        state is CustomsState.EXPIRED
        and exports
        and document.valid_until is not None
        and exports[-1].event_date <= document.valid_until
    )
    if state not in (CustomsState.VALID, CustomsState.EXPORTED) and not expired_after_export:
        _refuse_state(document, state)
    ceiling = {x.line: x.quantity for x in border.lines_of(exports[-1])} if exports else None
    _check_quantities(document, clearance, ceiling, "permitted")
    import_permit = _import_permit(session, clearance, document, own_party=own_party, now=now)
    stored.status, stored.status_reason = "used", f"cleared at import ({clearance.declaration_ref})"
    document.status = stored.status
    audit.record(
        session,
        actor=actor,
        action="foreign_permit.use",
        object_type="foreign_permit",
        object_id=stored.id,
        details={
            "party": country,
            "number": number,
            "declaration_ref": clearance.declaration_ref,
            "port": clearance.port,
        },
    )
    if import_permit is not None:
        permits_service.change_status(
            session,
            permit=import_permit,
            status=next_state(Entity.PERMIT, import_permit.status, Action.USE, actor.role),
            reason=f"cleared with {country} {number}",
            actor=actor,
            action="permit.use",
            details={"declaration_ref": clearance.declaration_ref},
        )
    event = _record(
        session,
        kind=border.IMPORT,
        document=document,
        declaration=clearance,
        own_party=own_party,
        actor=actor,
        now=now,
        import_permit_number=clearance.import_permit_number,
    )
    announce.used_at_import(
        session, announcer, issuing_party=country, number=number, endorsed=_endorsed(clearance)
    )
    return _finish(session, event, document, now), True
