"""The transitions table: (entity, state, action) -> (next state, roles allowed). Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.applications.schemas import ApplicationState
from app.core.actor import Role
from app.core.errors import InvalidTransition, PermissionDenied
from app.permits.schemas import PermitState

__all__ = ["TRANSITIONS", "Action", "ApplicationState", "Entity", "PermitState", "next_state"]


class Entity(StrEnum):
    APPLICATION = "application"
    PERMIT = "permit"


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REFUSE = "refuse"
    RETURN = "return"
    ISSUE = "issue"
    CANCEL = "cancel"
    REPLACE = "replace"
    EXPORT = "export"
    USE = "use"
    EXPIRE = "expire"


@dataclass(frozen=True)
class Transition:
    next_state: str
    roles: frozenset[Role | None]  # None: the service itself (scheduled jobs)


A, P = Entity.APPLICATION, Entity.PERMIT
S, PS = ApplicationState, PermitState
TRADER = frozenset({Role.TRADER})
OFFICER = frozenset({Role.OFFICER})
CUSTOMS = frozenset({Role.CUSTOMS})
SYSTEM = frozenset({None})
CUSTOMS_OR_PEER = frozenset({Role.CUSTOMS, None})  # None: the importing Party's report (EPIX)

TRANSITIONS: dict[tuple[Entity, str, Action], Transition] = {
    (A, S.DRAFT, Action.EDIT): Transition(S.DRAFT, TRADER),
    (A, S.RETURNED, Action.EDIT): Transition(S.RETURNED, TRADER),
    (A, S.DRAFT, Action.SUBMIT): Transition(S.SUBMITTED, TRADER),
    (A, S.RETURNED, Action.SUBMIT): Transition(S.SUBMITTED, TRADER),
    (A, S.DRAFT, Action.WITHDRAW): Transition(S.WITHDRAWN, TRADER),
    (A, S.SUBMITTED, Action.WITHDRAW): Transition(S.WITHDRAWN, TRADER),
    (A, S.RETURNED, Action.WITHDRAW): Transition(S.WITHDRAWN, TRADER),
    (A, S.SUBMITTED, Action.APPROVE): Transition(S.APPROVED, OFFICER),
    (A, S.SUBMITTED, Action.REFUSE): Transition(S.REFUSED, OFFICER),
    (A, S.SUBMITTED, Action.RETURN): Transition(S.RETURNED, OFFICER),
    (A, S.APPROVED, Action.ISSUE): Transition(S.ISSUED, OFFICER),
    (P, PS.VALID, Action.CANCEL): Transition(PS.CANCELLED, OFFICER),
    (P, PS.VALID, Action.REPLACE): Transition(PS.REPLACED, OFFICER),
    (P, PS.EXPIRED, Action.REPLACE): Transition(PS.REPLACED, OFFICER),
    (P, PS.VALID, Action.EXPORT): Transition(PS.EXPORTED, CUSTOMS),
    (P, PS.VALID, Action.USE): Transition(PS.USED, CUSTOMS_OR_PEER),
    (P, PS.EXPORTED, Action.USE): Transition(PS.USED, CUSTOMS_OR_PEER),
    (P, PS.VALID, Action.EXPIRE): Transition(PS.EXPIRED, SYSTEM),
}


def _a(entity: Entity) -> str:
    return f"{'an' if entity.value[0] in 'aeiou' else 'a'} {entity.value}"


def roles_for(entity: Entity, action: Action) -> frozenset[Role | None]:
    """Every role that may take this action in some state."""
    roles: set[Role | None] = set()
    for (ent, _state, act), transition in TRANSITIONS.items():
        if ent is entity and act is action:
            roles |= transition.roles
    return frozenset(roles)


def next_state(entity: Entity, state: str, action: Action, role: Role | None) -> str:
    """The state after ``action``; PermissionDenied if the role may never take it,
    InvalidTransition if the current state does not allow it."""
    if role not in roles_for(entity, action):
        raise PermissionDenied(
            f"role {role.value if role else 'system'} may not {action.value} {_a(entity)}",
            code="role_not_allowed",
            details={
                "entity": entity.value,
                "action": action.value,
                "role": role.value if role else None,
            },
        )
    transition = TRANSITIONS.get((entity, state, action))
    if transition is None or role not in transition.roles:
        allowed = sorted(
            act.value for (ent, st, act) in TRANSITIONS if ent is entity and st == state
        )
        raise InvalidTransition(
            f"cannot {action.value} {_a(entity)} that is {state}",
            details={
                "entity": entity.value,
                "state": state,
                "action": action.value,
                "allowed_actions": allowed,
            },
        )
    return transition.next_state
