"""matchPackages runs as a directory read does: on the server's loop, in place when the store reads
at once, in a worker thread otherwise; never behind the heavy reports' bounded pool (schema/pool.py,
api/view.py, schema/query.py; issue 23 part 1), and shows the same records as before."""

from __future__ import annotations

import threading
import time

import pytest

from graph import model
from service import analysis
from service.principal import Principal, Role
from service.settings import Settings
from tests.api.locks import held_elsewhere

C = "coordinator"
MATCH = ('query { matchPackages(householdId: "hh-0001", limit: 2) { rank items { '
         "resource { ... on Service { id name } ... on Volunteer { id name } } needs { id domain severity } "
         "reasons } } }")


@pytest.fixture
def store(sample_store):
    return sample_store


def _slow_coverage(monkeypatch, seconds: float) -> threading.Event:
    started = threading.Event()

    def slow(*a, **k):
        started.set()
        time.sleep(seconds)
        return []

    monkeypatch.setattr(analysis, "coverage_cells", slow)
    return started


def test_a_match_does_not_wait_behind_a_heavy_report(make_gql, monkeypatch):
    """One analytics thread busy with a slow coverage report: a match answers at once (it queued
    behind the report when it was one of the heavy fields)."""
    started = _slow_coverage(monkeypatch, 2.0)
    gql, _ = make_gql(Settings(heavy_workers=1))
    report = threading.Thread(target=gql, args=("{ coverage { domain } }", C))
    report.start()
    try:
        assert started.wait(10)
        t0 = time.perf_counter()
        r = gql(MATCH, C)
        took = time.perf_counter() - t0
    finally:
        report.join(30)
    assert r.ok()["matchPackages"], r.body
    assert took < 1.5, f"the match waited {took:.2f} s for the report"


def test_a_match_beside_a_heavy_field_still_runs_in_the_bounded_pool(make_gql, monkeypatch):
    """A document asking for coverage too is heavy: with the one analytics thread busy it waits
    for it (a match is no way around the bound)."""
    started = _slow_coverage(monkeypatch, 1.0)
    gql, _ = make_gql(Settings(heavy_workers=1, time_budget=30))
    report = threading.Thread(target=gql, args=("{ coverage { domain } }", C))
    report.start()
    try:
        assert started.wait(10)
        t0 = time.perf_counter()
        r = gql('{ coverage { domain } matchPackages(householdId: "hh-0001") { rank } }', C)
        took = time.perf_counter() - t0
    finally:
        report.join(30)
    assert r.ok()["matchPackages"] is not None, r.body
    assert took > 0.5, f"the heavy document did not wait for the analytics thread ({took:.2f} s)"


def _hops(monkeypatch) -> list[str]:
    """The names of the functions schema.loaders.read gave to a worker thread from now on."""
    from schema import loaders

    hops: list[str] = []
    real = loaders.run_in_threadpool

    async def counting(func, *args, **kwargs):
        hops.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(loaders, "run_in_threadpool", counting)
    return hops


def test_a_match_runs_in_place_when_the_store_reads_at_once(make_gql, monkeypatch):
    """No thread hop for the match itself (its audit entry's durable commit still goes to a worker
    thread: api.view.process_result)."""
    gql, _ = make_gql(Settings())
    hops = _hops(monkeypatch)
    assert gql(MATCH, C).ok()["matchPackages"]
    assert hops == []


def test_a_match_goes_to_a_worker_thread_while_the_store_is_locked(make_gql, store, monkeypatch):
    """Another thread holding the embedded store's read lock (a long write or replay): the match does
    not wait for it on the server's loop; it waits in a worker thread and answers once the lock is
    free."""
    gql, _ = make_gql(Settings())
    hops = _hops(monkeypatch)
    with held_elsewhere(store._vlock, for_seconds=0.3):
        t0 = time.perf_counter()
        r = gql(MATCH, C)
        took = time.perf_counter() - t0
    assert r.ok()["matchPackages"], r.body
    assert hops == ["<lambda>"] and took >= 0.25, (hops, took)


def test_the_answer_shows_the_records_the_packages_name(make_gql, store):
    """Resources and needs come from the records read with the match: the same as the store's."""
    gql, _ = make_gql(Settings())
    packages = gql(MATCH, C).ok()["matchPackages"]
    expected = analysis.match_packages(store, Principal(Role.COORDINATOR, token_id="t"), "hh-0001", 2,
                                       max_limit=20)
    assert [p["rank"] for p in packages] == [p.rank for p in expected]
    assert any(p["items"] for p in packages)
    for got, want in zip(packages, expected, strict=True):
        assert len(got["items"]) == len(want.items)
        for item, rec in zip(got["items"], want.items, strict=True):
            res = store.get(rec.resource_label, rec.resource_id)
            assert item["resource"] == {"id": res.id, "name": res.name}
            needs = [store.get("Need", n) for n in rec.need_ids]
            assert item["needs"] == [{"id": n.id, "domain": n.domain.value, "severity": n.severity}
                                     for n in needs if isinstance(n, model.Need)]
            assert item["needs"], "every item covers a need"


def test_package_records_leaves_out_ids_no_record_has(store):
    """A resource or need deleted since the match is left out, as a DataLoader leaves it out."""
    p = Principal(Role.COORDINATOR, token_id="t")
    packages = analysis.match_packages(store, p, "hh-0001", 1, max_limit=20)
    found = analysis.package_records(store, packages)
    item = packages[0].items[0]
    assert (item.resource_label, item.resource_id) in found
    assert all(("Need", n) in found for n in item.need_ids)

    class Without:
        """The store with one need gone."""

        def get(self, label: str, key: str):
            return None if (label, key) == ("Need", item.need_ids[0]) else store.get(label, key)

    partial = analysis.package_records(Without(), packages)  # type: ignore[arg-type]
    assert ("Need", item.need_ids[0]) not in partial
    assert (item.resource_label, item.resource_id) in partial


def test_the_gil_switches_every_millisecond_only_while_an_analytics_request_runs(make_gql, monkeypatch):
    """schema.pool.quick_switches: 1 ms while a report runs (quick reads get their turn beside it),
    Python's own interval otherwise (four matching threads switching every millisecond lost
    throughput), and the interval before it is back once the last report ends."""
    import sys

    from schema import pool

    seen: dict[str, float] = {}
    real_match = analysis.match_answer

    def coverage(*a, **k):
        seen["coverage"] = sys.getswitchinterval()
        return []

    def match(*a, **k):
        seen["match"] = sys.getswitchinterval()
        return real_match(*a, **k)

    monkeypatch.setattr(analysis, "coverage_cells", coverage)
    monkeypatch.setattr(analysis, "match_answer", match)
    before = sys.getswitchinterval()
    assert before > pool.HEAVY_SWITCH_INTERVAL  # Python's 5 ms in the test process
    gql, _ = make_gql(Settings())
    gql('query { coverage(regionId: "gg-suwon") { domain } }', C).ok()
    gql(MATCH, C).ok()
    assert seen == {"coverage": pool.HEAVY_SWITCH_INTERVAL, "match": before}
    assert sys.getswitchinterval() == before
    with pool.quick_switches():
        with pool.quick_switches():  # two at once: the first to end does not restore it
            pass
        assert sys.getswitchinterval() == pool.HEAVY_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before


def test_the_quick_switches_last_while_a_timed_out_report_still_works(make_gql, monkeypatch):
    """A report past its time budget: the request ends with its refusal, the analysis goes on in its
    thread, and the GIL keeps switching every millisecond until it ends."""
    import sys

    from schema import pool

    release, seen = threading.Event(), []

    def slow(*a, **k):
        release.wait(10)
        seen.append(sys.getswitchinterval())
        return []

    monkeypatch.setattr(analysis, "coverage_cells", slow)
    before = sys.getswitchinterval()
    gql, _ = make_gql(Settings(time_budget=0.3))
    r = gql('query { coverage(regionId: "gg-suwon") { domain } }', C)
    assert r.code == "BAD_USER_INPUT" and "time budget" in r.errors[0]["message"]
    assert sys.getswitchinterval() == pool.HEAVY_SWITCH_INTERVAL  # the analysis still runs
    release.set()
    deadline = time.monotonic() + 10
    while sys.getswitchinterval() != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen == [pool.HEAVY_SWITCH_INTERVAL] and sys.getswitchinterval() == before


def test_the_records_of_several_kinds_are_read_as_one_kind_at_a_time_would_read_them(store, monkeypatch):
    """``reads.records_by_kinds``: the embedded store's ``get_kinds`` (one look for other processes'
    commits) answers as ``records_by_id`` per kind does (Neo4j has no ``get_kinds``: that path)."""
    from service import reads

    services = [s.id for s in store.list("Service")][:3]
    needs = [n.id for n in store.list("Need")][:4]
    wanted = {"Service": {*services, "svc-gone"}, "Need": set(needs), "Volunteer": set()}
    expected = {(label, key): rec for label, keys in wanted.items()
                for key, rec in reads.records_by_id(store, label, keys).items()}
    assert len(expected) == len(services) + len(needs) and ("Service", "svc-gone") not in expected
    assert reads.records_by_kinds(store, wanted) == expected
    if hasattr(store, "get_kinds"):  # the embedded store: one look, whatever the number of kinds
        looks: list[int] = []
        real = type(store)._sync
        monkeypatch.setattr(type(store), "_sync", lambda self: (looks.append(1), real(self))[1])
        assert reads.records_by_kinds(store, wanted) == expected
        assert len(looks) == 1
        # look=False (a match's answer, right after the match's own look): none, the same records
        assert reads.records_by_kinds(store, wanted, look=False) == expected
        assert len(looks) == 1
        p = Principal(Role.COORDINATOR, token_id="t")
        packages, found = analysis.match_answer(store, p, "hh-0001", 2, max_limit=20)
        assert found == analysis.package_records(store, packages)
        assert len(looks) == 1 + 2 + 1  # the match's household and view, then package_records' own
