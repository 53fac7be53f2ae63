"""Bad input (wrong codes, missing fields, unknown species-name format, oversized body,
malformed JSON, wrong types) gets a 4xx JSON error ``{"code", "message", "details"}`` and
changes nothing: every table holds exactly the same rows before and after the request.

Bad input changes nothing, so the cases of one backend share one set of test data (built
once per module) instead of rebuilding users and applications for each of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.bootstrap import metadata
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.conftest import _empty_tables
from tests.factories import Api, application_body

MAX_BODY_BYTES = 64 * 1024  # as in tests/conftest.py ``settings``
APPLICATIONS = "/api/v1/applications"


@dataclass(frozen=True)
class World:
    client: TestClient
    engine: Engine
    admin: dict[str, str]
    officer: dict[str, str]
    trader: dict[str, str]
    draft_id: int
    submitted_id: int
    approved_id: int
    permit_id: int
    trader_user_id: int


@pytest.fixture(scope="module")
def world(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    _empty_tables(engine)
    settings = Settings(
        party="CH",
        data_dir=Path(tmp_path_factory.mktemp("bad_input")),
        database_url=database_url,
        secret_key="test-secret-key-0123456789-abcdefghijklmnop",
        max_body_bytes=MAX_BODY_BYTES,
    )
    with TestClient(create_app(settings, engine=engine)) as client:
        api = Api(client=client, session_factory=make_session_factory(engine))
        api.bootstrap_admin()
        trader = api.trader()
        officer = api.user("officer")
        draft = client.post(APPLICATIONS, headers=trader, json=application_body())
        assert draft.status_code == 201, draft.text
        approved_id = api.submitted_application(trader)
        approved = client.post(f"{APPLICATIONS}/{approved_id}/approve", headers=officer)
        assert approved.status_code == 200, approved.text
        yield World(
            client=client,
            engine=engine,
            admin=api.login("admin"),
            officer=officer,
            trader=trader,
            draft_id=int(draft.json()["id"]),
            submitted_id=api.submitted_application(trader),
            approved_id=approved_id,
            permit_id=int(api.issued_permit(trader, officer)["id"]),
            trader_user_id=int(client.get("/api/v1/auth/me", headers=trader).json()["id"]),
        )
    _empty_tables(engine)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (application, application_line, permit, audit_event,
    user_account, organisation, api_key, the audit chain head and the number sequences)."""
    rows = {}
    with engine.connect() as conn:
        for table in metadata().sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(query)]
    return rows


@contextmanager
def unchanged(world: World) -> Iterator[None]:
    before = snapshot(world.engine)
    assert before["application"], "the shared test data is missing"
    yield
    after = snapshot(world.engine)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"bad input changed {changed}"


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# --- the application body: create (POST) and edit (PUT) ---------------------------------

MISSING = object()
Body = Any
Mutation = Callable[[dict[str, Any]], Body]


def _set(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is MISSING:
            target.pop(key, None)
        else:
            target[key] = value


def top(**changes: Any) -> Mutation:
    def mutate(body: dict[str, Any]) -> Body:
        _set(body, changes)
        return body

    return mutate


def line(**changes: Any) -> Mutation:
    def mutate(body: dict[str, Any]) -> Body:
        _set(body["lines"][0], changes)
        return body

    return mutate


def counterparty(**changes: Any) -> Mutation:
    def mutate(body: dict[str, Any]) -> Body:
        _set(body["counterparty"], changes)
        return body

    return mutate


def whole(replacement: Any) -> Mutation:
    return lambda _body: replacement


def many_lines(count: int) -> Mutation:
    def mutate(body: dict[str, Any]) -> Body:
        body["lines"] = body["lines"] * count
        return body

    return mutate


INVALID_APPLICATIONS = [
    # unknown or malformed codes
    pytest.param(top(purpose_code="X"), id="purpose-unknown"),
    pytest.param(top(purpose_code="ZZ"), id="purpose-too-long"),
    pytest.param(top(purpose_code=""), id="purpose-empty"),
    pytest.param(top(document_type="X"), id="document-type-X"),
    pytest.param(top(document_type="export"), id="document-type-word"),
    pytest.param(counterparty(country="QQ"), id="country-unknown"),
    pytest.param(counterparty(country="FRA"), id="country-alpha3"),
    pytest.param(counterparty(country=""), id="country-empty"),
    pytest.param(line(source_code="Z"), id="source-unknown"),
    pytest.param(line(source_code="WW"), id="source-too-long"),
    pytest.param(line(term_code="XYZ"), id="term-unknown"),
    pytest.param(line(term_code="LIVE"), id="term-too-long"),
    pytest.param(line(unit_code="ZZZ"), id="unit-unknown"),
    pytest.param(line(unit_code="KILO"), id="unit-too-long"),
    pytest.param(line(appendix="IV"), id="appendix-IV"),
    pytest.param(line(appendix="0"), id="appendix-0"),
    pytest.param(line(origin_country="QQ"), id="origin-country-unknown"),
    pytest.param(line(reexport_country="12"), id="reexport-country-digits"),
    # other_subtype: required for O, refused otherwise
    pytest.param(top(document_type="O"), id="O-without-subtype"),
    pytest.param(top(document_type="O", other_subtype="smuggling"), id="O-unknown-subtype"),
    pytest.param(top(other_subtype="origin"), id="E-with-subtype"),
    pytest.param(top(document_type="R", other_subtype=""), id="R-with-empty-subtype"),
    # missing fields
    pytest.param(top(lines=MISSING), id="missing-lines"),
    pytest.param(top(counterparty=MISSING), id="missing-counterparty"),
    pytest.param(top(purpose_code=MISSING), id="missing-purpose"),
    pytest.param(top(document_type=MISSING), id="missing-document-type"),
    pytest.param(counterparty(name=MISSING), id="missing-counterparty-name"),
    pytest.param(line(scientific_name=MISSING), id="missing-scientific-name"),
    pytest.param(line(quantity=MISSING), id="missing-quantity"),
    pytest.param(line(term_code=MISSING), id="missing-term"),
    pytest.param(line(source_code=MISSING), id="missing-source"),
    pytest.param(line(appendix=MISSING), id="missing-appendix"),
    pytest.param(top(lines=[]), id="lines-empty"),
    pytest.param(many_lines(27), id="lines-27"),
    # quantities
    pytest.param(line(quantity="0"), id="quantity-0"),
    pytest.param(line(quantity=0), id="quantity-number-0"),
    pytest.param(line(quantity="-1"), id="quantity-negative"),
    pytest.param(line(quantity="abc"), id="quantity-abc"),
    pytest.param(line(quantity=""), id="quantity-empty"),
    pytest.param(line(quantity="1.2345"), id="quantity-4-decimals"),
    pytest.param(line(quantity="1234567890123456.123"), id="quantity-19-digits"),
    pytest.param(line(quantity="NaN"), id="quantity-nan"),
    pytest.param(line(quantity="Infinity"), id="quantity-infinity"),
    pytest.param(line(quantity="1e400"), id="quantity-huge"),
    pytest.param(line(quantity=None), id="quantity-null"),
    # species names: a taxon name, not free text
    pytest.param(line(scientific_name="python regius"), id="species-lowercase-genus"),
    pytest.param(line(scientific_name="Python Regius"), id="species-capital-epithet"),
    pytest.param(line(scientific_name="PYTHON REGIUS"), id="species-upper-case"),
    pytest.param(line(scientific_name="Python regius L. 1758"), id="species-with-author"),
    pytest.param(line(scientific_name="Python regius (Linnaeus, 1758)"), id="species-author-y"),
    pytest.param(line(scientific_name="P. regius"), id="species-abbreviated"),
    pytest.param(line(scientific_name="Python_regius"), id="species-underscore"),
    pytest.param(line(scientific_name="123"), id="species-digits"),
    pytest.param(line(scientific_name=""), id="species-empty"),
    pytest.param(line(scientific_name="   "), id="species-blank"),
    pytest.param(line(scientific_name="Python regius " + "x" * 200), id="species-too-long"),
    # unknown fields (extra="forbid" at every level)
    pytest.param(top(status="issued"), id="extra-status"),
    pytest.param(top(organisation_id=2), id="extra-organisation"),
    pytest.param(line(letter="Z"), id="extra-line-letter"),
    pytest.param(counterparty(email="a@example.org"), id="extra-counterparty-email"),
    # wrong types
    pytest.param(top(lines={}), id="lines-object"),
    pytest.param(top(lines="A"), id="lines-string"),
    pytest.param(top(lines=["A"]), id="line-string"),
    pytest.param(top(counterparty="Jardin des Plantes, Paris"), id="counterparty-string"),
    pytest.param(top(document_type=1), id="document-type-number"),
    pytest.param(top(purpose_code=None), id="purpose-null"),
    pytest.param(top(special_conditions=5), id="special-conditions-number"),
    pytest.param(line(quantity=[2]), id="quantity-list"),
    pytest.param(line(common_name=3), id="common-name-number"),
    pytest.param(line(origin_permit_date="yesterday"), id="date-word"),
    pytest.param(line(origin_permit_date="2024-02-30"), id="date-impossible"),
    pytest.param(whole([]), id="body-array"),
    pytest.param(whole("an application"), id="body-string"),
    pytest.param(whole(None), id="body-null"),
    # too long
    pytest.param(line(common_name="x" * 201), id="common-name-too-long"),
    pytest.param(top(special_conditions="x" * 4001), id="special-conditions-too-long"),
    pytest.param(counterparty(name="x" * 201), id="counterparty-name-too-long"),
    pytest.param(line(origin_permit_number="x" * 36), id="permit-number-too-long"),
]


@pytest.fixture(params=["create", "edit"])
def application_write(request: pytest.FixtureRequest, world: World) -> Callable[[Any], Any]:
    """Sends an application body the way a trader creates (POST) or edits (PUT) one."""
    if request.param == "create":
        return lambda body: world.client.post(APPLICATIONS, headers=world.trader, json=body)
    return lambda body: world.client.put(
        f"{APPLICATIONS}/{world.draft_id}", headers=world.trader, json=body
    )


@pytest.mark.parametrize("mutation", INVALID_APPLICATIONS)
def test_invalid_application_body(
    world: World, application_write: Callable[[Any], Any], mutation: Mutation
) -> None:
    body = mutation(application_body())
    with unchanged(world):
        response = application_write(body)
    details = assert_error(response, 422, "validation_error")["details"]
    assert details
    assert all({"loc", "type", "message"} <= set(d) for d in details)


def test_unknown_code_names_field_and_list(world: World) -> None:
    with unchanged(world):
        response = world.client.post(
            APPLICATIONS, headers=world.trader, json=line(source_code="Z")(application_body())
        )
    [detail] = assert_error(response, 422, "validation_error")["details"]
    assert detail["loc"] == ["body", "lines", 0, "source_code"]
    assert "source" in detail["message"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"document_type": "E",', "application/json", 400, "malformed_json"),
        (b"{'document_type': 'E'}", "application/json", 400, "malformed_json"),
        (b'{"document_type": "E",}', "application/json", 400, "malformed_json"),
        (b'{"document_type": "E"} trailing', "application/json", 400, "malformed_json"),
        (b"<application/>", "application/json", 400, "malformed_json"),
        (b'{"document_type": "\xff"}', "application/json", 400, "malformed_json"),
        (b"", "application/json", 422, "validation_error"),
        (json.dumps(application_body()).encode(), "text/plain", 422, "validation_error"),
        (b"document_type=E", "application/x-www-form-urlencoded", 422, "validation_error"),
    ],
    ids=[
        "truncated",
        "single-quotes",
        "trailing-comma",
        "trailing-text",
        "xml",
        "not-utf8",
        "empty",
        "text-plain",
        "form",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_malformed_body(
    world: World, method: str, content: bytes, content_type: str, status: int, code: str
) -> None:
    url = APPLICATIONS if method == "POST" else f"{APPLICATIONS}/{world.draft_id}"
    with unchanged(world):
        response = world.client.request(
            method,
            url,
            headers={**world.trader, "Content-Type": content_type},
            content=content,
        )
    assert_error(response, status, code)


# --- oversized bodies ------------------------------------------------------------------


def _oversized() -> bytes:
    """A well-formed application whose JSON is just over the limit."""
    body = application_body(special_conditions="x" * MAX_BODY_BYTES)
    content = json.dumps(body).encode()
    assert MAX_BODY_BYTES < len(content) < MAX_BODY_BYTES + 1024
    return content


def _chunks(content: bytes, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


@pytest.mark.parametrize(
    ("path", "role"),
    [(APPLICATIONS, "trader"), ("/api/v1/organisations", "admin"), ("/api/v1/auth/token", None)],
)
@pytest.mark.parametrize("length", ["declared", "absent", "lying"])
def test_oversized_body(world: World, path: str, role: str | None, length: str) -> None:
    content = _oversized()
    headers = {"Content-Type": "application/json"}
    if role is not None:
        headers.update(getattr(world, role))
    sent: bytes | Iterator[bytes] = content
    if length == "absent":  # streamed in chunks: the limit is counted as the body arrives
        sent = _chunks(content)
    elif length == "lying":  # claims 10 bytes, sends 64 KiB and more
        headers["Content-Length"] = "10"
    with unchanged(world):
        response = world.client.post(path, headers=headers, content=sent)
    body = assert_error(response, 413, "body_too_large")
    assert body["details"] == {"max_body_bytes": MAX_BODY_BYTES}


# --- the other write endpoints ---------------------------------------------------------

VALID_USER = {
    "username": "new.officer",
    "full_name": "New Officer",
    "role": "officer",
    "password": "correct-horse-battery",
    "organisation_id": None,
}
VALID_ORGANISATION = {"name": "Zoo Basel", "address": "Binningerstrasse 40", "country": "CH"}


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


# (method, path with {placeholders} from World, role, JSON body)
INVALID_WRITES = [
    # users (admin)
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "role": "king"}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "username": "ab"}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "username": "new officer"}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "username": "x" * 81}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "password": "short"}),
    ("POST", "/api/v1/users", "admin", _without(VALID_USER, "full_name")),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "organisation_id": "abc"}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "organisation_id": 0}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "organisation_id": 2**63}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "is_admin": True}),
    # organisations (admin)
    ("POST", "/api/v1/organisations", "admin", {**VALID_ORGANISATION, "country": "QQ"}),
    ("POST", "/api/v1/organisations", "admin", {**VALID_ORGANISATION, "country": "CHE"}),
    ("POST", "/api/v1/organisations", "admin", {**VALID_ORGANISATION, "name": ""}),
    ("POST", "/api/v1/organisations", "admin", _without(VALID_ORGANISATION, "address")),
    ("POST", "/api/v1/organisations", "admin", {**VALID_ORGANISATION, "vat": "CHE-1"}),
    # API keys (admin)
    ("POST", "/api/v1/api-keys", "admin", {"user_id": "abc", "name": "customs"}),
    ("POST", "/api/v1/api-keys", "admin", {"user_id": 0, "name": "customs"}),
    ("POST", "/api/v1/api-keys", "admin", {"user_id": "{trader_user_id}", "name": ""}),
    # log in
    ("POST", "/api/v1/auth/token", None, {"username": "admin"}),
    ("POST", "/api/v1/auth/token", None, {"username": "", "password": "x"}),
    ("POST", "/api/v1/auth/token", None, {"username": ["admin"], "password": "x"}),
    # refuse, return (officer): reasons must say something
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", {"reason": "no"}),
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", {"reason": ""}),
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", {}),
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", {"reason": 42}),
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", None),
    (
        "POST",
        "/api/v1/applications/{submitted_id}/refuse",
        "officer",
        {"reason": "CITES Appendix I", "status": "approved"},
    ),
    ("POST", "/api/v1/applications/{submitted_id}/refuse", "officer", {"reason": "x" * 4001}),
    ("POST", "/api/v1/applications/{submitted_id}/return", "officer", {"comment": "ok"}),
    ("POST", "/api/v1/applications/{submitted_id}/return", "officer", {"reason": "add units"}),
    # issue (officer)
    ("POST", "/api/v1/applications/{approved_id}/issue", "officer", {"valid_until": "soon"}),
    ("POST", "/api/v1/applications/{approved_id}/issue", "officer", {"number": "26CH000009"}),
    # cancel, replace a permit (officer)
    ("POST", "/api/v1/permits/{permit_id}/cancel", "officer", {"reason": "x"}),
    ("POST", "/api/v1/permits/{permit_id}/cancel", "officer", None),
    ("POST", "/api/v1/permits/{permit_id}/replace", "officer", {"reason": "ab"}),
    (
        "POST",
        "/api/v1/permits/{permit_id}/replace",
        "officer",
        {"reason": "lost in transit", "valid_until": "next week"},
    ),
]


def _fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return getattr(world, value[1:-1])
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _write_id(case: tuple[str, str, str | None, Any]) -> str:
    method, path, _role, body = case
    keys = ",".join(sorted(body)) if isinstance(body, dict) else repr(body)
    return f"{method} {path.removeprefix('/api/v1')} [{keys}]"


@pytest.mark.parametrize(
    ("method", "path", "role", "body"),
    INVALID_WRITES,
    ids=[f"{i:02d}-{_write_id(case)}" for i, case in enumerate(INVALID_WRITES)],
)
def test_invalid_write(world: World, method: str, path: str, role: str | None, body: Any) -> None:
    headers = getattr(world, role) if role else {}
    url = path.format(**world.__dict__)
    with unchanged(world):
        response = world.client.request(method, url, headers=headers, json=_fill(body, world))
    assert_error(response, 422, "validation_error")


# --- ids in paths and query parameters -------------------------------------------------

TOO_BIG = str(2**63)  # beyond every backend's integer: refused before any query


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("GET", "/api/v1/applications/abc", "trader"),
        ("GET", "/api/v1/applications/1.5", "trader"),
        ("GET", "/api/v1/applications/0", "officer"),
        ("GET", "/api/v1/applications/-1", "officer"),
        ("GET", f"/api/v1/applications/{TOO_BIG}", "officer"),
        ("PUT", "/api/v1/applications/abc", "trader"),
        ("PUT", f"/api/v1/applications/{TOO_BIG}", "trader"),
        ("POST", "/api/v1/applications/abc/submit", "trader"),
        ("POST", "/api/v1/applications/abc/withdraw", "trader"),
        ("POST", "/api/v1/applications/abc/approve", "officer"),
        ("POST", f"/api/v1/applications/{TOO_BIG}/approve", "officer"),
        ("POST", "/api/v1/applications/abc/refuse", "officer"),
        ("POST", "/api/v1/applications/abc/return", "officer"),
        ("POST", "/api/v1/applications/abc/issue", "officer"),
        ("GET", "/api/v1/permits/abc", "officer"),
        ("GET", f"/api/v1/permits/{TOO_BIG}", "officer"),
        ("POST", "/api/v1/permits/abc/cancel", "officer"),
        ("POST", "/api/v1/permits/1e3/replace", "officer"),
        ("POST", "/api/v1/users/abc/disable", "admin"),
        ("POST", f"/api/v1/users/{TOO_BIG}/disable", "admin"),
        ("POST", "/api/v1/api-keys/abc/revoke", "admin"),
    ],
)
def test_invalid_path_id(world: World, method: str, path: str, role: str) -> None:
    # a body that would be valid, so only the id is wrong
    bodies = {"refuse": {"reason": "a reason"}, "return": {"comment": "a comment"}}
    body: Any = application_body() if method == "PUT" else bodies.get(path.rsplit("/", 1)[-1])
    if path.endswith(("cancel", "replace")):
        body = {"reason": "a reason"}
    with unchanged(world):
        response = world.client.request(method, path, headers=getattr(world, role), json=body)
    [detail] = assert_error(response, 422, "validation_error")["details"]
    assert detail["loc"][0] == "path"


@pytest.mark.parametrize(
    ("path", "params", "role"),
    [
        (APPLICATIONS, {"limit": "0"}, "officer"),
        (APPLICATIONS, {"limit": "abc"}, "officer"),
        (APPLICATIONS, {"limit": "201"}, "officer"),
        (APPLICATIONS, {"offset": "-1"}, "officer"),
        (APPLICATIONS, {"sort": "applicant_name"}, "officer"),
        (APPLICATIONS, {"document_type": "X"}, "officer"),
        (APPLICATIONS, {"organisation_id": "abc"}, "officer"),
        (APPLICATIONS, {"organisation_id": TOO_BIG}, "officer"),
        (APPLICATIONS, {"submitted_from": "yesterday"}, "officer"),
        ("/api/v1/permits", {"document_type": "Z"}, "officer"),
        ("/api/v1/permits", {"organisation_id": "-5"}, "officer"),
        ("/api/v1/permits", {"number": "x" * 36}, "officer"),
        ("/api/v1/organisations", {"country": "CHE"}, "admin"),
        ("/api/v1/users", {"role": "king"}, "admin"),
        ("/api/v1/users", {"active": "perhaps"}, "admin"),
        ("/api/v1/api-keys", {"user_id": TOO_BIG}, "admin"),
        ("/api/v1/audit/events", {"object_type": "x" * 41}, "admin"),
    ],
)
def test_invalid_query(world: World, path: str, params: dict[str, str], role: str) -> None:
    with unchanged(world):
        response = world.client.get(path, headers=getattr(world, role), params=params)
    [detail] = assert_error(response, 422, "validation_error")["details"]
    assert detail["loc"][0] == "query"


# --- controls: the same requests with valid input are accepted -------------------------


def test_controls_valid_input_is_accepted(world: World) -> None:
    """The cases above fail because of their one bad part, not because of the set-up."""
    c = world.client
    before = snapshot(world.engine)
    created = c.post(APPLICATIONS, headers=world.trader, json=application_body())
    assert created.status_code == 201, created.text
    after = snapshot(world.engine)
    assert [name for name in before if before[name] != after[name]] == [
        "audit_chain_head",
        "audit_event",
        "application",
        "application_line",
    ]  # the snapshot sees a change where there is one
    edited = c.put(
        f"{APPLICATIONS}/{created.json()['id']}",
        headers=world.trader,
        json=line(quantity="1.5", unit_code="KGM")(application_body()),
    )
    assert edited.status_code == 200, edited.text
    assert c.post("/api/v1/users", headers=world.admin, json=VALID_USER).status_code == 201
    assert (
        c.post("/api/v1/organisations", headers=world.admin, json=VALID_ORGANISATION).status_code
        == 201
    )
    just_under = json.dumps(application_body(special_conditions="x" * 4000)).encode()
    accepted = c.post(
        APPLICATIONS,
        headers={**world.trader, "Content-Type": "application/json"},
        content=_chunks(just_under, 1000),
    )
    assert accepted.status_code == 201, accepted.text


# --- the NUL character: PostgreSQL cannot store it, SQLite would; refused on both ----------

NUL_BODIES = [
    ("POST", "/api/v1/auth/token", None, {"username": "ad\x00min", "password": "x"}),
    ("POST", "/api/v1/organisations", "admin", {**VALID_ORGANISATION, "name": "Zoo\x00Basel"}),
    ("POST", "/api/v1/users", "admin", {**VALID_USER, "full_name": "New\x00Officer"}),
    ("POST", APPLICATIONS, "trader", counterparty(name="Jardin\x00")(application_body())),
    ("POST", APPLICATIONS, "trader", line(marks="chip\x00 123")(application_body())),
    (
        "PUT",
        APPLICATIONS + "/{draft_id}",
        "trader",
        top(special_conditions="\x00")(application_body()),
    ),
    ("POST", APPLICATIONS + "/{submitted_id}/refuse", "officer", {"reason": "no\x00 way"}),
    ("POST", "/api/v1/permits/{permit_id}/cancel", "officer", {"reason": "\x00\x00\x00"}),
]


@pytest.mark.parametrize(
    ("method", "path", "role", "body"),
    NUL_BODIES,
    ids=[f"{i}-{_write_id(case)}" for i, case in enumerate(NUL_BODIES)],
)
def test_nul_character_in_body(
    world: World, method: str, path: str, role: str | None, body: Any
) -> None:
    headers = getattr(world, role) if role else {}
    url = path.format(**world.__dict__)
    with unchanged(world):
        response = world.client.request(method, url, headers=headers, json=body)
    details = assert_error(response, 422, "validation_error")["details"]
    assert any("NUL" in d["message"] for d in details), details


def test_nul_character_in_query(world: World, backend: str) -> None:
    """A search for text with a NUL finds nothing on SQLite; PostgreSQL refuses the value,
    which is bad input (422 ``invalid_value``), not a server error."""
    with unchanged(world):
        response = world.client.get(
            "/api/v1/permits", headers=world.officer, params={"number": "26CH\x00"}
        )
    if backend == "postgresql":
        assert_error(response, 422, "invalid_value")
    else:
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []
