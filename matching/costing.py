"""The cost of one resource for one household, term by term (see :mod:`matching.policy`).

Each term is kept in whole hundredths (:func:`matching.policy.centi`) so that
the package cost is exact integer arithmetic, identical whichever engine
composed the package. :func:`item_cost` also says, in messages, what drove
the cost (lead time against the deadline, the fee, the source), which become
part of the item's reasons.

Complexity: O(services in play) per resource (for the exclusion term).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import Sector

from .messages import Message
from .neighbourhood import Neighbourhood, Resource
from .policy import Policy, centi


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

    @property
    def total(self) -> int:
        return self.item + self.lead + self.late + self.fee + self.scarcity + self.source + self.exclusive

    def parts(self) -> dict[str, int]:
        """The terms by name, in hundredths."""
        return {
            "item": self.item, "lead": self.lead, "late": self.late, "fee": self.fee,
            "scarcity": self.scarcity, "source": self.source, "exclusive": self.exclusive,
        }


def in_play_services(nb: Neighbourhood) -> tuple[Resource, ...]:
    """Services received or referred to (referrals not declined or closed), by key."""
    keys = set(nb.received) | {r.resource_key for r in nb.referrals}
    return tuple(nb.resources[k] for k in sorted(keys) if nb.resources[k].is_service)


def excludes_each_other(a: Resource, b: Resource) -> bool:
    """True when one of two services rules the other out."""
    return a.is_service and b.is_service and (b.id in a.excludes_ids or a.id in b.excludes_ids)


def places_left(r: Resource) -> int | None:
    """The smaller of free places and MOU quota left; None when both are unlimited."""
    left = [x for x in (r.available, r.agreement.quota_left if r.agreement is not None else None) if x is not None]
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

    fee = centi(policy.per_10k_won * r.cost / 10_000)
    if r.is_service:
        reasons.append(Message.of("reason.cost", won=r.cost) if r.cost else Message.of("reason.cost.free"))

    left = places_left(r) if r.is_service else None
    scarcity = centi(policy.scarcity / left) if left else 0

    if not r.is_service:
        source = centi(policy.other_source)
        reasons.append(Message.of("reason.volunteer"))
    else:
        options = []
        if r.sector == Sector.PUBLIC:
            options.append((centi(policy.public_source), Message.of("reason.public", provider=r.provider_name)))
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

    return ItemCost(item=centi(policy.item), lead=lead, late=late, fee=fee, scarcity=scarcity,
                    source=source, exclusive=exclusive, reasons=tuple(reasons))
