"""Domain errors: each has a stable ``code``; app/api/errors.py maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a client may see. ``code`` is stable and documented."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details if details is not None else {}


class InvalidInput(DomainError, ValueError):
    """Also a ValueError, so a check used inside a Pydantic validator becomes a field error."""

    code = "invalid_input"
    status = 422


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PeerFailure(DomainError):
    """Another Party's system could not be reached or answered with something unusable."""

    code = "peer_failure"
    status = 502


class TooManyRequests(DomainError):
    """Refused for a while: the client may try again after ``retry_after_seconds`` (also in
    ``details``; HTTP says it in ``Retry-After``)."""

    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code, details={"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds
