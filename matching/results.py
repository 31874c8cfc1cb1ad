"""What matching returns: frozen records mirroring the contract's
``ServicePackage``, ``PackageItem`` and ``Flag`` (ids, not node keys, where
the contract has ids), plus the whole answer for one household.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from graph.model import Domain


class FlagKind(str, enum.Enum):
    """The contract's FlagKind, in the order flags are listed."""

    MISSING = "MISSING"
    CAPACITY = "CAPACITY"
    NEAR_MISS = "NEAR_MISS"
    OVERLAP = "OVERLAP"
    EXCLUSIVE = "EXCLUSIVE"


class Reason(str, enum.Enum):
    """The code of a flag or of an unmet need: what a client acts on (the message is for people).

    ==================  ==========================================================================
    code                meaning
    ==================  ==========================================================================
    NOTHING_IN_REGION   MISSING: nothing serving the household's region offers the domain
    NOTHING_ACTIVE      MISSING: what offers it is retired (or a volunteer has no hours)
    AGREEMENT_EXPIRED   MISSING: what offers it is under an MOU not in force on the day
    NOT_ELIGIBLE_INCOME MISSING: the household's income is over every ceiling; NEAR_MISS: within
                        the margin of one
    NOT_ELIGIBLE_TRAIT  MISSING: the household lacks a required trait of every one; NEAR_MISS: one
                        discretionary trait short
    NOT_ELIGIBLE        MISSING: some fail on income, others on traits
    ALREADY_RECEIVED    MISSING: the only eligible ones are already received
    FULL                CAPACITY: every eligible one is full (a wait list)
    QUOTA_USED          CAPACITY: every eligible one's MOU quota for the year is used up
    DUPLICATE_BENEFIT   OVERLAP: a need covered twice with the same form and tag, or by two
                        CASH benefits of its domain (package, referrals, receipts)
    DUPLICATE_RECEIPT   OVERLAP: two receipts of the same form and tag from different agencies
    EXCLUDED            EXCLUSIVE: two services in play rule each other out; unmet: the places
                        left rule out a service the plan gives the household
    NOT_ENOUGH_PLACES   unmet: eligible resources had places, but fewer than the needs
                        competing for them (the plan gave them to other needs)
    NOT_WORTH           unmet (first-come baseline only): covering it cost more than its value
    ==================  ==========================================================================
    """

    NOTHING_IN_REGION = "NOTHING_IN_REGION"
    NOTHING_ACTIVE = "NOTHING_ACTIVE"
    AGREEMENT_EXPIRED = "AGREEMENT_EXPIRED"
    NOT_ELIGIBLE_INCOME = "NOT_ELIGIBLE_INCOME"
    NOT_ELIGIBLE_TRAIT = "NOT_ELIGIBLE_TRAIT"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    ALREADY_RECEIVED = "ALREADY_RECEIVED"
    FULL = "FULL"
    QUOTA_USED = "QUOTA_USED"
    DUPLICATE_BENEFIT = "DUPLICATE_BENEFIT"
    DUPLICATE_RECEIPT = "DUPLICATE_RECEIPT"
    EXCLUDED = "EXCLUDED"
    NOT_ENOUGH_PLACES = "NOT_ENOUGH_PLACES"
    NOT_WORTH = "NOT_WORTH"


#: the codes a MISSING flag carries (kept under its old name)
MissingReason = Reason


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    domain: Domain | None
    need_ids: tuple[str, ...]
    #: ids of the services (or volunteers) the flag is about
    service_ids: tuple[str, ...]
    message: str
    #: what the flag is about, as a code (see :class:`Reason`)
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "domain": self.domain.value if self.domain else None,
            "needIds": list(self.need_ids), "serviceIds": list(self.service_ids),
            "message": self.message, "reason": self.reason.value,
        }


@dataclass(frozen=True, slots=True)
class PackageItem:
    #: the node key of the service or volunteer, ``"Service:svc-1"``
    resource_key: str
    resource_id: str
    #: "Service" or "Volunteer"
    resource_label: str
    name: str
    #: the organization's id for a service, the volunteer's own id for a volunteer
    provider_id: str
    #: the household's needs this resource covers in the package
    need_ids: tuple[str, ...]
    domains: tuple[Domain, ...]
    reasons: tuple[str, ...]
    #: this resource's own cost terms (the provider fee is counted per package)
    cost: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": {"id": self.resource_id, "kind": self.resource_label, "name": self.name,
                         "providerId": self.provider_id},
            "needIds": list(self.need_ids), "domains": [d.value for d in self.domains],
            "reasons": list(self.reasons), "cost": self.cost,
        }


@dataclass(frozen=True, slots=True)
class Package:
    rank: int
    #: lower is better; comparable between packages of one household (see matching.policy)
    cost: float
    items: tuple[PackageItem, ...]
    covered_domains: tuple[Domain, ...]
    missing_domains: tuple[Domain, ...]
    provider_count: int
    flags: tuple[Flag, ...]
    #: proven to be the rank-th best package (False when a time or node limit cut the search)
    optimal: bool
    #: the cost split by term: provider, item, lead, late, fee, scarcity, source, exclusive, exclusive_pair
    cost_terms: tuple[tuple[str, float], ...] = ()

    @property
    def resource_keys(self) -> frozenset[str]:
        return frozenset(i.resource_key for i in self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "cost": self.cost, "optimal": self.optimal,
            "providerCount": self.provider_count,
            "coveredDomains": [d.value for d in self.covered_domains],
            "missingDomains": [d.value for d in self.missing_domains],
            "items": [i.as_dict() for i in self.items],
            "flags": [f.as_dict() for f in self.flags],
            "costTerms": dict(self.cost_terms),
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    household_id: str
    on: dt.date
    packages: tuple[Package, ...]
    #: every package proven (the search or the MILP ran to completion)
    optimal: bool
    #: which engine composed the packages: trivial, search, milp, brute or greedy
    engine: str
    #: resources that can cover at least one open need
    candidate_count: int
    #: of those, how many the exact engine had to consider after dominance
    considered_count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "householdId": self.household_id, "on": self.on.isoformat(), "optimal": self.optimal,
            "engine": self.engine, "candidateCount": self.candidate_count,
            "consideredCount": self.considered_count,
            "packages": [p.as_dict() for p in self.packages],
        }
