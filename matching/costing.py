"""The cost of one resource for one household, term by term (see :mod:`matching.policy`).

Each term is kept in whole hundredths (:func:`matching.policy.centi`) so that
the package cost is exact integer arithmetic, identical whichever engine
composed the package. :func:`item_cost` also says, in messages, what drove
the cost (lead time against the deadline, the fee, the source), which become
part of the item's reasons.

One more term depends on what the help *is* (see :mod:`graph.taxonomy`):
**duplicates**: each resource in play (received, or referred and not declined
or closed) that ``r`` would duplicate on an open need costs
``policy.duplicate_in_play`` (:func:`duplicates`: the OVERLAP flag's rule).
Whether ``r`` fits the *type* of a need is not a cost of ``r`` alone (it
depends on which need the package gives it): it is part of the cover problem
(:mod:`matching.packages`) and of the allocation model.

Complexity: O(resources in play + open needs) per resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import Sector, SupportForm

from .messages import Message, Text
from .neighbourhood import NeedFacts, Neighbourhood, Resource
from .policy import Policy, centi

#: what an unknown cost (or one not in won) is compared as: never free, so a service known to be free
#: or cheap ranks before it, and the item's reasons say the cost is unknown
UNKNOWN_COST_WON = 10_000


@dataclass(frozen=True, slots=True)
class ItemCost:
    """One resource's cost terms, in hundredths, and the reasons they give."""

    item: int
    lead: int
    late: int
    fee: int
    scarcity: int
    source: int
    exclusive: int
    reasons: tuple[Message, ...]
    duplicate: int = 0

    @property
    def total(self) -> int:
        return (self.item + self.lead + self.late + self.fee + self.scarcity + self.source + self.exclusive
                + self.duplicate)

    def parts(self) -> dict[str, int]:
        """The terms by name, in hundredths."""
        return {
            "item": self.item, "lead": self.lead, "late": self.late, "fee": self.fee,
            "scarcity": self.scarcity, "source": self.source, "exclusive": self.exclusive,
            "duplicate": self.duplicate,
        }


def in_play_services(nb: Neighbourhood) -> tuple[Resource, ...]:
    """Services received or referred to (referrals not declined or closed), by key."""
    keys = set(nb.received) | {r.resource_key for r in nb.referrals}
    return tuple(nb.resources[k] for k in sorted(keys) if nb.resources[k].is_service)


def excludes_each_other(a: Resource, b: Resource) -> bool:
    """True when one of two services rules the other out."""
    return a.is_service and b.is_service and (b.id in a.excludes_ids or a.id in b.excludes_ids)


def same_benefit(a: Resource, b: Resource) -> bool:
    """The same kind of benefit: the same support form and a shared type tag, or both CASH.

    Two such resources on one need are a duplicate benefit (OVERLAP); counselling
    and cash, or a voucher and a mentor, are not (different forms)."""
    return a.form == b.form and (a.form == SupportForm.CASH or not a.tags.isdisjoint(b.tags))


def holds(nb: Neighbourhood) -> dict[str, set[str]]:
    """Per resource in play (by key), the open needs it covers: a received service
    every open need of its domains, a referral the open needs it names."""
    out: dict[str, set[str]] = {}
    open_ids = {n.id for n in nb.needs}
    for key in nb.received:
        r = nb.resources[key]
        out.setdefault(key, set()).update(n.id for n in nb.needs if n.domain in r.domains)
    for ref in nb.referrals:
        out.setdefault(ref.resource_key, set()).update(n for n in ref.need_ids if n in open_ids)
    return out


def duplicates(r: Resource, needs: tuple[NeedFacts, ...], nb: Neighbourhood,
               held: dict[str, set[str]]) -> list[Resource]:
    """The resources in play that ``r`` would duplicate if it covered ``needs``:
    they cover one of those needs too and give the same benefit (:func:`same_benefit`)."""
    mine = {n.id for n in needs}
    out = []
    for key in sorted(held):
        s = nb.resources[key]
        if key != r.key and held[key] & mine and same_benefit(r, s):
            out.append(s)
    return out


def tag_text(tags: frozenset[str] | tuple[str, ...], policy: Policy) -> tuple[Text, ...]:
    """Tags as labels that render in the caller's locale."""
    tax = policy.tags
    return tuple(Text(tax.label(t, "ko"), tax.label(t, "en")) for t in sorted(tags))


def places_left(r: Resource) -> int | None:
    """The smaller of free places and MOU quota left; None when both are unlimited."""
    quota = r.agreement.quota_left if r.agreement is not None else None
    left = [x for x in (r.available, quota) if x is not None]
    return min(left) if left else None


def item_cost(r: Resource, nb: Neighbourhood, policy: Policy, in_play: tuple[Resource, ...] = ()) -> ItemCost:
    """The cost terms of adding candidate ``r`` to a package for ``nb``'s household.

    Inputs: a candidate (it passed every rule), the neighbourhood, the policy,
    and the services already in play (:func:`in_play_services`). Output: an
    :class:`ItemCost`. O(len(in_play)).
    """
    urgency = nb.household.urgency
    reasons: list[Message] = []

    lead = late = 0
    if r.is_service:
        days = r.lead_time_days
        lead = centi(policy.lead_day(urgency) * days)
        limit = policy.deadline(urgency)
        if limit is not None and days > limit:
            late = centi(policy.late)
            reasons.append(Message.of("reason.lead.late", days=days, limit=limit, urgency=urgency))
        elif limit is not None:
            reasons.append(Message.of("reason.lead.deadline", days=days, limit=limit, urgency=urgency))
        elif days == 0:
            reasons.append(Message.of("reason.lead.now"))
        else:
            reasons.append(Message.of("reason.lead.within", days=days))

    won = r.cost if r.cost_currency is None else None
    fee = centi(policy.per_10k_won * (UNKNOWN_COST_WON if won is None else won) / 10_000)
    if r.is_service:
        if won is None and r.cost is not None:
            reasons.append(Message.of("reason.cost.currency", amount=r.cost, currency=r.cost_currency,
                                      won=UNKNOWN_COST_WON))
        elif won is None:
            reasons.append(Message.of("reason.cost.unknown", won=UNKNOWN_COST_WON))
        else:
            reasons.append(Message.of("reason.cost", won=won) if won else Message.of("reason.cost.free"))

    left = places_left(r) if r.is_service else None
    scarcity = centi(policy.scarcity / left) if left else 0

    if not r.is_service:
        source = centi(policy.other_source)
        reasons.append(Message.of("reason.volunteer"))
    else:
        options = []
        if r.sector == Sector.PUBLIC:
            options.append((centi(policy.public_source),
                            Message.of("reason.public", provider=r.provider_name)))
        if r.agreement_id is not None:
            options.append((centi(policy.mou_source), Message.of("reason.mou", provider=r.provider_name)))
        if not options:
            options.append((centi(policy.other_source), Message.of(
                "reason.other_source", sector=r.sector if r.sector is not None else "?",
                provider=r.provider_name)))
        source, why = min(options, key=lambda o: o[0])
        reasons.append(why)

    clashes = [s for s in in_play if s.key != r.key and excludes_each_other(r, s)]
    exclusive = centi(policy.exclusive_in_play) * len(clashes)
    for s in clashes:
        reasons.append(Message.of("reason.excludes", other=s.name))

    needs = tuple(n for n in nb.needs if n.domain in r.domains)
    twins = duplicates(r, needs, nb, holds(nb))
    duplicate = centi(policy.duplicate_in_play) * len(twins)
    for s in twins:
        reasons.append(Message.of("reason.duplicates", other=s.name, form=r.form))

    return ItemCost(item=centi(policy.item), lead=lead, late=late, fee=fee, scarcity=scarcity,
                    source=source, exclusive=exclusive, reasons=tuple(reasons), duplicate=duplicate)
