"""GraphQL types of staff and of a case's history (issue 18: people, the case).

Kept apart from :mod:`schema.types` so that both it (``Household.caseManager``,
``Household.caseHistory``) and :mod:`schema.cases` (the operations) can use
them without importing each other."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from graph.model import CaseStatus
from service import staff as staff_service
from service.principal import Role

strawberry.enum(CaseStatus, name="CaseStatus",
                description="Where a case stands: OPEN → IN_CONFERENCE → MONITORING → CLOSED, and REOPENED "
                "(docs/cases.md).")


@strawberry.enum(name="StaffRole")
class StaffRole(str, enum.Enum):
    COORDINATOR = "COORDINATOR"
    CASEWORKER = "CASEWORKER"
    PARTNER = "PARTNER"


@strawberry.enum(name="CloseReason", description="Why a case was closed.")
class CloseReason(str, enum.Enum):
    RESOLVED = "RESOLVED"
    MOVED = "MOVED"
    REFUSED = "REFUSED"
    DECEASED = "DECEASED"
    OTHER = "OTHER"


@strawberry.type(description="A person who works with Dolbom: a coordinator, a case worker (of a region) "
                 "or a partner's staff (of an organization). Tokens may belong to one.")
class Staff:
    id: strawberry.ID
    name: str
    role: StaffRole
    organization_id: strawberry.ID | None
    region_id: strawberry.ID | None
    active: bool
    created_at: str
    disabled_at: str | None

    @classmethod
    def of(cls, s: staff_service.Staff) -> Staff:
        return cls(id=strawberry.ID(s.id), name=s.name, role=StaffRole(s.role.value.upper()),
                   organization_id=_id(s.organization_id), region_id=_id(s.region_id), active=s.active,
                   created_at=s.created_at, disabled_at=s.disabled_at)


def _id(value: str | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(value)


def staff_role(role: StaffRole | None) -> Role | None:
    return None if role is None else Role(role.value.lower())


@strawberry.type(description="One thing that happened to a case: a status move, a reclassification "
                 "(urgency), a new lead case manager or review date; who (token and person), when, why.")
class CaseEvent:
    at: str
    kind: str = strawberry.field(description="status, urgency, manager or review.")
    from_value: str | None = strawberry.field(name="from")
    to_value: str | None = strawberry.field(name="to")
    reason: str | None
    note: str | None
    actor: str | None = strawberry.field(description="The short id of the token used.")
    staff_id: strawberry.ID | None = strawberry.field(description="The person the token belongs to, if any.")
    staff_name: str | None
    role: str

    @classmethod
    def of(cls, d: dict[str, Any]) -> CaseEvent:
        return cls(at=d["at"], kind=d.get("kind", ""), from_value=d.get("from"), to_value=d.get("to"),
                   reason=d.get("reason"), note=d.get("note"), actor=d.get("actor"),
                   staff_id=d.get("staffId"), staff_name=d.get("staffName"), role=d.get("role", ""))
