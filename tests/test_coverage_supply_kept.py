"""The whole graph's supply side and household rows kept between coverage reports (issue 23 part 2).

:meth:`graph.embedded.EmbeddedStore.report_parts` gives the same frozen view of the supply side
(regions, services, volunteers, providers, agreements) again while no change set touched one of
those records, and :func:`matching.coverage` keeps what it reads of a frozen view with it. A write
between two reports must still give fresh figures: a household's (the supply side kept), a
service's in this process, and one from another process on the same file (a new supply side).
The household rows are kept too and brought up to date from the change sets
(:mod:`graph.embedded.homes_kept`): after writes of every kind they equal a fresh read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from graph import periods
from graph.embedded import EmbeddedStore
from graph.embedded.homes_kept import KeptHomes
from graph.model import Need, NeedStatus, Service
from loaders.synthetic import generate
from matching import coverage
from tests.coverage_before import coverage_before

ON = dt.date(2026, 6, 1)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "kept.db")
    recs = list(generate(200, 11, provinces=1, receipts=(0, 2), places=0.3, full=0.3))
    with s.unit_of_work() as uow:
        uow.put_many(recs)
    yield s
    s.close()


def _report(s: EmbeddedStore) -> tuple[nx.MultiDiGraph, list]:
    parts = s.report_parts(None)
    return parts.view, coverage(parts.view, None, on=ON, homes=parts.homes)


def _limited_service(s: EmbeddedStore) -> Service:
    """An active service with free places that some open need competes for (its cells move)."""
    open_domains = {n.domain for n in s._records["Need"].values() if n.status == NeedStatus.OPEN}
    return next(x for x in sorted(s._records["Service"].values(), key=lambda x: x.id)
                if isinstance(x, Service) and x.active and x.capacity is not None and x.capacity > x.used
                and open_domains & set(x.domains))


def test_the_supply_side_is_kept_while_only_households_change(store):
    view, first = _report(store)
    assert nx.is_frozen(view) and first == coverage_before(store.graph(), on=ON)
    again, second = _report(store)
    assert again is view and second == first  # nothing changed: the same supply side
    hid = sorted(store._records["Household"])[0]
    domain = next(n.domain for n in store._records["Need"].values())
    with store.unit_of_work() as uow:
        uow.put(Need(id="need-kept-1", household_id=hid, domain=domain, severity=2))
    after, third = _report(store)
    assert after is view  # a household's need touches no supply record
    assert third == coverage_before(store.graph(), on=ON)  # the households were read afresh
    assert sum(c.open_needs for c in third) == sum(c.open_needs for c in first) + 3  # dong, city, province


def test_a_service_written_in_this_process_gives_a_fresh_supply_side(store):
    view, first = _report(store)
    s = _limited_service(store)
    with store.unit_of_work() as uow:
        uow.put(dataclasses.replace(s, capacity=s.used))  # now full
    after, second = _report(store)
    assert after is not view and nx.is_frozen(after)
    assert second == coverage_before(store.graph(), on=ON)
    assert second != first


def test_a_service_written_by_another_process_gives_a_fresh_supply_side(store):
    view, first = _report(store)
    s = _limited_service(store)
    code = (
        "import dataclasses, sys\n"
        "from graph.embedded import EmbeddedStore\n"
        "st = EmbeddedStore(sys.argv[1])\n"
        "s = st._records['Service'][sys.argv[2]]\n"
        "with st.unit_of_work() as uow:\n"
        "    uow.put(dataclasses.replace(s, capacity=s.used))\n"
        "st.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(store.path), s.id], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    after, second = _report(store)
    assert after is not view
    assert store._records["Service"][s.id].capacity == s.used  # the other process's commit, replayed
    assert second == coverage_before(store.graph(), on=ON)
    assert second != first


def test_another_day_gives_a_fresh_supply_side(store, monkeypatch):
    """A view's counters are the day's period's (graph.periods): a kept supply side is the day's."""
    view, _ = _report(store)
    monkeypatch.setattr(periods, "today", lambda: dt.date(2099, 1, 1))
    after, _ = _report(store)
    assert after is not view


def test_a_view_that_is_not_frozen_is_read_afresh_each_time(store):
    """What coverage keeps of a view is kept only for a frozen one: a view someone may still change
    (``store.graph()``) is read again on every call."""
    g = store.graph()
    assert coverage(g, None, on=ON) == coverage_before(g, on=ON)
    s = _limited_service(store)
    g.nodes[f"Service:{s.id}"]["capacity"] = s.used  # full, in this view only
    changed = coverage(g, None, on=ON)
    assert changed == coverage_before(g, on=ON)
    assert changed != coverage_before(store.graph(), on=ON)


# -- the household rows kept and brought up to date (graph.embedded.homes_kept) -------------------


def _same_as_fresh(s: EmbeddedStore) -> tuple:
    """The whole graph's parts as kept equal a fresh read of the records, and the report over them
    the computation over the whole view."""
    parts = s.report_parts(None)
    homes, needs = KeptHomes(s._records).current(s._records, s._mem._household_namers)  # read afresh
    assert parts.homes == homes
    assert list(parts.needs) == needs
    assert coverage(parts.view, None, on=ON, homes=parts.homes) == coverage_before(s.graph(), on=ON)
    return parts.homes, parts.needs


def test_the_kept_household_rows_equal_a_fresh_read_after_writes_of_every_kind(store):
    first = _same_as_fresh(store)
    kept = store._mem._homes
    assert kept is not None
    recs = store._records
    hids = sorted(recs["Household"])
    parents = {x.parent_id for x in recs["Region"].values()}
    dongs = sorted(r.id for r in recs["Region"].values() if r.parent_id is not None and r.id not in parents)
    open_needs = sorted((n for n in recs["Need"].values() if n.status == NeedStatus.OPEN), key=lambda n: n.id)
    service_ids = sorted(recs["Service"])
    a, b, c, d = hids[:4]
    with store.unit_of_work() as uow:  # needs: a new one, one closed, one deleted, one moved to b
        uow.put(Need(id="need-kept-a", household_id=a, domain=open_needs[0].domain, severity=1))
        uow.put(dataclasses.replace(open_needs[1], status=NeedStatus.CLOSED))
        uow.delete("Need", open_needs[2].id)
        uow.put(dataclasses.replace(open_needs[3], household_id=b))
    second = _same_as_fresh(store)
    assert second != first and store._mem._homes is kept  # brought up to date, not read again
    with store.unit_of_work() as uow:  # households: one moved, one's income changed, one deleted
        uow.put(dataclasses.replace(recs["Household"][c], region_id=next(
            x for x in dongs if x != recs["Household"][c].region_id)))
        richer = recs["Household"][d].income_percent + 40
        uow.put(dataclasses.replace(recs["Household"][d], income_percent=richer))
        uow.delete("Household", hids[4])
        uow.put(dataclasses.replace(recs["Household"][a], id="hh-kept-new"))
        uow.put(Need(id="need-kept-new", household_id="hh-kept-new", domain=open_needs[0].domain, severity=2))
    _same_as_fresh(store)
    received = next(rc for rc in sorted(recs["Receipt"].values(), key=lambda r: r.key)
                    if any(n.household_id == rc.household_id for n in open_needs))
    with store.unit_of_work() as uow:  # receipts: one taken away, one given
        uow.delete("Receipt", received.key)
        uow.put(dataclasses.replace(received, household_id=a))
    _same_as_fresh(store)
    with store.unit_of_work() as uow:  # the need reopened: it keeps its place in the records
        uow.put(dataclasses.replace(open_needs[1], status=NeedStatus.OPEN))
    _same_as_fresh(store)
    assert store._mem._homes is kept
    with store.unit_of_work() as uow:  # a service made: which receipts count may change, for everyone
        uow.put(dataclasses.replace(recs["Service"][service_ids[0]], id="svc-kept-new"))
    _same_as_fresh(store)
    assert store._mem._homes is not kept  # read again
    code = (
        "import sys\n"
        "from graph.embedded import EmbeddedStore\n"
        "from graph.model import Need\n"
        "st = EmbeddedStore(sys.argv[1])\n"
        "with st.unit_of_work() as uow:\n"
        "    uow.delete('Need', sys.argv[2])\n"
        "    uow.put(Need(id='need-kept-other', household_id=sys.argv[3], domain=sys.argv[4], severity=3))\n"
        "st.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(store.path), open_needs[4].id, b,
                           open_needs[5].domain.value], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kept = store._mem._homes
    homes, _ = _same_as_fresh(store)
    assert store._mem._homes is kept  # another process's commit, replayed into the kept rows
    assert any(open_needs[5].domain in row[4] for rows in homes.values() for row in rows if row[0] == b)
