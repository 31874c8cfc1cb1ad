"""Flags: what a case conference must see besides the package itself.

Kinds, as the contract describes them, each with a reason code
(:class:`matching.results.Reason`) a client can act on:

* **MISSING** — an open need no eligible resource with free capacity can cover
  (one flag per domain). The code says where the eligibility funnel emptied
  (see :mod:`matching.candidates`): NOTHING_IN_REGION; NOTHING_ACTIVE or
  AGREEMENT_EXPIRED (every one offering it is retired, or under an MOU not in
  force); NOT_ELIGIBLE_INCOME, NOT_ELIGIBLE_TRAIT or NOT_ELIGIBLE (income over
  every ceiling, a required trait missing from every one, or some of each);
  ALREADY_RECEIVED. ``service_ids`` are the resources that failed at that
  stage (none for NOTHING_IN_REGION).
* **CAPACITY** — eligible resources exist but none has a free place (FULL) or
  MOU quota left (QUOTA_USED): a wait list, not a gap.
* **NEAR_MISS** — for a need the package cannot cover, a resource the household
  misses by one rule a person may approve (see :mod:`matching.eligibility`):
  income at most ``policy.near_miss_points`` over a ceiling
  (NOT_ELIGIBLE_INCOME), or one trait the care policy marks discretionary
  (NOT_ELIGIBLE_TRAIT). The message says who may approve what. One flag per
  resource.
* **OVERLAP** — a duplicate benefit, never mere complementary help:

  - DUPLICATE_BENEFIT: one open need covered by two resources in play that
    give the same benefit (:func:`matching.costing.same_benefit`: the same
    support form and a shared type tag, or two CASH benefits). "In play" is a
    package item (for the needs assigned to it), a referral not declined or
    closed (for the needs it names) and a service received (for the open
    needs of its domains); at least one of the two is not a receipt.
    Counselling plus cash, a voucher plus a mentor, rehabilitation plus a
    visiting nurse: different forms or types, no flag. One flag per domain and
    group of duplicates.
  - DUPLICATE_RECEIPT: two services the household already receives, from
    different organizations, with the same form and a shared tag (the
    improper-receipt control), whatever its open needs. One flag per pair.
* **EXCLUSIVE** — two services in play (received, referred, or in the package)
  where one excludes the other (EXCLUDED). One flag per pair.

MISSING, CAPACITY and NEAR_MISS, and the flags among receipts and referrals
alone, are the same in every package of a household; the rest depend on the
package.

Complexity: O(needs x resources in play^2 + pairs of services in play).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.model import Domain, HouseholdTrait, SupportForm

from .candidates import CandidateSet, DomainField
from .costing import excludes_each_other, holds, in_play_services, same_benefit, tag_text
from .eligibility import Rule, Stage
from .messages import Message, Text
from .neighbourhood import Resource
from .policy import DEFAULT_POLICY, Policy
from .results import Flag, FlagKind, Reason

_KIND_ORDER = {k: i for i, k in enumerate(FlagKind)}
_DOMAIN_ORDER = {d: i for i, d in enumerate(Domain)}



@dataclass(frozen=True, slots=True)
class Draft:
    """A flag before its message is rendered in a locale."""

    kind: FlagKind
    domain: Domain | None
    need_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    message: Message
    reason: Reason

    def render(self, locale: str) -> Flag:
        text = self.message.render(locale)
        return Flag(self.kind, self.domain, self.need_ids, self.service_ids, text[:1].upper() + text[1:],
                    self.reason)

    def sort_key(self) -> tuple[int, int, tuple[str, ...], tuple[str, ...]]:
        domain = len(_DOMAIN_ORDER) if self.domain is None else _DOMAIN_ORDER[self.domain]  # None last
        return (_KIND_ORDER[self.kind], domain, self.service_ids, self.need_ids)


@dataclass(frozen=True, slots=True)
class Assigned:
    """A package item for the flags: the resource and the open needs assigned to it."""

    resource: Resource
    domains: tuple[Domain, ...]
    need_ids: tuple[str, ...]


def _names(field: DomainField, stage: Stage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    failing = field.failing_at(stage)
    return tuple(v.resource.name for v in failing), tuple(sorted(v.resource.id for v in failing))


def _failed_rules(field: DomainField, stage: Stage) -> set[Rule]:
    """The rules of ``stage`` that the resources failing there failed."""
    return {c.rule for v in field.failing_at(stage) for c in v.failed if c.stage == stage}


def _gap(cs: CandidateSet, f: DomainField, gap: Stage) -> Draft:
    """The MISSING or CAPACITY draft of a domain whose field emptied at ``gap``."""
    region = cs.nb.region.name
    names, ids = _names(f, gap) if gap != Stage.REACH else ((), ())
    rules = _failed_rules(f, gap) if gap != Stage.REACH else set()
    if gap == Stage.FREE:
        if rules == {Rule.QUOTA}:
            return Draft(FlagKind.CAPACITY, f.domain, f.need_ids, ids,
                         Message.of("flag.capacity.quota", domain=f.domain, names=names), Reason.QUOTA_USED)
        return Draft(FlagKind.CAPACITY, f.domain, f.need_ids, ids,
                     Message.of("flag.capacity", domain=f.domain, names=names), Reason.FULL)
    if gap == Stage.REACH:
        msg = Message.of("flag.missing.nothing_in_region", domain=f.domain, region=region)
        return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.NOTHING_IN_REGION)
    if gap == Stage.AVAILABLE:
        if rules == {Rule.AGREEMENT}:
            msg = Message.of("flag.missing.agreement", domain=f.domain, region=region, names=names)
            return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.AGREEMENT_EXPIRED)
        msg = Message.of("flag.missing.nothing_active", domain=f.domain, region=region, names=names)
        return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.NOTHING_ACTIVE)
    if gap == Stage.NEW:
        msg = Message.of("flag.missing.already_received", domain=f.domain, names=names)
        return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.ALREADY_RECEIVED)
    hh = cs.nb.household
    if rules == {Rule.INCOME}:
        msg = Message.of("flag.missing.income", domain=f.domain, income=hh.income_percent, count=len(ids))
        return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.NOT_ELIGIBLE_INCOME)
    if rules == {Rule.TRAITS}:
        order = {t: i for i, t in enumerate(HouseholdTrait)}
        lacking = tuple(sorted({t for v in f.failing_at(gap) for t in v.resource.required_traits
                                if t not in hh.traits}, key=order.__getitem__))
        msg = Message.of("flag.missing.trait", domain=f.domain, count=len(ids), traits=lacking)
        return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.NOT_ELIGIBLE_TRAIT)
    msg = Message.of("flag.missing.not_eligible", domain=f.domain, count=len(ids))
    return Draft(FlagKind.MISSING, f.domain, f.need_ids, ids, msg, Reason.NOT_ELIGIBLE)


def gap_flags(cs: CandidateSet, policy: Policy = DEFAULT_POLICY) -> list[Draft]:
    """MISSING, CAPACITY and NEAR_MISS drafts for the domains nothing can cover."""
    out: list[Draft] = []
    income = cs.nb.household.income_percent
    for f in cs.uncovered_fields:
        gap = f.gap
        assert gap is not None
        out.append(_gap(cs, f, gap))
        for v in f.offering:
            near = v.near_miss
            if near is None:
                continue
            r = v.resource
            if near.rule == Rule.INCOME:
                ceiling = r.max_income_percent
                assert ceiling is not None
                approver = Text(*policy.income_approver)
                msg = Message.of("flag.near_miss.income", domain=f.domain, name=r.name, ceiling=ceiling,
                                 income=income, over=income - ceiling, points=policy.near_miss_points,
                                 approver=approver)
                reason = Reason.NOT_ELIGIBLE_INCOME
            else:
                trait = next(t for t in r.required_traits if t not in cs.nb.household.traits)
                msg = Message.of("flag.near_miss.trait", domain=f.domain, name=r.name, trait=trait,
                                 approver=Text(*policy.trait_approver))
                reason = Reason.NOT_ELIGIBLE_TRAIT
            out.append(Draft(FlagKind.NEAR_MISS, f.domain, f.need_ids, (r.id,), msg, reason))
    return out


_ROLE_ORDER = {"package": 0, "referred": 1, "received": 2}
_HOLDING = {"package": "holding.package", "referred": "holding.referred", "received": "holding.received"}


def _overlap_drafts(cs: CandidateSet, items: Sequence[Assigned], policy: Policy) -> list[Draft]:
    """DUPLICATE_BENEFIT: per open need, the pairs of resources in play covering it twice."""
    nb = cs.nb
    held = holds(nb)
    role: dict[str, str] = {}
    status: dict[str, object] = {}
    for key in nb.received:
        role[key] = "received"
    for ref in nb.referrals:
        if _ROLE_ORDER["referred"] < _ROLE_ORDER[role.get(ref.resource_key, "received")]:
            role[ref.resource_key] = "referred"
            status[ref.resource_key] = ref.status
    for it in items:
        held.setdefault(it.resource.key, set()).update(it.need_ids)
        role[it.resource.key] = "package"
    keys = sorted(held)
    # (domain, duplicate holders) -> (need ids, shared tags, only cash)
    groups: dict[tuple[Domain, frozenset[str]], tuple[set[str], set[str], bool]] = {}
    for n in nb.needs:
        on = [k for k in keys if n.id in held[k]]
        dup: set[str] = set()
        shared: set[str] = set()
        for i, a in enumerate(on):
            for b in on[i + 1:]:
                ra, rb = nb.resources[a], nb.resources[b]
                if role[a] == role[b] == "received" or not same_benefit(ra, rb):
                    continue
                dup |= {a, b}
                shared |= ra.tags & rb.tags
        if dup:
            needs, tags, _ = groups.setdefault((n.domain, frozenset(dup)), (set(), set(), True))
            needs.add(n.id)
            tags.update(shared)
    out: list[Draft] = []
    for (domain, twins), (needs, tags, _) in groups.items():
        ordered = sorted(twins, key=lambda k: (_ROLE_ORDER[role[k]], k))
        holdings = []
        for k in ordered:
            r = nb.resources[k]
            params: dict[str, object] = {"name": r.name}
            if role[k] == "referred":
                params["status"] = status[k]
            holdings.append(Message.of(_HOLDING[role[k]], **params))
        form = nb.resources[ordered[0]].form
        if tags:
            msg = Message.of("flag.overlap.tags", domain=domain, holdings=tuple(holdings), form=form,
                             tags=tag_text(frozenset(tags), policy))
        else:
            msg = Message.of("flag.overlap.cash", domain=domain, holdings=tuple(holdings))
        assert tags or form == SupportForm.CASH
        out.append(Draft(FlagKind.OVERLAP, domain, tuple(sorted(needs)),
                         tuple(sorted(nb.resources[k].id for k in twins)), msg, Reason.DUPLICATE_BENEFIT))
    return out


def _receipt_drafts(cs: CandidateSet, policy: Policy) -> list[Draft]:
    """DUPLICATE_RECEIPT: two receipts of the same form and tag from different organizations."""
    nb = cs.nb
    received = sorted((nb.resources[k] for k in nb.received if nb.resources[k].is_service),
                      key=lambda r: r.id)
    out: list[Draft] = []
    for i, a in enumerate(received):
        for b in received[i + 1:]:
            shared = a.tags & b.tags
            if a.form != b.form or not shared or a.provider_key == b.provider_key:
                continue
            common = [d for d in Domain if d in a.domains and d in b.domains]
            needs = tuple(sorted(n.id for n in nb.needs if n.domain in a.domains and n.domain in b.domains))
            msg = Message.of("flag.overlap.receipts", first=a.name, first_org=a.provider_name, second=b.name,
                             second_org=b.provider_name, form=a.form, tags=tag_text(shared, policy))
            out.append(Draft(FlagKind.OVERLAP, common[0] if common else None, needs, (a.id, b.id), msg,
                             Reason.DUPLICATE_RECEIPT))
    return out


def duplicate_flags(cs: CandidateSet, items: Sequence[Assigned],
                    policy: Policy = DEFAULT_POLICY) -> list[Draft]:
    """OVERLAP and EXCLUSIVE drafts among receipts, referrals and ``items``."""
    nb = cs.nb
    need_domain = {n.id: n.domain for n in nb.needs}
    out = _overlap_drafts(cs, items, policy) + _receipt_drafts(cs, policy)

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
                Message.of("flag.exclusive", first=first.name, second=second.name), Reason.EXCLUDED,
            ))
    return out


def package_flags(cs: CandidateSet, items: Sequence[Assigned], locale: str,
                  gaps: Sequence[Draft] | None = None, policy: Policy = DEFAULT_POLICY) -> tuple[Flag, ...]:
    """Every flag of one package, rendered in ``locale``, in a stable order."""
    drafts = list(gap_flags(cs, policy) if gaps is None else gaps) + duplicate_flags(cs, items, policy)
    drafts.sort(key=Draft.sort_key)
    return tuple(d.render(locale) for d in drafts)
