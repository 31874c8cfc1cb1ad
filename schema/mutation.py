"""The Mutation root: each resolver is one call to :mod:`service.actions`
(the write, its audit entry) in a worker thread, then shapes the record it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from service import actions, followup, protection, writes

from .cases import CasesMutation
from .conference import ConferenceMutation
from .enums import NeedStatus, ReferralStatus
from .inbox import InboxMutation
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
from .types import Agreement, Household, Need, Organization, Referral, Region, Service, Volunteer


async def _do(info: Info, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The write ``op`` with its audit entry (see :func:`service.actions.perform`)."""
    ctx = info.context
    return await run_in_threadpool(actions.perform, ctx.store, ctx.principal, ctx.request_id,
                                   op, *args, **kwargs)


@strawberry.type
class Mutation(CasesMutation, ConferenceMutation, InboxMutation):
    @strawberry.mutation
    async def upsert_region(self, info: Info, input: RegionInput) -> Region:
        return Region.of(await _do(info, writes.upsert_region, **input.fields()))

    @strawberry.mutation
    async def register_organization(self, info: Info, input: OrganizationInput) -> Organization:
        return Organization.of(await _do(info, writes.register_organization, **input.fields()))

    @strawberry.mutation(description="Partners may register services only for their own organization.")
    async def register_service(self, info: Info, input: ServiceInput) -> Service:
        return Service.of(await _do(info, writes.register_service, **input.fields()))

    @strawberry.mutation
    async def retire_service(self, info: Info, id: strawberry.ID) -> Service:
        return Service.of(await _do(info, writes.retire_service, id))

    @strawberry.mutation
    async def sign_agreement(self, info: Info, input: AgreementInput) -> Agreement:
        return Agreement.of(await _do(info, writes.sign_agreement, **input.fields()))

    @strawberry.mutation
    async def register_volunteer(self, info: Info, input: VolunteerInput) -> Volunteer:
        return Volunteer.of(await _do(info, writes.register_volunteer, **input.fields()))

    @strawberry.mutation
    async def create_household(self, info: Info, input: HouseholdInput) -> Household:
        rec = await _do(info, writes.create_household, **input.fields())
        return await Household.load(info, rec.id)

    @strawberry.mutation
    async def add_need(self, info: Info, household_id: strawberry.ID, input: NeedInput) -> Need:
        return Need.of(await _do(info, writes.add_need, household_id, **input.fields()))

    @strawberry.mutation
    async def set_need_status(self, info: Info, id: strawberry.ID, status: NeedStatus) -> Need:
        return Need.of(await _do(info, writes.set_need_status, id, status))

    @strawberry.mutation(description="Record that the household already receives a service.")
    async def record_receipt(self, info: Info, household_id: strawberry.ID,
                             service_id: strawberry.ID) -> Household:
        rec = await _do(info, writes.record_receipt, household_id, service_id)
        return await Household.load(info, rec.id)

    @strawberry.mutation
    async def create_referral(self, info: Info, input: ReferralInput) -> Referral:
        ctx = info.context
        return Referral.of(await run_in_threadpool(actions.create_referral, ctx.store, ctx.principal,
                                                   ctx.request_id, **input.fields()))

    @strawberry.mutation(description="Moves a referral along PROPOSED → SENT → ACCEPTED → DELIVERED → CLOSED "
                         "(or DECLINED); other moves are BAD_USER_INPUT. reason: why it is DECLINED "
                         "(required then); note: the outcome, with DELIVERED or CLOSED.")
    async def update_referral(self, info: Info, id: strawberry.ID, status: ReferralStatus,
                              reason: str | None = None, note: str | None = None) -> Referral:
        ctx = info.context
        return Referral.of(await run_in_threadpool(actions.update_referral, ctx.store, ctx.principal,
                                                   ctx.request_id, ctx.settings, id, status, reason, note))

    @strawberry.mutation(description="Case workers and coordinators: the day to check with the household "
                         "again (null clears it). DELIVERED referrals get one follow_up_days after "
                         "delivery.")
    async def set_follow_up(self, info: Info, referral_id: strawberry.ID, on: dt.date | None) -> Referral:
        return Referral.of(await _do(info, followup.set_follow_up, referral_id, on))

    @strawberry.mutation(description="Coordinators: remove a closed household's personal fields and free "
                         "text (needs' detail, incomePercent; size banded), keeping what reports count. "
                         "See docs/protection.md.")
    async def anonymize_household(self, info: Info, id: strawberry.ID) -> Household:
        rec = await _do(info, protection.anonymize_household, id)
        return await Household.load(info, rec.id)
