"""Who is calling the API: a role plus the organization/region it is bound to.

A ``Principal`` is built once per request (by ``service.tokens.authenticate``) and
put in the GraphQL context; permission checks read it and never the raw token.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(str, enum.Enum):
    """The four kinds of caller the API knows."""

    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    PARTNER = "partner"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """An authenticated (or anonymous) caller.

    ``organization_id`` is set for partners, ``region_id`` for case workers;
    ``token_id`` identifies the token used (None for anonymous callers);
    ``staff_id``/``staff_name`` the person the token belongs to, when it names
    one (``service.staff``): the audit trail and histories name them.
    """

    role: Role
    organization_id: str | None = None
    region_id: str | None = None
    token_id: str | None = None
    staff_id: str | None = None
    staff_name: str | None = None

    @classmethod
    def anonymous(cls) -> Principal:
        """The caller without a token: may read only the directory."""
        return cls(role=Role.ANONYMOUS)

    @classmethod
    def local(cls) -> Principal:
        """The operator of the CLI, who runs on the database file itself: a
        coordinator's view, noted as ``cli`` in the audit trail."""
        return cls(role=Role.COORDINATOR, token_id="cli")
