"""Candidates per open need, and why a need has none.

Needs of one domain share their candidates (every rule but DOMAIN is about the
household, not the need), so the unit here is a :class:`DomainField`: the open
needs of one domain, every resource in reach that offers it (with its
:class:`~matching.eligibility.Verdict`), and the candidates: those that pass
every rule.

When a domain has no candidate, :attr:`DomainField.gap` says at which stage
of the eligibility funnel the field emptied (see :mod:`matching.eligibility`):

* ``REACH``     nothing in the view offers the domain and serves the household's
                region chain;
* ``AVAILABLE`` something does, but none is active (or its MOU is in force);
* ``ELIGIBLE``  active ones exist, but the household fails an eligibility rule
                (income ceiling, required traits) of every one;
* ``NEW``       the only eligible active ones are services it already receives;
* ``FREE``      eligible ones exist but none has a free place or MOU quota left
                (a CAPACITY flag: a wait list, not a gap).

What the view can show: ``store.neighbourhood`` holds the *active* services
serving the chain, plus every service the household receives or was referred
to (active or not). So ``AVAILABLE`` is reported for an inactive service only
when the household received or was referred to it; a retired service it never
touched is not in that view, and such a domain reads as ``REACH``. A wider view
(a region subtree or the whole graph, which hold inactive services too) gives
the exact reason.

Complexity: O(resources in reach x rules + resources x open domains).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.model import Domain

from .eligibility import Stage, Verdict, assess
from .neighbourhood import Neighbourhood, Resource
from .policy import Policy


@dataclass(frozen=True, slots=True)
class DomainField:
    """The open needs of one domain and the resources in reach that offer it."""

    domain: Domain
    need_ids: tuple[str, ...]
    #: every resource in reach offering the domain, by key
    offering: tuple[Verdict, ...]
    #: those that pass every rule, by key
    candidates: tuple[Resource, ...]

    @property
    def coverable(self) -> bool:
        return bool(self.candidates)

    @property
    def gap(self) -> Stage | None:
        """The funnel stage at which the field emptied (None when coverable)."""
        if self.candidates:
            return None
        if not self.offering:
            return Stage.REACH
        return max(v.failed_stage for v in self.offering)  # type: ignore[type-var]

    def failing_at(self, stage: Stage) -> tuple[Verdict, ...]:
        """The resources offering the domain whose first failed rule is at ``stage``."""
        return tuple(v for v in self.offering if v.failed_stage == stage)


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """Everything the package composer needs to know about one household."""

    nb: Neighbourhood
    on: dt.date
    #: one per domain with open needs, in domain order
    fields: tuple[DomainField, ...]
    #: every resource in reach, assessed
    verdicts: dict[str, Verdict]
    #: resources that can cover at least one open need, by key
    candidates: tuple[Resource, ...]

    @property
    def coverable_domains(self) -> tuple[Domain, ...]:
        return tuple(f.domain for f in self.fields if f.coverable)

    @property
    def uncovered_fields(self) -> tuple[DomainField, ...]:
        return tuple(f for f in self.fields if not f.coverable)

    def field(self, domain: Domain) -> DomainField | None:
        return next((f for f in self.fields if f.domain == domain), None)

    def covers(self, resource: Resource) -> tuple[Domain, ...]:
        """The open-need domains this candidate can cover, in domain order."""
        return tuple(f.domain for f in self.fields if f.coverable and f.domain in resource.domains)


def find_candidates(nb: Neighbourhood, on: dt.date, policy: Policy) -> CandidateSet:
    """Assess every resource in reach and group the open needs by domain.

    Inputs: a :class:`~matching.neighbourhood.Neighbourhood`, the day ``on``,
    the policy. Output: a :class:`CandidateSet`. Complexity: see the module
    docstring.
    """
    verdicts = {r.key: assess(r, nb, on, policy) for r in nb.in_reach}
    by_domain: dict[Domain, list[str]] = {}
    for need in nb.needs:
        by_domain.setdefault(need.domain, []).append(need.id)
    fields = []
    for domain in Domain:
        if domain not in by_domain:
            continue
        offering = tuple(v for v in verdicts.values() if domain in v.resource.domains)
        fields.append(DomainField(
            domain=domain, need_ids=tuple(sorted(by_domain[domain])), offering=offering,
            candidates=tuple(v.resource for v in offering if v.ok),
        ))
    keys = sorted({r.key for f in fields for r in f.candidates})
    return CandidateSet(
        nb=nb, on=on, fields=tuple(fields), verdicts=verdicts,
        candidates=tuple(nb.resources[k] for k in keys),
    )
