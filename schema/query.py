"""The Query root: thin resolvers that check, delegate and shape."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TypeVar

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from graph import model
from graph.errors import NotFoundError, ValidationError
from service import analysis, audit, deadlines, followup, reads
from service.permissions import require_token

from .audit_types import AuditConnection, AuditEdge, AuditEntry, AuditPageInfo, OverdueHousehold
from .cases import CasesQuery
from .conference import ConferenceQuery
from .coverage_answer import coverage_answer
from .enums import Domain, NodeKind
from .inbox import InboxQuery
from .loaders import read
from .network_analytics import NetworkAnalyticsQuery
from .overlaps import overlaps_answer
from .pool import on_request_thread, run_heavy
from .types import (
    Allocation,
    CoverageCell,
    Household,
    NetworkEdge,
    NetworkGraph,
    NetworkNode,
    Organization,
    OverlapGroup,
    PageInfo,
    Referral,
    Region,
    Service,
    ServiceConnection,
    ServiceEdge,
    ServicePackage,
)
from .viewer import ViewerQuery
from .whatif import WhatIfQuery

R = TypeVar("R", bound=model.Record)

async def _record(info: Info, kind: type[R], key: str, field: str = "id") -> R:
    """The record of this kind, or NOT_FOUND naming ``field``."""
    rec = await info.context.loaders.get(kind.LABEL, key)
    if not isinstance(rec, kind):
        raise NotFoundError(field, f"no {kind.LABEL} with id {key!r}")
    return rec


@strawberry.type
class Query(CasesQuery, ConferenceQuery, InboxQuery, WhatIfQuery, ViewerQuery, NetworkAnalyticsQuery):
    @strawberry.field
    async def region(self, info: Info, id: strawberry.ID) -> Region | None:
        return Region.of(await _record(info, model.Region, id))

    @strawberry.field
    async def organization(self, info: Info, id: strawberry.ID) -> Organization | None:
        return Organization.of(await _record(info, model.Organization, id))

    @strawberry.field
    async def service(self, info: Info, id: strawberry.ID) -> Service | None:
        return Service.of(await _record(info, model.Service, id))

    @strawberry.field
    async def services(self, info: Info, domain: Domain | None = None, region_id: strawberry.ID | None = None,
                       first: int | None = 50, after: str | None = None) -> ServiceConnection:
        ctx = info.context
        first = 50 if first is None else first
        page = await read(ctx.store, reads.services_page, domain=domain, region_id=region_id, first=first,
                          after=after, max_first=ctx.settings.max_first)
        edges = [ServiceEdge(cursor=reads.encode_cursor(s.id), node=Service.of(s)) for s in page.services]
        return ServiceConnection(
            edges=edges, total_count=page.total,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
        )

    @strawberry.field
    async def household(self, info: Info, id: strawberry.ID) -> Household | None:
        require_token(info.context.principal)
        return await Household.load(info, id, "id")

    @strawberry.field(description="Ranked coordinated packages covering the household's open needs.")
    async def match_packages(self, info: Info, household_id: strawberry.ID,
                             limit: int | None = 3) -> list[ServicePackage]:
        ctx = info.context
        answer = functools.partial(analysis.match_answer, ctx.store, ctx.principal, household_id,
                                   3 if limit is None else limit, max_limit=ctx.settings.max_match_limit,
                                   locale=ctx.locale)
        # in place when the store reads at once, as a directory read is: a hop to a thread and back, and
        # the hand-offs of the GIL between threads matching, cost more than the match's milliseconds on
        # the loop (issue 23: bench/README.md); in a worker thread otherwise (a lock held, Neo4j)
        packages, found = answer() if on_request_thread() else await read(ctx.store, lambda _store: answer())
        ctx.households_read.add(household_id)
        return [ServicePackage.of(p, found) for p in packages]

    @strawberry.field(description="Supply against demand for each region and domain under the given region "
                      "(all regions if null).")
    async def coverage(self, info: Info, region_id: strawberry.ID | None = None) -> list[CoverageCell]:
        ctx = info.context
        return await run_heavy(ctx.settings.heavy_workers, coverage_answer, ctx.store, ctx.principal,
                               region_id)

    @strawberry.field
    async def overlaps(self, info: Info, region_id: strawberry.ID | None = None) -> list[OverlapGroup]:
        ctx = info.context
        return await run_heavy(ctx.settings.heavy_workers, overlaps_answer, ctx.store, ctx.principal,
                               region_id, ctx.locale)

    @strawberry.field
    async def network(self, info: Info, region_id: strawberry.ID | None = None,
                      kinds: list[NodeKind] | None = None) -> NetworkGraph:
        ctx = info.context
        wanted = None if kinds is None else [k.value for k in kinds]
        g, shown = await run_heavy(ctx.settings.heavy_workers, analysis.network_read, ctx.store,
                                   ctx.principal, region_id, wanted)
        # household nodes show urgency and open needs, need nodes a household's need: audited as a read
        ctx.households_read.update(shown)
        return NetworkGraph(
            nodes=[NetworkNode(id=strawberry.ID(n.id), kind=NodeKind(n.kind), label=n.label, group=n.group,
                               weight=float(n.weight)) for n in g.nodes],
            edges=[NetworkEdge(source=strawberry.ID(e.source), target=strawberry.ID(e.target), kind=e.kind,
                               weight=float(e.weight)) for e in g.edges],
        )

    @strawberry.field(description="Plan scarce capacity across the given households, most urgent first "
                      "in value.")
    async def allocate(self, info: Info, household_ids: list[strawberry.ID]) -> Allocation:
        ctx = info.context
        if len(household_ids) > ctx.settings.max_allocate:  # refuse before any store read
            raise ValidationError("householdIds", f"at most {ctx.settings.max_allocate} households per plan "
                                                  f"(got {len(household_ids)})")
        plan = await run_heavy(ctx.settings.heavy_workers, analysis.allocate_plan, ctx.store, ctx.principal,
                               household_ids, max_households=ctx.settings.max_allocate,
                               time_limit=ctx.settings.allocate_time_limit, locale=ctx.locale)
        ctx.households_read.update(household_ids)
        return Allocation.of(plan)

    @strawberry.field(description="Coordinators: the audit trail, oldest first, filtered by any of actor "
                      "(token id), action, target id and a time window [since, until).")
    async def audit_log(self, info: Info, actor: str | None = None, action: str | None = None,
                        target_id: strawberry.ID | None = None, since: str | None = None,
                        until: str | None = None, first: int | None = 50,
                        after: str | None = None) -> AuditConnection:
        ctx = info.context
        page = await run_in_threadpool(audit.audit_log, ctx.store, ctx.principal,
                                       first=50 if first is None else first, after=after,
                                       max_first=ctx.settings.max_first, actor=actor, action=action,
                                       target_id=target_id, since=since, until=until)
        edges = [AuditEdge(cursor=audit.encode_cursor(k), node=AuditEntry.of(d)) for k, d in page.entries]
        return AuditConnection(edges=edges, page_info=AuditPageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="Households past their response deadline with no service started (a "
                      "referral ACCEPTED, or DELIVERED: DOLBOM_DEADLINE_CLOCK; EMERGENCY: 3 days from "
                      "opening, FOCUSED: 14; configurable), by region. asOf: judge at this time.")
    async def overdue(self, info: Info, region_id: strawberry.ID | None = None,
                      as_of: str | None = None) -> list[OverdueHousehold]:
        ctx = info.context
        rows = await run_in_threadpool(deadlines.overdue, ctx.store, ctx.principal, ctx.settings,
                                       region_id=region_id, as_of=as_of)
        ctx.households_read.update(o.household_id for o in rows)  # urgency and opening: audited as a read
        return [OverdueHousehold(household_id=strawberry.ID(o.household_id),
                                 region_id=strawberry.ID(o.region_id), urgency=o.urgency,
                                 opened_at=o.opened_at, due_at=o.due_at, days_late=o.days_late,
                                 opened_by=o.opened_by, opened_by_name=o.opened_by_name,
                                 opened_by_staff_id=strawberry.ID(o.opened_by_staff_id or "") or None,
                                 case_manager_id=strawberry.ID(o.case_manager_id or "") or None,
                                 clock=o.clock) for o in rows]

    @strawberry.field(description="Referrals (not CLOSED or DECLINED) whose follow-up date is on or before "
                      "asOf (default today), earliest first; a case worker's own region by default.")
    async def follow_ups_due(self, info: Info, region_id: strawberry.ID | None = None,
                             as_of: dt.date | None = None) -> list[Referral]:
        ctx = info.context
        rows = await run_in_threadpool(followup.due, ctx.store, ctx.principal, region_id=region_id,
                                       as_of=as_of, tz=ctx.settings.timezone)
        ctx.households_read.update(ref.household_id for ref, _ in rows)  # whose referrals: audited as a read
        return [Referral.of(ref) for ref, _ in rows]
