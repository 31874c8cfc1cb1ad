"""The Mutation root: each resolver is one call to :mod:`schema.ops.writes`
(one unit of work) in a worker thread, then shapes the record it returns."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from graph.model import camel

from . import access
from .enums import NeedStatus, ReferralStatus
from .inputs import (
    AgreementInput,
    HouseholdInput,
    NeedInput,
    OrganizationInput,
    ReferralInput,
    RegionInput,
    ServiceInput,
    VolunteerInput,
)
from .ops import audit, followup, protection, writes
from .run import blocking
from .types import Agreement, Household, Need, Organization, Referral, Region, Service, Volunteer


async def _do(info: Info, op, *args, **kwargs):
    """Run the write, then note it in the audit trail (see schema.ops.audit)."""
    ctx = info.context
    rec = await blocking(op, ctx.store, ctx.principal, *args, **kwargs)
    detail = {"status": rec.status.value} if hasattr(rec, "status") else {}
    if op is writes.record_receipt:
        detail = {"serviceId": args[1]}
    elif op is followup.set_follow_up:
        detail = {"followUpOn": args[1].isoformat() if args[1] else None}
    await blocking(audit.record, ctx.store, ctx.principal, camel(op.__name__), rec.LABEL, [rec.key],
                   ctx.request_id, detail)
    return rec


async def _note_moves(info: Info, referral_id: str, moves: list) -> None:
    ctx = info.context
    for old, new, at in moves:
        await blocking(audit.record_move, ctx.store, ctx.principal, referral_id, old, new, ctx.request_id, at)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def upsert_region(self, info: Info, input: RegionInput) -> Region:
        return Region(rec=await _do(info, writes.upsert_region, **input.fields()))

    @strawberry.mutation
    async def register_organization(self, info: Info, input: OrganizationInput) -> Organization:
        return Organization(rec=await _do(info, writes.register_organization, **input.fields()))

    @strawberry.mutation(description="Partners may register services only for their own organization.")
    async def register_service(self, info: Info, input: ServiceInput) -> Service:
        return Service(rec=await _do(info, writes.register_service, **input.fields()))

    @strawberry.mutation
    async def retire_service(self, info: Info, id: strawberry.ID) -> Service:
        return Service(rec=await _do(info, writes.retire_service, id))

    @strawberry.mutation
    async def sign_agreement(self, info: Info, input: AgreementInput) -> Agreement:
        return Agreement(rec=await _do(info, writes.sign_agreement, **input.fields()))

    @strawberry.mutation
    async def register_volunteer(self, info: Info, input: VolunteerInput) -> Volunteer:
        return Volunteer(rec=await _do(info, writes.register_volunteer, **input.fields()))

    @strawberry.mutation
    async def create_household(self, info: Info, input: HouseholdInput) -> Household:
        rec = await _do(info, writes.create_household, **input.fields())
        return await access.household(info, rec.id)

    @strawberry.mutation
    async def add_need(self, info: Info, household_id: strawberry.ID, input: NeedInput) -> Need:
        return Need(rec=await _do(info, writes.add_need, household_id, **input.fields()))

    @strawberry.mutation
    async def set_need_status(self, info: Info, id: strawberry.ID, status: NeedStatus) -> Need:
        return Need(rec=await _do(info, writes.set_need_status, id, status))

    @strawberry.mutation(description="Record that the household already receives a service.")
    async def record_receipt(self, info: Info, household_id: strawberry.ID, service_id: strawberry.ID) -> Household:
        rec = await _do(info, writes.record_receipt, household_id, service_id)
        return await access.household(info, rec.id)

    @strawberry.mutation
    async def create_referral(self, info: Info, input: ReferralInput) -> Referral:
        rec = await _do(info, writes.create_referral, **input.fields())
        if not await blocking(audit.referral_history, info.context.store, rec.id):  # new, not a repeat
            await _note_moves(info, rec.id, [(None, rec.status.value, rec.created_at)])
        return Referral(rec=rec)

    @strawberry.mutation(description="Moves a referral along PROPOSED → SENT → ACCEPTED → DELIVERED → CLOSED "
                         "(or DECLINED); other moves are BAD_USER_INPUT.")
    async def update_referral(self, info: Info, id: strawberry.ID, status: ReferralStatus) -> Referral:
        moves: list = []
        rec = await _do(info, writes.update_referral, id, status, moves=moves)
        await _note_moves(info, rec.id, moves)
        if moves:
            await blocking(followup.after_delivery, info.context.store, info.context.principal, rec,
                           info.context.settings.follow_up_days)
        return Referral(rec=rec)

    @strawberry.mutation(description="Case workers and coordinators: the day to check with the household again "
                         "(null clears it). DELIVERED referrals get one follow_up_days after delivery.")
    async def set_follow_up(self, info: Info, referral_id: strawberry.ID, on: dt.date | None) -> Referral:
        return Referral(rec=await _do(info, followup.set_follow_up, referral_id, on))

    @strawberry.mutation(description="Coordinators: remove a closed household's personal fields and free text "
                         "(needs' detail, incomePercent; size banded), keeping what reports count. See docs/protection.md.")
    async def anonymize_household(self, info: Info, id: strawberry.ID) -> Household:
        rec = await _do(info, protection.anonymize_household, id)
        return await access.household(info, rec.id)
