"""The embedded store's in-memory state: the records, and who names whom.

Until issue 23 the store kept, beside its records, a full networkx copy of the
graph (one attribute dict per node, two dicts per edge): 886 MiB for the
100,000-household province, most of it that copy, and 8 s to build at open.
What a view needs from it is only "which records does this view hold", and
that is answered here from the records themselves plus one reverse index:

* ``records[label][key]``: every record, as the model's frozen dataclass;
* ``named_by[label][key]``: the records (Receipts included) that name that
  record in one of their references, each once (one record alone, or a list). Edges are not stored at all: the
  edges at a node are those its own record declares plus those its referrers
  declare, filtered to the ones touching it (as :func:`graph.view.edges_of` reads them). The index
  holds pointers to records already in memory, so it costs a list slot per
  reference.

Nothing here knows a record kind's fields: references come from
:meth:`graph.model.Record.refs` and :class:`graph.model.Ref`, so
fields and kinds added to the model need no change here.

:class:`Memory` is an :class:`graph.view.Adjacency`, so the view selection of
:mod:`graph.view` (the same functions that cut views out of a networkx graph)
runs over it unchanged; :meth:`Memory.view` then builds the view with
:func:`graph.view.build_graph`, the function the Neo4j store builds its views
with. Callers hold the store's view lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from ..model import (
    RECORD_TYPES,
    Receipt,
    Record,
    node_key,
    split_node_key,
)
from ..network_parts import Rows, rows_of_records
from ..reports import SUPPLY_LABELS, HomeRow, NeedRow, regions_below
from ..view import build_graph
from .homes_kept import KeptHomes

Staged = Mapping[tuple[str, str], "Record | None"]


def _targets(rec: Record) -> set[tuple[str, str]]:
    """``(label, key)`` of the records a record names (its edges' other ends)."""
    if isinstance(rec, Receipt):
        return {("Household", rec.household_id), ("Service", rec.service_id)}
    return {(label, target) for _, label, target in rec.refs()}


def _declarers() -> dict[tuple[str, str], frozenset[str]]:
    """``(relationship, target label) -> labels of the records whose references declare it``, read
    from the model's :class:`graph.model.Ref` declarations."""
    out: dict[tuple[str, str], set[str]] = {}
    for label, cls in RECORD_TYPES.items():
        for ref in cls.REFS:
            for target in ref.targets:
                out.setdefault((ref.rel, target), set()).add(label)
    return {k: frozenset(v) for k, v in out.items()}


_DECLARERS = _declarers()
#: a record named by more than this many is also kept with its namers grouped by kind (see Memory._by_label)
_WIDE = 32


def _owners(entry: Record | list[Record] | None) -> Iterable[Record]:
    if entry is None:
        return ()
    return entry if isinstance(entry, list) else (entry,)


class Memory:
    """Records by label and key, and the reverse references (see the module docstring)."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Record]] = {label: {} for label in RECORD_TYPES}
        #: label -> key -> the records naming it: one record alone, or a list of two or more
        #: (most records are named by one other: a list each would cost a tenth of the memory)
        self.named_by: dict[str, dict[str, Record | list[Record]]] = {label: {} for label in RECORD_TYPES}
        #: (label, key) of a record named by many (a dong: its households) -> its namers by kind,
        #: made when first asked and dropped when its namers change: the services serving a dong
        #: are found without walking the dong's households
        self._grouped: dict[tuple[str, str], dict[str, list[Record]]] = {}
        #: how many change sets have been applied: a report computed at one count is current until it moves
        self.changes = 0
        #: how many of them touched a record of a report's supply side (graph.reports.SUPPLY_LABELS): the
        #: supply side's view built at one count holds the same records until it moves
        self.supply_changes = 0
        #: the whole graph's household rows for the coverage report, kept in step with the change sets
        #: once a report asked for them (graph.embedded.homes_kept)
        self._homes: KeptHomes | None = None

    # -- keeping in step with commits ------------------------------------------------

    def apply(self, staged: Staged) -> None:
        """Make the records and the index match a committed change set (None: deleted)."""
        records, named_by = self.records, self.named_by
        self.changes += 1
        if any(label in SUPPLY_LABELS for label, _ in staged):
            self.supply_changes += 1
        if self._homes is not None:  # read before the records change: what the change set replaces
            self._homes = self._homes.noted(staged, records)
        for (label, key), rec in staged.items():
            old = records[label].get(key)
            if old is not None:
                for tl, tk in _targets(old):
                    self._grouped.pop((tl, tk), None)
                    at = named_by.setdefault(tl, {})
                    entry = at.get(tk)
                    if entry is old:
                        del at[tk]
                    elif isinstance(entry, list):
                        for i, o in enumerate(entry):
                            if o is old:
                                del entry[i]
                                break
                        if len(entry) == 1:
                            at[tk] = entry[0]
            if rec is None:
                records[label].pop(key, None)
            else:
                records[label][key] = rec
                for tl, tk in _targets(rec):
                    self._grouped.pop((tl, tk), None)
                    at = named_by.setdefault(tl, {})
                    entry = at.get(tk)
                    if entry is None:
                        at[tk] = rec
                    elif isinstance(entry, list):
                        entry.append(rec)
                    else:
                        at[tk] = [entry, rec]

    # -- reading -------------------------------------------------------------------

    def record(self, n: str) -> Record | None:
        """The record of node key ``n`` (None: not there)."""
        label, key = split_node_key(n)
        recs = self.records.get(label)
        return None if recs is None else recs.get(key)

    def _named_by(self, n: str) -> Iterable[Record]:
        label, key = split_node_key(n)
        at = self.named_by.get(label)
        return () if at is None else _owners(at.get(key))

    def __contains__(self, n: str) -> bool:
        return self.record(n) is not None

    def _edges(self, n: str, rel: str) -> Iterator[tuple[str, str]]:
        """``(source, target)`` of every edge of type ``rel`` at node ``n`` (both ends present):
        those its own record declares and those of the records naming it, each once."""
        label, key = split_node_key(n)
        records = self.records
        own = records.get(label, {}).get(key)
        if own is None or isinstance(own, Receipt):
            return
        for ref, tl, tk in own.refs():
            if ref.rel == rel and records[tl].get(tk) is not None:
                other = node_key(tl, tk)
                yield (n, other) if ref.outgoing else (other, n)
        at = self.named_by.get(label)
        entry = None if at is None else at.get(key)
        if isinstance(entry, list) and len(entry) > _WIDE:
            groups = self._grouped.get((label, key))
            if groups is None:
                groups = self._grouped[(label, key)] = {}
                for o in entry:
                    groups.setdefault(o.LABEL, []).append(o)
            namers: Iterable[Record] = [o for kind in _DECLARERS.get((rel, label), ())
                                        for o in groups.get(kind, ())]
        else:
            namers = _owners(entry)
        for o in namers:
            if isinstance(o, Receipt):
                if rel == "RECEIVES":
                    if label == "Household" and o.household_id == key:
                        yield n, node_key("Service", o.service_id)
                    elif label == "Service" and o.service_id == key:
                        yield node_key("Household", o.household_id), n
                continue
            me = None
            for ref, tl, tk in o.refs():
                if ref.rel == rel and tk == key and tl == label:
                    me = me or node_key(o.LABEL, o.key)
                    yield (me, n) if ref.outgoing else (n, me)

    def out(self, n: str, rel: str) -> list[str]:
        return list(dict.fromkeys(v for u, v in self._edges(n, rel) if u == n))

    def in_(self, n: str, rel: str) -> list[str]:
        return list(dict.fromkeys(u for u, v in self._edges(n, rel) if v == n))

    def field(self, n: str, name: str) -> Any:
        rec = self.record(n)
        if rec is None:
            raise KeyError(n)
        return getattr(rec, name)

    def referrers(self, label: str, key: str) -> set[tuple[str, str]]:
        """``(label, key)`` of the records that declare an edge at ``label``/``key``: those
        naming it, and itself when it names anything."""
        n = node_key(label, key)
        own = self.record(n)
        if label == "Receipt" or own is None:
            return set()
        out = {(r.LABEL, r.key) for r in self._named_by(n)}
        if any(self.records[tl].get(tk) is not None for tl, tk in _targets(own)):
            out.add((label, key))
        return out

    def receipts_of(self, household_id: str) -> list[Receipt]:
        """The receipts of a household, by service id."""
        found = [r for r in _owners(self.named_by["Household"].get(household_id))
                 if isinstance(r, Receipt) and r.household_id == household_id]
        return sorted(found, key=lambda r: r.service_id)

    def view(self, nodes: Iterable[str]) -> nx.MultiDiGraph:
        """The view holding exactly ``nodes``: their records, every edge among them (the
        receipts whose household and service are both there included)."""
        return build_graph(self.view_records(nodes))

    def view_records(self, nodes: Iterable[str]) -> list[Record]:
        """The records :meth:`view` builds its view from (records are immutable: a caller may
        take them under the store's lock and build the view after letting it go)."""
        keep = set(nodes)
        recs: list[Record] = []
        for n in keep:
            rec = self.record(n)
            if rec is None:
                continue
            recs.append(rec)
            if rec.LABEL == "Household":  # a receipt is picked up at its household's node, once
                for o in self._named_by(n):
                    if isinstance(o, Receipt) and o.household_id == rec.key \
                            and node_key("Service", o.service_id) in keep:
                        recs.append(o)
        return recs

    def everything(self) -> nx.MultiDiGraph:
        """The whole graph as a view."""
        return build_graph(self.all_records())

    def all_records(self) -> list[Record]:
        """Every record (see :meth:`view_records`)."""
        return [rec for recs in self.records.values() for rec in recs.values()]

    # -- network analytics' parts (graph.network_parts) ----------------------------

    def network_rows(self, region_id: str | None) -> Rows:
        """The rows network analytics reads of a region subtree's view (None: the whole graph), from
        the records (:func:`graph.network_parts.rows_of_records`)."""
        return rows_of_records(self.records, region_id)

    # -- the coverage report's parts (graph.reports) -------------------------------

    def supply_records(self) -> list[Record]:
        """The records of the whole graph's supply side (:data:`graph.reports.SUPPLY_LABELS`)."""
        records = self.records
        return [rec for label in SUPPLY_LABELS for rec in records[label].values()]

    def report_homes(self, region_id: str | None) -> tuple[dict[str, list[HomeRow]], list[NeedRow]]:
        """The households of ``region_id``'s subtree (None: all) by the region they live in, as
        coverage reads them (see :mod:`graph.reports`), and their open needs' rows for overlaps:
        each region's households by id, a household's open needs in the order of the records (the
        order the whole view holds them in), its receipts those whose service is there. The whole
        graph's are kept and brought up to date from the change sets (:mod:`.homes_kept`); a
        region's are cut out of them."""
        records = self.records
        if self._homes is None:
            self._homes = KeptHomes(records)
        out, need_rows = self._homes.current(records, self._household_namers)
        if region_id is None:
            return out, need_rows
        regions = regions_below(records["Region"].values(), region_id)
        return ({rid: rows for rid, rows in out.items() if rid in regions},
                [row for row in need_rows if row[0] in regions])

    def _household_namers(self, household_id: str) -> Iterable[Record]:
        return _owners(self.named_by["Household"].get(household_id))
