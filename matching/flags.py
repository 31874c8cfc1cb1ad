"""Flags: what a case conference must see besides the package itself.

Kinds, as the contract describes them (one flag per domain unless said):

* **MISSING** — an open need no eligible resource with free capacity can cover.
  ``reason`` says where the eligibility funnel emptied (see
  :mod:`matching.candidates`): NOTHING_IN_REGION, NOTHING_ACTIVE, NOT_ELIGIBLE
  or ALREADY_RECEIVED; ``service_ids`` are the resources that failed at that
  stage (none for NOTHING_IN_REGION).
* **CAPACITY** — eligible resources exist but none has a free place or MOU
  quota left: a wait list, not a gap. ``service_ids`` are those resources.
* **NEAR_MISS** — for a need the package cannot cover, a resource the household
  misses by one rule and a small margin (income at most
  ``policy.near_miss_points`` over a ceiling, or one required trait short).
  One flag per resource.
* **OVERLAP** — a domain that two or more different resources in play would
  cover: services the household receives, resources it is referred to
  (referrals not declined or closed, for the domains of their open needs),
  and the package's items (for the needs assigned to them). So two receipts
  that duplicate each other, a receipt or referral a package item would
  duplicate, are each an OVERLAP.
* **EXCLUSIVE** — two services in play (received, referred, or in the package)
  where one excludes the other. One flag per pair.

MISSING, CAPACITY and NEAR_MISS, and the OVERLAP and EXCLUSIVE flags among
receipts and referrals alone, are the same in every package of a household;
the rest depend on the package.

Complexity: O(domains x resources in play + pairs of services in play).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.model import Domain

from .candidates import CandidateSet, DomainField
from .costing import excludes_each_other, in_play_services
from .eligibility import Rule, Stage
from .messages import Message
from .neighbourhood import Resource
from .results import Flag, FlagKind, MissingReason

_KIND_ORDER = {k: i for i, k in enumerate(FlagKind)}
_DOMAIN_ORDER = {d: i for i, d in enumerate(Domain)}

_MISSING = {
    Stage.REACH: (MissingReason.NOTHING_IN_REGION, "flag.missing.nothing_in_region"),
    Stage.AVAILABLE: (MissingReason.NOTHING_ACTIVE, "flag.missing.nothing_active"),
    Stage.ELIGIBLE: (MissingReason.NOT_ELIGIBLE, "flag.missing.not_eligible"),
    Stage.NEW: (MissingReason.ALREADY_RECEIVED, "flag.missing.already_received"),
}


@dataclass(frozen=True, slots=True)
class Draft:
    """A flag before its message is rendered in a locale."""

    kind: FlagKind
    domain: Domain | None
    need_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    message: Message
    reason: str | None = None

    def render(self, locale: str) -> Flag:
        text = self.message.render(locale)
        return Flag(self.kind, self.domain, self.need_ids, self.service_ids, text[:1].upper() + text[1:],
                    self.reason)

    def sort_key(self) -> tuple:
        return (_KIND_ORDER[self.kind], _DOMAIN_ORDER.get(self.domain, len(_DOMAIN_ORDER)),  # type: ignore[arg-type]
                self.service_ids, self.need_ids)


@dataclass(frozen=True, slots=True)
class Assigned:
    """A package item for the flags: the resource and the open needs assigned to it."""

    resource: Resource
    domains: tuple[Domain, ...]
    need_ids: tuple[str, ...]


def _names(field: DomainField, stage: Stage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    failing = field.failing_at(stage)
    return tuple(v.resource.name for v in failing), tuple(sorted(v.resource.id for v in failing))


def gap_flags(cs: CandidateSet) -> list[Draft]:
    """MISSING, CAPACITY and NEAR_MISS drafts for the domains nothing can cover."""
    out: list[Draft] = []
    region = cs.nb.region.name
    income = cs.nb.household.income_percent
    for f in cs.uncovered_fields:
        gap = f.gap
        assert gap is not None
        if gap == Stage.FREE:
            names, ids = _names(f, Stage.FREE)
            out.append(Draft(FlagKind.CAPACITY, f.domain, f.need_ids, ids,
                             Message.of("flag.capacity", domain=f.domain, names=names)))
        else:
            reason, key = _MISSING[gap]
            names, ids = _names(f, gap) if gap != Stage.REACH else ((), ())
            params = {"domain": f.domain}
            if gap in (Stage.REACH, Stage.AVAILABLE):
                params["region"] = region
            if gap in (Stage.AVAILABLE, Stage.NEW):
                params["names"] = names
            if gap == Stage.ELIGIBLE:
                params["count"] = len(ids)
            out.append(Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, Message.of(key, **params), reason.value))
        for v in f.offering:
            near = v.near_miss
            if near is None:
                continue
            r = v.resource
            if near.rule == Rule.INCOME:
                ceiling = r.max_income_percent
                assert ceiling is not None
                msg = Message.of("flag.near_miss.income", domain=f.domain, name=r.name, ceiling=ceiling,
                                 income=income, over=income - ceiling)
            else:
                trait = next(t for t in r.required_traits if t not in cs.nb.household.traits)
                msg = Message.of("flag.near_miss.trait", domain=f.domain, name=r.name, trait=trait)
            out.append(Draft(FlagKind.NEAR_MISS, f.domain, f.need_ids, (r.id,), msg, near.rule.value))
    return out


_ROLE_ORDER = {"package": 0, "referred": 1, "received": 2}


def duplicate_flags(cs: CandidateSet, items: Sequence[Assigned]) -> list[Draft]:
    """OVERLAP and EXCLUSIVE drafts among receipts, referrals and ``items``."""
    nb = cs.nb
    need_domain = {n.id: n.domain for n in nb.needs}
    open_needs: dict[Domain, list[str]] = {}
    for n in nb.needs:
        open_needs.setdefault(n.domain, []).append(n.id)

    # domain -> resource key -> (role, message)
    holdings: dict[Domain, dict[str, tuple[str, Message]]] = {}

    def hold(domain: Domain, r: Resource, role: str, msg: Message) -> None:
        current = holdings.setdefault(domain, {}).get(r.key)
        if current is None or _ROLE_ORDER[role] < _ROLE_ORDER[current[0]]:
            holdings[domain][r.key] = (role, msg)

    for key in sorted(nb.received):
        r = nb.resources[key]
        for d in r.domains:
            hold(d, r, "received", Message.of("holding.received", name=r.name))
    for ref in nb.referrals:
        r = nb.resources[ref.resource_key]
        for nid in ref.need_ids:
            if nid in need_domain:
                hold(need_domain[nid], r, "referred",
                     Message.of("holding.referred", name=r.name, status=ref.status))
    for it in items:
        for d in it.domains:
            hold(d, it.resource, "package", Message.of("holding.package", name=it.resource.name))

    out: list[Draft] = []
    for d, held in holdings.items():
        if len(held) < 2:
            continue
        ordered = sorted(held.items(), key=lambda kv: (_ROLE_ORDER[kv[1][0]], kv[0]))
        ids = tuple(sorted(nb.resources[k].id for k in held))
        out.append(Draft(FlagKind.OVERLAP, d, tuple(sorted(open_needs.get(d, ()))), ids,
                         Message.of("flag.overlap", domain=d, holdings=tuple(m for _, (_, m) in ordered))))

    # EXCLUSIVE: every pair of services in play that rule each other out
    needs_of: dict[str, set[str]] = {}
    for ref in nb.referrals:
        needs_of.setdefault(ref.resource_key, set()).update(n for n in ref.need_ids if n in need_domain)
    for it in items:
        needs_of.setdefault(it.resource.key, set()).update(it.need_ids)
    play = {r.key: r for r in in_play_services(nb)}
    play.update({it.resource.key: it.resource for it in items if it.resource.is_service})
    keys = sorted(play)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            ra, rb = play[a], play[b]
            if not excludes_each_other(ra, rb):
                continue
            first, second = sorted((ra, rb), key=lambda r: r.id)
            common = [d for d in Domain if d in ra.domains and d in rb.domains]
            out.append(Draft(
                FlagKind.EXCLUSIVE, common[0] if common else None,
                tuple(sorted(needs_of.get(a, set()) | needs_of.get(b, set()))), (first.id, second.id),
                Message.of("flag.exclusive", first=first.name, second=second.name),
            ))
    return out


def package_flags(cs: CandidateSet, items: Sequence[Assigned], locale: str,
                  gaps: Sequence[Draft] | None = None) -> tuple[Flag, ...]:
    """Every flag of one package, rendered in ``locale``, in a stable order."""
    drafts = list(gap_flags(cs) if gaps is None else gaps) + duplicate_flags(cs, items)
    drafts.sort(key=Draft.sort_key)
    return tuple(d.render(locale) for d in drafts)
