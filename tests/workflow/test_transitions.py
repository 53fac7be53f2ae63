"""The transitions table, tested without a database: every (state, action, role) triple."""

from __future__ import annotations

import itertools

import pytest

from app.core.actor import Role
from app.core.errors import InvalidTransition, PermissionDenied
from app.workflow.transitions import (
    TRANSITIONS,
    Action,
    ApplicationState,
    Entity,
    PermitState,
    next_state,
)

A, P = Entity.APPLICATION, Entity.PERMIT
S, PS = ApplicationState, PermitState
T, OF, C = Role.TRADER, Role.OFFICER, Role.CUSTOMS

# The expected legal moves, written out independently of the table under test.
LEGAL: dict[tuple[Entity, str, Action, Role | None], str] = {
    (A, S.DRAFT, Action.EDIT, T): S.DRAFT,
    (A, S.RETURNED, Action.EDIT, T): S.RETURNED,
    (A, S.DRAFT, Action.SUBMIT, T): S.SUBMITTED,
    (A, S.RETURNED, Action.SUBMIT, T): S.SUBMITTED,
    (A, S.DRAFT, Action.WITHDRAW, T): S.WITHDRAWN,
    (A, S.SUBMITTED, Action.WITHDRAW, T): S.WITHDRAWN,
    (A, S.RETURNED, Action.WITHDRAW, T): S.WITHDRAWN,
    (A, S.SUBMITTED, Action.APPROVE, OF): S.APPROVED,
    (A, S.SUBMITTED, Action.REFUSE, OF): S.REFUSED,
    (A, S.SUBMITTED, Action.RETURN, OF): S.RETURNED,
    (A, S.APPROVED, Action.ISSUE, OF): S.ISSUED,
    (P, PS.VALID, Action.CANCEL, OF): PS.CANCELLED,
    (P, PS.VALID, Action.REPLACE, OF): PS.REPLACED,
    (P, PS.EXPIRED, Action.REPLACE, OF): PS.REPLACED,
    (P, PS.VALID, Action.EXPORT, C): PS.EXPORTED,
    (P, PS.VALID, Action.USE, C): PS.USED,
    (P, PS.VALID, Action.USE, None): PS.USED,  # the importing Party reports it (EPIX)
    (P, PS.EXPORTED, Action.USE, C): PS.USED,
    (P, PS.EXPORTED, Action.USE, None): PS.USED,
    (P, PS.VALID, Action.EXPIRE, None): PS.EXPIRED,
}

ROLES: list[Role | None] = [*Role, None]
STATES: dict[Entity, list[str]] = {A: list(ApplicationState), P: list(PermitState)}
ALL = [
    (entity, state, action, role)
    for entity in Entity
    for state, action, role in itertools.product(STATES[entity], Action, ROLES)
]


def test_table_is_exactly_the_expected_moves() -> None:
    assert {(e, s, a) for (e, s, a, _r) in LEGAL} == set(TRANSITIONS)


@pytest.mark.parametrize(("entity", "state", "action", "role"), ALL)
def test_every_state_action_role(
    entity: Entity, state: str, action: Action, role: Role | None
) -> None:
    expected = LEGAL.get((entity, state, action, role))
    if expected is not None:
        assert next_state(entity, state, action, role) == expected
        return
    role_ever_allowed = any(e is entity and a is action and r == role for (e, _s, a, r) in LEGAL)
    error = InvalidTransition if role_ever_allowed else PermissionDenied
    with pytest.raises(error) as raised:
        next_state(entity, state, action, role)
    assert raised.value.code in {"invalid_transition", "role_not_allowed"}


def test_terminal_states_allow_nothing() -> None:
    terminal = [
        (A, S.REFUSED),
        (A, S.WITHDRAWN),
        (A, S.ISSUED),
        (P, PS.CANCELLED),
        (P, PS.USED),
        (P, PS.REPLACED),
    ]
    for entity, state in terminal:
        assert not [key for key in TRANSITIONS if key[0] is entity and key[1] == state]


def test_invalid_transition_lists_allowed_actions() -> None:
    with pytest.raises(InvalidTransition) as raised:
        next_state(A, S.SUBMITTED, Action.ISSUE, OF)
    assert raised.value.details["allowed_actions"] == ["approve", "refuse", "return", "withdraw"]
    assert raised.value.message == "cannot issue an application that is submitted"
