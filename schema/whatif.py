"""GraphQL: what would it take, recruitment, what-if, fairness and burn-down (service/whatif.py).

Every answer carries codes (``kind``, ``reason``) and a sentence in the
request's language. Nothing here writes: what-if changes go to a copy.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import strawberry
from strawberry.types import Info

from graph.errors import ValidationError
from matching import recruit as recruit_m
from matching import takes as takes_m
from matching import whatif as whatif_m
from matching.messages import LOCALES
from service import whatif as service

from .enums import Domain, HouseholdTrait, Reason, SupportForm
from .pool import run_heavy
from .types import Allocation


def _locale(info: Info) -> str:
    loc = getattr(info.context, "locale", "ko")
    return loc if loc in LOCALES else "ko"


@strawberry.type(
    description="One change that would cover needs, what it costs and which needs it covers "
    "(verified by re-running the match or the allocation with it applied)."
)
class TakeSuggestion:
    kind: str = strawberry.field(
        description="MOVE, WAIVE_INCOME, WAIVE_TRAIT, ADD_PLACES, ADD_QUOTA or EXTEND."
    )
    cost: float = strawberry.field(description="The ranking cost (see docs/whatif.md): lower first.")
    covers: list[strawberry.ID] = strawberry.field(description="Needs the change covers, verified.")
    domain: Domain
    reason: Reason = strawberry.field(description="The code the need has now.")
    target_id: strawberry.ID = strawberry.field(
        description="The service (the MOU for ADD_QUOTA) it is about."
    )
    amount: int = strawberry.field(description="Income points waived, places or quota units added; else 1.")
    change: str
    message: str

    @classmethod
    def of(cls, s: takes_m.Suggestion, locale: str) -> TakeSuggestion:
        return cls(
            kind=s.kind,
            cost=float(s.cost),
            covers=[strawberry.ID(n) for n in s.covers],
            domain=s.domain,
            reason=s.reason,
            target_id=strawberry.ID(s.target_id),
            amount=s.amount,
            change=whatif_m.describe(s.change),
            message=s.message.render(locale),
        )


@strawberry.type(description="A need not covered now and the changes that would cover it, cheapest first.")
class NeedTakes:
    household_id: strawberry.ID
    need_id: strawberry.ID
    domain: Domain
    reason: Reason
    message: str | None
    suggestions: list[TakeSuggestion]

    @classmethod
    def of(cls, a: takes_m.NeedAnswer, locale: str) -> NeedTakes:
        return cls(
            household_id=strawberry.ID(a.household_id),
            need_id=strawberry.ID(a.need_id),
            domain=a.domain,
            reason=a.reason,
            message=a.message.render(locale) if a.message else None,
            suggestions=[TakeSuggestion.of(s, locale) for s in a.suggestions],
        )


@strawberry.type
class WhatItTakes:
    needs: list[NeedTakes]
    suggestions: list[TakeSuggestion] = strawberry.field(
        description="Every distinct suggestion, none dominated by another (costs no more, covers as much)."
    )
    reruns: int

    @classmethod
    def of(cls, t: takes_m.Takes, locale: str) -> WhatItTakes:
        return cls(
            needs=[NeedTakes.of(a, locale) for a in t.answers],
            suggestions=[TakeSuggestion.of(s, locale) for s in t.suggestions],
            reruns=t.reruns,
        )


@strawberry.type
class PlanTakes:
    allocation: Allocation
    takes: WhatItTakes


@strawberry.type
class RecruitItem:
    kind: str = strawberry.field(description="ADD_PLACES, ADD_QUOTA, EXTEND or NEW_SERVICE.")
    target_id: strawberry.ID
    region_id: strawberry.ID | None
    domains: list[Domain]
    value: float = strawberry.field(description="Urgency- and severity-weighted value newly covered.")
    needs: int = strawberry.field(description="Needs newly covered (re-solved).")
    change: str
    message: str


@strawberry.type
class Recruitment:
    items: list[RecruitItem]
    households: int
    uncovered_needs: int
    uncovered_value: float
    candidates: int
    exact: bool


@strawberry.type
class CoverChangeRow:
    household_id: strawberry.ID
    gained: list[strawberry.ID]
    lost: list[strawberry.ID]
    message: str


@strawberry.type
class BlindSpotChange:
    region_id: strawberry.ID
    domain: Domain
    kind: str = strawberry.field(description="NOTHING (nothing exists) or SHORT (not enough places).")
    before: int
    after: int
    opened: bool
    message: str


@strawberry.type
class DuplicateRow:
    region_id: strawberry.ID
    domain: Domain
    tag: str
    form: SupportForm
    service_ids: list[strawberry.ID]
    message: str


@strawberry.type
class ComplianceRow:
    emergency_needs: int
    within_deadline: int


@strawberry.type
class WhatIfResult:
    changes: list[str]
    households: int
    no_difference: bool
    cover: list[CoverChangeRow]
    blind_spots: list[BlindSpotChange]
    duplicates: list[DuplicateRow]
    compliance_before: ComplianceRow
    compliance_after: ComplianceRow


@strawberry.type
class FairnessCity:
    region_id: strawberry.ID
    name: str
    households: int
    open_needs: int
    covered_needs: int
    coverage: float = strawberry.field(description="Need-adjusted coverage: covered value over open value.")
    unmet_value: float = strawberry.field(description="Urgency- and severity-weighted value left uncovered.")
    emergency_uncovered: int


@strawberry.type
class BurnDownRow:
    kind: str = strawberry.field(description="AGREEMENT (MOU quota) or SERVICE (capacity).")
    id: strawberry.ID
    name: str
    total: int
    used: int
    left: int
    per_month: float
    runs_out: dt.date | None
    message: str


@strawberry.enum(name="WhatIfChangeKind")
class ChangeKind(str, enum.Enum):
    RETIRE = "RETIRE"
    EXPIRE = "EXPIRE"
    CAPACITY = "CAPACITY"
    ADD_PLACES = "ADD_PLACES"
    ADD_QUOTA = "ADD_QUOTA"
    EXTEND = "EXTEND"
    NEW_SERVICE = "NEW_SERVICE"


@strawberry.input(
    description="A hypothetical change. RETIRE serviceId; EXPIRE agreementId on; CAPACITY serviceId "
    "capacity (null: unlimited); ADD_PLACES serviceId places; ADD_QUOTA agreementId places; EXTEND "
    "serviceId regionId; NEW_SERVICE domains regionId capacity (form, tags, id)."
)
class WhatIfChange:
    kind: ChangeKind
    service_id: strawberry.ID | None = None
    agreement_id: strawberry.ID | None = None
    region_id: strawberry.ID | None = None
    on: dt.date | None = None
    capacity: int | None = None
    places: int | None = None
    domains: list[Domain] | None = None
    form: SupportForm | None = None
    tags: list[str] | None = None
    id: strawberry.ID | None = None


@strawberry.input(description="A new program to evaluate in the recruitment advisor.")
class NewServiceInput:
    domain: Domain
    region_id: strawberry.ID
    capacity: int | None = 1
    form: SupportForm = SupportForm.SERVICE
    tags: list[str] | None = None
    max_income_percent: int | None = None
    required_traits: list[HouseholdTrait] | None = None


def _need(value: Any, what: str, i: int) -> Any:
    if value is None:
        raise ValidationError("changes", f"change {i + 1}: {what} is required for this kind")
    return value


def parse_change(c: WhatIfChange, i: int) -> whatif_m.Change:
    """One input change as a :data:`matching.whatif.Change`; a coded error naming ``changes`` otherwise."""
    k = c.kind
    if k is ChangeKind.RETIRE:
        return whatif_m.Retire(str(_need(c.service_id, "serviceId", i)))
    if k is ChangeKind.EXPIRE:
        return whatif_m.Expire(str(_need(c.agreement_id, "agreementId", i)), _need(c.on, "on", i))
    if k is ChangeKind.CAPACITY:
        return whatif_m.Capacity(str(_need(c.service_id, "serviceId", i)), c.capacity)
    if k is ChangeKind.ADD_PLACES:
        return whatif_m.AddPlaces(
            str(_need(c.service_id, "serviceId", i)), c.places if c.places is not None else 1
        )
    if k is ChangeKind.ADD_QUOTA:
        return whatif_m.AddQuota(
            str(_need(c.agreement_id, "agreementId", i)), c.places if c.places is not None else 1
        )
    if k is ChangeKind.EXTEND:
        return whatif_m.Extend(
            str(_need(c.service_id, "serviceId", i)), str(_need(c.region_id, "regionId", i))
        )
    domains = _need(c.domains, "domains", i)
    if not domains:
        raise ValidationError("changes", f"change {i + 1}: a new program needs at least one domain")
    region = str(_need(c.region_id, "regionId", i))
    return whatif_m.NewService(
        str(c.id or f"whatif-new-{i + 1}"),
        tuple(domains),
        (region,),
        capacity=c.capacity,
        form=c.form or SupportForm.SERVICE,
        tags=tuple(c.tags or ()),
    )


def _whatif_result(w: whatif_m.WhatIf, locale: str) -> WhatIfResult:
    return WhatIfResult(
        changes=[whatif_m.describe(c) for c in w.changes],
        households=w.households,
        no_difference=w.no_difference,
        cover=[
            CoverChangeRow(
                household_id=strawberry.ID(c.household_id),
                gained=[strawberry.ID(n) for n in c.gained],
                lost=[strawberry.ID(n) for n in c.lost],
                message=c.message.render(locale),
            )
            for c in w.cover
        ],
        blind_spots=[
            BlindSpotChange(
                region_id=strawberry.ID(s.region_id),
                domain=s.domain,
                kind=s.kind,
                before=s.before,
                after=s.after,
                opened=s.opened,
                message=s.message.render(locale),
            )
            for s in w.spots
        ],
        duplicates=[
            DuplicateRow(
                region_id=strawberry.ID(d.region_id),
                domain=d.domain,
                tag=d.tag,
                form=d.form,
                service_ids=[strawberry.ID(x) for x in d.service_ids],
                message=d.message.render(locale),
            )
            for d in w.duplicates
        ],
        compliance_before=ComplianceRow(
            emergency_needs=w.compliance_before.needs, within_deadline=w.compliance_before.within
        ),
        compliance_after=ComplianceRow(
            emergency_needs=w.compliance_after.needs, within_deadline=w.compliance_after.within
        ),
    )


@strawberry.type
class WhatIfQuery:
    @strawberry.field(
        description="For each open need no package covers, the smallest changes that would cover "
        "it (an exception, places, quota, a neighbouring service, moving another household), "
        "cheapest first, each verified."
    )
    async def what_would_it_take(self, info: Info, household_id: strawberry.ID) -> WhatItTakes:
        ctx = info.context
        t = await run_heavy(
            ctx.settings.heavy_workers, service.household_takes, ctx.store, ctx.principal, household_id
        )
        ctx.households_read.add(household_id)
        return WhatItTakes.of(t, _locale(info))

    @strawberry.field(
        description="The allocation of the households and, for each unmet need, the changes that "
        "would get it covered (verified by re-running the allocation)."
    )
    async def what_would_it_take_for_plan(self, info: Info, household_ids: list[strawberry.ID]) -> PlanTakes:
        ctx = info.context
        if len(household_ids) > ctx.settings.max_allocate:  # refuse before any store read
            raise ValidationError(
                "householdIds",
                f"at most {ctx.settings.max_allocate} households per plan (got {len(household_ids)})",
            )
        plan, t = await run_heavy(
            ctx.settings.heavy_workers,
            service.plan_takes,
            ctx.store,
            ctx.principal,
            household_ids,
            max_households=ctx.settings.max_allocate,
            time_limit=ctx.settings.allocate_time_limit,
        )
        ctx.households_read.update(household_ids)
        return PlanTakes(allocation=Allocation.of(plan), takes=WhatItTakes.of(t, _locale(info)))

    @strawberry.field(
        description="The marginal value of one more place, quota unit or region served for each "
        "existing resource, and of new programs, ranked by weighted needs newly covered."
    )
    async def recruitment(
        self,
        info: Info,
        region_id: strawberry.ID | None = None,
        top: int | None = 20,
        new_service: list[NewServiceInput] | None = None,
    ) -> Recruitment:
        ctx = info.context
        locale = _locale(info)
        if len(new_service or ()) > service.MAX_NEW_PROGRAMS:
            raise ValidationError(
                "newService",
                f"at most {service.MAX_NEW_PROGRAMS} new programs at once (got {len(new_service or ())})",
            )
        new = [
            recruit_m.NewProgram(
                n.domain,
                str(n.region_id),
                n.capacity,
                n.form,
                tuple(n.tags or ()),
                n.max_income_percent,
                tuple(n.required_traits or ()),
            )
            for n in new_service or ()
        ]
        a = await run_heavy(
            ctx.settings.heavy_workers,
            service.recruitment,
            ctx.store,
            ctx.principal,
            region_id,
            top=top,
            new=new,
        )
        return Recruitment(
            items=[
                RecruitItem(
                    kind=r.kind,
                    target_id=strawberry.ID(r.target_id),
                    region_id=strawberry.ID(r.region_id) if r.region_id else None,
                    domains=list(r.domains),
                    value=r.value,
                    needs=r.needs,
                    change=whatif_m.describe(r.change),
                    message=r.message.render(locale),
                )
                for r in a.ranked
            ],
            households=a.households,
            uncovered_needs=a.uncovered_needs,
            uncovered_value=a.uncovered_value,
            candidates=a.candidates,
            exact=a.exact,
        )

    @strawberry.field(
        description="Apply hypothetical changes to a copy of the region's view and report the "
        "difference; nothing is written."
    )
    async def what_if(
        self, info: Info, region_id: strawberry.ID | None = None, changes: list[WhatIfChange] | None = None
    ) -> WhatIfResult:
        ctx = info.context
        if len(changes or ()) > service.MAX_CHANGES:  # refuse before parsing any
            raise ValidationError(
                "changes", f"at most {service.MAX_CHANGES} changes at once (got {len(changes or ())})"
            )
        parsed = [parse_change(c, i) for i, c in enumerate(changes or ())]
        locale = _locale(info)
        w = await run_heavy(
            ctx.settings.heavy_workers,
            service.what_if,
            ctx.store,
            ctx.principal,
            region_id,
            parsed,
            locale=locale,
        )
        ctx.households_read.update(c.household_id for c in w.cover)
        return _whatif_result(w, locale)

    @strawberry.field(
        description="Per city and county: need-adjusted coverage and unmet urgency side by side."
    )
    async def fairness(self, info: Info, region_id: strawberry.ID | None = None) -> list[FairnessCity]:
        ctx = info.context
        rows = await run_heavy(
            ctx.settings.heavy_workers, service.fairness_rows, ctx.store, ctx.principal, region_id
        )
        return [
            FairnessCity(
                region_id=strawberry.ID(r.region_id),
                name=r.name,
                households=r.households,
                open_needs=r.open_needs,
                covered_needs=r.covered_needs,
                coverage=r.coverage,
                unmet_value=r.unmet_value,
                emergency_uncovered=r.emergency_uncovered,
            )
            for r in rows
        ]

    @strawberry.field(
        description="MOU quota and capacity burn-down forecast from the referral history, "
        "soonest run-out first."
    )
    async def burn_down(
        self, info: Info, region_id: strawberry.ID | None = None, window_days: int | None = 90
    ) -> list[BurnDownRow]:
        ctx = info.context
        locale = _locale(info)
        rows = await run_heavy(
            ctx.settings.heavy_workers,
            service.burn_down_rows,
            ctx.store,
            ctx.principal,
            region_id,
            window_days=90 if window_days is None else window_days,
        )
        return [
            BurnDownRow(
                kind=b.kind,
                id=strawberry.ID(b.id),
                name=b.name,
                total=b.total,
                used=b.used,
                left=b.left,
                per_month=b.per_month,
                runs_out=b.runs_out,
                message=b.message.render(locale),
            )
            for b in rows
        ]
