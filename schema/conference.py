"""The case conference over GraphQL: ``conference``/``conferences`` and
``createConference``, ``updateConference``, ``decideHousehold``, ``adoptPlan``.

The rules are in :mod:`service.conference`; each resolver makes one call to it
in a worker thread and shapes the answer. A conference shows the households
on its agenda and what was decided for them: every answer that holds a
conference is an audited read of those households (``households_read``).
Partners are refused every one of these operations (FORBIDDEN).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from graph import model
from service import conference as svc
from service.staff import get_staff

from .enums import Reason
from .types import Household, Need, Organization, PageInfo, Referral, Region, Resource, load_resource


@strawberry.enum(name="ConferenceKind", description="REGULAR 정례 사례회의, EMERGENCY 긴급 사례회의, "
                 "SOLUTION_COMMITTEE 솔루션위원회.")
class ConferenceKind(str, enum.Enum):
    REGULAR = "REGULAR"
    EMERGENCY = "EMERGENCY"
    SOLUTION_COMMITTEE = "SOLUTION_COMMITTEE"


@strawberry.enum(name="ConferenceStatus", description="PLANNED → HELD → ADOPTED (set by adoptPlan once "
                 "every household on the agenda has its plan adopted); PLANNED or HELD → CANCELLED.")
class ConferenceStatus(str, enum.Enum):
    PLANNED = "PLANNED"
    HELD = "HELD"
    ADOPTED = "ADOPTED"
    CANCELLED = "CANCELLED"


def _read(info: Info, c: svc.Conference) -> None:
    info.context.households_read.update(c.households_shown)


@strawberry.type(description="A staff member as a conference names them (attendee, lead manager, approver).")
class ConferenceStaff:
    id: strawberry.ID
    name: str | None
    role: str | None

    @classmethod
    def named(cls, store: Any, staff_id: str) -> ConferenceStaff:
        s = get_staff(store, staff_id)
        return cls(id=strawberry.ID(staff_id), name=s.name if s else None,
                   role=s.role.value.upper() if s else None)


@strawberry.type(description="A near miss the conference approved: the eligibility rule it waives for one "
                 "resource of the decision, why, and who approved it.")
class ApprovedException:
    resource_id: strawberry.ID
    reason: Reason = strawberry.field(description="The rule it waives: NOT_ELIGIBLE_INCOME or "
                                      "NOT_ELIGIBLE_TRAIT (the near-miss codes of matchPackages' flags).")
    note: str
    approver: ConferenceStaff | None
    approved_by: str | None = strawberry.field(description="The token that recorded the approval.")
    approved_at: str


@strawberry.type(description="One adopted item: a resource for some of the household's needs; adoptPlan "
                 "turns it into the referral referralId.")
class ConferenceItem:
    household_id: strawberry.Private[str]
    item: strawberry.Private[svc.Item]
    index: int
    referral_id: strawberry.ID

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.item.resource_label, self.item.resource_id)  # type: ignore[return-value]

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        found = await info.context.loaders.get_many("Need", self.item.need_ids)
        return [Need.of(n) for n in found]

    @strawberry.field(description="The referral, once adopted (null before).")
    async def referral(self, info: Info) -> Referral | None:
        rec = await info.context.loaders.get("Referral", str(self.referral_id))
        return Referral.of(rec) if isinstance(rec, model.Referral) else None


@strawberry.type(description="What the conference decided for one household on its agenda.")
class HouseholdDecision:
    conference_id: strawberry.Private[str]
    d: strawberry.Private[svc.Decision]
    review_on: dt.date | None
    decided_at: str
    decided_by: str | None
    adopted_at: str | None

    @classmethod
    def of(cls, conference_id: str, d: svc.Decision) -> HouseholdDecision:
        return cls(conference_id=conference_id, d=d,
                   review_on=dt.date.fromisoformat(d.review_on) if d.review_on else None,
                   decided_at=d.decided_at, decided_by=d.decided_by, adopted_at=d.adopted_at)

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await Household.load(info, self.d.household_id)

    @strawberry.field
    def items(self) -> list[ConferenceItem]:
        return [ConferenceItem(household_id=self.d.household_id, item=it, index=i,
                               referral_id=strawberry.ID(svc.referral_id(self.conference_id,
                                                                         self.d.household_id, i)))
                for i, it in enumerate(self.d.items)]

    @strawberry.field
    async def exceptions(self, info: Info) -> list[ApprovedException]:
        store = info.context.store
        out = []
        for x in self.d.exceptions:
            approver = (await run_in_threadpool(ConferenceStaff.named, store, x.approver_id)
                        if x.approver_id else None)
            out.append(ApprovedException(resource_id=strawberry.ID(x.resource_id), reason=Reason(x.reason),
                                         note=x.note, approver=approver, approved_by=x.approved_by,
                                         approved_at=x.approved_at))
        return out

    @strawberry.field
    async def lead_manager(self, info: Info) -> ConferenceStaff | None:
        if not self.d.lead_manager_id:
            return None
        return await run_in_threadpool(ConferenceStaff.named, info.context.store, self.d.lead_manager_id)

    @strawberry.field(description="The referrals adoptPlan created (empty before adoption).")
    async def referrals(self, info: Info) -> list[Referral]:
        found = await info.context.loaders.get_many("Referral", list(self.d.referral_ids))
        return [Referral.of(r) for r in found if isinstance(r, model.Referral)]


@strawberry.type(description="A case conference (사례회의): who met, about which households, what they "
                 "decided. Case workers of its region and coordinators only.")
class CaseConference:
    c: strawberry.Private[svc.Conference]
    id: strawberry.ID
    date: dt.date
    kind: ConferenceKind
    status: ConferenceStatus
    minutes: str
    created_at: str
    created_by: str | None
    updated_at: str

    @classmethod
    def of(cls, c: svc.Conference) -> CaseConference:
        return cls(c=c, id=strawberry.ID(c.id), date=dt.date.fromisoformat(c.date),
                   kind=ConferenceKind(c.kind), status=ConferenceStatus(c.status), minutes=c.minutes,
                   created_at=c.created_at,
                   created_by=c.created_by, updated_at=c.updated_at)

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region.of(await info.context.loaders.get("Region", self.c.region_id))

    @strawberry.field(description="The staff members attending.")
    async def staff(self, info: Info) -> list[ConferenceStaff]:
        store = info.context.store
        return [await run_in_threadpool(ConferenceStaff.named, store, sid) for sid in self.c.staff_ids]

    @strawberry.field(description="The partner organizations attending.")
    async def organizations(self, info: Info) -> list[Organization]:
        found = await info.context.loaders.get_many("Organization", list(self.c.organization_ids))
        return [Organization.of(o) for o in found if isinstance(o, model.Organization)]

    @strawberry.field(description="The households on the agenda, in agenda order.")
    async def agenda(self, info: Info) -> list[Household]:
        return [await Household.load(info, hid) for hid in self.c.household_ids]

    @strawberry.field
    async def created_by_staff(self, info: Info) -> ConferenceStaff | None:
        sid = self.c.created_by_staff
        return await run_in_threadpool(ConferenceStaff.named, info.context.store, sid) if sid else None

    @strawberry.field(description="The decisions, in agenda order.")
    def decisions(self) -> list[HouseholdDecision]:
        return [HouseholdDecision.of(self.c.id, self.c.decisions[h]) for h in self.c.household_ids
                if h in self.c.decisions]


@strawberry.type
class ConferenceEdge:
    cursor: str
    node: CaseConference


@strawberry.type
class ConferenceConnection:
    edges: list[ConferenceEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="What adoptPlan wrote: every referral of the plan (those of an earlier "
                 "adoption included) and the ids it created now.")
class Adoption:
    conference: CaseConference
    referrals: list[Referral]
    created: list[strawberry.ID]


@strawberry.input
class ConferenceInput:
    date: dt.date
    kind: ConferenceKind
    region_id: strawberry.ID
    id: strawberry.ID | None = None
    staff_ids: list[strawberry.ID] | None = None
    organization_ids: list[strawberry.ID] | None = None
    household_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The agenda: households of the conference's region (their cases move to "
        "IN_CONFERENCE).")
    minutes: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date, "kind": self.kind, "region_id": self.region_id,
                "staff_ids": self.staff_ids, "organization_ids": self.organization_ids,
                "household_ids": self.household_ids, "minutes": self.minutes}


@strawberry.input(description="What to change (left out: unchanged). The lists replace the old ones.")
class ConferenceUpdateInput:
    date: dt.date | None = None
    kind: ConferenceKind | None = None
    staff_ids: list[strawberry.ID] | None = None
    organization_ids: list[strawberry.ID] | None = None
    household_ids: list[strawberry.ID] | None = None
    minutes: str | None = None
    status: ConferenceStatus | None = None

    def fields(self) -> dict[str, Any]:
        return {"date": self.date, "kind": self.kind, "staff_ids": self.staff_ids,
                "organization_ids": self.organization_ids, "household_ids": self.household_ids,
                "minutes": self.minutes, "status": self.status}


@strawberry.input(description="A resource for some of the household's needs: a matchPackages package item "
                  "(resource.id, needIds) or an allocate plan's assignments of one resource.")
class ConferenceItemInput:
    resource_id: strawberry.ID
    need_ids: list[strawberry.ID]


@strawberry.input
class ExceptionInput:
    resource_id: strawberry.ID
    reason: Reason
    note: str
    approver_id: strawberry.ID | None = strawberry.field(
        default=None, description="The staff member approving (default: the caller's own staff record).")


@strawberry.input
class DecisionInput:
    items: list[ConferenceItemInput] | None = None
    package_rank: int | None = strawberry.field(
        default=None, description="Instead of items: the items of this package of matchPackages now.")
    exceptions: list[ExceptionInput] | None = None
    lead_manager_id: strawberry.ID | None = None
    review_on: dt.date | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "items": None if self.items is None else [
                {"resource_id": i.resource_id, "need_ids": list(i.need_ids)} for i in self.items],
            "package_rank": self.package_rank,
            "exceptions": [{"resource_id": x.resource_id, "reason": x.reason.value, "note": x.note,
                            "approver_id": x.approver_id} for x in self.exceptions or ()],
            "lead_manager_id": self.lead_manager_id, "review_on": self.review_on,
        }


@strawberry.type
class ConferenceQuery:
    @strawberry.field(description="One case conference (case workers of its region, coordinators).")
    async def conference(self, info: Info, id: strawberry.ID) -> CaseConference | None:
        ctx = info.context
        c = await run_in_threadpool(svc.conference, ctx.store, ctx.principal, id)
        _read(info, c)
        return CaseConference.of(c)

    @strawberry.field(description="Case conferences by date, in a region's subtree (a case worker's own by "
                      "default), dated from..until (inclusive).")
    async def conferences(self, info: Info, region_id: strawberry.ID | None = None,
                          from_: Annotated[dt.date | None, strawberry.argument(name="from")] = None,
                          until: dt.date | None = None, first: int | None = 20,
                          after: str | None = None) -> ConferenceConnection:
        ctx = info.context
        page = await run_in_threadpool(svc.conferences, ctx.store, ctx.principal, region_id=region_id,
                                       since=from_, until=until, first=20 if first is None else first,
                                       after=after, max_first=ctx.settings.max_first)
        for c in page.conferences:
            _read(info, c)
        edges = [ConferenceEdge(cursor=svc.encode_cursor(c), node=CaseConference.of(c))
                 for c in page.conferences]
        return ConferenceConnection(edges=edges, total_count=page.total, page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type
class ConferenceMutation:
    @strawberry.mutation(description="Plan a case conference (PLANNED); its agenda's cases move to "
                         "IN_CONFERENCE.")
    async def create_conference(self, info: Info, input: ConferenceInput) -> CaseConference:
        ctx = info.context
        c = await run_in_threadpool(svc.create_conference_audited, ctx.store, ctx.principal, ctx.request_id,
                                    **input.fields())
        _read(info, c)
        return CaseConference.of(c)

    @strawberry.mutation(description="Change a conference's date, kind, attendees, agenda, minutes or status "
                         "(PLANNED → HELD, or CANCELLED).")
    async def update_conference(self, info: Info, id: strawberry.ID,
                                input: ConferenceUpdateInput) -> CaseConference:
        ctx = info.context
        c = await run_in_threadpool(svc.update_conference_audited, ctx.store, ctx.principal, ctx.request_id,
                                    id, **input.fields())
        _read(info, c)
        return CaseConference.of(c)

    @strawberry.mutation(description="The conference's decision for one household on its agenda: items, "
                         "approved exceptions, lead case manager, next review date (replaced until adopted).")
    async def decide_household(self, info: Info, conference_id: strawberry.ID, household_id: strawberry.ID,
                               input: DecisionInput) -> CaseConference:
        ctx = info.context
        c = await run_in_threadpool(svc.decide_household_audited, ctx.store, ctx.principal, ctx.request_id,
                                    conference_id, household_id, **input.fields())
        _read(info, c)
        return CaseConference.of(c)

    @strawberry.mutation(description="Turn the decisions (of one household, or all) into referrals in one "
                         "unit of work: all or nothing, checked at this moment; an error names the item "
                         "that no longer fits. Again after success: nothing new.")
    async def adopt_plan(self, info: Info, conference_id: strawberry.ID,
                         household_id: strawberry.ID | None = None) -> Adoption:
        ctx = info.context
        a = await run_in_threadpool(svc.adopt_plan, ctx.store, ctx.principal, conference_id, household_id,
                                    request_id=ctx.request_id)
        _read(info, a.conference)
        return Adoption(conference=CaseConference.of(a.conference),
                        referrals=[Referral.of(r) for r in a.referrals],
                        created=[strawberry.ID(x) for x in a.created])
