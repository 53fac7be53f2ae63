"""Property-based exploration of the whole HTTP API from its own OpenAPI document: whatever
schemathesis generates (valid and invalid data, as admin, officer, trader or with generated
credentials), the service never answers 5xx, and every 4xx is the JSON error body with
``code`` and ``message``.

Bounded and reproducible: a fixed number of examples per operation and generation mode,
derandomized, no example database, no deadline. Runs on every backend."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.factories import Api, application_body

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 20  # per mode and backend, each sent as every role: ~1 min in all
ROLES = ("generated", "admin", "officer", "trader")  # generated: the credentials as fuzzed

APPLICATION_BODY_OPERATIONS = {
    "POST /api/v1/applications",
    "PUT /api/v1/applications/{application_id}",
}
DISABLE_USER = "POST /api/v1/users/{user_id}/disable"

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same examples on every run and in CI
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each call changes the database
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@dataclass(frozen=True)
class Seeded:
    """Rows that exist before the fuzzing starts, so path ids also reach real objects in
    each state (draft, submitted, returned, approved, issued; valid and cancelled permits)."""

    headers: dict[str, dict[str, str]]
    ids: dict[str, list[int]]


@pytest.fixture
def seeded(api: Api) -> Seeded:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")
    admin = api.login("admin")

    draft = c.post("/api/v1/applications", headers=trader, json=application_body())
    assert draft.status_code == 201, draft.text
    submitted = api.submitted_application(trader)
    returned = api.submitted_application(trader)
    assert (
        c.post(
            f"/api/v1/applications/{returned}/return",
            headers=officer,
            json={"comment": "state the units"},
        ).status_code
        == 200
    )
    approved = api.submitted_application(trader)
    assert c.post(f"/api/v1/applications/{approved}/approve", headers=officer).status_code == 200
    permit = api.issued_permit(trader, officer)
    cancelled = api.issued_permit(trader, officer)
    assert (
        c.post(
            f"/api/v1/permits/{cancelled['id']}/cancel",
            headers=officer,
            json={"reason": "not shipped"},
        ).status_code
        == 200
    )
    # a user of its own for the fuzzer to disable (and whose API key it may revoke)
    spare = api.user("customs")
    spare_id = c.get("/api/v1/auth/me", headers=spare).json()["id"]
    key = c.post("/api/v1/api-keys", headers=admin, json={"user_id": spare_id, "name": "fuzz"})
    assert key.status_code == 201, key.text
    return Seeded(
        headers={"admin": admin, "officer": officer, "trader": trader},
        ids={
            "application_id": [
                draft.json()["id"],
                submitted,
                returned,
                approved,
                permit["application_id"],
            ],
            "permit_id": [permit["id"], cancelled["id"]],
            "user_id": [spare_id],
            "key_id": [key.json()["id"]],
        },
    )


def _cases(operation: Any, mode: GenerationMode, seeded: Seeded) -> st.SearchStrategy[Any]:
    """Generated cases, and the same with the path id pinned to each seeded row. A valid
    application (CITES codes, a taxon name) is rarely generated, so one is also offered."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    if mode is GenerationMode.POSITIVE and operation.label in APPLICATION_BODY_OPERATIONS:
        strategies.append(operation.as_strategy(generation_mode=mode, body=application_body()))
    for parameter in operation.path_parameters:
        for value in seeded.ids.get(parameter.name, []):
            strategies.append(
                operation.as_strategy(generation_mode=mode, path_parameters={parameter.name: value})
            )
    return st.one_of(strategies)


def _check(response: Any, label: str) -> None:
    status = response.status_code
    assert status < 500, f"{label}: {status} {response.text[:500]}"
    content_type = response.headers.get("content-type", [""])[0]
    if status >= 400 and label.split(" as ")[0].split()[1].startswith("/epix/v1/messages"):
        # peers get a signed receipt, not the JSON error body (docs: the EPIX protocol)
        assert content_type.startswith("application/xml"), f"{label}: {status} not XML"
        assert b"REJECTED" in response.content, f"{label}: {status} {response.text[:300]}"
        return
    if status >= 400:
        assert content_type.startswith("application/json"), (
            f"{label}: {status} is not JSON: {response.text[:500]}"
        )
        body = json.loads(response.content)
        assert isinstance(body, dict), f"{label}: {status} {body!r}"
        assert {"code", "message"} <= body.keys(), f"{label}: {status} {body!r}"


def _explorer(operation: Any, mode: GenerationMode, seeded: Seeded, seen: Counter[int]) -> Any:
    """A Hypothesis test calling one operation with generated cases as each role."""

    @FUZZ_SETTINGS
    @given(case=_cases(operation, mode, seeded))
    def explore(case: Any) -> None:
        for role in ROLES:
            label = f"{case.method} {case.formatted_path} as {role}"
            try:
                response = case.call(headers=seeded.headers.get(role))
            except Exception as exc:  # raised out of the app: the client got a 500
                raise AssertionError(f"{label}: {type(exc).__name__}: {exc}") from exc
            seen[response.status_code] += 1
            _check(response, label)

    return explore


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error(app: Any, seeded: Seeded, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [operation for path in schema for operation in schema[path].values()]
    assert len(operations) >= 28
    # disabling users last: the generated ids may well name the fuzzer's own officer or trader
    operations.sort(key=lambda operation: operation.label == DISABLE_USER)
    failures: list[str] = []
    statuses: dict[str, Counter[int]] = {}

    for operation in operations:
        explore = _explorer(
            operation, mode, seeded, statuses.setdefault(operation.label, Counter())
        )
        try:
            explore()
        except Unsatisfiable:  # nothing in this operation can be made invalid
            assert mode is GenerationMode.NEGATIVE, operation.label
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}")

    print({label: dict(seen) for label, seen in statuses.items()})  # shown with -rP or on failure
    assert not failures, "\n\n".join(failures)
    if mode is GenerationMode.POSITIVE:
        # the roles' credentials work: the fuzzer gets past authentication to real answers
        answered = [label for label, seen in statuses.items() if any(s < 300 for s in seen)]
        assert len(answered) >= len(operations) // 2, statuses
