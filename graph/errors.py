"""The one error family of the domain layer.

Every error raised on purpose below the API carries the name of the field it is
about (as the public contract spells it, e.g. ``incomePercent``), a message a
person can act on, and the GraphQL ``extensions.code`` the API layer will use.
"""

from __future__ import annotations


class DolbomError(Exception):
    """Base of every error the domain layer raises on purpose."""

    code = "INTERNAL"

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        #: (label, key) of the record the error is about, when known
        self.record: tuple[str, str] | None = None
        super().__init__(f"{field}: {message}" if field else message)


class ValidationError(DolbomError):
    """Input that breaks a rule of the model (BAD_USER_INPUT)."""

    code = "BAD_USER_INPUT"


class NotFoundError(ValidationError):
    """A referenced or requested id that does not exist (NOT_FOUND)."""

    code = "NOT_FOUND"


class ConflictError(ValidationError):
    """A write that clashes with what is stored (CONFLICT): e.g. deleting
    something still referenced, or a place on a full resource."""

    code = "CONFLICT"


class StoreError(DolbomError):
    """The store cannot be used: unreadable file, unknown schema version,
    unreachable server. Not the caller's input."""

    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class UnauthenticatedError(DolbomError):
    """No valid token: missing where one is needed, unknown, revoked or
    expired (UNAUTHENTICATED)."""

    code = "UNAUTHENTICATED"


class ForbiddenError(DolbomError):
    """A valid token whose role may not do this (FORBIDDEN)."""

    code = "FORBIDDEN"
