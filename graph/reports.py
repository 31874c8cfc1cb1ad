"""What the coverage report reads of a store, without a view of every household (issue 23).

:func:`matching.coverage` needs two things: the *supply side* of a report's
view (its regions, services, volunteers, their providers and agreements: what
:class:`matching.regions.RegionTree` and :func:`matching.neighbourhood.resource_at`
read) and, per region, the households living there with their open needs'
domains and the services they receive. A whole-province view holds both, but
building it means a node and an attribute dict for each of the 100,000
households, 260,000 needs and 150,000 receipts, most of the report's time.

:class:`ReportParts` carries the two separately: ``view`` holds the supply side's
nodes as the report's own view would hold them (same records, same attributes,
this period's counts; no edges: :func:`supply_view`; for a region the embedded
store gives the whole graph's, a superset), and ``homes``
the households by region as :data:`HomeRow` tuples, read straight from the
records. A store that cannot do better returns its ordinary view and
``homes=None`` (:meth:`graph.store.StoreMixin.report_parts`): the report then
reads the households from the view, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .model import Domain, Record
from .view import add_record, paused_gc

#: the record kinds of a report's supply side (what coverage reads besides households and needs)
SUPPLY_LABELS = ("Region", "Organization", "Agreement", "Service", "Volunteer")

#: one open need as the overlaps report reads it: the region its household lives in, its domain,
#: tags and detail
NeedRow = tuple[str, Domain, Sequence[str], "str | None"]

#: one household as coverage reads it: id, income percent, traits, urgency, the domains of its
#: open needs (one per need, in the order the report's view would hold the needs) and the node
#: keys of the services it receives
HomeRow = tuple[str, int, Sequence[Any], Any, Sequence[Domain], frozenset[str]]


@dataclass(frozen=True, slots=True)
class ReportParts:
    """A report's view, or its supply side plus the households by region (see the module docstring)."""

    #: may be shared between reports (the embedded store keeps the whole graph's, frozen, while no
    #: supply record changes, and gives it to every region's report too: it holds more than the
    #: region's view, and the reports read only the regions in reach of theirs): read it, never
    #: change it
    view: nx.MultiDiGraph
    #: region id -> the households living in that region itself, by id; None: read them from ``view``
    homes: Mapping[str, Sequence[HomeRow]] | None = None
    #: the open needs of the households living in the report's regions; None: read them from ``view``
    needs: Sequence[NeedRow] | None = None


def regions_below(regions: Iterable[Record], region_id: str) -> set[str]:
    """``region_id`` and the ids of every region below it, by the parents of ``regions`` (Region
    records; any others too: ancestors and unrelated regions are left out)."""
    below: dict[str, list[str]] = {}
    for r in regions:
        parent = getattr(r, "parent_id", None)
        if parent is not None:
            below.setdefault(parent, []).append(r.key)
    found = {region_id}
    frontier = [region_id]
    while frontier:
        frontier = [c for p in frontier for c in below.get(p, ()) if c not in found]
        found.update(frontier)
    return found


def supply_view(records: Iterable[Record]) -> nx.MultiDiGraph:
    """The supply side's view: a node per record with the attributes a view gives it (this
    period's counts included), and no edges: what coverage reads of the supply side is the nodes'
    attributes (regions' parents, resources' regions, providers and agreements), and the edges of
    57,000 records are a second of a 100,000-household report."""
    g = nx.MultiDiGraph()
    with paused_gc():
        for rec in records:
            add_record(g, rec)
    return g
