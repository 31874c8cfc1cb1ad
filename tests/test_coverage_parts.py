"""Coverage from the store's records (issue 23 part 2) equals the computation over a full view.

:meth:`graph.store.Store.report_parts` gives the coverage report the supply side of its view and
the households by region read straight from the records; the report over those parts must equal,
cell for cell, the coverage computed as before (``tests/coverage_before.py``: the function as it
was, over ``store.graph(region)``), for the whole graph and for every region, before and after
writes of every kind that changes a count; and so must the generic fallback (the view itself,
as the Neo4j store answers) and the service function coordinators call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from graph.embedded import EmbeddedStore
from graph.model import Need, NeedStatus, Receipt, Service
from graph.reports import ReportParts
from graph.store import StoreMixin
from graph.view import induced_copy, subtree_nodes
from loaders.synthetic import generate
from matching import coverage, overlaps
from service.analysis import coverage_cells
from service.principal import Principal, Role
from tests.coverage_before import coverage_before

ON = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    db = tmp_path_factory.mktemp("coverage-parts") / "p.db"
    store = EmbeddedStore(db)
    # few places (places=0.2) and many full services: needs compete, so unmet, missing and capacity all occur
    recs = list(generate(500, 7, provinces=2, receipts=(0, 3), places=0.2, full=0.3))
    with store.unit_of_work() as uow:
        uow.put_many(recs)
    yield store
    store.close()


def _regions(store: EmbeddedStore) -> list[str | None]:
    """The whole graph, every province and city, and every fifth dong (each check builds views)."""
    regions = store._records["Region"]
    parents = {r.parent_id for r in regions.values()}
    dongs = sorted(r for r in regions if r not in parents)
    return [None, *sorted(r for r in regions if r in parents), *dongs[::5]]


def _new(store: EmbeddedStore, rid: str | None) -> list:
    parts = store.report_parts(rid)
    assert parts.homes is not None  # the embedded store reads the households from its records
    assert not any(a.get("label") in ("Household", "Need") for _, a in parts.view.nodes(data=True))
    return coverage(parts.view, rid, on=ON, homes=parts.homes)


def _split_free(cells: list, rid: str | None) -> tuple[list, dict]:
    """The cells without ``unmet_needs``, and the unmet needs of the report's own region(s) summed
    over the domains: what does not depend on which optimal assignment of the places was found."""
    top = {c.region_id for c in cells if rid is None or c.region_id == rid}
    totals: dict = {}
    for c in cells:
        if c.region_id in top:
            totals[c.region_id] = totals.get(c.region_id, 0) + c.unmet_needs
    return [dataclasses.replace(c, unmet_needs=0) for c in cells], totals


def _check(store: EmbeddedStore) -> list:
    """Every region's report and the whole one, new path against the computation before.

    The whole report compares exactly. A region's view, as ``store.graph(region)`` builds it,
    holds a household's needs in the order of a set of node keys (it varies with the process's
    hash seed), and which optimal assignment of the places :func:`matching.places.max_cover`
    finds, so how a region's ``unmet`` splits between the regions and domains below it, varies
    with that order (the module docstring of :mod:`matching.coverage` says so). So a region's
    report compares exactly with the one over the view cut out of the whole view (the needs in
    the records' order, as the store cut its views before issue 23), and with
    ``store.graph(region)``'s in everything but that split."""
    full = store.graph()
    whole = coverage_before(full, on=ON)
    for rid in _regions(store):
        new = _new(store, rid)
        if rid is None:
            assert new == whole
        else:
            assert new == coverage_before(induced_copy(full, subtree_nodes(full, rid)), rid, on=ON), rid
            assert _split_free(new, rid) == _split_free(coverage_before(store.graph(rid), rid, on=ON), rid)
        fallback: ReportParts = StoreMixin.report_parts(store, rid)  # what the Neo4j store answers
        assert fallback.homes is None
        old = coverage(fallback.view, rid, on=ON, homes=fallback.homes)
        assert old == new if rid is None else _split_free(old, rid) == _split_free(new, rid), rid
    return whole


def test_the_province_has_every_kind_of_gap(province):
    """The comparison below is worth something only if the world has cells of every kind."""
    cells = coverage_before(province.graph(), on=ON)
    assert sum(c.unmet_needs for c in cells) > 0
    assert sum(c.missing_needs for c in cells) > 0
    assert sum(c.uncovered_needs - c.missing_needs for c in cells) > 0
    assert sum(c.open_needs - c.uncovered_needs - c.unmet_needs for c in cells) > 0


def test_coverage_from_the_records_equals_the_view_computation(province):
    _check(province)


def test_the_service_function_answers_from_the_parts(province):
    coordinator = Principal(Role.COORDINATOR)
    root = sorted(r for r, rec in province._records["Region"].items() if rec.parent_id is None)[0]
    full = province.graph()
    for rid in (None, root):
        view = full if rid is None else induced_copy(full, subtree_nodes(full, rid))
        assert coverage_cells(province, coordinator, rid, on=ON) == coverage_before(view, rid, on=ON)


def test_still_equal_after_writes(province):
    store = province
    before = _check(store)
    households = sorted(store._records["Household"])
    with_needs = [h for h in households
                  if any(n.household_id == h and n.status == NeedStatus.OPEN
                         for n in store._records["Need"].values())]
    gone, moved, closer = with_needs[0], with_needs[1], with_needs[2]
    closed = next(n for n in store._records["Need"].values()
                  if n.household_id == closer and n.status == NeedStatus.OPEN)
    full = next(s for s in store._records["Service"].values()
                if isinstance(s, Service) and s.active and s.capacity is not None)
    other_dong = next(r.id for r in store._records["Region"].values()
                      if r.parent_id is not None and r.id != store._records["Household"][moved].region_id
                      and not any(x.parent_id == r.id for x in store._records["Region"].values()))
    with store.unit_of_work() as uow:
        uow.delete("Household", gone)  # takes its needs, referrals and receipts
        uow.put(dataclasses.replace(closed, status=NeedStatus.CLOSED))
        uow.put(Need(id="need-parts-1", household_id=moved, domain=closed.domain, severity=3))
        uow.put(dataclasses.replace(store._records["Household"][moved], region_id=other_dong))
        uow.put(Receipt(household_id=closer, service_id=full.id))
        uow.put(dataclasses.replace(full, capacity=full.used))  # now full
    after = _check(store)
    assert after != before  # the writes changed the report: the check above compared fresh figures
    # another process's commits are replayed as well
    other = EmbeddedStore(store.path)
    try:
        with other.unit_of_work() as uow:
            uow.delete("Need", "need-parts-1")
    finally:
        other.close()
    assert _check(store) != after


def test_the_same_report_again_is_kept_until_a_commit(province, monkeypatch):
    """A warm server answering the same report twice does not redo it while nothing changed; a
    commit (of this process or of another) between two reports gives fresh figures, never stale."""
    from service import report_cache

    store = province
    coordinator = Principal(Role.COORDINATOR)
    report_cache.forget(store)
    built: list[str | None] = []
    real = store.report_parts

    def counting(region_id=None):
        built.append(region_id)
        return real(region_id)

    monkeypatch.setattr(store, "report_parts", counting)
    root = sorted(r for r, rec in store._records["Region"].items() if rec.parent_id is None)[0]
    first = coverage_cells(store, coordinator, None, on=ON)
    assert coverage_cells(store, coordinator, None, on=ON) == first
    assert built == [None]  # the second answer was the kept one
    coverage_cells(store, coordinator, root, on=ON)
    coverage_cells(store, coordinator, None, on=dt.date(2026, 7, 1))
    assert built == [None, root, None]  # another region, another day: their own reports

    hid = sorted(h for h in store._records["Household"]
                 if store._records["Household"][h].region_id in {c.region_id for c in first})[0]
    domain = next(c.domain for c in first if c.region_id == store._records["Household"][hid].region_id)
    with store.unit_of_work() as uow:
        uow.put(Need(id="need-parts-cache", household_id=hid, domain=domain, severity=2))
    second = coverage_cells(store, coordinator, None, on=ON)
    assert built[-1] is None and len(built) == 4  # computed again
    assert second == coverage_before(store.graph(), on=ON)
    assert sum(c.open_needs for c in second) > sum(c.open_needs for c in first)

    other = EmbeddedStore(store.path)
    try:
        with other.unit_of_work() as uow:
            uow.delete("Need", "need-parts-cache")
    finally:
        other.close()
    third = coverage_cells(store, coordinator, None, on=ON)
    assert len(built) == 5
    assert third == first == coverage_before(store.graph(), on=ON)


def test_a_store_without_a_change_mark_is_never_served_a_kept_report(province, monkeypatch):
    from service import report_cache

    calls = []
    monkeypatch.setattr(province, "change_mark", lambda: None)

    def compute():
        calls.append(1)
        return [len(calls)]

    assert report_cache.cached(province, "k", compute) == [1]
    assert report_cache.cached(province, "k", compute) == [2]


def _overlaps_new(store: EmbeddedStore, rid: str | None, locale: str = "en") -> list:
    parts = store.report_parts(rid)
    assert parts.needs is not None
    return overlaps(parts.view, rid, locale=locale, needs=parts.needs)


def test_overlaps_from_the_records_equal_the_view_computation(province):
    """Overlaps count open needs per region, domain and tag (no assignment: order plays no part),
    so every region's report equals the one over ``store.graph(region)`` exactly, in both languages;
    and the groups are not all without demand (the needs were counted)."""
    store = province
    whole = overlaps(store.graph(), None)
    assert whole and any(g.demand > 0 for g in whole)
    for rid in _regions(store):
        for locale in ("en", "ko"):
            assert _overlaps_new(store, rid, locale) == overlaps(store.graph(rid), rid, locale=locale), rid


def test_overlap_groups_served_fresh_after_a_write(province):
    from service import report_cache
    from service.analysis import overlap_groups

    store = province
    coordinator = Principal(Role.COORDINATOR)
    report_cache.forget(store)
    first = overlap_groups(store, coordinator, None)
    assert first == overlaps(store.graph(), None)
    assert overlap_groups(store, coordinator, None) == first
    group = next(g for g in first if g.demand > 0)
    hid = next(h.id for h in store._records["Household"].values() if h.region_id == group.region_id)
    with store.unit_of_work() as uow:
        for i in range(3):
            uow.put(Need(id=f"need-parts-ovl-{i}", household_id=hid, domain=group.domain, severity=2))
    second = overlap_groups(store, coordinator, None)
    assert second == overlaps(store.graph(), None)
    assert second != first  # the demand moved, and the kept answer was not served
    with store.unit_of_work() as uow:
        for i in range(3):
            uow.delete("Need", f"need-parts-ovl-{i}")
    assert overlap_groups(store, coordinator, None) == first


# -- the unmet split: the optimum is the old solver's, the split one optimal assignment's -------


def _captured(g, region_id: str | None, solver) -> tuple[list, list, object]:
    """The cells of :func:`coverage_before` over ``g`` with ``solver`` as its max_cover, and the
    contested elements (region, domain, needs) and the contest it gave the solver."""
    import tests.coverage_before as before

    seen: dict = {}
    real_contest = before._contest

    def spy(contested, households):
        seen["contested"] = list(contested)
        seen["contest"] = real_contest(contested, households)
        return seen["contest"]

    saved = before._contest, before.max_cover
    before._contest, before.max_cover = spy, solver
    try:
        cells = coverage_before(g, region_id, on=ON)
    finally:
        before._contest, before.max_cover = saved
    return cells, seen.get("contested", []), seen.get("contest")


def _own_unmet(cells: list, parent: dict) -> dict:
    """Per (region, domain): the unmet needs of the households living in the region itself (a cell
    holds its own and every region's below it)."""
    own = {(c.region_id, c.domain): c.unmet_needs for c in cells}
    for c in cells:
        p = parent.get(c.region_id)
        if p is not None and (p, c.domain) in own:
            own[p, c.domain] -= c.unmet_needs
    return own


def _split_is_achievable(contest, contested: list, own: dict) -> bool:
    """True when some valid set of choices (within every limit, no clash) covers, in every (region,
    domain), all its contested needs but ``own``'s unmet ones: the split is an assignment's. Solved
    as a 0-1 program by HiGHS, independently of matching.places."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    nk, ne = len(contest.choices), len(contest.weights)
    groups: dict = {}
    for e, (rid, d, _) in enumerate(contested):
        groups.setdefault((rid, d), []).append(e)
    keys = sorted(contest.places)
    rows = ne + len(keys) + len(contest.clashes) + len(groups)
    a = lil_matrix((rows, nk + ne))
    lo, hi = np.full(rows, -np.inf), np.zeros(rows)
    for k, (els, _) in enumerate(contest.choices):
        for e in els:
            a[e, k] = -1.0
    for e in range(ne):
        a[e, nk + e] = 1.0  # c[e] <= sum of the choices covering it
    for i, key in enumerate(keys):
        for k, (_, lims) in enumerate(contest.choices):
            if key in lims:
                a[ne + i, k] = 1.0
        hi[ne + i] = contest.places[key]
    for i, (p, q) in enumerate(contest.clashes):
        r = ne + len(keys) + i
        a[r, p] = a[r, q] = 1.0
        hi[r] = 1.0
    for i, (key, els) in enumerate(sorted(groups.items())):
        r = ne + len(keys) + len(contest.clashes) + i
        for e in els:
            a[r, nk + e] = float(contest.weights[e])
        lo[r] = sum(contest.weights[e] for e in els) - own.get(key, 0)
        hi[r] = np.inf
    res = milp(np.zeros(nk + ne), integrality=np.array([1] * nk + [0] * ne), bounds=Bounds(0, 1),
               constraints=[LinearConstraint(a.tocsr(), lo, hi)], options={"mip_rel_gap": 0.0})
    return res.status == 0


def test_the_unmet_needs_are_the_old_solvers_optimum_split_as_an_optimal_assignment(province):
    """Against matching.places as it was (tests/places_before.py): every field but how ``unmet``
    splits below the report's region is equal, the report region's ``unmet`` total is, and the split
    found is itself an optimal assignment's (it is achievable, and it leaves the optimum unmet)."""
    from matching.places import max_cover
    from matching.regions import RegionTree
    from tests.places_before import max_cover as max_cover_before

    full = province.graph()
    parent = RegionTree.of(full).parent
    root = sorted(r for r, rec in province._records["Region"].items() if rec.parent_id is None)[0]
    for rid in (None, root):
        g = full if rid is None else induced_copy(full, subtree_nodes(full, rid))
        old, _, _ = _captured(g, rid, max_cover_before)
        new, contested, contest = _captured(g, rid, max_cover)
        assert _new(province, rid) == new if rid is None else _split_free(_new(province, rid), rid) == \
            _split_free(new, rid)
        tops = sorted(r for r, up in parent.items() if up is None) if rid is None else [rid]

        def totals(cells: list, tops: list = tops) -> dict:
            return {t: sum(c.unmet_needs for c in cells if c.region_id == t) for t in tops}

        assert [dataclasses.replace(c, unmet_needs=0) for c in new] == \
            [dataclasses.replace(c, unmet_needs=0) for c in old]
        assert totals(new) == totals(old)  # the optimum, region by region of the report
        own = _own_unmet(new, parent)
        assert all(n >= 0 for n in own.values())
        assert sum(own.values()) == sum(totals(old).values())
        assert sum(own.values()) > 0  # something competes: the check below has something to check
        assert _split_is_achievable(contest, contested, own)
        # and the check can say no: one need fewer unmet somewhere is more than the optimum covers
        key = next(k for k, n in sorted(own.items()) if n > 0)
        assert not _split_is_achievable(contest, contested, {**own, key: own[key] - 1})
