"""The partner inbox, consent, capacity report and directory updates (issue 18; docs/inbox.md).

``InboxQuery`` and ``InboxMutation`` are merged into the root types by inheritance
(schema/query.py, schema/mutation.py). Each resolver calls one service function in a
worker thread; mutations go through :mod:`service.actions` for their audit entry.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from service import actions, capacity, inbox, writes

from .consent_types import Consent, ConsentOverride
from .enums import ReferralStatus
from .inputs import ConsentInput, ConsentOverrideInput, ServiceUpdateInput
from .types import PageInfo, Referral, Service


@strawberry.type
class ReferralEdge:
    cursor: str
    node: Referral


@strawberry.type
class ReferralConnection:
    edges: list[ReferralEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="One line of the capacity report: used, left and when the count starts again.")
class CapacityLine:
    kind: str = strawberry.field(description="Service, Agreement or Volunteer.")
    id: strawberry.ID
    name: str
    organization_id: strawberry.ID | None
    limit: int | None = strawberry.field(description="Places, the annual quota, or hours a week.")
    period: str = strawberry.field(description="NOW (places held), WEEK, MONTH, YEAR, AGREEMENT_YEAR or "
                                   "HOURS_PER_WEEK.")
    used: int
    left: int | None
    next_reset: dt.date | None = strawberry.field(description="The day the count starts again from zero "
                                                  "(null: it does not; places come back when referrals end).")


@strawberry.type
class InboxQuery:
    @strawberry.field(description="The referral inbox, by id: a partner's organization's services, a case "
                      "worker's region, all for coordinators. since: created or moved at or after this time.")
    async def referrals(self, info: Info, status: ReferralStatus | None = None,
                        service_id: strawberry.ID | None = None, since: str | None = None,
                        first: int | None = 50, after: str | None = None) -> ReferralConnection:
        ctx = info.context
        page = await run_in_threadpool(inbox.referrals_page, ctx.store, ctx.principal, status=status,
                                       service_id=service_id, since=since,
                                       first=50 if first is None else first, after=after,
                                       max_first=ctx.settings.max_first)
        # each referral shown is a read of its household (the partner's view too): audited
        ctx.households_read.update(r.household_id for r in page.referrals)
        edges = [ReferralEdge(cursor=inbox.encode_cursor(r.id), node=Referral.of(r)) for r in page.referrals]
        return ReferralConnection(edges=edges, total_count=page.total, page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="Used, left and next reset of limited services, MOU quotas (per agreement "
                      "year) and volunteers' hours; a partner sees its own organization's.")
    async def capacity_report(self, info: Info, as_of: dt.date | None = None) -> list[CapacityLine]:
        ctx = info.context
        rows = await run_in_threadpool(capacity.report, ctx.store, ctx.principal, as_of)
        return [CapacityLine(kind=r.kind, id=strawberry.ID(r.id), name=r.name,
                             organization_id=strawberry.ID(r.organization_id) if r.organization_id else None,
                             limit=r.limit, period=r.period, used=r.used, left=r.left,
                             next_reset=r.next_reset)
                for r in rows]


@strawberry.type
class InboxMutation:
    @strawberry.mutation(description="Case workers of the household's region and coordinators: record its "
                         "consent to share with partners.")
    async def record_consent(self, info: Info, household_id: strawberry.ID, input: ConsentInput) -> Consent:
        ctx = info.context
        c = await run_in_threadpool(actions.record_consent, ctx.store, ctx.principal, ctx.request_id,
                                    household_id, **input.fields())
        ctx.households_read.add(household_id)
        return Consent.of(c)

    @strawberry.mutation(description="Revoke a consent: partners it covered lose the household at once.")
    async def revoke_consent(self, info: Info, household_id: strawberry.ID,
                             consent_id: strawberry.ID) -> Consent:
        ctx = info.context
        c = await run_in_threadpool(actions.revoke_consent, ctx.store, ctx.principal, ctx.request_id,
                                    household_id, consent_id)
        ctx.households_read.add(household_id)
        return Consent.of(c)

    @strawberry.mutation(description="An emergency override: one organization may receive the household "
                         "without consent; reason and approver go to the audit trail.")
    async def override_consent(self, info: Info, household_id: strawberry.ID,
                               input: ConsentOverrideInput) -> ConsentOverride:
        ctx = info.context
        o = await run_in_threadpool(actions.override_consent, ctx.store, ctx.principal, ctx.request_id,
                                    household_id, **input.fields())
        return ConsentOverride.of(o)

    @strawberry.mutation(description="Change a service (coordinators; a partner its own organization's): "
                         "only the fields given. A capacity below the places taken is a CONFLICT.")
    async def update_service(self, info: Info, id: strawberry.ID, input: ServiceUpdateInput) -> Service:
        ctx = info.context
        changes = input.fields()
        rec = await run_in_threadpool(actions.perform, ctx.store, ctx.principal, ctx.request_id,
                                      writes.update_service, id, **changes)
        return Service.of(rec)
