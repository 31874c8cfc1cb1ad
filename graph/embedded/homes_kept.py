"""The whole graph's household rows of the coverage report, kept and brought up to date (issue 23).

:meth:`graph.embedded.memory.Memory.report_parts` reads, for the whole graph, one
:data:`graph.reports.HomeRow` per household and one :data:`graph.reports.NeedRow` per open need:
a third of a second at 100,000 households, every report. :class:`KeptHomes` keeps them after the
first read, and :meth:`KeptHomes.noted` marks, from each change set *before* it is applied, the
households and needs it touches (a household, a need or a receipt of it); :meth:`KeptHomes.current`
reads those again and gives the same rows a fresh read would (tests/test_coverage_supply_kept.py
holds them equal after writes of every kind):

* a household's open needs in the order of the records: each need keeps the position it took in
  ``records["Need"]`` (a dict: an update keeps its place, a new key goes last), so its household's
  domains are sorted by it, and the need rows are the positions' rows in order;
* its receipts whose service exists: a service made or deleted changes that for every household
  receiving it, so it drops what is kept (:meth:`noted` returns None) and the next report reads
  everything again. So does a need list grown to twice its live needs (deleted needs leave holes).

Only the whole graph's rows are kept (a region's report reads its own afresh).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import cast

from ..model import Domain, Household, Need, NeedStatus, Receipt, Record, node_key
from ..reports import HomeRow, NeedRow

_NOTHING: frozenset[str] = frozenset()
_by_id = itemgetter(0)


class KeptHomes:
    """The household rows by region and the open needs' rows, and what changed since (see the
    module docstring)."""

    def __init__(self, records: Mapping[str, Mapping[str, Record]]) -> None:
        households = cast("Mapping[str, Household]", records["Household"])
        services = records["Service"]
        #: need key -> its position in records["Need"]; slots[position]: its row while it is open
        self.need_pos: dict[str, int] = {}
        self.slots: list[NeedRow | None] = []
        needs: dict[str, list[Domain]] = {}
        for i, need in enumerate(cast("Mapping[str, Need]", records["Need"]).values()):
            self.need_pos[need.key] = i
            row: NeedRow | None = None
            if need.status == NeedStatus.OPEN:
                hid = need.household_id
                got = needs.get(hid)
                if got is None:
                    needs[hid] = [need.domain]
                else:
                    got.append(need.domain)
                home = households.get(hid)
                if home is not None:
                    row = (home.region_id, need.domain, need.tags, need.detail)
            self.slots.append(row)
        received: dict[str, set[str]] = {}
        for rc in cast("Mapping[str, Receipt]", records["Receipt"]).values():
            if rc.household_id in needs and rc.service_id in services:
                received.setdefault(rc.household_id, set()).add(node_key("Service", rc.service_id))
        #: region id -> household id -> row; the rows by id per region (what a report is given)
        self.rows: dict[str, dict[str, HomeRow]] = {}
        self.region_of: dict[str, str] = {}
        for h in households.values():
            domains = needs.get(h.id)
            keys = received.get(h.id)
            self._put(h, (h.id, h.income_percent, h.traits, h.urgency, domains or (),
                          _NOTHING if not domains or keys is None else frozenset(keys)))
        self.lists: dict[str, list[HomeRow]] = {rid: sorted(rows.values(), key=_by_id)
                                                for rid, rows in self.rows.items()}
        #: households and needs a change set touched since the rows were last brought up to date
        self.dirty: set[str] = set()
        self.dirty_needs: set[str] = set()

    def _put(self, h: Household, row: HomeRow) -> None:
        self.rows.setdefault(h.region_id, {})[h.id] = row
        self.region_of[h.id] = h.region_id

    def noted(self, staged: Mapping[tuple[str, str], Record | None],
              records: Mapping[str, Mapping[str, Record]]) -> KeptHomes | None:
        """Mark what a change set touches, read before it is applied to ``records``; None: what is
        kept can no longer be brought up to date (read everything again)."""
        for (label, key), rec in staged.items():
            if label == "Household":
                self.dirty.add(key)
            elif label == "Need":
                old = records["Need"].get(key)
                for x in (old, rec):
                    if x is not None:
                        self.dirty.add(cast(Need, x).household_id)
                self.dirty_needs.add(key)
                if old is None and rec is not None:  # a new key goes last in the records
                    self.need_pos[key] = len(self.slots)
                    self.slots.append(None)
                elif old is not None and rec is None:
                    pos = self.need_pos.pop(key, None)
                    if pos is not None:
                        self.slots[pos] = None
            elif label == "Receipt":
                for x in (records["Receipt"].get(key), rec):
                    if x is not None:
                        self.dirty.add(cast(Receipt, x).household_id)
            elif label == "Service" and (records["Service"].get(key) is None) != (rec is None):
                return None  # whether a service exists decides which receipts count, for everyone
        if len(self.slots) > 2 * len(self.need_pos) + 1024:
            return None
        return self

    def current(self, records: Mapping[str, Mapping[str, Record]],
                namers: Callable[[str], Iterable[Record]]) -> tuple[dict[str, list[HomeRow]], list[NeedRow]]:
        """The rows as a fresh read would give them: the households and needs marked read again.
        ``namers(household_id)``: the records naming a household (its needs and receipts among
        them). The lists given out are never changed afterwards (a changed region gets a new one)."""
        households = cast("Mapping[str, Household]", records["Household"])
        services = records["Service"]
        changed: set[str] = set()
        for hid in self.dirty:
            old_rid = self.region_of.pop(hid, None)
            if old_rid is not None:
                self.rows[old_rid].pop(hid, None)
                changed.add(old_rid)
            mine = list(namers(hid))
            self.dirty_needs.update(r.key for r in mine if isinstance(r, Need) and r.household_id == hid)
            h = households.get(hid)
            if h is None:
                continue
            open_needs = sorted((r for r in mine if isinstance(r, Need) and r.household_id == hid
                                 and r.status == NeedStatus.OPEN and r.key in self.need_pos),
                                key=lambda r: self.need_pos[r.key])
            domains = [r.domain for r in open_needs]
            keys = frozenset(node_key("Service", r.service_id) for r in mine
                             if isinstance(r, Receipt) and r.household_id == hid and r.service_id in services)
            self._put(h, (h.id, h.income_percent, h.traits, h.urgency, domains or (),
                          keys if domains else _NOTHING))
            changed.add(h.region_id)
        for key in self.dirty_needs:
            pos = self.need_pos.get(key)
            if pos is None:
                continue
            need = cast("Need | None", records["Need"].get(key))
            home = None if need is None else households.get(need.household_id)
            self.slots[pos] = None if need is None or home is None or need.status != NeedStatus.OPEN \
                else (home.region_id, need.domain, need.tags, need.detail)
        for rid in changed:
            rows = self.rows.get(rid)
            if rows:
                self.lists[rid] = sorted(rows.values(), key=_by_id)
            else:
                self.rows.pop(rid, None)
                self.lists.pop(rid, None)
        self.dirty.clear()
        self.dirty_needs.clear()
        return dict(self.lists), [row for row in self.slots if row is not None]
