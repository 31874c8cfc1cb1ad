"""What-if: hypothetical changes to a copy of a view, and the difference they make.

A :data:`Change` is one of:

==================  ==========================================================================
change              applied to the copy
==================  ==========================================================================
``Retire``          the service is no longer active
``Expire``          the MOU ends on the given day (``expires_on``)
``Capacity``        the service has this capacity (None: unlimited)
``AddPlaces``       the service has ``places`` more places (capacity + places)
``AddQuota``        the MOU has ``units`` more annual quota
``Extend``          the service also serves ``region_id`` (attribute and SERVES edge)
``NewService``      a new program: domains, form, tags, regions, capacity, eligibility
``Waive``           one household's exception: income treated ``points`` lower (rule INCOME),
                    or the missing discretionary ``trait`` waived (rule TRAITS)
``Move``            a referral in play moves from its service to ``to_id``: the one's place is
                    freed, the other's taken
==================  ==========================================================================

:func:`apply` never touches the view it is given: it returns a copy with the
changes made (nothing is written anywhere). A change naming a record not in
the view raises :class:`graph.errors.NotFoundError` (field ``changes``), a
change that makes no sense (negative places, an expiry before signing) a
:class:`graph.errors.ValidationError` naming ``changes``.

:func:`whatif` compares the view before and after the changes over a region
subtree: households gaining or losing cover (a need is covered when the
places cover it at once, :func:`covered_needs`: the recruitment advisor's
optimum, so a place the advisor says covers n more needs shows n more needs
gained here, net; of the optima after the change, one keeping as much of the
cover before as it can, so a change moves only the places it must),
blind spots of both kinds opened or closed (:func:`matching.coverage`:
*nothing exists* = ``missing_needs``, *not enough places* =
``short_of_places``), new duplicates (:func:`matching.overlaps` groups that
were not there) and 3-day compliance (EMERGENCY households' open needs that a
resource starting within the policy's deadline can cover, each household on
its own: :func:`household_cover`, what a package covers). With no change
every difference is empty (a property test holds it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import NotFoundError, ValidationError
from graph.model import Domain, Service, SupportForm, Urgency, node_key
from graph.view import node_attrs
from i18n import clock

from .allocation_model import demand
from .changes import AddPlaces, AddQuota, Capacity, Change, Expire, Extend, Move, NewService, Retire, Waive
from .coverage import coverage
from .messages import Message
from .neighbourhood import read
from .overlaps import overlaps
from .policy import DEFAULT_POLICY, Policy
from .recruit import optimum, places_model
from .regions import RegionTree, households_in

FIELD = "changes"

__all__ = ["AddPlaces", "AddQuota", "Capacity", "Change", "Expire", "Extend", "Move", "NewService", "Retire",
           "Waive", "apply", "describe", "household_cover", "covered_needs", "whatif"]


def _node(g: nx.MultiDiGraph, label: str, rid: str, what: str) -> dict[str, Any]:
    attrs: dict[str, Any] | None = g.nodes.get(node_key(label, rid))
    if attrs is None or attrs.get("label") != label:
        raise NotFoundError(FIELD, f"{what}: no {label} with id {rid!r} in the view")
    return attrs


def _positive(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError(FIELD, f"{what} must be a whole number of at least 1 (got {n!r})")
    return n


def describe(c: Change) -> str:
    """A short, stable text of a change (for reports and the CLI)."""
    if isinstance(c, Retire):
        return f"retire {c.service_id}"
    if isinstance(c, Expire):
        return f"MOU {c.agreement_id} expires {c.on.isoformat()}"
    if isinstance(c, Capacity):
        return f"capacity of {c.service_id} = {'unlimited' if c.capacity is None else c.capacity}"
    if isinstance(c, AddPlaces):
        return f"+{c.places} place(s) at {c.service_id}"
    if isinstance(c, AddQuota):
        return f"+{c.units} quota at MOU {c.agreement_id}"
    if isinstance(c, Extend):
        return f"{c.service_id} also serves {c.region_id}"
    if isinstance(c, NewService):
        cap = "unlimited" if c.capacity is None else str(c.capacity)
        return (f"new program {c.id}: {'/'.join(d.value for d in c.domains)} {c.form.value} in "
                f"{','.join(c.region_ids)} ({cap} places)")
    if isinstance(c, Waive):
        what = f"income -{c.points} points" if c.rule == "INCOME" else f"trait {c.trait}"
        return f"exception for {c.household_id}: {what}"
    return f"move referral {c.referral_id} to {c.to_id}"


def apply(g: nx.MultiDiGraph, changes: Sequence[Change]) -> nx.MultiDiGraph:
    """A copy of ``g`` with ``changes`` made, in order (see the module docstring). O(size of ``g``)."""
    out = g.copy()
    for c in changes:
        _apply_one(out, c)
    return out


def _apply_one(g: nx.MultiDiGraph, c: Change) -> None:  # noqa: C901 (one branch per kind)
    if isinstance(c, Retire):
        _node(g, "Service", c.service_id, "retire")["active"] = False
    elif isinstance(c, Expire):
        a = _node(g, "Agreement", c.agreement_id, "expire")
        if c.on < a["signed_on"]:
            raise ValidationError(FIELD, f"MOU {c.agreement_id} cannot expire on {c.on.isoformat()}, before "
                                         f"it was signed ({a['signed_on'].isoformat()})")
        a["expires_on"] = c.on
    elif isinstance(c, Capacity):
        s = _node(g, "Service", c.service_id, "capacity")
        if c.capacity is not None and (isinstance(c.capacity, bool) or not isinstance(c.capacity, int)
                                       or c.capacity < 0):
            raise ValidationError(FIELD, f"capacity must be a whole number of at least 0 "
                                         f"(got {c.capacity!r})")
        s["capacity"] = c.capacity
    elif isinstance(c, AddPlaces):
        s = _node(g, "Service", c.service_id, "add places")
        _positive(c.places, "places")
        if s["capacity"] is not None:
            s["capacity"] = s["capacity"] + c.places
    elif isinstance(c, AddQuota):
        a = _node(g, "Agreement", c.agreement_id, "add quota")
        _positive(c.units, "units")
        if a["annual_quota"] is not None:
            a["annual_quota"] = a["annual_quota"] + c.units
    elif isinstance(c, Extend):
        s = _node(g, "Service", c.service_id, "extend")
        _node(g, "Region", c.region_id, "extend")
        if c.region_id not in s["region_ids"]:
            s["region_ids"] = (*s["region_ids"], c.region_id)
            g.add_edge(node_key("Service", c.service_id), node_key("Region", c.region_id), key="SERVES",
                       type="SERVES")
    elif isinstance(c, NewService):
        _new_service(g, c)
    elif isinstance(c, Waive):
        h = _node(g, "Household", c.household_id, "exception")
        if c.rule == "INCOME":
            _positive(c.points, "points")
            h["income_percent"] = max(0, h["income_percent"] - c.points)
        elif c.rule == "TRAITS":
            if c.trait is None:
                raise ValidationError(FIELD, "a TRAITS exception names the trait it waives")
            if c.trait not in h["traits"]:
                h["traits"] = (*h["traits"], c.trait)
        else:
            raise ValidationError(FIELD, f"an exception waives INCOME or TRAITS (got {c.rule!r})")
    elif isinstance(c, Move):
        _move(g, c)
    else:  # pragma: no cover - the union above is closed
        raise ValidationError(FIELD, f"unknown change {c!r}")


def _new_service(g: nx.MultiDiGraph, c: NewService) -> None:
    key = node_key("Service", c.id)
    if key in g:
        raise ValidationError(FIELD, f"a new program's id {c.id!r} is taken")
    for rid in c.region_ids:
        _node(g, "Region", rid, "new program")
    try:
        rec = Service(id=c.id, name=c.name or c.id, provider_id=c.provider_id, domains=tuple(c.domains),
                      region_ids=tuple(c.region_ids), capacity=c.capacity, form=c.form, tags=tuple(c.tags),
                      max_income_percent=c.max_income_percent, required_traits=tuple(c.required_traits),
                      lead_time_days=c.lead_time_days)
    except ValidationError as e:
        raise ValidationError(FIELD, f"new program: {e.message}") from None
    g.add_node(key, **node_attrs(rec))
    for rid in c.region_ids:
        g.add_edge(key, node_key("Region", rid), key="SERVES", type="SERVES")


def _move(g: nx.MultiDiGraph, c: Move) -> None:
    r = _node(g, "Referral", c.referral_id, "move")
    if r["resource_label"] != "Service":
        raise ValidationError(FIELD, f"referral {c.referral_id!r} is to a volunteer, which holds no place")
    old = _node(g, "Service", r["resource_id"], "move")
    new = _node(g, "Service", c.to_id, "move")
    if old["capacity"] is not None:
        old["used"] = max(0, old["used"] - 1)
    new["used"] = new["used"] + 1
    rkey = node_key("Referral", c.referral_id)
    src = node_key("Service", r["resource_id"])
    if g.has_edge(rkey, src, "TO"):
        g.remove_edge(rkey, src, "TO")
    g.add_edge(rkey, node_key("Service", c.to_id), key="TO", type="TO")
    r["resource_id"] = c.to_id


# ---------------------------------------------------------------------------
# the difference


@dataclass(frozen=True, slots=True)
class CoverChange:
    household_id: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    message: Message


@dataclass(frozen=True, slots=True)
class SpotChange:
    region_id: str
    domain: Domain
    #: "NOTHING" (nothing exists) or "SHORT" (not enough places)
    kind: str
    before: int
    after: int
    message: Message

    @property
    def opened(self) -> bool:
        return self.before == 0 < self.after


@dataclass(frozen=True, slots=True)
class NewDuplicate:
    region_id: str
    domain: Domain
    tag: str
    form: SupportForm
    service_ids: tuple[str, ...]
    message: Message


@dataclass(frozen=True, slots=True)
class Compliance:
    """EMERGENCY households' open needs, and those a resource starting within the deadline can cover."""

    needs: int
    within: int


@dataclass(frozen=True, slots=True)
class WhatIf:
    changes: tuple[Change, ...]
    cover: tuple[CoverChange, ...]
    spots: tuple[SpotChange, ...]
    duplicates: tuple[NewDuplicate, ...]
    compliance_before: Compliance
    compliance_after: Compliance
    households: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def no_difference(self) -> bool:
        return (not self.cover and not self.spots and not self.duplicates
                and self.compliance_before == self.compliance_after)


@dataclass(frozen=True, slots=True)
class _HouseholdCover:
    covered: frozenset[str]
    domains: dict[str, Domain]
    urgency: Urgency
    #: emergency needs coverable within the deadline
    prompt: frozenset[str]


def household_cover(g: nx.MultiDiGraph, household_id: str, on: dt.date,
                    policy: Policy = DEFAULT_POLICY) -> _HouseholdCover:
    """Which open needs of the household some eligible resource with a free place covers (what a
    package covers; :func:`matching.allocation_model.demand`), and which of them a resource starting
    within the household's deadline covers."""
    nb = read(g, household_id, policy.tags)
    dm = demand(nb, on)
    covered: set[str] = set()
    prompt: set[str] = set()
    limit = policy.deadline(nb.household.urgency)
    for _, need_ids, cands in dm.fields:
        if cands:
            covered.update(need_ids)
            if limit is not None and any(r.lead_time_days <= limit for r in cands):
                prompt.update(need_ids)
    return _HouseholdCover(frozenset(covered), {n.id: n.domain for n in nb.needs}, nb.household.urgency,
                           frozenset(prompt))


def covered_needs(g: nx.MultiDiGraph, region_id: str | None, on: dt.date, policy: Policy = DEFAULT_POLICY,
                  keep: dict[str, frozenset[str]] | None = None) -> dict[str, frozenset[str]]:
    """The open needs the places cover at once over ``region_id``'s subtree, by household: the optimum
    of the recruitment advisor's places model (:func:`matching.recruit.places_model`, most urgency- and
    severity-weighted value, then most needs; :func:`matching.recruit.lex_weights`). The one meaning
    of "covered" for what-if's gains and losses and the advisor's gains: a household competing for
    the last place with a more urgent one is not covered because a place is free for either alone.
    The number of needs is the model's; which household gets a contested place is one optimum's:
    with ``keep`` (the cover before a change), one keeping as much of it as an optimum can."""
    m = places_model(g, region_id, on, policy)
    prefer = frozenset(e for e, el in enumerate(m.elements) if keep and el.household_id in keep
                       and set(el.need_ids) <= keep[el.household_id])
    out: dict[str, set[str]] = {}
    for e in optimum(m, prefer).covered:
        el = m.elements[e]
        out.setdefault(el.household_id, set()).update(el.need_ids)
    return {h: frozenset(ids) for h, ids in out.items()}


def _covers(g: nx.MultiDiGraph, region_id: str | None, on: dt.date,
            policy: Policy) -> dict[str, _HouseholdCover]:
    tree = RegionTree.of(g)
    out = {}
    for row in households_in(g, tree.scope(region_id)):
        if row.needs:
            out[row.household.id] = household_cover(g, row.household.id, on, policy)
    return out


def _compliance(covers: dict[str, _HouseholdCover]) -> Compliance:
    em = [c for c in covers.values() if c.urgency == Urgency.EMERGENCY]
    return Compliance(sum(len(c.domains) for c in em), sum(len(c.prompt) for c in em))


def _domains(ids: Sequence[str], domains: dict[str, Domain]) -> tuple[Domain, ...]:
    wanted = {domains[i] for i in ids}
    return tuple(d for d in Domain if d in wanted)


def whatif(g: nx.MultiDiGraph, region_id: str | None, changes: Sequence[Change], *,
           on: dt.date | None = None, policy: Policy = DEFAULT_POLICY, locale: str = "en") -> WhatIf:
    """The difference ``changes`` make over the subtree of ``region_id`` (see the module docstring).

    ``g`` must hold the subtree's households and every resource reaching them
    (``store.graph(region_id)``). Nothing is written: the changes go to a copy.
    O(households x resources in reach + the coverage report + the overlaps report), twice.
    """
    on = on or clock.today()
    changes = tuple(changes)
    after_g = apply(g, changes)
    before_cov, after_cov = _covers(g, region_id, on, policy), _covers(after_g, region_id, on, policy)
    cover: list[CoverChange] = []
    # no change, no difference (and no solve): an optimum of the same model is the same optimum
    before_needs = covered_needs(g, region_id, on, policy) if changes else {}
    after_needs = covered_needs(after_g, region_id, on, policy, before_needs) if changes else {}
    for hid in sorted(set(before_cov) | set(after_cov)):
        b, a = before_cov.get(hid), after_cov.get(hid)
        before_set = before_needs.get(hid, frozenset())
        after_set = after_needs.get(hid, frozenset())
        gained = tuple(sorted(after_set - before_set))
        lost = tuple(sorted(before_set - after_set))
        if gained or lost:
            doms = {**(b.domains if b else {}), **(a.domains if a else {})}
            msg = (Message.of("whatif.gain", household=hid, domains=_domains(gained, doms)) if gained
                   else Message.of("whatif.lose", household=hid, domains=_domains(lost, doms)))
            cover.append(CoverChange(hid, gained, lost, msg))
    spots: list[SpotChange] = []
    if changes:
        cells_b = {(c.region_id, c.domain): c for c in coverage(g, region_id, on=on, policy=policy)}
        cells_a = {(c.region_id, c.domain): c for c in coverage(after_g, region_id, on=on, policy=policy)}
        tree = RegionTree.of(after_g)
        for key in sorted(set(cells_b) | set(cells_a), key=lambda k: (k[0], list(Domain).index(k[1]))):
            cb, ca = cells_b.get(key), cells_a.get(key)
            for kind in ("NOTHING", "SHORT"):
                before = _spot(cb, kind)
                after = _spot(ca, kind)
                if (before == 0) != (after == 0):
                    msg = Message.of("whatif.spot.opened" if after else "whatif.spot.closed",
                                     region=tree.names.get(key[0], key[0]), domain=key[1],
                                     kind=Message.of(f"whatif.kind.{kind.lower()}"), before=before,
                                     after=after)
                    spots.append(SpotChange(key[0], key[1], kind, before, after, msg))
    duplicates: list[NewDuplicate] = []
    if changes:
        # a group is new when it pairs two services no group of the same place and benefit paired
        old = {(o.region_id, o.domain, o.tag, o.form, a, b) for o in overlaps(g, region_id, locale=locale)
               for i, a in enumerate(o.service_ids) for b in o.service_ids[i + 1:]}
        tree = RegionTree.of(after_g)
        for o in overlaps(after_g, region_id, locale=locale):
            pairs = {(o.region_id, o.domain, o.tag, o.form, a, b)
                     for i, a in enumerate(o.service_ids) for b in o.service_ids[i + 1:]}
            if pairs - old:
                names = tuple(after_g.nodes[node_key("Service", s)]["name"] for s in o.service_ids)
                msg = Message.of(
                    "whatif.duplicate", region=tree.names.get(o.region_id, o.region_id), domain=o.domain,
                    tag=o.tag, form=o.form, names=names)
                duplicates.append(NewDuplicate(o.region_id, o.domain, o.tag, o.form, o.service_ids, msg))
    return WhatIf(changes, tuple(cover), tuple(spots), tuple(duplicates), _compliance(before_cov),
                  _compliance(after_cov), households=len(set(before_cov) | set(after_cov)))


def _spot(cell: Any, kind: str) -> int:
    if cell is None:
        return 0
    return int(cell.missing_needs if kind == "NOTHING" else cell.short_of_places)
