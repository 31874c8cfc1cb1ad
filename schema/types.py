"""The contract's object types. Each wraps a domain record (``rec``): plain
fields are copied from it when the object is made (:meth:`of`), links resolve
through the request's DataLoaders. No logic beyond shaping lives here: what a
caller may see is decided in :mod:`service.permissions`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, TypeVar, cast

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry import Private
from strawberry.types import Info

from graph import model
from graph import taxonomy as taxonomy_module
from matching import results
from service import audit, capacity, cases, followup, permissions
from service import staff as staff_service

from . import access
from .audit_types import ReferralMove
from .consent_types import Consent, household_consents
from .enums import (
    CapacityPeriod,
    Domain,
    FlagKind,
    HouseholdTrait,
    NeedStatus,
    NodeKind,
    Reason,
    ReferralStatus,
    RegionLevel,
    Sector,
    SupportForm,
    Urgency,
)
from .staff_types import CaseEvent, CaseStatus, Staff

T = TypeVar("T")


#: the wrappers' private fields (``strawberry.Private``): never read off the record
_PRIVATE = frozenset({"rec", "access", "parent_at_hand"})


@cache
def _plain_fields(cls: Callable[..., Any]) -> tuple[str, ...]:
    """The python names of ``cls``'s fields that have no resolver: read off the record."""
    return tuple(f.python_name for f in cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
                 if f.base_resolver is None and f.python_name not in _PRIVATE)


def _of(cls: Callable[..., T], rec: Any, **extra: Any) -> T:
    """An object of the strawberry type ``cls`` wrapping ``rec``, its plain fields copied."""
    make = _maker(cls, tuple(extra))
    if make is not None:
        return cast(T, make(rec, extra))
    values = {n: getattr(rec, n) for n in _plain_fields(cls) if n not in extra}
    return cls(rec=rec, **values, **extra)


@cache
def _maker(cls: Any, extra: tuple[str, ...]) -> Callable[[Any, dict[str, Any]], Any] | None:
    """What ``cls(rec=rec, **plain fields read off rec, **extra)`` makes, without the call: a function
    generated for the class and the names of ``extra`` that sets each field as the dataclass's
    ``__init__`` would (a field neither plain nor given: its default). A page of 50 services made 50
    keyword calls of 17 arguments each (issue 23). None (the plain call) for a class it cannot
    stand in for: a ``__post_init__``, slots, an ``__init__`` of its own, a field it cannot fill."""
    if not isinstance(cls, type) or "__dataclass_fields__" not in vars(cls) or "__post_init__" in dir(cls) \
            or hasattr(cls, "__slots__") or not _generated_init(cls):
        return None
    plain = [n for n in _plain_fields(cls) if n not in extra]
    given = set(extra) | set(plain) | {"rec"}
    lines = ["def make(rec, extra):", "    o = new(cls)", "    d = o.__dict__", "    d['rec'] = rec"]
    env: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for f in dataclasses.fields(cls):
        name = f.name
        if not name.isidentifier():
            return None
        if not f.init:  # a field with a resolver: __init__ sets it only when it has a default
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                return None
            continue
        if name in extra:
            lines.append(f"    d[{name!r}] = extra[{name!r}]")
        elif name in plain:
            lines.append(f"    d[{name!r}] = rec.{name}")
        elif name == "rec":
            continue
        elif f.default is not dataclasses.MISSING:
            env[f"default_{name}"] = f.default
            lines.append(f"    d[{name!r}] = default_{name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"factory_{name}"] = f.default_factory
            lines.append(f"    d[{name!r}] = factory_{name}()")
        else:
            return None
        given.discard(name)
    if given - {"rec"}:  # a name that is no field of the class: the plain call's TypeError
        return None
    lines.append("    return o")
    exec(compile("\n".join(lines), f"<make {cls.__name__}>", "exec"), env)  # noqa: S102 - our own source
    return cast(Callable[[Any, dict[str, Any]], Any], env["make"])


def _generated_init(cls: Any) -> bool:
    """Whether ``cls.__init__`` is the one dataclasses wrote (nothing else runs when it is called)."""
    init = vars(cls).get("__init__")
    code = getattr(init, "__code__", None)
    return code is not None and code.co_filename == "<string>" \
        and getattr(init, "__qualname__", None) == f"{cls.__qualname__}.__init__"


def _ctx(info: Info) -> Any:  # schema.context.Context
    return info.context


_NOT_AT_HAND: Any = object()


@strawberry.type
class Region:
    rec: Private[model.Region]
    id: strawberry.ID
    name: str
    level: RegionLevel
    # the parent wrapped beforehand (schema.coverage_answer): answered without a DataLoader
    parent_at_hand: Private[Any] = _NOT_AT_HAND

    @classmethod
    def of(cls, rec: model.Region) -> Region:
        return _of(cls, rec)

    @strawberry.field
    async def parent(self, info: Info) -> Region | None:
        if self.parent_at_hand is not _NOT_AT_HAND:
            return self.parent_at_hand
        if self.rec.parent_id is None:
            return None
        return region_of(await _ctx(info).loaders.get("Region", self.rec.parent_id))


@strawberry.type
class Organization:
    rec: Private[model.Organization]
    id: strawberry.ID
    name: str
    sector: Sector

    @classmethod
    def of(cls, rec: model.Organization) -> Organization:
        return _of(cls, rec)

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region.of(r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        index = await _ctx(info).loaders.index("services_by_provider")
        return [Service.of(s) for s in index.get(self.rec.id, ())]

    @strawberry.field
    async def agreements(self, info: Info) -> list[Agreement]:
        index = await _ctx(info).loaders.index("agreements_by_partner")
        return [Agreement.of(a) for a in index.get(self.rec.id, ())]


@strawberry.type
class Eligibility:
    max_income_percent: int | None = strawberry.field(
        description="Highest household income, in percent of the median income, that qualifies; "
        "null means no income rule.")
    required_traits: list[HouseholdTrait] = strawberry.field(
        description="The household must have every one of these traits.")


@strawberry.type
class Service:
    rec: Private[model.Service]
    id: strawberry.ID
    name: str
    domains: list[Domain]
    capacity: int | None = strawberry.field(description="Places per period; null means unlimited.")
    lead_time_days: int
    cost: int = strawberry.field(description="Cost to the household, in won.")
    active: bool
    form: SupportForm = strawberry.field(description="How it helps: cash, in kind, a voucher or a service.")
    tags: list[str] = strawberry.field(description="Type tags from the taxonomy (docs/taxonomy.md), e.g. "
                                       "rent-support, livelihood-cash.")

    @classmethod
    def of(cls, rec: model.Service) -> Service:
        return _of(cls, rec, cost=rec.cost_won or 0)

    @strawberry.field(description="Places left now (in the current period when capacityPeriod is set); "
                      "null means unlimited.")
    def available(self) -> int | None:
        if self.rec.capacity is None:
            return None
        return max(0, self.rec.capacity - capacity.service_used(self.rec, capacity.day_of(None)))

    @strawberry.field(description="What capacity counts over: null (places held now), WEEK, MONTH or YEAR "
                      "(docs/inbox.md).")
    def capacity_period(self) -> CapacityPeriod | None:
        return self.rec.capacity_period

    @strawberry.field(description="False when the cost is unknown or not in won: cost is then 0 and is "
                      "not a price (see costAmount and costCurrency).")
    def cost_known(self) -> bool:
        return self.rec.cost_won is not None

    @strawberry.field(description="The cost as its source gave it, in costCurrency; null when unknown.")
    def cost_amount(self) -> int | None:
        return self.rec.cost

    @strawberry.field(description="The currency of costAmount as its source gave it (GBP); null: won.")
    def cost_currency(self) -> str | None:
        return self.rec.cost_currency

    @strawberry.field
    async def provider(self, info: Info) -> Organization:
        return Organization.of(await _ctx(info).loaders.get("Organization", self.rec.provider_id))

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region.of(r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]

    @strawberry.field
    def eligibility(self) -> Eligibility:
        return Eligibility(max_income_percent=self.rec.max_income_percent,
                           required_traits=list(self.rec.required_traits))

    @strawberry.field(description="Services that this one rules out for the same household.")
    async def excludes(self, info: Info) -> list[Service]:
        return [Service.of(s) for s in await _ctx(info).loaders.get_many("Service", self.rec.excludes_ids)]

    @strawberry.field(description="The MOU under which a partner delivers it, if any.")
    async def agreement(self, info: Info) -> Agreement | None:
        if self.rec.agreement_id is None:
            return None
        rec = await _ctx(info).loaders.get("Agreement", self.rec.agreement_id)
        return None if rec is None else Agreement.of(rec)


@strawberry.type(description="A memorandum of understanding with a partner organization.")
class Agreement:
    rec: Private[model.Agreement]
    id: strawberry.ID
    domains: list[Domain]
    signed_on: dt.date
    expires_on: dt.date | None
    annual_quota: int | None

    @classmethod
    def of(cls, rec: model.Agreement) -> Agreement:
        return _of(cls, rec)

    @strawberry.field(description="Places used in the current agreement year (it starts on signedOn and "
                      "each anniversary; docs/inbox.md).")
    def used(self) -> int:
        return capacity.agreement_used(self.rec, capacity.day_of(None))

    @strawberry.field
    async def partner(self, info: Info) -> Organization:
        return Organization.of(await _ctx(info).loaders.get("Organization", self.rec.partner_id))


@strawberry.type
class Volunteer:
    rec: Private[model.Volunteer]
    id: strawberry.ID
    name: str
    skills: list[Domain]
    languages: list[str]
    hours_per_week: int
    form: SupportForm = strawberry.field(description="How the volunteer helps (a service by default).")
    tags: list[str] = strawberry.field(description="Type tags from the taxonomy (docs/taxonomy.md).")

    @classmethod
    def of(cls, rec: model.Volunteer) -> Volunteer:
        return _of(cls, rec)

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region.of(r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]


Resource = Annotated[Service | Volunteer, strawberry.union("Resource")]


def resource_of(rec: model.Record | None) -> Service | Volunteer | None:
    if isinstance(rec, model.Service):
        return Service.of(rec)
    if isinstance(rec, model.Volunteer):
        return Volunteer.of(rec)
    return None


def region_of(rec: model.Record | None) -> Region | None:
    return Region.of(rec) if isinstance(rec, model.Region) else None


async def load_resource(info: Info, label: str, rid: str) -> Service | Volunteer | None:
    return resource_of(await _ctx(info).loaders.get(label, rid))


async def needs_of(info: Info, ids: Any) -> list[Need]:
    return [Need.of(n) for n in await _ctx(info).loaders.get_many("Need", ids)]


@strawberry.type
class Need:
    rec: Private[model.Need]
    id: strawberry.ID
    domain: Domain
    severity: int = strawberry.field(description="1 (low) to 5 (critical).")
    status: NeedStatus

    @classmethod
    def of(cls, rec: model.Need) -> Need:
        return _of(cls, rec)

    @strawberry.field
    def detail(self, info: Info) -> str | None:
        if not permissions.sees_need_detail(_ctx(info).principal):
            return None
        if self.rec.detail is not None:  # free text about a person, wherever it is shown: audited as a read
            _ctx(info).households_read.add(self.rec.household_id)
        return self.rec.detail

    @strawberry.field(description="Type tags: the ones given, else those derived from the detail text by "
                      "the taxonomy's keyword table (docs/taxonomy.md); derived tags only for callers who "
                      "may read the detail.")
    def tags(self, info: Info) -> list[str]:
        if self.rec.tags:
            return list(self.rec.tags)
        if not permissions.sees_need_detail(_ctx(info).principal):
            return []
        derived = taxonomy_module.active().derive(self.rec.domain, self.rec.detail)
        if derived:  # read out of the detail: audited as a read of it
            _ctx(info).households_read.add(self.rec.household_id)
        return list(derived)

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await Household.load(info, self.rec.household_id)


@strawberry.type
class Household:
    rec: Private[model.Household]
    #: "full", or "partner": id, region and the parts of the partner's own referrals
    access: Private[str]
    id: strawberry.ID

    @classmethod
    async def load(cls, info: Info, household_id: str, field: str = "householdId") -> Household:
        """The household as the caller may see it; NOT_FOUND, UNAUTHENTICATED or FORBIDDEN otherwise."""
        rec, level = await access.household(info, household_id, field)
        return _of(cls, rec, access=level)

    def _full(self, field: str) -> None:
        permissions.require_full_household(self.access, field)

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region.of(await _ctx(info).loaders.get("Region", self.rec.region_id))

    @strawberry.field
    def size(self) -> int:
        self._full("size")
        return self.rec.size

    @strawberry.field
    def income_percent(self) -> int:
        self._full("incomePercent")
        return self.rec.income_percent

    @strawberry.field
    def traits(self) -> list[HouseholdTrait]:
        self._full("traits")
        return list(self.rec.traits)

    @strawberry.field
    def urgency(self) -> Urgency:
        self._full("urgency")
        return self.rec.urgency

    @strawberry.field(description="Where the case stands (docs/cases.md).")
    def case_status(self) -> CaseStatus:
        self._full("caseStatus")
        return self.rec.case_status

    @strawberry.field(description="The lead case manager's staff id (null: none yet).")
    def case_manager_id(self) -> strawberry.ID | None:
        self._full("caseManagerId")
        return strawberry.ID(self.rec.case_manager_id) if self.rec.case_manager_id else None

    @strawberry.field(description="The lead case manager (null: none yet).")
    async def case_manager(self, info: Info) -> Staff | None:
        self._full("caseManager")
        if not self.rec.case_manager_id:
            return None
        s = await run_in_threadpool(staff_service.get_staff, _ctx(info).store, self.rec.case_manager_id)
        return Staff.of(s) if s else None

    @strawberry.field(description="The next review date (null: none set).")
    def review_on(self) -> dt.date | None:
        self._full("reviewOn")
        return self.rec.review_on

    @strawberry.field(description="What happened to the case, oldest first: status moves, reclassifications, "
                      "case managers, review dates; who (token and person), when, why.")
    async def case_history(self, info: Info) -> list[CaseEvent]:
        self._full("caseHistory")
        events = await run_in_threadpool(cases.history, _ctx(info).store, self.rec.id)
        return [CaseEvent.of(e) for e in events]

    @strawberry.field(description="The urgency changes only (the reclassification history), oldest first.")
    async def reclassifications(self, info: Info) -> list[CaseEvent]:
        self._full("reclassifications")
        events = await run_in_threadpool(cases.history, _ctx(info).store, self.rec.id, "urgency")
        return [CaseEvent.of(e) for e in events]

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        return [Need.of(n) for n in await access.visible_needs(info, self.rec.id, self.access)]

    @strawberry.field(description="Services the household already receives.")
    async def receipts(self, info: Info) -> list[Service]:
        self._full("receipts")
        parts = await _ctx(info).loaders.parts.load(self.rec.id)
        ids = [r.service_id for r in (parts.receipts if parts else ())]
        return [Service.of(s) for s in await _ctx(info).loaders.get_many("Service", ids)]

    @strawberry.field
    async def referrals(self, info: Info) -> list[Referral]:
        return [Referral.of(r) for r in await access.visible_referrals(info, self.rec.id, self.access)]

    @strawberry.field(description="Staff: its consents to share with partners, revoked ones too "
                      "(docs/inbox.md).")
    async def consents(self, info: Info) -> list[Consent]:
        self._full("consents")
        return await household_consents(info, self.rec.id)


@strawberry.type
class Referral:
    rec: Private[model.Referral]
    id: strawberry.ID
    status: ReferralStatus
    created_at: str
    updated_at: str
    reason: str | None = strawberry.field(description="Why the household is referred (given at creation).")
    hours: int = strawberry.field(description="Hours a week it takes of a volunteer while ACCEPTED (1 unless "
                                  "given); nothing for a service.")
    decline_reason: str | None = strawberry.field(description="Why it was declined.")
    outcome_note: str | None = strawberry.field(description="The outcome, noted on DELIVERED or CLOSED.")
    responded_at: str | None = strawberry.field(description="When the partner first answered (ACCEPTED or "
                                                "DECLINED); null until it has.")
    accepted_at: str | None = strawberry.field(description="When it was last moved to ACCEPTED.")

    @classmethod
    def of(cls, rec: model.Referral) -> Referral:
        return _of(cls, rec)

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await Household.load(info, self.rec.household_id)

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.rec.resource_label, self.rec.resource_id)  # type: ignore[return-value]

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        return await needs_of(info, self.rec.need_ids)

    @strawberry.field(description="Every move with its time and role, oldest first (the acting token is "
                      "hidden from partners).")
    async def history(self, info: Info) -> list[ReferralMove]:
        moves = await run_in_threadpool(audit.referral_history_for, _ctx(info).store, _ctx(info).principal,
                                        self.rec.id)
        return [ReferralMove(at=m["at"], from_status=m.get("from"), to_status=m["to"], actor=m.get("actor"),
                             role=m.get("role", ""), staff_name=m.get("staffName")) for m in moves]

    @strawberry.field(description="The day the case worker checks with the household again (null: none set). "
                      "See setFollowUp.")
    async def follow_up_on(self, info: Info) -> dt.date | None:
        return await run_in_threadpool(followup.follow_up_on, _ctx(info).store, self.rec.id)


@strawberry.type
class Flag:
    rec: Private[results.Flag]
    kind: FlagKind
    domain: Domain | None
    need_ids: list[strawberry.ID]
    service_ids: list[strawberry.ID]
    message: str
    reason: Reason = strawberry.field(description="What the flag is about, as a code (see Reason).")

    @classmethod
    def of(cls, rec: results.Flag) -> Flag:
        return _of(cls, rec)


@strawberry.type
class PackageItem:
    rec: Private[results.PackageItem]
    #: the records the packages show, read with the match (service.analysis.package_records): the
    #: items resolve without a DataLoader batch and a thread hop per level of the answer
    found: Private[dict[tuple[str, str], model.Record]]
    reasons: list[str] = strawberry.field(
        description="Human-readable reasons it was chosen (eligibility met, region served, "
        "capacity left, MOU partner...).")

    @classmethod
    def of(cls, rec: results.PackageItem, found: dict[tuple[str, str], model.Record]) -> PackageItem:
        return _of(cls, rec, found=found)

    @strawberry.field
    def resource(self) -> Resource:
        return resource_of(self.found.get((self.rec.resource_label, self.rec.resource_id)))  # type: ignore[return-value]

    @strawberry.field(description="The household's needs this resource covers.")
    def needs(self) -> list[Need]:
        return [Need.of(n) for n in (self.found.get(("Need", i)) for i in self.rec.need_ids)
                if isinstance(n, model.Need)]


@strawberry.type(description="A coordinated set of resources for one household.")
class ServicePackage:
    rec: Private[results.Package]
    #: the records its items show (see PackageItem.found)
    found: Private[dict[tuple[str, str], model.Record]]
    rank: int = strawberry.field(description="1 is the best.")
    cost: float = strawberry.field(
        description="Lower is better; comparable between packages of the same household.")
    covered_domains: list[Domain]
    missing_domains: list[Domain]
    provider_count: int = strawberry.field(
        description="Distinct organizations (and volunteers) the household would deal with.")

    @classmethod
    def of(cls, rec: results.Package, found: dict[tuple[str, str], model.Record]) -> ServicePackage:
        return _of(cls, rec, found=found)

    @strawberry.field
    def items(self) -> list[PackageItem]:
        return [PackageItem.of(i, self.found) for i in self.rec.items]

    @strawberry.field
    def flags(self) -> list[Flag]:
        return [Flag.of(f) for f in self.rec.flags]


@strawberry.type
class CoverageCell:
    rec: Private[Any]
    domain: Domain
    open_needs: int = strawberry.field(description="Open needs of households in the region.")
    uncovered_needs: int = strawberry.field(
        description="Open needs that no eligible resource with free capacity covers.")
    services: int = strawberry.field(description="Active services offering the domain in the region.")
    free_capacity: int | None = strawberry.field(
        description="Free places across those services; null if any is unlimited.")
    unmet_needs: int = strawberry.field(
        description="Open needs that do have an eligible resource with a free place, but that no "
        "assignment of today's places, MOU quotas and exclusions can cover with the others: more needs "
        "than places. For the asked region, the sum over domains is what an optimal allocate over its "
        "households leaves unmet for lack of places.")
    missing_needs: int = strawberry.field(
        description="Of the uncovered needs, those with no eligible resource at all, full or not: "
        "nothing exists.")
    short_of_places: int = strawberry.field(
        description="Not enough places: uncovered needs whose eligible resources are all full, plus "
        "unmetNeeds.")

    # resolved with the cells (schema.coverage_answer): a plain attribute, no DataLoader future per cell
    region: Region

    @classmethod
    def of(cls, rec: Any, region: Region) -> CoverageCell:
        return _of(cls, rec, region=region)


@strawberry.type(description="Services from different organizations that give the same benefit (support form "
                 "and type tag) to the same people in the same region; most redundant first.")
class OverlapGroup:
    rec: Private[Any]
    domain: Domain
    message: str
    form: SupportForm
    tag: str = strawberry.field(description="The type tag the services share.")
    capacity: int | None = strawberry.field(description="Their combined places; null if one is unlimited.")
    demand: int = strawberry.field(description="Open needs in the region (and below) the group could serve.")
    redundancy: float = strawberry.field(
        description="Combined places against that demand (an unlimited service counts as enough for "
        "all of it).")
    # resolved with the groups (overlap_groups_of): plain attributes, no DataLoader future per service
    region: Region
    services: list[Service]

    @classmethod
    def of(cls, rec: Any, region: Region, services: list[Service]) -> OverlapGroup:
        return _of(cls, rec, region=region, services=services)


def overlap_groups_of(groups: list[Any], regions: dict[str, model.Region],
                      services: dict[str, model.Service]) -> list[OverlapGroup]:
    """The GraphQL groups of ``groups`` (matching's), each with its region and its services that
    exist, in its order, from the records by id read in one batch; one wrapper per record."""
    region_objs = {k: Region.of(r) for k, r in regions.items()}
    service_objs: dict[str, Service] = {}
    out = []
    for g in groups:
        listed = []
        for sid in g.service_ids:
            obj = service_objs.get(sid)
            if obj is None:
                rec = services.get(sid)
                if rec is None:
                    continue  # deleted since: left out, as a DataLoader's get_many leaves it
                obj = service_objs[sid] = Service.of(rec)
            listed.append(obj)
        # a region gone is null in a non-null field: that group's error, as Region.of(None) was
        out.append(OverlapGroup.of(g, region_objs.get(g.region_id), listed))  # type: ignore[arg-type]
    return out


@strawberry.type
class NetworkNode:
    id: strawberry.ID
    kind: NodeKind
    label: str
    group: str | None = strawberry.field(
        description="A grouping key for colouring, e.g. the region or the sector.")
    weight: float


@strawberry.type
class NetworkEdge:
    source: strawberry.ID
    target: strawberry.ID
    kind: str
    weight: float


@strawberry.type
class NetworkGraph:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


@strawberry.type
class Assignment:
    rec: Private[Any]

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await Household.load(info, self.rec.household_id)

    @strawberry.field
    async def need(self, info: Info) -> Need:
        return Need.of(await _ctx(info).loaders.get("Need", self.rec.need_id))

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.rec.resource_label, self.rec.resource_id)  # type: ignore[return-value]


@strawberry.type(description="A need the plan leaves unmet, and why.")
class UnmetNeed:
    rec: Private[Any]
    reason: Reason = strawberry.field(
        description="NOT_ENOUGH_PLACES or EXCLUDED: unmet for lack of places; otherwise the MISSING or "
        "CAPACITY code matchPackages gives the need.")
    message: str

    @classmethod
    def of(cls, rec: Any) -> UnmetNeed:
        return cls(rec=rec, reason=results.Reason(rec.reason), message=rec.message)

    @strawberry.field
    async def need(self, info: Info) -> Need:
        return Need.of(await _ctx(info).loaders.get("Need", self.rec.need_id))


@strawberry.type(description="A capacity-aware plan for several households at once, as a case conference "
                 "would decide it.")
class Allocation:
    rec: Private[Any]
    objective: float
    optimal: bool = strawberry.field(description="True when the solver proved the plan optimal.")

    @classmethod
    def of(cls, rec: Any) -> Allocation:
        return cls(rec=rec, objective=float(rec.objective), optimal=bool(rec.optimal))

    @strawberry.field
    def assignments(self) -> list[Assignment]:
        return [Assignment(rec=a) for a in self.rec.assignments]

    @strawberry.field
    async def unmet(self, info: Info) -> list[Need]:
        return await needs_of(info, [u.need_id for u in self.rec.unmet])

    @strawberry.field(description="Each unmet need with its reason code and message.")
    def unmet_needs(self) -> list[UnmetNeed]:
        return [UnmetNeed.of(u) for u in self.rec.unmet]


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ServiceEdge:
    cursor: str
    node: Service


@strawberry.type
class ServiceConnection:
    edges: list[ServiceEdge]
    page_info: PageInfo
    total_count: int
