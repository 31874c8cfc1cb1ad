"""GraphQL operations of staff and the case (issue 18, parts 1 and 2): ``staff``,
``households``; ``addStaff``, ``disableStaff``, ``updateHousehold``,
``updateNeed``, ``assignCaseManager``, ``setCaseStatus``, ``closeCase``,
``reopenCase``. The rules live in :mod:`service.staff` and :mod:`service.cases`;
every write goes through :func:`service.actions.perform` (the write and its audit
entry) or, for staff (side records, not graph records), the service's audited call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from service import actions, cases
from service import staff as staff_service

from .enums import Domain, HouseholdTrait, Urgency
from .inputs import _tags
from .staff_types import CaseStatus, CloseReason, Staff, StaffRole, staff_role
from .types import Household, Need, PageInfo


async def _do(info: Info, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    ctx = info.context
    return await run_in_threadpool(actions.perform, ctx.store, ctx.principal, ctx.request_id,
                                   op, *args, **kwargs)


@strawberry.input(description="A new staff member. Partners belong to an organization, case workers to a "
                  "region (their center's area), coordinators to neither.")
class StaffInput:
    name: str
    role: StaffRole
    id: strawberry.ID | None = strawberry.field(default=None, description="Generated when not given.")
    organization_id: strawberry.ID | None = None
    region_id: strawberry.ID | None = None


@strawberry.input(description="What changed about a household; fields not given stay as they are.")
class HouseholdUpdateInput:
    income_percent: int | None = None
    size: int | None = None
    urgency: Urgency | None = None
    reason: str | None = strawberry.field(
        default=None,
        description="Required when urgency changes: why (kept in the reclassification history).")
    traits: list[HouseholdTrait] | None = None
    review_on: dt.date | None = strawberry.field(default=None, description="The next review date.")


@strawberry.input(description="What changed about a need; fields not given stay as they are.")
class NeedUpdateInput:
    severity: int | None = None
    detail: str | None = strawberry.field(default=strawberry.UNSET, description="null clears it.")
    tags: list[str] | None = None
    domain: Domain | None = strawberry.field(
        default=None, description="Only while no referral names the need (CONFLICT otherwise).")


@strawberry.type
class HouseholdEdge:
    cursor: str
    node: Household


@strawberry.type
class HouseholdConnection:
    edges: list[HouseholdEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CasesQuery:
    @strawberry.field(description="Coordinators: every staff member; case workers: their region's. Filters: "
                      "role, region (its subtree), organization, active.")
    async def staff(self, info: Info, role: StaffRole | None = None, region_id: strawberry.ID | None = None,
                    organization_id: strawberry.ID | None = None, active: bool | None = None) -> list[Staff]:
        ctx = info.context
        rows = await run_in_threadpool(staff_service.list_staff, ctx.store, ctx.principal,
                                       role=staff_role(role), region_id=region_id,
                                       organization_id=organization_id, active=active)
        return [Staff.of(s) for s in rows]

    @strawberry.field(description="Households by id, a page at a time: coordinators any region, case workers "
                      "their own region's (the default); partners never. overdue: late on the response "
                      "deadline (true) or not (false) at asOf (default now). Every household listed is an "
                      "audited read.")
    async def households(self, info: Info, region_id: strawberry.ID | None = None,
                         status: CaseStatus | None = None, urgency: Urgency | None = None,
                         overdue: bool | None = None, case_manager_id: strawberry.ID | None = None,
                         first: int | None = 50, after: str | None = None,
                         as_of: str | None = None) -> HouseholdConnection:
        ctx = info.context
        page = await run_in_threadpool(
            cases.households_page, ctx.store, ctx.principal, ctx.settings, region_id=region_id, status=status,
            urgency=urgency, overdue=overdue, case_manager_id=case_manager_id,
            first=50 if first is None else first, after=after, as_of=as_of)
        edges = [HouseholdEdge(cursor=cases.encode_cursor(h.id), node=await Household.load(info, h.id))
                 for h in page.households]  # Household.load notes each for the read audit
        return HouseholdConnection(
            edges=edges, total_count=page.total,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type
class CasesMutation:
    @strawberry.mutation(description="Coordinators: a new staff member (tokens may then belong to them: "
                         "dolbom token create --staff ID).")
    async def add_staff(self, info: Info, input: StaffInput) -> Staff:
        ctx = info.context
        s = await run_in_threadpool(
            staff_service.add_staff_audited, ctx.store, ctx.principal, ctx.request_id, name=input.name,
            role=staff_role(input.role), organization_id=input.organization_id, region_id=input.region_id,
            staff_id=input.id)
        return Staff.of(s)

    @strawberry.mutation(description="Coordinators: disable a staff member; every token of theirs stops "
                         "working at once.")
    async def disable_staff(self, info: Info, id: strawberry.ID) -> Staff:
        ctx = info.context
        return Staff.of(await run_in_threadpool(staff_service.disable_staff_audited, ctx.store, ctx.principal,
                                                ctx.request_id, id))

    @strawberry.mutation(description="Change a household's income, size, urgency (with a reason), traits or "
                         "review date.")
    async def update_household(self, info: Info, id: strawberry.ID, input: HouseholdUpdateInput) -> Household:
        rec = await _do(info, cases.update_household, id, income_percent=input.income_percent,
                        size=input.size, urgency=input.urgency, reason=input.reason,
                        traits=None if input.traits is None else list(input.traits),
                        review_on=input.review_on)
        return await Household.load(info, rec.id, "id")

    @strawberry.mutation(description="Change a need's severity, detail, tags or (while no referral names it) "
                         "domain.")
    async def update_need(self, info: Info, id: strawberry.ID, input: NeedUpdateInput) -> Need:
        kwargs: dict[str, Any] = {"severity": input.severity, "domain": input.domain,
                                  "tags": None if input.tags is None else _tags(input.tags)}
        if input.detail is not strawberry.UNSET:
            kwargs["detail"] = input.detail
        return Need.of(await _do(info, cases.update_need, id, **kwargs))

    @strawberry.mutation(description="The household's lead case manager (a staff id; null clears it), and "
                         "optionally the next review date.")
    async def assign_case_manager(self, info: Info, household_id: strawberry.ID,
                                  staff_id: strawberry.ID | None,
                                  review_on: dt.date | None = None) -> Household:
        rec = await _do(info, cases.assign_case_manager, household_id, staff_id, review_on)
        return await Household.load(info, rec.id)

    @strawberry.mutation(description="Move a case to IN_CONFERENCE or MONITORING (closeCase and reopenCase "
                         "do the rest).")
    async def set_case_status(self, info: Info, household_id: strawberry.ID, status: CaseStatus,
                              reason: str | None = None) -> Household:
        rec = await _do(info, cases.set_case_status, household_id, status, reason=reason)
        return await Household.load(info, rec.id)

    @strawberry.mutation(description="Close a case with a reason (OTHER needs a note).")
    async def close_case(self, info: Info, household_id: strawberry.ID, reason: CloseReason,
                         note: str | None = None) -> Household:
        rec = await _do(info, cases.close_case, household_id, reason.value, note)
        return await Household.load(info, rec.id)

    @strawberry.mutation(description="Reopen a CLOSED case; the reason is required.")
    async def reopen_case(self, info: Info, household_id: strawberry.ID, reason: str) -> Household:
        rec = await _do(info, cases.reopen_case, household_id, reason)
        return await Household.load(info, rec.id)
