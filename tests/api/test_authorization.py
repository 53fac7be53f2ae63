"""The authorisation matrix (tests/api/authz_matrix.py) enforced over HTTP: each endpoint x each
principal, with both kinds of credential (Bearer token and X-API-Key), on every backend.

A refused call (401, 403 or 404) must leave everything as it was: the target object as an officer
or admin reads it, the collection it would have grown, and the audit trail. Plus: a trader's lists
never show another organisation's data; disabled users and revoked API keys are locked out.

Speed: argon2 costs ~0.1 s per hash or login, so the principals are inserted with one precomputed
hash and given tokens from the service's own ``issue_token``; the login endpoint itself is covered
by its matrix row and by ``test_disabled_user_is_locked_out``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pycountry
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.auth import service as auth_service
from app.auth.models import User
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import unit_of_work
from app.main import create_app
from app.outbox import service as outbox_service
from app.species import importing as species_importing
from tests.api.authz_matrix import (
    ANNUAL,
    APP,
    CERT,
    CUSTOMS,
    HOOK,
    KEYS,
    MATRIX,
    MEASURES,
    PERMIT,
    PRINCIPALS,
    USERS,
    V1,
    Endpoint,
    Expect,
    Principal,
)
from tests.certificates import certificate_pem
from tests.factories import PASSWORD, Api, application_body

_serial = itertools.count(1)
CREDENTIALS = ("bearer", "api_key")
ROLE_OF: dict[Principal, str] = {
    "trader": "trader",
    "other_trader": "trader",
    "officer": "officer",
    "customs": "customs",
    "admin": "admin",
}


@functools.cache
def _password_hash() -> str:
    return auth_service.hash_password(PASSWORD)


_PEER_PARTIES = itertools.cycle(
    sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in {"CH", "EU"})
)


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


# --- the world every test acts in ----------------------------------------------------------


@dataclass
class World:
    """Two organisations (the trader's and the other trader's), a user of each role, and the
    headers each principal sends with each kind of credential (``credentials["bearer"]``,
    ``credentials["api_key"]``). ``setup`` headers (Bearer) build the test objects."""

    api: Api
    secret: str
    organisation_id: int = 0
    other_organisation_id: int = 0
    user_ids: dict[Principal, int] = field(default_factory=dict)
    usernames: dict[Principal, str] = field(default_factory=dict)
    setup: dict[Principal, dict[str, str]] = field(default_factory=dict)
    credentials: dict[str, dict[Principal, dict[str, str]]] = field(default_factory=dict)

    @property
    def client(self) -> TestClient:
        return self.api.client

    def add_user(
        self, role: str, organisation_id: int | None = None, username: str | None = None
    ) -> tuple[int, str, str]:
        """A user straight into the database (one shared argon2 hash of PASSWORD, so it can
        still log in) and a real login token for it: (id, username, token)."""
        username = username or _unique(f"{role}-")
        with unit_of_work(self.api.session_factory) as session:
            user = User(
                username=username,
                full_name=username.title(),
                role=role,
                password_hash=_password_hash(),
                organisation_id=organisation_id,
                is_active=True,
                created_at=utcnow(),
            )
            session.add(user)
            session.flush()
            token, _ = auth_service.issue_token(user, secret=self.secret, minutes=60)
            return user.id, username, token

    def admin_token(self) -> tuple[int, str]:
        with unit_of_work(self.api.session_factory) as session:
            admin = auth_service.find_user(session, "admin")
            token, _ = auth_service.issue_token(admin, secret=self.secret, minutes=60)
            return admin.id, token

    def organisation(self) -> int:
        created = self.client.post(
            "/api/v1/organisations",
            headers=self.setup["admin"],
            json={"name": _unique("Authz Trading House "), "address": "Zurich", "country": "CH"},
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])

    def api_key(self, user_id: int) -> tuple[int, str]:
        created = self.client.post(
            "/api/v1/api-keys",
            headers=self.setup["admin"],
            json={"user_id": user_id, "name": _unique("key-")},
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"]), str(created.json()["key"])

    def call(
        self, credential: str, principal: Principal, method: str, path: str, body: Any = None
    ) -> httpx2.Response:
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        response: httpx2.Response = self.client.request(
            method, path, headers=self.credentials[credential][principal], **kwargs
        )
        return response

    def read(self, principal: Principal, path: str, **params: Any) -> Any:
        response = self.client.get(path, headers=self.setup[principal], params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def dead_message(self) -> str:
        """An outgoing message that a peer rejected for good; its id."""
        with unit_of_work(self.api.session_factory) as session:
            message = outbox_service.enqueue(
                session,
                destination="FR",
                message_type="PERMIT_ISSUED",
                ordering_key=_unique("26CH"),
                payload=b"<Envelope/>",
            )
            outbox_service.claim_due(session, worker="relay")
            outbox_service.record_failure(
                session,
                message_id=message.message_id,
                error="REJECTED",
                permanent=True,
                receipt=REJECTION,
            )
            return message.message_id

    def peer(self) -> str:
        """A new peer Party in the trust registry; its code."""
        party = next(_PEER_PARTIES)
        created = self.client.post(
            "/api/v1/peers",
            headers=self.setup["admin"],
            json={"party": party, "name": f"MA {party}"},
        )
        assert created.status_code == 201, created.text
        return party

    def certificate(self, state: str = "active") -> str:
        """A new certificate of a new peer, in ``state``; its fingerprint."""
        party = self.peer()
        created = self.client.post(
            f"/api/v1/peers/{party}/certificates",
            headers=self.setup["admin"],
            json={"pem": certificate_pem(country=party), "state": state},
        )
        assert created.status_code == 201, created.text
        return str(created.json()["fingerprint"])

    # objects owned by the trader's organisation, in a given state
    def application(self, state: str = "draft") -> int:
        created = self.client.post(
            "/api/v1/applications", headers=self.setup["trader"], json=application_body()
        )
        assert created.status_code == 201, created.text
        application_id = int(created.json()["id"])
        steps: dict[str, list[tuple[Principal, str]]] = {
            "submitted": [("trader", "submit")],
            "approved": [("trader", "submit"), ("officer", "approve")],
        }
        for who, action in steps.get(state, []):
            done = self.client.post(
                f"/api/v1/applications/{application_id}/{action}", headers=self.setup[who]
            )
            assert done.status_code == 200, done.text
        return application_id

    def permit(self) -> int:
        application_id = self.application("approved")
        issued = self.client.post(
            f"/api/v1/applications/{application_id}/issue", headers=self.setup["officer"]
        )
        assert issued.status_code == 201, issued.text
        return int(issued.json()["id"])

    def webhook(self) -> int:
        created = self.client.post(
            "/api/v1/customs/webhooks",
            headers=self.setup["admin"],
            json={"name": _unique("Border system "), "url": "https://customs.example"},
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])

    def permit_number(self) -> Params:
        """A new permit, as customs address it: country and number."""
        permit_id = self.permit()
        number = self.read("officer", f"/api/v1/permits/{permit_id}")["number"]
        return {"country": "CH", "number": number}

    def reference(self) -> Params:
        """The shipped species reference data, imported (again: the same snapshot)."""
        with unit_of_work(self.api.session_factory) as session:
            species_importing.import_reference(session, actor=Actor.system("authz-test"))
        return {}

    def measure(self) -> Params:
        """A new national measure (on the shipped reference data); its id."""
        self.reference()
        created = self.client.post(MEASURES, headers=self.setup["admin"], json=_measure_body())
        assert created.status_code == 201, created.text
        return {"measure_id": int(created.json()["id"])}

    def audit_total(self) -> int:
        return int(self.read("admin", "/api/v1/audit/events", limit=1)["total"])


def build_world(api: Api, app: FastAPI) -> World:
    world = World(api=api, secret=app.state.secret_key)
    admin_id, admin_token = world.admin_token()
    world.user_ids["admin"], world.usernames["admin"] = admin_id, "admin"
    world.setup["admin"] = {"Authorization": f"Bearer {admin_token}"}
    world.organisation_id = world.organisation()
    world.other_organisation_id = world.organisation()
    organisations: dict[Principal, int] = {
        "trader": world.organisation_id,
        "other_trader": world.other_organisation_id,
    }
    for principal, role in ROLE_OF.items():
        if principal != "admin":
            user_id, username, token = world.add_user(role, organisations.get(principal))
            world.user_ids[principal], world.usernames[principal] = user_id, username
            world.setup[principal] = {"Authorization": f"Bearer {token}"}
    world.setup["anonymous"] = {}
    keys: dict[Principal, dict[str, str]] = {"anonymous": {}}
    for principal in ROLE_OF:
        keys[principal] = {"X-API-Key": world.api_key(world.user_ids[principal])[1]}
    world.credentials = {"bearer": dict(world.setup), "api_key": keys}
    return world


@pytest.fixture
def world(api: Api, app: FastAPI) -> World:
    return build_world(api, app)


# --- how to exercise each endpoint ---------------------------------------------------------

Params = dict[str, int | str]
NO_PARAMS: Callable[[World], Params] = lambda _w: {}  # noqa: E731


def _find(items: list[dict[str, Any]], item_id: int | str) -> dict[str, Any]:
    return next(item for item in items if item["id"] == item_id)


def _application_state(w: World, p: Params) -> Any:
    return w.read("officer", f"/api/v1/applications/{p['application_id']}")


def _permit_state(w: World, p: Params) -> Any:
    return w.read("officer", f"/api/v1/permits/{p['permit_id']}")


def _user_state(w: World, p: Params) -> Any:
    return _find(w.read("admin", "/api/v1/users", limit=200)["items"], p["user_id"])


def _total(principal: Principal, path: str) -> Callable[[World, Params], Any]:
    return lambda w, _p: w.read(principal, path, limit=1)["total"]


def _in_state(state: str) -> Callable[[World], Params]:
    return lambda w: {"application_id": w.application(state)}


@dataclass(frozen=True)
class Scenario:
    """How to call one endpoint: ``prepare`` makes a target (path parameters; one shared by
    refused and read calls, a fresh one for each allowed action), ``body`` the request body,
    ``observe`` reads the state a refused call must leave unchanged, ``success`` is the status
    of an allowed call and ``check`` looks at its answer."""

    prepare: Callable[[World], Params] = NO_PARAMS
    body: Callable[[World, Principal], Any] = lambda _w, _p: None
    observe: Callable[[World, Params], Any] = lambda _w, _p: None
    success: int = 200
    check: Callable[[World, Principal, Any], None] = lambda _w, _p, _body: None


def _peer_state(w: World, params: Params) -> Any:
    peers = w.read("admin", f"{V1}/peers", limit=200)["items"]
    return [p["state"] for p in peers if p["party"] == params["party"]]


def _certificate_state(w: World, params: Params) -> Any:
    for peer in w.read("admin", f"{V1}/peers", limit=200)["items"]:
        for cert in w.read("admin", f"{V1}/peers/{peer['party']}/certificates"):
            if cert["fingerprint"] == params["fingerprint"]:
                return cert["state"]
    return None


def _login_body(w: World, principal: Principal) -> Any:
    # anonymous logs in as the trader; a logged-in caller logs in (again) as itself
    username = w.usernames["trader" if principal == "anonymous" else principal]
    return {"username": username, "password": PASSWORD}


def _check_me(w: World, principal: Principal, body: Any) -> None:
    assert body["username"] == w.usernames[principal]


def _check_own_organisation(w: World, principal: Principal, body: Any) -> None:
    if principal in ("trader", "other_trader"):
        own = w.organisation_id if principal == "trader" else w.other_organisation_id
        assert {item["organisation_id"] for item in body["items"]} <= {own}


SUBMITTED = _in_state("submitted")


REJECTION = b"<Receipt><Status>REJECTED</Status></Receipt>"  # stands for the peer's receipt


def _check_receipt(body: Any) -> None:
    assert body == REJECTION.decode()


def _webhook_state(w: World, params: Params) -> Any:
    hooks = w.read("admin", f"{V1}/customs/webhooks", limit=200)["items"]
    return [h["state"] for h in hooks if h["id"] == params["webhook_id"]]


def _declaration() -> dict[str, Any]:
    return {
        "declaration_ref": _unique("DECL-"),
        "port": "Basel",
        "date": "2026-12-01",
        "officer": "Meier",
        "lines": [{"line": "A", "quantity": "1", "unit": "NAR"}],
    }


def _measure_body() -> dict[str, Any]:
    return {
        "taxon": "Loxodonta africana",
        "direction": "export",
        "purpose_codes": ["T"],
        "start_date": "2026-01-01",
        "reason": "national ban on commercial exports of ivory",
    }


def _existing_measure(w: World) -> Params:
    w.measure()
    return {}  # the list has no path parameter


def _measure_state(w: World, params: Params) -> Any:
    found = w.read("officer", MEASURES, include_withdrawn=True, limit=200)["items"]
    return [m["withdrawn_at"] for m in found if m["id"] == params["measure_id"]]


def _customs_state(w: World, params: Params) -> Any:
    path = f"{V1}/customs/permits/{params['country']}/{params['number']}"
    return w.read("officer", path)["state"]


def _check_field(body: Any, field: str, value: Any) -> None:
    assert body[field] == value


def _check_code(body: Any, code: str) -> None:
    assert body["code"] == code


def _check_no_reference(body: Any) -> None:
    # an export application names no export permit: nothing to find
    assert (body["reference"], body["found"]) == (None, False)
    assert [r["code"] for r in body["reasons"]] == ["no_export_permit_reference"]


def _this_year(_w: World) -> Params:
    return {"year": utcnow().year}


def _check_pdf(body: Any) -> None:
    assert body.startswith("%PDF-")


def _check_report_header(body: Any) -> None:
    assert body.splitlines()[0].startswith("Appendix,SpeciesName,TermCode,Quantity,")


def _verifiable(w: World) -> Params:
    """A new permit as its QR code addresses it (the query string rides in ``number``)."""
    permit_id = w.permit()
    number = w.read("officer", f"{V1}/permits/{permit_id}")["number"]
    xml = w.client.get(f"{V1}/permits/{permit_id}.xml", headers=w.setup["officer"]).content
    return {"party": "CH", "number": f"{number}?d={hashlib.sha256(xml).hexdigest()[:16]}"}


SCENARIOS: dict[Endpoint, Scenario] = {
    ("POST", f"{V1}/auth/token"): Scenario(body=_login_body),
    ("GET", f"{V1}/auth/me"): Scenario(check=_check_me),
    ("POST", f"{V1}/organisations"): Scenario(
        body=lambda _w, _p: {
            "name": _unique("Authz Trading House "),
            "address": "Bahnhofstrasse 1, Zurich",
            "country": "CH",
        },
        observe=_total("admin", f"{V1}/organisations"),
        success=201,
    ),
    ("GET", f"{V1}/organisations"): Scenario(),
    ("POST", USERS): Scenario(
        body=lambda _w, _p: {
            "username": _unique("officer-new-"),
            "full_name": "New Officer",
            "role": "officer",
            "password": PASSWORD,
            "organisation_id": None,
        },
        observe=_total("admin", f"{V1}/users"),
        success=201,
    ),
    ("GET", USERS): Scenario(),
    ("POST", f"{USERS}/{{user_id}}/disable"): Scenario(
        prepare=lambda w: {"user_id": w.add_user("customs")[0]},
        observe=_user_state,
    ),
    ("POST", KEYS): Scenario(
        body=lambda w, _p: {"user_id": w.user_ids["customs"], "name": _unique("customs-")},
        observe=_total("admin", f"{V1}/api-keys"),
        success=201,
    ),
    ("GET", KEYS): Scenario(),
    ("POST", f"{KEYS}/{{key_id}}/revoke"): Scenario(
        prepare=lambda w: {"key_id": w.api_key(w.user_ids["customs"])[0]},
        observe=lambda w, p: _find(
            w.read("admin", f"{V1}/api-keys", limit=200)["items"], p["key_id"]
        ),
    ),
    ("POST", f"{V1}/applications"): Scenario(
        body=lambda _w, _p: application_body(),
        observe=_total("officer", f"{V1}/applications"),
        success=201,
    ),
    ("GET", f"{V1}/applications"): Scenario(prepare=SUBMITTED, check=_check_own_organisation),
    ("GET", APP): Scenario(prepare=SUBMITTED, observe=_application_state),
    ("PUT", APP): Scenario(
        prepare=_in_state("draft"),
        body=lambda _w, _p: application_body(special_conditions="edited"),
        observe=_application_state,
    ),
    ("POST", f"{APP}/submit"): Scenario(prepare=_in_state("draft"), observe=_application_state),
    ("POST", f"{APP}/withdraw"): Scenario(prepare=SUBMITTED, observe=_application_state),
    ("POST", f"{APP}/approve"): Scenario(prepare=SUBMITTED, observe=_application_state),
    ("POST", f"{APP}/refuse"): Scenario(
        prepare=SUBMITTED,
        body=lambda _w, _p: {"reason": "Appendix I specimen for commercial purposes"},
        observe=_application_state,
    ),
    ("POST", f"{APP}/return"): Scenario(
        prepare=SUBMITTED,
        body=lambda _w, _p: {"comment": "state the quantity in kilograms"},
        observe=_application_state,
    ),
    ("POST", f"{APP}/issue"): Scenario(
        prepare=_in_state("approved"), observe=_application_state, success=201
    ),
    ("POST", f"{PERMIT}/cancel"): Scenario(
        prepare=lambda w: {"permit_id": w.permit()},
        body=lambda _w, _p: {"reason": "the consignment was not shipped"},
        observe=_permit_state,
    ),
    ("POST", f"{PERMIT}/replace"): Scenario(
        prepare=lambda w: {"permit_id": w.permit()},
        body=lambda _w, _p: {"reason": "original lost in transit"},
        observe=_permit_state,
        success=201,
    ),
    ("GET", f"{V1}/permits"): Scenario(
        prepare=lambda w: {"permit_id": w.permit()}, check=_check_own_organisation
    ),
    ("GET", PERMIT): Scenario(prepare=lambda w: {"permit_id": w.permit()}, observe=_permit_state),
    ("GET", f"{PERMIT}.xml"): Scenario(
        prepare=lambda w: {"permit_id": w.permit()}, observe=_permit_state
    ),
    ("GET", f"{PERMIT}.pdf"): Scenario(
        prepare=lambda w: {"permit_id": w.permit()},
        observe=_permit_state,
        check=lambda _w, _p, body: _check_pdf(body),
    ),
    ("POST", f"{V1}/xml/validate"): Scenario(body=lambda _w, _p: {"not": "xml"}),
    ("GET", f"{V1}/audit/events"): Scenario(),
    ("GET", f"{V1}/audit/verify"): Scenario(),
    ("GET", f"{V1}/codelists"): Scenario(),
    ("POST", f"{V1}/verify"): Scenario(body=lambda _w, _p: {"not": "a permit"}),
    ("GET", "/epix/v1/certificates"): Scenario(),
    # peers authenticate by the envelope's signature: a junk body gets a signed REJECTED receipt
    ("POST", "/epix/v1/messages"): Scenario(body=lambda _w, _p: {"not": "xml"}, success=400),
    ("GET", "/epix/v1/status"): Scenario(),
    ("GET", CUSTOMS): Scenario(
        prepare=lambda w: w.permit_number(),
        observe=_customs_state,
        check=lambda _w, _p, body: _check_field(body, "state", "VALID"),
    ),
    ("POST", f"{CUSTOMS}/export-endorsements"): Scenario(
        prepare=lambda w: w.permit_number(),
        body=lambda _w, _p: _declaration(),
        observe=_customs_state,
        success=201,
        check=lambda _w, _p, body: _check_field(body["permit"], "state", "EXPORTED"),
    ),
    # nothing was received from FR here: customs gets as far as looking it up
    ("POST", f"{CUSTOMS}/import-clearances"): Scenario(
        prepare=lambda _w: {"country": "FR", "number": "FR2600000001"},
        body=lambda _w, _p: _declaration(),
        success=404,
        check=lambda _w, _p, body: _check_code(body, "permit_not_found"),
    ),
    ("POST", f"{V1}/customs/webhooks"): Scenario(
        body=lambda _w, _p: {"name": _unique("Border system "), "url": "https://customs.example"},
        observe=lambda w, _p: w.read("admin", f"{V1}/customs/webhooks")["total"],
        success=201,
    ),
    ("GET", f"{V1}/customs/webhooks"): Scenario(),
    ("POST", f"{HOOK}/suspend"): Scenario(
        prepare=lambda w: {"webhook_id": w.webhook()}, observe=_webhook_state
    ),
    ("POST", f"{HOOK}/activate"): Scenario(
        prepare=lambda w: {"webhook_id": w.webhook()}, observe=_webhook_state
    ),
    ("GET", f"{V1}/species"): Scenario(
        prepare=lambda _w: {}, check=lambda _w, _p, body: _check_field(body, "items", [])
    ),
    # no reference data here: no quotas to list (tests/species/test_quota_ledger.py has them)
    ("GET", f"{V1}/species/quotas"): Scenario(
        check=lambda _w, _p, body: _check_field(body, "total", 0)
    ),
    ("GET", MEASURES): Scenario(
        prepare=_existing_measure,
        check=lambda _w, _p, body: _check_field(body["items"][0], "taxon", "Loxodonta africana"),
    ),
    ("POST", MEASURES): Scenario(
        prepare=lambda w: w.reference(),
        body=lambda _w, _p: _measure_body(),
        observe=lambda w, _p: w.read("officer", MEASURES, include_withdrawn=True)["total"],
        success=201,
        check=lambda _w, _p, body: _check_field(body, "direction", "export"),
    ),
    ("POST", f"{MEASURES}/{{measure_id}}/withdraw"): Scenario(
        prepare=lambda w: w.measure(),
        body=lambda _w, _p: {"reason": "the national ban was lifted by decree"},
        observe=_measure_state,
        check=lambda _w, _p, body: _check_field(
            body, "withdrawal_reason", "the national ban was lifted by decree"
        ),
    ),
    ("POST", f"{V1}/checks"): Scenario(
        body=lambda _w, _p: {
            "document_type": "E",
            "exporter_country": "CH",
            "importer_country": "CH",
            "purpose_code": "T",
            "lines": [
                {
                    "scientific_name": "Python regius",
                    "source_code": "C",
                    "term_code": "LIV",
                    "quantity": "1",
                }
            ],
        },
        check=lambda _w, _p, body: _check_field(body, "blocked", True),
    ),
    ("GET", f"{APP}/checks"): Scenario(
        prepare=SUBMITTED,
        check=lambda _w, _p, body: _check_field(body[0], "stage", "submission"),
    ),
    # no reference data in this world: nothing blocks, so there is nothing to override
    ("POST", f"{APP}/checks/override"): Scenario(
        prepare=SUBMITTED,
        body=lambda _w, _p: {"reason": "the Scientific Authority confirmed it in writing"},
        observe=_application_state,
        success=404,
        check=lambda _w, _p, body: _check_code(body, "nothing_to_override"),
    ),
    ("GET", f"{V1}/outbox"): Scenario(),
    ("GET", f"{V1}/foreign-permits"): Scenario(),
    # no peer QZ: an allowed caller gets as far as the registry (the exchange itself is
    # tested between two real services in tests/exchange/test_two_parties.py)
    ("GET", f"{V1}/foreign-permits/{{party}}/{{number}}.xml"): Scenario(
        prepare=lambda _w: {"party": "QZ", "number": "QZ26000001"},
        success=404,
        check=lambda _w, _p, body: _check_code(body, "foreign_permit_not_found"),
    ),
    ("POST", f"{V1}/foreign-permits/request"): Scenario(
        body=lambda _w, _p: {"party": "QZ", "number": "QZ26000001"},
        success=404,
        check=lambda _w, _p, body: _check_code(body, "peer_not_found"),
    ),
    ("GET", f"{APP}/export-permit-check"): Scenario(
        prepare=SUBMITTED,
        observe=_application_state,
        check=lambda _w, _p, body: _check_no_reference(body),
    ),
    ("GET", f"{V1}/outbox/{{message_id}}/receipt"): Scenario(
        prepare=lambda w: {"message_id": w.dead_message()},
        check=lambda _w, _p, body: _check_receipt(body),
    ),
    ("POST", f"{V1}/outbox/{{message_id}}/requeue"): Scenario(
        prepare=lambda w: {"message_id": w.dead_message()},
        observe=lambda w, p: [
            m["status"]
            for m in w.read("officer", f"{V1}/outbox")["items"]
            if m["message_id"] == p["message_id"]
        ],
    ),
    ("POST", f"{V1}/peers"): Scenario(
        body=lambda _w, _p: {"party": next(_PEER_PARTIES), "name": "A peer MA"},
        observe=lambda w, _p: w.read("admin", f"{V1}/peers")["total"],
        success=201,
    ),
    ("GET", f"{V1}/peers"): Scenario(),
    ("POST", f"{V1}/peers/{{party}}/suspend"): Scenario(
        prepare=lambda w: {"party": w.peer()}, observe=_peer_state
    ),
    ("POST", f"{V1}/peers/{{party}}/activate"): Scenario(
        prepare=lambda w: {"party": w.peer()}, observe=_peer_state
    ),
    ("POST", f"{V1}/peers/{{party}}/certificates"): Scenario(
        prepare=lambda w: {"party": w.peer()},
        body=lambda _w, _p: {"pem": certificate_pem()},
        observe=lambda w, p: len(w.read("admin", f"{V1}/peers/{p['party']}/certificates")),
        success=201,
    ),
    ("GET", f"{V1}/peers/{{party}}/certificates"): Scenario(prepare=lambda w: {"party": w.peer()}),
    ("POST", f"{CERT}/activate"): Scenario(
        prepare=lambda w: {"fingerprint": w.certificate("pending")},
        body=lambda _w, _p: {"reason": "approved after a call with the MA"},
        observe=_certificate_state,
    ),
    ("POST", f"{CERT}/retire"): Scenario(
        prepare=lambda w: {"fingerprint": w.certificate()},
        body=lambda _w, _p: {"reason": "the MA rotated its key"},
        observe=_certificate_state,
    ),
    ("POST", f"{CERT}/revoke"): Scenario(
        prepare=lambda w: {"fingerprint": w.certificate()},
        body=lambda _w, _p: {"reason": "key compromised"},
        observe=_certificate_state,
    ),
    ("GET", ANNUAL): Scenario(
        prepare=_this_year, check=lambda _w, _p, body: _check_report_header(body)
    ),
    ("GET", f"{ANNUAL}/problems"): Scenario(
        prepare=_this_year, check=lambda _w, _p, body: _check_field(body, "view", "exporter")
    ),
    ("GET", f"{ANNUAL}/statistics"): Scenario(
        prepare=_this_year, check=lambda _w, _p, body: _check_field(body, "basis", "actual")
    ),
    ("GET", "/healthz"): Scenario(),
    ("GET", "/verify/{party}/{number}"): Scenario(
        prepare=_verifiable, check=lambda _w, _p, body: _check_field(body, "state", "valid")
    ),
}


def _problem(response: httpx2.Response, expect: Expect, template: str, success: int) -> str | None:
    """What is wrong with the response, or None if it is what the matrix says."""
    if expect is Expect.OK:
        wanted, code = success, None
    elif expect is Expect.UNAUTH:
        wanted, code = 401, "not_authenticated"
    elif expect is Expect.DENY:
        wanted, code = 403, "role_not_allowed"
    else:
        wanted = 404
        code = "application_not_found" if "{application_id}" in template else "permit_not_found"
    if response.status_code != wanted:
        return f"status {response.status_code} (wanted {wanted}): {response.text[:300]}"
    if code is not None:
        body = response.json()
        if body.get("code") != code or set(body) != {"code", "message", "details"}:
            return f"error body {body} (wanted code {code!r})"
    return None


def _exercise(world: World, endpoint: Endpoint, credential: str) -> list[str]:
    method, template = endpoint
    scenario = SCENARIOS[endpoint]
    shared = scenario.prepare(world)
    # that a refused call changes nothing is checked once, with the first kind of credential
    watch = credential == CREDENTIALS[0]

    def snapshot() -> tuple[Any, int]:
        return scenario.observe(world, shared), world.audit_total()

    problems: list[str] = []
    before: tuple[Any, int] | None = None  # the state before a refused call, once known
    for principal in PRINCIPALS:
        expect = MATRIX[endpoint][principal]
        refused = expect is not Expect.OK
        fresh = not refused and method != "GET"  # an allowed action gets its own target
        params = scenario.prepare(world) if fresh else shared
        path = template.format(**params)
        if watch and refused and before is None:
            before = snapshot()
        body = scenario.body(world, principal)
        response = world.call(credential, principal, method, path, body)
        problem = _problem(response, expect, template, scenario.success)
        if watch and refused:
            after = snapshot()
            if problem is None and after != before:
                problem = f"a refused call changed state: {before} -> {after}"
            before = after
        else:
            before = None  # an allowed call may change what is observed
        if problem is None and expect is Expect.OK:
            try:
                is_json = response.headers["content-type"].startswith("application/json")
                scenario.check(world, principal, response.json() if is_json else response.text)
            except AssertionError as exc:
                problem = f"unexpected answer {response.text[:300]} ({exc})"
        if problem is not None:
            problems.append(f"{principal} by {credential} (expected {expect.value}): {problem}")
    return problems


# --- the matrix itself ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """An app whose (unmigrated) database is never touched: only its routes are looked at."""
    data_dir: Path = tmp_path_factory.mktemp("routes")
    settings = Settings(
        party="CH",
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'unused.db'}",
        secret_key="test-secret-key-0123456789-abcdefghijklmnop",
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def openapi(bare_app: FastAPI) -> dict[str, Any]:
    return bare_app.openapi()


def test_matrix_covers_every_endpoint(openapi: dict[str, Any]) -> None:
    operations = {
        (method.upper(), path) for path, item in openapi["paths"].items() for method in item
    }
    missing = sorted(operations - MATRIX.keys())
    stale = sorted(MATRIX.keys() - operations)
    assert not missing, f"endpoints without a row in tests/api/authz_matrix.py: {missing}"
    assert not stale, f"matrix rows for endpoints that no longer exist: {stale}"
    assert SCENARIOS.keys() == MATRIX.keys()


def test_no_endpoint_hides_from_the_openapi_document(bare_app: FastAPI) -> None:
    """An operation left out of the schema would also escape the matrix."""
    hidden = sorted(
        (method, route.path)
        for route in bare_app.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
        if (method, route.path) not in MATRIX
    )
    assert not hidden, f"routes without a row in tests/api/authz_matrix.py: {hidden}"


def test_public_endpoints_are_exactly_those_without_security(openapi: dict[str, Any]) -> None:
    public = {e for e, row in MATRIX.items() if row["anonymous"] is Expect.OK}
    unsecured = {
        (method.upper(), path)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if not operation.get("security")
    }
    assert public == unsecured


@pytest.mark.parametrize("endpoint", list(MATRIX), ids=" ".join)
def test_matrix_rules(endpoint: Endpoint) -> None:
    """The table's own invariants: a trader never reaches another organisation's objects."""
    row = MATRIX[endpoint]
    _method, path = endpoint
    assert set(row) == set(PRINCIPALS)
    assert row["anonymous"] in (Expect.OK, Expect.UNAUTH)
    assert all(row[p] is not Expect.UNAUTH for p in ROLE_OF)
    assert all(row[p] is not Expect.HIDDEN for p in PRINCIPALS if p != "other_trader")
    if "{application_id}" in path or "{permit_id}" in path:
        # someone else's object: hidden where the trader may act on their own, else refused
        wanted = Expect.HIDDEN if row["trader"] is Expect.OK else Expect.DENY
        assert row["other_trader"] is wanted
    else:
        assert row["other_trader"] is row["trader"]


# --- the matrix over HTTP ------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", list(MATRIX), ids=" ".join)
def test_authorization_matrix(world: World, endpoint: Endpoint) -> None:
    """Every principal, once with a Bearer token and once with an API key."""
    problems = [p for credential in CREDENTIALS for p in _exercise(world, endpoint, credential)]
    assert not problems, " ".join(endpoint) + ":\n  " + "\n  ".join(problems)


# --- organisation boundaries in lists ------------------------------------------------------


def _issue(world: World, trader: Principal) -> tuple[int, int]:
    """An application of this trader's organisation, issued: (application id, permit id)."""
    c, officer = world.client, world.setup["officer"]
    created = c.post(f"{V1}/applications", headers=world.setup[trader], json=application_body())
    application_id = int(created.json()["id"])
    c.post(f"{V1}/applications/{application_id}/submit", headers=world.setup[trader])
    c.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    issued = c.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    return application_id, int(issued.json()["id"])


@pytest.mark.parametrize("kind", ["applications", "permits"])
def test_trader_lists_only_own_organisation(world: World, kind: str) -> None:
    c = world.client
    own_application, own_permit = _issue(world, "trader")
    other_application, other_permit = _issue(world, "other_trader")
    draft = world.application("draft")
    own, other = {
        "applications": ({own_application, draft}, {other_application}),
        "permits": ({own_permit}, {other_permit}),
    }[kind]
    path = f"{V1}/{kind}"
    trader = world.setup["trader"]

    listed = c.get(path, headers=trader).json()
    assert {item["id"] for item in listed["items"]} == own
    assert listed["total"] == len(own)
    mine = c.get(path, headers=trader, params={"organisation_id": world.organisation_id})
    assert {item["id"] for item in mine.json()["items"]} == own

    foreign = c.get(path, headers=trader, params={"organisation_id": world.other_organisation_id})
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "other_organisation"
    assert "items" not in foreign.json()

    # the other trader sees theirs only; an officer sees both and may filter
    theirs = c.get(path, headers=world.setup["other_trader"]).json()
    assert {item["id"] for item in theirs["items"]} == other
    assert {item["id"] for item in world.read("officer", path)["items"]} == own | other
    filtered = world.read("officer", path, organisation_id=world.other_organisation_id)
    assert {item["id"] for item in filtered["items"]} == other


def test_another_organisations_objects_look_like_missing_ones(world: World) -> None:
    """Whatever its state, another organisation's application or permit answers the other
    trader exactly as an id that does not exist: not even its existence is revealed."""
    applications = [world.application(state) for state in ("draft", "submitted", "approved")]
    permits = [world.permit()]
    missing = 999_999

    def answer(endpoint: Endpoint, object_id: int) -> tuple[int, str, str, bool]:
        method, template = endpoint
        path = template.format(application_id=object_id, permit_id=object_id)
        body = SCENARIOS[endpoint].body(world, "other_trader")
        response = world.call("bearer", "other_trader", method, path, body)
        error = response.json()
        message = error["message"].replace(str(object_id), "<id>")
        return response.status_code, error["code"], message, error["details"] == {"id": object_id}

    hidden = [e for e, row in MATRIX.items() if row["other_trader"] is Expect.HIDDEN]
    assert hidden
    for endpoint in hidden:
        ids = applications if "{application_id}" in endpoint[1] else permits
        for object_id in ids:
            assert answer(endpoint, object_id) == answer(endpoint, missing), (endpoint, object_id)
    states = [world.read("officer", f"{V1}/applications/{i}")["status"] for i in applications]
    assert states == ["draft", "submitted", "approved"]


# --- credentials that stop working ---------------------------------------------------------


def _assert_unauthenticated(response: httpx2.Response, code: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "details"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["trader", "customs"])
def test_disabled_user_is_locked_out(world: World, role: str) -> None:
    c = world.client
    organisation_id = world.organisation_id if role == "trader" else None
    user_id, username, _ = world.add_user(role, organisation_id)
    login = c.post(f"{V1}/auth/token", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    api_key = {"X-API-Key": world.api_key(user_id)[1]}
    for headers in (bearer, api_key):
        assert c.get(f"{V1}/auth/me", headers=headers).json()["username"] == username
        assert c.get(f"{V1}/permits", headers=headers).status_code == 200

    disabled = c.post(f"{V1}/users/{user_id}/disable", headers=world.setup["admin"])
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False

    for path in (f"{V1}/auth/me", f"{V1}/permits"):
        _assert_unauthenticated(c.get(path, headers=bearer), "invalid_token")
        _assert_unauthenticated(c.get(path, headers=api_key), "invalid_api_key")
    again = c.post(f"{V1}/auth/token", json={"username": username, "password": PASSWORD})
    _assert_unauthenticated(again, "invalid_credentials")


def test_revoked_api_key_is_refused(world: World) -> None:
    c = world.client
    key_id, key = world.api_key(world.user_ids["customs"])
    _, spare = world.api_key(world.user_ids["customs"])
    assert c.get(f"{V1}/permits", headers={"X-API-Key": key}).status_code == 200

    revoked = c.post(f"{V1}/api-keys/{key_id}/revoke", headers=world.setup["admin"])
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None

    _assert_unauthenticated(c.get(f"{V1}/permits", headers={"X-API-Key": key}), "invalid_api_key")
    # revocation is per key: the user's other key still works
    assert c.get(f"{V1}/permits", headers={"X-API-Key": spare}).status_code == 200


def test_customs_api_key_reads_permits_but_cannot_decide(world: World) -> None:
    c = world.client
    key = {"X-API-Key": world.api_key(world.user_ids["customs"])[1]}
    permit_id = world.permit()
    application_id = world.application("submitted")

    listed = c.get(f"{V1}/permits", headers=key)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [permit_id]
    assert c.get(f"{V1}/permits/{permit_id}", headers=key).status_code == 200

    before = world.read("officer", f"{V1}/applications/{application_id}")
    approve = c.post(f"{V1}/applications/{application_id}/approve", headers=key)
    assert approve.status_code == 403
    assert approve.json()["code"] == "role_not_allowed"
    assert approve.json()["details"] == {"role": "customs", "allowed": ["officer"]}
    assert world.read("officer", f"{V1}/applications/{application_id}") == before
    assert before["status"] == "submitted"


def test_bad_credentials_are_refused(world: World) -> None:
    world.secret = "another-secret-key-0123456789-abcdefghijklmn"
    _, _, forged = world.add_user("admin")  # a real admin, but a token the service did not sign
    for headers, code in [
        ({"Authorization": "Bearer not-a-token"}, "invalid_token"),
        ({"Authorization": f"Bearer {forged}"}, "invalid_token"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "not_authenticated"),
        ({"X-API-Key": "not-a-key"}, "invalid_api_key"),
        ({"X-API-Key": "ecites_000000000000_guessed"}, "invalid_api_key"),
    ]:
        _assert_unauthenticated(world.client.get(f"{V1}/users", headers=headers), code)
