"""The cost limit per role, the time budget of a query, and the bounded pool
for analytics (schema/cost.py, api/app.py, schema/pool.py)."""

from __future__ import annotations

import threading
import time

import pytest
from graphql import parse

from schema.build import schema as served
from schema.cost import estimate
from service.permissions import REFUSED_QUERIES
from service.principal import Role
from service.settings import Settings

C = "coordinator"
#: the outside run's anonymous query: four levels of services under services (19 s, 19 MB)
NESTED = ("{ services(first: 500) { edges { node { provider { services { provider { services { provider "
          "{ services { id name } } } } } } } } } }")
DIRECTORY = ("{ services(first: 500) { totalCount edges { cursor node { id name domains capacity available "
             "provider { id name sector } regions { id name } eligibility { maxIncomePercent } } } } }")


@pytest.fixture
def store(sample_store):
    """The door is the same whatever the store behind it: the embedded one only."""
    return sample_store


def cost(doc: str, role: Role = Role.COORDINATOR, **variables) -> int:
    return estimate(served._schema, parse(doc), None, variables, Settings(), role)


def test_the_nested_directory_query_is_refused_before_it_runs(gql, monkeypatch):
    from service import reads

    def never(*a, **k):
        raise AssertionError("a refused query must not reach the store")

    monkeypatch.setattr(reads, "services_page", never)
    t = time.perf_counter()
    r = gql(NESTED)
    assert time.perf_counter() - t < 2
    assert r.code == "BAD_USER_INPUT", r.body
    ext = r.errors[0]["extensions"]
    assert ext["cost"] > ext["limit"] == Settings().max_cost_anonymous
    assert "anonymous" in r.errors[0]["message"]


def test_a_full_directory_page_is_within_the_anonymous_limit(gql):
    assert cost(DIRECTORY, Role.ANONYMOUS) <= Settings().max_cost_anonymous
    assert gql(DIRECTORY).ok()["services"]["totalCount"] > 0


def test_thirty_aliased_networks_are_refused_even_for_a_coordinator(gql):
    doc = "{ " + " ".join(f"n{i}: network {{ nodes {{ id }} edges {{ source }} }}" for i in range(30)) + " }"
    r = gql(doc, C)
    assert r.code == "BAD_USER_INPUT"
    assert r.errors[0]["extensions"]["limit"] == Settings().max_cost_coordinator
    assert gql("{ network { nodes { id } edges { source } } }", C).ok()


def test_the_limit_depends_on_the_role(make_gql):
    doc = ("{ services(first: 200) { edges { node { provider { services { provider { services { id } } } "
           "} } } } }")
    assert Settings().max_cost_anonymous < cost(doc) <= Settings().max_cost_partner
    gql, _ = make_gql(Settings())
    assert gql(doc).code == "BAD_USER_INPUT"
    assert gql(doc, "partner-bar").ok()
    assert gql(doc, C).ok()


def test_the_limits_are_configurable(make_gql):
    gql, _ = make_gql(Settings(max_cost_anonymous=5, max_cost_coordinator=5))
    assert gql('{ region(id: "gg") { id } }').ok()
    r = gql("{ services(first: 10) { edges { node { id } } } }", C)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["limit"] == 5
    assert Settings.from_env({"DOLBOM_MAX_COST_PARTNER": "77"}).max_cost("partner") == 77


def test_the_estimate_follows_lists_first_variables_fragments_and_aliases():
    one = cost("{ services(first: 10) { edges { node { id } } } }")
    assert one == 10 * (1 + 1 * (1 + 1))
    assert cost("query($n: Int) { services(first: $n) { edges { node { id } } } }", n=10) == one
    assert cost("{ services { edges { node { id } } } }") == 5 * one  # the default first, 50
    assert cost("{ services(first: 100000) { edges { node { id } } } }") == 50 * one  # capped at max_first
    assert cost("{ a: services(first: 10) { edges { node { id } } } b: services(first: 10) "
                "{ edges { node { id } } } }") == 2 * one
    assert cost("{ services(first: 10) { ...E } } "
                "fragment E on ServiceConnection { edges { node { id } } }") == one
    # a list of objects under each item multiplies
    assert cost("{ services(first: 10) { edges { node { regions { id } } } } }") == 10 * (1 + 1 + 1 + 10)
    assert cost('{ region(id: "gg") { id name } }') == 1
    assert cost("{ __schema { types { name fields { name } } } }") == 100


def test_allocate_costs_by_the_households_it_plans():
    small = cost('{ allocate(householdIds: ["a"]) { optimal } }')
    big = cost("query($ids: [ID!]!) { allocate(householdIds: $ids) { optimal } }",
               ids=[f"h{i}" for i in range(1000)])
    assert big - small == 999 * 2


REFUSED_DOCS = {
    "household": '{ household(id: "hh-0001") { id } }',
    "matchPackages": '{ matchPackages(householdId: "hh-0001") { rank } }',
    "coverage": "{ coverage { domain } }",
    "overlaps": "{ overlaps { domain } }",
    "network": "{ network { nodes { id } } }",
    "allocate": '{ allocate(householdIds: ["hh-0001"]) { optimal } }',
    "overdue": "{ overdue { householdId } }",
    "followUpsDue": "{ followUpsDue { id } }",
    "auditLog": "{ auditLog { edges { cursor } } }",
    "referrals": "{ referrals { totalCount } }",
    "capacityReport": "{ capacityReport { id } }",
    "households": "{ households { totalCount } }",
    "staff": "{ staff { id } }",
    "conference": '{ conference(id: "conf-x") { id } }',
    "conferences": "{ conferences { totalCount } }",
    "whatWouldItTake": '{ whatWouldItTake(householdId: "hh-0001") { reruns } }',
    "whatWouldItTakeForPlan": '{ whatWouldItTakeForPlan(householdIds: ["hh-0001"]) { takes { reruns } } }',
    "recruitment": '{ recruitment(regionId: "gg-suwon") { candidates } }',
    "whatIf": '{ whatIf(regionId: "gg-suwon", changes: []) { households } }',
    "fairness": '{ fairness(regionId: "gg-suwon") { regionId coverage } }',
    "burnDown": '{ burnDown(regionId: "gg-suwon") { id left } }',
}
CALLER = {Role.ANONYMOUS: None, Role.PARTNER: "partner-bar", Role.CASEWORKER: "caseworker"}


@pytest.mark.parametrize("role, name", [(r, n) for r, names in REFUSED_QUERIES.items()
                                        for n in sorted(names)])
def test_a_query_the_cost_limit_skips_is_refused_outright(gql, role, name):
    """The cost limit does not count a query the role is refused (REFUSED_QUERIES): safe only
    while each of them really is refused before any work."""
    r = gql(REFUSED_DOCS[name], CALLER[role])
    assert r.code == ("UNAUTHENTICATED" if role is Role.ANONYMOUS else "FORBIDDEN"), r.body


def test_a_refused_query_answers_its_refusal_not_the_cost(gql):
    deep = "{ network { nodes { id } } overlaps { services { provider { services { regions { id } } } } } }"
    assert gql(deep).code == "UNAUTHENTICATED"
    assert set(gql(deep, "partner-bar").codes) == {"FORBIDDEN"}


def test_a_slow_query_ends_at_its_time_budget(make_gql, monkeypatch):
    from service import analysis

    def slow(*a, **k):
        time.sleep(1.5)
        return []

    monkeypatch.setattr(analysis, "coverage_cells", slow)
    gql, _ = make_gql(Settings(time_budget=0.3, heavy_workers=5))
    t = time.perf_counter()
    r = gql("{ coverage { domain } }", C)
    took = time.perf_counter() - t
    assert r.code == "BAD_USER_INPUT" and "time budget" in r.errors[0]["message"], r.body
    assert r.data is None
    assert took < 1.2, took


def test_a_mutation_is_not_cut_short_by_the_budget(make_gql, monkeypatch, store):
    from service import writes

    real = writes.upsert_region

    def slow(*a, **k):
        time.sleep(0.6)
        return real(*a, **k)

    monkeypatch.setattr(writes, "upsert_region", slow)
    gql, _ = make_gql(Settings(time_budget=0.2))
    r = gql('mutation { upsertRegion(input: {id: "gg-suwon-slow", name: "느린동", level: DONG, '
            'parentId: "gg-suwon"}) { id } }', C)
    assert r.ok()["upsertRegion"]["id"] == "gg-suwon-slow"
    assert store.get("Region", "gg-suwon-slow") is not None


def test_analytics_run_at_most_heavy_workers_at_once(make_gql, monkeypatch):
    from service import analysis

    running = 0
    seen = 0
    lock = threading.Lock()

    def counted(*a, **k):
        nonlocal running, seen
        with lock:
            running += 1
            seen = max(seen, running)
        time.sleep(0.15)
        with lock:
            running -= 1
        return []

    monkeypatch.setattr(analysis, "coverage_cells", counted)
    monkeypatch.setattr(analysis, "overlap_groups", counted)
    gql, _ = make_gql(Settings(heavy_workers=2))
    doc = "{ " + " ".join(f"c{i}: coverage {{ domain }} o{i}: overlaps {{ domain }}" for i in range(4)) + " }"
    assert gql(doc, C).ok()
    assert seen == 2


def test_time_queued_behind_other_analytics_counts_against_the_budget(make_gql, monkeypatch):
    """Four analytics queries at once with one analytics thread: each ends at its own budget,
    whether it ran or waited for the thread (queued, it used to wait for the others first)."""
    from service import analysis

    def slow(*a, **k):
        time.sleep(1.5)
        return []

    monkeypatch.setattr(analysis, "coverage_cells", slow)
    gql, _ = make_gql(Settings(time_budget=0.4, heavy_workers=1))
    results: list[tuple[object, float]] = []

    def call() -> None:
        t0 = time.perf_counter()
        r = gql("{ coverage { domain } }", C)
        results.append((r, time.perf_counter() - t0))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4
    for r, _ in results:
        assert r.code == "BAD_USER_INPUT" and "time budget" in r.errors[0]["message"], r.body
    assert max(took for _, took in results) < 1.1, [took for _, took in results]
