"""Who is acting: passed explicitly to every use case and written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    TRADER = "trader"
    OFFICER = "officer"
    CUSTOMS = "customs"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None
    organisation_id: int | None = None
    remote_addr: str | None = None
    full_name: str | None = None  # as printed on documents the actor signs for

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The service itself (CLI, scheduled jobs)."""
        return cls(user_id=None, username=name, role=None)
