"""Many app processes, one Neo4j: the store keeps nothing between calls that
could go stale, reads run in read transactions (so a cluster can send them to
its readers), and ``neo4j://`` routing URIs open the store."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from graph.errors import UnauthenticatedError
from graph.model import Household, Need
from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records
from service.tokens import authenticate, create_token, list_tokens, revoke_token


@pytest.fixture
def two(neo4j_store, neo4j_env):
    """Two stores on the same database, as two app processes hold them."""
    other = Neo4jStore.from_env(neo4j_env)
    try:
        yield neo4j_store, other
    finally:
        other.close()


def test_each_store_sees_the_others_writes_at_once(two):
    a, b = two
    a.put(*sample_records())
    # b read everything before a's next writes: nothing it read may linger
    assert b.counts() == a.counts()
    view = b.neighbourhood("hh-0001")
    whole = b.graph("gg-suwon")
    a.put(Need(id="need-0001-food", household_id="hh-0001", domain="FOOD", severity=2),
          Household(id="hh-new", region_id="gg-suwon-maetan", size=1, income_percent=30))
    assert b.get("Need", "need-0001-food") is not None
    assert "Need:need-0001-food" in b.neighbourhood("hh-0001") and "Need:need-0001-food" not in view
    assert "Household:hh-new" in b.graph("gg-suwon") and "Household:hh-new" not in whole
    assert [r.key for r in b.list("Household")] == ["hh-0001", "hh-0002", "hh-0003", "hh-new"]
    service = next(n for n, d in view.nodes(data=True) if d["label"] == "Service")
    a.put(a.get(*service.split(":", 1)).replace(name="새 이름"))
    assert b.neighbourhood("hh-0001").nodes[service]["name"] == "새 이름"
    with b.unit_of_work() as uow:  # b's unit of work reads a's commit, not an old copy
        uow.put(uow.require("Household", "hh-new").replace(size=2))
    assert a.get("Household", "hh-new").size == 2
    b.delete("Household", "hh-new")
    assert a.get("Household", "hh-new") is None and a.counts() == b.counts()


def test_a_token_made_revoked_by_one_process_counts_in_the_other_at_once(two):
    a, b = two
    token = create_token(a, "coordinator")
    assert authenticate(b, f"Bearer {token}").role.value == "coordinator"
    revoke_token(b, list_tokens(b)[0].id)
    with pytest.raises(UnauthenticatedError, match="revoked"):
        authenticate(a, f"Bearer {token}")


class Recording:
    """The real driver, noting which kind of transaction each session call opens."""

    def __init__(self, driver: Any, calls: list[str]) -> None:
        self._driver, self.calls = driver, calls

    def session(self, **kw: Any) -> Any:
        return RecordingSession(self._driver.session(**kw), self.calls)

    def close(self) -> None:
        self._driver.close()


class RecordingSession:
    def __init__(self, session: Any, calls: list[str]) -> None:
        self._session, self.calls = session, calls

    def __enter__(self) -> RecordingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.close()

    def close(self) -> None:
        self._session.close()

    def execute_read(self, work: Any) -> Any:
        self.calls.append("read")
        return self._session.execute_read(work)

    def execute_write(self, work: Any) -> Any:
        self.calls.append("write")
        return self._session.execute_write(work)

    def begin_transaction(self) -> Any:
        self.calls.append("explicit write")
        return self._session.begin_transaction()

    def run(self, query: str, *args: Any, **kw: Any) -> Any:
        self.calls.append("auto-commit")
        return self._session.run(query, *args, **kw)


def test_reads_run_in_read_transactions_and_writes_in_write_ones(neo4j_store, neo4j_env):
    neo4j_store.put(*sample_records())
    create_token(neo4j_store, "coordinator")
    calls: list[str] = []
    driver = neo4j.GraphDatabase.driver(neo4j_env["NEO4J_URI"])
    store = Neo4jStore(neo4j_env["NEO4J_URI"], database=neo4j_env.get("NEO4J_DATABASE", "neo4j"),
                       driver=Recording(driver, calls))
    try:
        calls.clear()  # opening it created the schema (auto-commit, idempotent)
        store.get("Household", "hh-0001")
        store.list("Service", limit=3)
        store.list("Receipt")
        store.receipts("hh-0001")
        store.neighbourhood("hh-0001")
        store.graph()
        store.graph("gg-suwon")
        store.counts()
        store.list_side("token")
        store.get_side("token", "nothing")
        store.ping()
        assert calls and set(calls) == {"read"}, calls
        calls.clear()
        store.put(Household(id="hh-w", region_id="gg-suwon-maetan", size=1, income_percent=1))
        store.put_side("note", "k", {"x": 1})
        assert calls == ["explicit write", "write"]
    finally:
        store.close()


def test_a_neo4j_routing_uri_opens_the_store(neo4j_store, neo4j_env):
    """``neo4j://`` asks the server for a routing table (the test server, like a
    single Neo4j, answers with itself) and sends reads and writes by it."""
    uri = neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://", 1)
    assert uri.startswith("neo4j://")
    routed = Neo4jStore.from_env({**neo4j_env, "NEO4J_URI": uri})
    try:
        assert isinstance(routed._driver, neo4j.Neo4jDriver)  # the routing driver, not a direct one
        routed.put(*sample_records())
        assert routed.counts() == neo4j_store.counts()
        assert sorted(routed.neighbourhood("hh-0001").edges(keys=True)) == \
            sorted(neo4j_store.neighbourhood("hh-0001").edges(keys=True))
        with routed.unit_of_work() as uow:
            uow.put(uow.require("Household", "hh-0001").replace(size=5))
        assert neo4j_store.get("Household", "hh-0001").size == 5
        routed.ping()
    finally:
        routed.close()
