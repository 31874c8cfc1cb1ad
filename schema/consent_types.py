"""GraphQL types of a household's consent (:mod:`service.consent`): shown to staff only."""

from __future__ import annotations

import datetime as dt

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from service import consent as consent_service
from service.consent import ConsentMethod

from .enums import Domain

strawberry.enum(ConsentMethod, name="ConsentMethod",
                description="How consent was obtained: WRITTEN 서면, ORAL 구두, DIGITAL 전자, "
                "GUARDIAN 법정대리인.")


@strawberry.type(description="A household's consent to share its data with partners (docs/inbox.md).")
class Consent:
    id: strawberry.ID
    household_id: strawberry.ID
    domains: list[Domain] = strawberry.field(description="Needs of these domains may be shared (empty: any).")
    organization_ids: list[strawberry.ID] = strawberry.field(
        description="With these organizations only (empty: any non-public partner).")
    given_on: dt.date
    method: ConsentMethod
    note: str | None
    recorded_at: str
    recorded_by: str | None = strawberry.field(description="The token that recorded it.")
    recorded_by_staff: str | None = strawberry.field(description="The staff member who recorded it (if "
                                                     "known).")
    active: bool = strawberry.field(description="False once revoked.")
    revoked_on: dt.date | None
    revoked_at: str | None
    revoked_by: str | None
    revoked_by_staff: str | None

    @classmethod
    def of(cls, c: consent_service.Consent) -> Consent:
        return cls(id=strawberry.ID(c.id), household_id=strawberry.ID(c.household_id),
                   domains=list(c.domains),
                   organization_ids=[strawberry.ID(o) for o in c.organization_ids], given_on=c.given_on,
                   method=c.method, note=c.note, recorded_at=c.recorded_at, recorded_by=c.recorded_by,
                   recorded_by_staff=c.recorded_by_staff, active=c.active, revoked_on=c.revoked_on,
                   revoked_at=c.revoked_at, revoked_by=c.revoked_by, revoked_by_staff=c.revoked_by_staff)


@strawberry.type(description="An emergency override of consent: one organization may see the household "
                 "without it (recorded in the audit trail).")
class ConsentOverride:
    id: strawberry.ID
    household_id: strawberry.ID
    organization_id: strawberry.ID
    reason: str
    approved_by: str
    at: str

    @classmethod
    def of(cls, o: consent_service.Override) -> ConsentOverride:
        return cls(id=strawberry.ID(o.id), household_id=strawberry.ID(o.household_id),
                   organization_id=strawberry.ID(o.organization_id), reason=o.reason,
                   approved_by=o.approved_by, at=o.at)


async def household_consents(info: Info, household_id: str) -> list[Consent]:
    """The household's consents (the caller has full access to it: checked by the resolver)."""
    found = await run_in_threadpool(consent_service.consents, info.context.store, household_id)
    info.context.households_read.add(household_id)
    return [Consent.of(c) for c in found]
