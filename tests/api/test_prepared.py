"""Prepared query documents (api.view: ``DolbomGraphQL._answer_prepared``): a query document answered
once without errors is answered again without strawberry's request handling and extension hooks. The
answers must be those of strawberry's whole path, for every caller, every variable, every error."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from api.view import DolbomGraphQL
from service import audit
from service.settings import Settings

MATCH = """query($id: ID!, $limit: Int) { matchPackages(householdId: $id, limit: $limit) {
  rank cost coveredDomains missingDomains
  items { resource { ... on Service { id name } ... on Volunteer { id } } needs { id } reasons }
  flags { kind needIds message } } }"""
SERVICES = """query($domain: Domain, $first: Int) { services(domain: $domain, first: $first) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name domains } } } }"""
HOUSEHOLD = 'query($id: ID!) { household(id: $id) { id size needs { id domain } } }'

#: (document, caller, variables, query string) sent after the document was prepared by a coordinator's
#: answer without errors; each is compared with a server that never saw the document
PROBES: list[tuple[str, str | None, dict[str, Any], str]] = [
    (MATCH, "coordinator", {"id": "hh-0001"}, ""),
    (MATCH, "coordinator", {"id": "hh-0002", "limit": 1}, ""),
    (MATCH, "caseworker", {"id": "hh-0001"}, "?locale=en"),
    (MATCH, "caseworker-sn", {"id": "hh-0001"}, ""),  # another region's household: FORBIDDEN
    (MATCH, "caseworker-sn", {"id": "hh-0001"}, "?locale=en"),
    (MATCH, None, {"id": "hh-0001"}, ""),  # anonymous: UNAUTHENTICATED
    (MATCH, "partner-bar", {"id": "hh-0001"}, ""),
    (MATCH, "coordinator", {"id": "hh-nope"}, ""),  # NOT_FOUND
    (MATCH, "coordinator", {"id": "hh-0001", "limit": 10_000}, ""),  # over the limit's cap
    (MATCH, "coordinator", {"id": "hh-0001", "limit": "three"}, ""),  # a variable that does not coerce
    (MATCH, "coordinator", {}, ""),  # a required variable missing
    (SERVICES, "coordinator", {"domain": "LEGAL"}, ""),
    (SERVICES, None, {"domain": "HEALTH", "first": 2}, ""),
    (SERVICES, None, {"first": 500}, ""),  # past the anonymous cost limit (LIMITS): refused before execution
    (SERVICES, "coordinator", {"domain": "NOT_A_DOMAIN"}, ""),
    (HOUSEHOLD, "caseworker", {"id": "hh-0001"}, ""),
    (HOUSEHOLD, "caseworker", {"id": "hh-0002"}, ""),  # another region's household
    (HOUSEHOLD, "partner-medical", {"id": "hh-0001"}, "?locale=en"),
]
#: an anonymous cost limit that a page of 2 services passes and one of 500 does not
LIMITS = Settings(max_cost_anonymous=200)
WARM: dict[str, dict[str, Any]] = {MATCH: {"id": "hh-0001"}, SERVICES: {"domain": "HEALTH"},
                                    HOUSEHOLD: {"id": "hh-0001"}}


@pytest.fixture
def prepared_runs(monkeypatch) -> list[int]:
    """Counts the requests answered as prepared."""
    runs: list[int] = []
    original = DolbomGraphQL._execute_prepared

    async def counted(self, *args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(DolbomGraphQL, "_execute_prepared", counted)
    return runs


def _post(client, query: str, who: str | None, variables: dict[str, Any], params: str = ""):
    headers = {"Authorization": f"Bearer {who}"} if who else {}
    r = client.post(f"/graphql{params}", json={"query": query, "variables": variables}, headers=headers)
    return r.status_code, _without_request_ids(r.json()), r.headers.get("content-type")


def _without_request_ids(body: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    for e in body.get("errors") or []:
        e.get("extensions", {}).pop("requestId", None)
    return body


def test_a_prepared_answer_is_the_whole_paths_answer_for_every_caller_and_error(make_gql, prepared_runs):
    settings = LIMITS
    _, warm = make_gql(settings)
    for query, variables in WARM.items():
        status, body, _ = _post(warm, query, "coordinator", variables)
        assert status == 200 and "errors" not in body, body
    assert prepared_runs == []  # first answers: strawberry's whole path
    expected_prepared = 0
    codes: set[str] = set()
    for query, who, variables, params in PROBES:
        _, fresh = make_gql(settings)  # a server that never saw the document
        before = len(prepared_runs)
        want = _post(fresh, query, who, variables, params)
        assert len(prepared_runs) == before
        got = _post(warm, query, who, variables, params)
        assert got == want, (who, variables, params)
        codes |= {e["extensions"]["code"] for e in got[1].get("errors", [])}
        if got[1].get("errors") and any(e["extensions"].get("cost") for e in got[1]["errors"]):
            assert len(prepared_runs) == before, "a refusal by the cost limit comes from the whole path"
        else:
            expected_prepared += 1
            assert len(prepared_runs) == before + 1, (who, variables)
    assert expected_prepared == len(PROBES) - 1
    # the probes' errors are real: not every answer was the same clean one
    assert {"FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND", "BAD_USER_INPUT"} <= codes


def test_only_a_query_answered_without_errors_is_prepared(make_gql, prepared_runs):
    gql, client = make_gql(Settings())
    assert gql(MATCH, "caseworker-sn", id="hh-0001").code == "FORBIDDEN"
    assert gql(MATCH, "caseworker-sn", id="hh-0001").code == "FORBIDDEN"
    assert prepared_runs == []  # answered with errors: not prepared
    gql(MATCH, "coordinator", id="hh-0001").ok()
    assert prepared_runs == []
    gql(MATCH, "coordinator", id="hh-0001").ok()
    assert prepared_runs == [1]
    mutation = 'mutation($id: ID!) { upsertRegion(input: {id: $id, name: "시험", level: CITY}) { id } }'
    for _ in range(2):
        r = gql(mutation, "coordinator", id="gg-prepared-test")
        assert r.status == 200
    assert prepared_runs == [1]  # a mutation never is
    # the same text under another operation name is another document
    named = MATCH.replace("query(", "query Named(", 1)
    r = client.post("/graphql", headers={"Authorization": "Bearer coordinator"},
                    json={"query": named, "operationName": "Named", "variables": {"id": "hh-0001"}})
    assert r.status_code == 200 and "errors" not in r.json()
    assert prepared_runs == [1]


def test_a_prepared_read_of_a_household_is_audited_each_time(make_gql, store, prepared_runs):
    gql, _ = make_gql(Settings())

    def reads() -> int:
        return sum(1 for _, e in store.list_side(audit.KIND)
                   if e["action"] == "read" and "hh-0001" in e["targetIds"] and e["actor"] == "t-coord")

    before = reads()
    for _ in range(3):
        gql(MATCH, "coordinator", id="hh-0001").ok()
    assert len(prepared_runs) == 2
    assert reads() == before + 3


def test_a_bad_body_to_a_prepared_document_is_refused_as_before(make_gql, prepared_runs):
    gql, client = make_gql(Settings())
    for _ in range(2):
        gql(SERVICES, "coordinator", domain="LEGAL").ok()
    assert prepared_runs == [1]
    headers = {"Authorization": "Bearer coordinator", "Content-Type": "application/json"}
    bad = client.post("/graphql", content=b'{"query": "' + SERVICES.encode().replace(b"\n", b"\\n")
                      + b'", "variables": [1]}', headers=headers)
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "variables" in bad.json()["errors"][0]["message"]
    assert prepared_runs == [1]


def test_a_prepared_report_keeps_its_pool_and_its_time_budget(sample_store, prepared_runs, monkeypatch):
    """An analytics document, prepared, still runs in the analytics pool and still ends at its time
    budget with the budget's refusal. (The embedded store only: what is checked is the view's, and a
    first coverage on Neo4j can itself take longer than a budget short enough to test.)"""
    import threading
    import time

    from starlette.testclient import TestClient

    from api.app import create_app
    from service import analysis
    from tests.api.conftest import Result, fake_authenticate

    threads: list[str] = []
    slow = {"on": False}
    done = threading.Event()
    real = analysis.coverage_cells

    def cells(*a, **k):
        threads.append(threading.current_thread().name)
        try:
            if slow["on"]:
                time.sleep(2.0)
            return real(*a, **k)
        finally:
            done.set()

    monkeypatch.setattr(analysis, "coverage_cells", cells)
    client = TestClient(create_app(sample_store, Settings(time_budget=1.0), authenticate=fake_authenticate))

    def gql(query: str, who: str, **variables: Any) -> Result:
        r = client.post("/graphql", json={"query": query, "variables": variables},
                        headers={"Authorization": f"Bearer {who}"})
        return Result(r.status_code, r.json(), r.headers)

    doc = 'query($r: ID) { coverage(regionId: $r) { domain openNeeds } }'
    first = gql(doc, "coordinator", r="gg-suwon").ok()
    assert gql(doc, "coordinator", r="gg-suwon").ok() == first
    assert prepared_runs == [1]
    slow["on"] = True
    done.clear()
    r = gql(doc, "coordinator", r="gg-seongnam")
    assert r.code == "BAD_USER_INPUT" and "time budget" in r.errors[0]["message"]
    assert prepared_runs == [1, 1]
    assert threads and all(name.startswith("dolbom-heavy") for name in threads), threads
    assert done.wait(10)  # the analysis ran on past the budget in its thread: let it end here
    from schema import pool

    workers = Settings().heavy_workers
    for kind in ("heavy", "request"):  # and whatever its threads still do with the store
        pool.pool(workers, kind).submit(lambda: None).result(10)
