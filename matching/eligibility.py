"""Eligibility: can this resource serve this household, rule by rule, with reasons.

Every rule yields a :class:`Check` (passed or failed, and a :class:`Message`
saying why), so an item of a package can explain itself and a missing need
can say which rule emptied the field. The rules, grouped in the stages of a
funnel (the first stage where every resource of a domain fails names the
MISSING reason):

=========  =====================================================================
stage      rules
=========  =====================================================================
REACH      DOMAIN (checked per need: :func:`offers`), REGION: serves the
           household's dong or an ancestor (a service serving a city serves
           its dongs)
AVAILABLE  ACTIVE: a service is active, a volunteer has hours_per_week > 0;
           AGREEMENT: a service under an MOU needs it in force on ``on``
ELIGIBLE   INCOME: income % of median <= the service's ceiling;
           TRAITS: the household has every required trait
NEW        RECEIVED: the household does not already receive the service
FREE       CAPACITY: a free place (capacity - used > 0, or no capacity limit); a
           volunteer: an hour a week not taken by accepted referrals;
           QUOTA: the service's MOU has quota left (or no quota)
=========  =====================================================================

A *near miss* is a resource that fails exactly one rule, and that rule is one
a person may approve: INCOME by at most ``policy.near_miss_points`` points, or
TRAITS with exactly one required trait missing when the care policy marks that
trait discretionary (``policy.discretionary_traits``: none of the statutory
ones by default, so a two-parent household is never a near miss for a
single-parent program).

Complexity: O(rules) per resource; :func:`assess` never reads the graph.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from graph.model import Domain, HouseholdTrait

from .messages import Message
from .neighbourhood import HouseholdFacts, Neighbourhood, Resource
from .policy import Policy


class Rule(str, enum.Enum):
    DOMAIN = "DOMAIN"
    REGION = "REGION"
    ACTIVE = "ACTIVE"
    AGREEMENT = "AGREEMENT"
    INCOME = "INCOME"
    TRAITS = "TRAITS"
    RECEIVED = "RECEIVED"
    CAPACITY = "CAPACITY"
    QUOTA = "QUOTA"


class Stage(enum.IntEnum):
    REACH = 0
    AVAILABLE = 1
    ELIGIBLE = 2
    NEW = 3
    FREE = 4


STAGE_OF: dict[Rule, Stage] = {
    Rule.DOMAIN: Stage.REACH, Rule.REGION: Stage.REACH,
    Rule.ACTIVE: Stage.AVAILABLE, Rule.AGREEMENT: Stage.AVAILABLE,
    Rule.INCOME: Stage.ELIGIBLE, Rule.TRAITS: Stage.ELIGIBLE,
    Rule.RECEIVED: Stage.NEW,
    Rule.CAPACITY: Stage.FREE, Rule.QUOTA: Stage.FREE,
}


@dataclass(frozen=True, slots=True)
class Check:
    """One rule applied to one resource for one household."""

    rule: Rule
    ok: bool
    message: Message
    #: a failed rule missed by a small margin (see the module docstring)
    near: bool = False

    @property
    def stage(self) -> Stage:
        return STAGE_OF[self.rule]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Every household-level rule (all but DOMAIN) applied to one resource."""

    resource: Resource
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    @property
    def failed_stage(self) -> Stage | None:
        """The earliest funnel stage with a failed rule (None when eligible)."""
        stages = [c.stage for c in self.checks if not c.ok]
        return min(stages) if stages else None

    @property
    def near_miss(self) -> Check | None:
        """The one failed rule, when it is the only one and a near miss."""
        failed = self.failed
        return failed[0] if len(failed) == 1 and failed[0].near else None

    def check(self, rule: Rule) -> Check | None:
        return next((c for c in self.checks if c.rule == rule), None)


# ---------------------------------------------------------------------------
# the rules as plain predicates: the one definition of each rule, used by the
# checks below (which add the messages) and by the many-household reports
# (:mod:`matching.coverage`, :mod:`matching.allocation`), which need the
# verdict for thousands of households and no messages.


def serves_any(r: Resource, region_ids: Iterable[str]) -> bool:
    """REGION: the resource serves one of ``region_ids`` (a household's chain)."""
    return any(rid in r.region_ids for rid in region_ids)


def is_active(r: Resource) -> bool:
    """ACTIVE: a service is active; a volunteer has hours to give."""
    return r.active if r.is_service else r.hours_per_week > 0


def agreement_in_force(r: Resource, on: dt.date) -> bool:
    """AGREEMENT: a service without an MOU passes; one under an MOU needs it known and in force."""
    if r.agreement_id is None:
        return True
    return r.agreement is not None and r.agreement.in_force(on)


def income_ok(r: Resource, income_percent: int) -> bool:
    """INCOME: no ceiling, or the household's income % is at most the ceiling."""
    return r.max_income_percent is None or income_percent <= r.max_income_percent


def traits_ok(r: Resource, traits: Collection[HouseholdTrait]) -> bool:
    """TRAITS: the household has every required trait."""
    return all(t in traits for t in r.required_traits)


def has_place(r: Resource) -> bool:
    """CAPACITY: a free place, or no capacity limit; a volunteer: an hour a week left."""
    left = r.available if r.is_service else r.hours_left
    return left is None or left > 0


def has_quota(r: Resource) -> bool:
    """QUOTA: no MOU quota, or some left."""
    a = r.agreement
    return a is None or a.annual_quota is None or bool(a.quota_left)


def open_to_all(r: Resource, on: dt.date) -> bool:
    """The rules that do not depend on the household: ACTIVE, AGREEMENT, CAPACITY, QUOTA."""
    if not r.is_service:
        return is_active(r) and has_place(r)
    return is_active(r) and agreement_in_force(r, on) and has_place(r) and has_quota(r)


def open_to(r: Resource, household: HouseholdFacts, received: Collection[str]) -> bool:
    """The household rules but REGION: INCOME, TRAITS, RECEIVED (volunteers: none)."""
    if not r.is_service:
        return True
    return income_ok(r, household.income_percent) and traits_ok(r, household.traits) and r.key not in received


def can_serve(r: Resource, household: HouseholdFacts, chain_ids: Iterable[str], received: Collection[str],
              on: dt.date) -> bool:
    """Every rule but DOMAIN, as a boolean: exactly ``assess(r, nb, on, policy).ok``
    for the household's neighbourhood ``nb`` (a property test holds them equal)."""
    return serves_any(r, chain_ids) and open_to_all(r, on) and open_to(r, household, received)


def offers(resource: Resource, domain: Domain) -> Check:
    """DOMAIN: the service's domains (a volunteer's skills) include the need's."""
    if domain in resource.domains:
        return Check(Rule.DOMAIN, True, Message.of("rule.domain.ok", domains=domain))
    return Check(Rule.DOMAIN, False, Message.of("rule.domain.fail", domain=domain))


def _region(r: Resource, nb: Neighbourhood) -> Check:
    for i, region in enumerate(nb.chain):
        if serves_any(r, (region.id,)):
            if i == 0:
                return Check(Rule.REGION, True, Message.of("rule.region.direct", region=region.name))
            return Check(Rule.REGION, True, Message.of(
                "rule.region.ancestor", served=region.name, region=nb.region.name))
    return Check(Rule.REGION, False, Message.of("rule.region.fail", region=nb.region.name))


def _active(r: Resource) -> Check:
    if not r.is_service:
        if is_active(r):
            return Check(Rule.ACTIVE, True, Message.of("rule.hours.ok", hours=r.hours_per_week))
        return Check(Rule.ACTIVE, False, Message.of("rule.hours.fail"))
    if is_active(r):
        return Check(Rule.ACTIVE, True, Message.of("rule.active.ok"))
    return Check(Rule.ACTIVE, False, Message.of("rule.active.fail"))


def _agreement(r: Resource, on: dt.date) -> Check:
    a = r.agreement
    if a is None:
        return Check(Rule.AGREEMENT, False, Message.of("rule.agreement.unknown", agreement=r.agreement_id))
    if on < a.signed_on:
        return Check(Rule.AGREEMENT, False, Message.of(
            "rule.agreement.not_yet", agreement=a.id, signed=a.signed_on.isoformat()))
    if a.expires_on is not None and on > a.expires_on:
        return Check(Rule.AGREEMENT, False, Message.of(
            "rule.agreement.expired", agreement=a.id, expires=a.expires_on.isoformat()))
    if a.expires_on is None:
        return Check(Rule.AGREEMENT, True, Message.of("rule.agreement.open", agreement=a.id))
    return Check(Rule.AGREEMENT, True, Message.of(
        "rule.agreement.until", agreement=a.id, until=a.expires_on.isoformat()))


def _income(r: Resource, income: int, policy: Policy) -> Check:
    ceiling = r.max_income_percent
    if ceiling is None:
        return Check(Rule.INCOME, True, Message.of("rule.income.none"))
    if income_ok(r, income):
        return Check(Rule.INCOME, True, Message.of("rule.income.ok", income=income, ceiling=ceiling))
    over = income - ceiling
    return Check(Rule.INCOME, False,
                 Message.of("rule.income.fail", income=income, ceiling=ceiling, over=over),
                 near=over <= policy.near_miss_points)


def _traits(r: Resource, nb: Neighbourhood, policy: Policy) -> Check:
    if not r.required_traits:
        return Check(Rule.TRAITS, True, Message.of("rule.traits.none"))
    missing = tuple(t for t in r.required_traits if t not in nb.household.traits)
    if traits_ok(r, nb.household.traits):
        return Check(Rule.TRAITS, True, Message.of("rule.traits.ok", traits=r.required_traits))
    near = len(missing) == 1 and missing[0] in policy.discretionary_traits
    return Check(Rule.TRAITS, False, Message.of("rule.traits.fail", missing=missing), near=near)


def _received(r: Resource, nb: Neighbourhood) -> Check:
    if r.key in nb.received:
        return Check(Rule.RECEIVED, False, Message.of("rule.received.fail"))
    return Check(Rule.RECEIVED, True, Message.of("rule.received.ok"))


def _capacity(r: Resource) -> Check:
    if not r.is_service:
        if has_place(r):
            return Check(Rule.CAPACITY, True, Message.of("rule.hours.left", left=r.hours_left,
                                                         hours=r.hours_per_week))
        return Check(Rule.CAPACITY, False, Message.of("rule.hours.full", hours=r.hours_per_week))
    left = r.available
    if left is None:
        return Check(Rule.CAPACITY, True, Message.of("rule.capacity.unlimited"))
    if has_place(r):
        return Check(Rule.CAPACITY, True, Message.of("rule.capacity.ok", left=left, capacity=r.capacity))
    return Check(Rule.CAPACITY, False, Message.of("rule.capacity.fail", capacity=r.capacity))


def _quota(r: Resource) -> Check:
    a = r.agreement
    if a is None or a.annual_quota is None:
        return Check(Rule.QUOTA, True, Message.of("rule.quota.unlimited"))
    left = a.quota_left
    if has_quota(r):
        return Check(Rule.QUOTA, True, Message.of("rule.quota.ok", left=left, quota=a.annual_quota))
    return Check(Rule.QUOTA, False, Message.of("rule.quota.fail", used=a.used, quota=a.annual_quota))


def assess(resource: Resource, nb: Neighbourhood, on: dt.date, policy: Policy) -> Verdict:
    """Apply every household-level rule to ``resource``.

    Inputs: the resource, the household's :class:`Neighbourhood`, the day
    ``on`` which agreements must be in force, and the policy (for the
    near-miss margin). Output: a :class:`Verdict` with one :class:`Check` per
    rule that applies (AGREEMENT and QUOTA only for services under an MOU;
    INCOME, TRAITS, RECEIVED only for services; CAPACITY for services, and
    for volunteers with hours to give: the hours their accepted referrals
    leave). O(1) per rule.
    """
    checks = [_region(resource, nb), _active(resource)]
    if resource.is_service:
        if resource.agreement_id is not None:
            checks.append(_agreement(resource, on))
        checks += [_income(resource, nb.household.income_percent, policy), _traits(resource, nb, policy),
                   _received(resource, nb), _capacity(resource)]
        if resource.agreement_id is not None:
            checks.append(_quota(resource))
    elif is_active(resource):  # a volunteer with hours to give: are any left this week?
        checks.append(_capacity(resource))
    return Verdict(resource, tuple(checks))
