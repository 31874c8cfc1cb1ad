"""The contract's object types. Each wraps a domain record (``rec``) and
resolves its links through the request's DataLoaders; no logic beyond
shaping lives here."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import Private
from strawberry.types import Info

from graph import model
from matching import results

from . import access
from .audit_types import ReferralMove
from .enums import (
    Domain,
    FlagKind,
    HouseholdTrait,
    NeedStatus,
    NodeKind,
    ReferralStatus,
    RegionLevel,
    Sector,
    Urgency,
)
from .run import blocking


def _ctx(info: Info):  # -> api.context.Context
    return info.context


@strawberry.type
class Region:
    rec: Private[model.Region]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field
    def level(self) -> RegionLevel:
        return self.rec.level

    @strawberry.field
    async def parent(self, info: Info) -> Region | None:
        if self.rec.parent_id is None:
            return None
        return region_of(await _ctx(info).loaders.get("Region", self.rec.parent_id))


@strawberry.type
class Organization:
    rec: Private[model.Organization]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field
    def sector(self) -> Sector:
        return self.rec.sector

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region(rec=r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        index = await _ctx(info).loaders.index("services_by_provider")
        return [Service(rec=s) for s in index.get(self.rec.id, ())]

    @strawberry.field
    async def agreements(self, info: Info) -> list[Agreement]:
        index = await _ctx(info).loaders.index("agreements_by_partner")
        return [Agreement(rec=a) for a in index.get(self.rec.id, ())]


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

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field
    def domains(self) -> list[Domain]:
        return list(self.rec.domains)

    @strawberry.field
    async def provider(self, info: Info) -> Organization:
        return Organization(rec=await _ctx(info).loaders.get("Organization", self.rec.provider_id))

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region(rec=r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]

    @strawberry.field
    def eligibility(self) -> Eligibility:
        return Eligibility(max_income_percent=self.rec.max_income_percent,
                           required_traits=list(self.rec.required_traits))

    @strawberry.field(description="Places per period; null means unlimited.")
    def capacity(self) -> int | None:
        return self.rec.capacity

    @strawberry.field(description="Places left now; null means unlimited.")
    def available(self) -> int | None:
        return self.rec.available

    @strawberry.field
    def lead_time_days(self) -> int:
        return self.rec.lead_time_days

    @strawberry.field(description="Cost to the household, in won.")
    def cost(self) -> int:
        return self.rec.cost

    @strawberry.field(description="Services that this one rules out for the same household.")
    async def excludes(self, info: Info) -> list[Service]:
        return [Service(rec=s) for s in await _ctx(info).loaders.get_many("Service", self.rec.excludes_ids)]

    @strawberry.field(description="The MOU under which a partner delivers it, if any.")
    async def agreement(self, info: Info) -> Agreement | None:
        if self.rec.agreement_id is None:
            return None
        rec = await _ctx(info).loaders.get("Agreement", self.rec.agreement_id)
        return None if rec is None else Agreement(rec=rec)

    @strawberry.field
    def active(self) -> bool:
        return self.rec.active


@strawberry.type(description="A memorandum of understanding with a partner organization.")
class Agreement:
    rec: Private[model.Agreement]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    async def partner(self, info: Info) -> Organization:
        return Organization(rec=await _ctx(info).loaders.get("Organization", self.rec.partner_id))

    @strawberry.field
    def domains(self) -> list[Domain]:
        return list(self.rec.domains)

    @strawberry.field
    def signed_on(self) -> dt.date:
        return self.rec.signed_on

    @strawberry.field
    def expires_on(self) -> dt.date | None:
        return self.rec.expires_on

    @strawberry.field
    def annual_quota(self) -> int | None:
        return self.rec.annual_quota

    @strawberry.field
    def used(self) -> int:
        return self.rec.used


@strawberry.type
class Volunteer:
    rec: Private[model.Volunteer]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def name(self) -> str:
        return self.rec.name

    @strawberry.field
    def skills(self) -> list[Domain]:
        return list(self.rec.skills)

    @strawberry.field
    async def regions(self, info: Info) -> list[Region]:
        return [Region(rec=r) for r in await _ctx(info).loaders.get_many("Region", self.rec.region_ids)]

    @strawberry.field
    def languages(self) -> list[str]:
        return list(self.rec.languages)

    @strawberry.field
    def hours_per_week(self) -> int:
        return self.rec.hours_per_week


Resource = Annotated[Service | Volunteer, strawberry.union("Resource")]


def resource_of(rec: model.Record | None) -> Service | Volunteer | None:
    if isinstance(rec, model.Service):
        return Service(rec=rec)
    if isinstance(rec, model.Volunteer):
        return Volunteer(rec=rec)
    return None


def region_of(rec: model.Record | None) -> Region | None:
    return Region(rec=rec) if isinstance(rec, model.Region) else None


async def load_resource(info: Info, label: str, rid: str) -> Service | Volunteer | None:
    return resource_of(await _ctx(info).loaders.get(label, rid))


@strawberry.type
class Need:
    rec: Private[model.Need]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    def domain(self) -> Domain:
        return self.rec.domain

    @strawberry.field
    def detail(self, info: Info) -> str | None:
        # free text about the person: never to a partner (docs/protection.md)
        from api.principal import Role

        return None if _ctx(info).principal.role is Role.PARTNER else self.rec.detail

    @strawberry.field(description="1 (low) to 5 (critical).")
    def severity(self) -> int:
        return self.rec.severity

    @strawberry.field
    def status(self) -> NeedStatus:
        return self.rec.status

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await access.household(info, self.rec.household_id)


@strawberry.type
class Household:
    rec: Private[model.Household]
    #: "full", or "partner": id, region and the parts of the partner's own referrals
    access: Private[str]

    def _full(self, field: str) -> None:
        if self.access != "full":
            from .errors import forbidden

            raise forbidden(field, "a partner sees only a household's id, region and the needs it was referred for")

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region(rec=await _ctx(info).loaders.get("Region", self.rec.region_id))

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

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        return [Need(rec=n) for n in await access.visible_needs(info, self)]

    @strawberry.field(description="Services the household already receives.")
    async def receipts(self, info: Info) -> list[Service]:
        self._full("receipts")
        parts = await _ctx(info).loaders.parts.load(self.rec.id)
        ids = [r.service_id for r in (parts.receipts if parts else ())]
        return [Service(rec=s) for s in await _ctx(info).loaders.get_many("Service", ids)]

    @strawberry.field
    async def referrals(self, info: Info) -> list[Referral]:
        return [Referral(rec=r) for r in await access.visible_referrals(info, self)]


@strawberry.type
class Referral:
    rec: Private[model.Referral]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.rec.id)

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await access.household(info, self.rec.household_id)

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.rec.resource_label, self.rec.resource_id)

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        return [Need(rec=n) for n in await _ctx(info).loaders.get_many("Need", self.rec.need_ids)]

    @strawberry.field
    def status(self) -> ReferralStatus:
        return self.rec.status

    @strawberry.field
    def created_at(self) -> str:
        return self.rec.created_at

    @strawberry.field
    def updated_at(self) -> str:
        return self.rec.updated_at

    @strawberry.field(description="Every move with its time and role, oldest first (the acting token is "
                      "hidden from partners).")
    async def history(self, info: Info) -> list[ReferralMove]:
        from api.principal import Role
        from schema.ops import audit

        moves = await blocking(audit.referral_history, _ctx(info).store, self.rec.id)
        partner = _ctx(info).principal.role is Role.PARTNER
        return [ReferralMove(at=m["at"], from_status=m.get("from"), to_status=m["to"],
                             actor=None if partner else m.get("actor"), role=m.get("role", "")) for m in moves]

    @strawberry.field(description="The day the case worker checks with the household again (null: none set). "
                      "See setFollowUp.")
    async def follow_up_on(self, info: Info) -> dt.date | None:
        from schema.ops import followup

        return await blocking(followup.follow_up_on, _ctx(info).store, self.rec.id)


@strawberry.type
class Flag:
    rec: Private[results.Flag]

    @strawberry.field
    def kind(self) -> FlagKind:
        return self.rec.kind

    @strawberry.field
    def domain(self) -> Domain | None:
        return self.rec.domain

    @strawberry.field
    def need_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in self.rec.need_ids]

    @strawberry.field
    def service_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in self.rec.service_ids]

    @strawberry.field
    def message(self) -> str:
        return self.rec.message


@strawberry.type
class PackageItem:
    rec: Private[results.PackageItem]

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.rec.resource_label, self.rec.resource_id)

    @strawberry.field(description="The household's needs this resource covers.")
    async def needs(self, info: Info) -> list[Need]:
        return [Need(rec=n) for n in await _ctx(info).loaders.get_many("Need", self.rec.need_ids)]

    @strawberry.field(description="Human-readable reasons it was chosen (eligibility met, region served, "
                      "capacity left, MOU partner...).")
    def reasons(self) -> list[str]:
        return list(self.rec.reasons)


@strawberry.type(description="A coordinated set of resources for one household.")
class ServicePackage:
    rec: Private[results.Package]

    @strawberry.field(description="1 is the best.")
    def rank(self) -> int:
        return self.rec.rank

    @strawberry.field(description="Lower is better; comparable between packages of the same household.")
    def cost(self) -> float:
        return self.rec.cost

    @strawberry.field
    def items(self) -> list[PackageItem]:
        return [PackageItem(rec=i) for i in self.rec.items]

    @strawberry.field
    def covered_domains(self) -> list[Domain]:
        return list(self.rec.covered_domains)

    @strawberry.field
    def missing_domains(self) -> list[Domain]:
        return list(self.rec.missing_domains)

    @strawberry.field(description="Distinct organizations (and volunteers) the household would deal with.")
    def provider_count(self) -> int:
        return self.rec.provider_count

    @strawberry.field
    def flags(self) -> list[Flag]:
        return [Flag(rec=f) for f in self.rec.flags]


@strawberry.type
class CoverageCell:
    rec: Private[object]

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region(rec=await _ctx(info).loaders.get("Region", self.rec.region_id))

    @strawberry.field
    def domain(self) -> Domain:
        return self.rec.domain

    @strawberry.field(description="Open needs of households in the region.")
    def open_needs(self) -> int:
        return self.rec.open_needs

    @strawberry.field(description="Open needs that no eligible resource with free capacity covers.")
    def uncovered_needs(self) -> int:
        return self.rec.uncovered_needs

    @strawberry.field(description="Active services offering the domain in the region.")
    def services(self) -> int:
        return self.rec.services

    @strawberry.field(description="Free places across those services; null if any is unlimited.")
    def free_capacity(self) -> int | None:
        return self.rec.free_capacity


@strawberry.type(description="Services from different organizations that offer the same domain to the same "
                 "people in the same region.")
class OverlapGroup:
    rec: Private[object]

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return Region(rec=await _ctx(info).loaders.get("Region", self.rec.region_id))

    @strawberry.field
    def domain(self) -> Domain:
        return self.rec.domain

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        return [Service(rec=s) for s in await _ctx(info).loaders.get_many("Service", self.rec.service_ids)]

    @strawberry.field
    def message(self) -> str:
        return self.rec.message


@strawberry.type
class NetworkNode:
    id: strawberry.ID
    kind: NodeKind
    label: str
    group: str | None = strawberry.field(description="A grouping key for colouring, e.g. the region or the sector.")
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
    rec: Private[object]

    @strawberry.field
    async def household(self, info: Info) -> Household:
        return await access.household(info, self.rec.household_id)

    @strawberry.field
    async def need(self, info: Info) -> Need:
        return Need(rec=await _ctx(info).loaders.get("Need", self.rec.need_id))

    @strawberry.field
    async def resource(self, info: Info) -> Resource:
        return await load_resource(info, self.rec.resource_label, self.rec.resource_id)


@strawberry.type(description="A capacity-aware plan for several households at once, as a case conference "
                 "would decide it.")
class Allocation:
    rec: Private[object]

    @strawberry.field
    def assignments(self) -> list[Assignment]:
        return [Assignment(rec=a) for a in self.rec.assignments]

    @strawberry.field
    async def unmet(self, info: Info) -> list[Need]:
        ids = [u.need_id for u in self.rec.unmet]
        return [Need(rec=n) for n in await _ctx(info).loaders.get_many("Need", ids)]

    @strawberry.field
    def objective(self) -> float:
        return float(self.rec.objective)

    @strawberry.field(description="True when the solver proved the plan optimal.")
    def optimal(self) -> bool:
        return bool(self.rec.optimal)


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
