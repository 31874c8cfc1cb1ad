"""The store's schema on a real Neo4j: one unique index per record node
(``(:Node).key``), every lookup by kind and id a seek on it, and a database
made by an older store (per-label id constraints) converging when it opens."""

from __future__ import annotations

import re

import pytest
from neo4j.exceptions import ConstraintError

from graph import cypher
from graph.model import Household
from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records

#: the lookups of a record by its kind and id (the view roots, receipts, the bulk load's creates)
BY_KIND_AND_ID = ("GET_RECEIPT", "RECEIPTS_OF_HOUSEHOLDS", "RECEIPTS_EXISTING", "NEIGHBOURHOOD",
                  "SUBTREE", "DELETE_RECEIPTS", "CREATE_HOUSEHOLDS", "CREATE_NEEDS", "CREATE_REFERRALS",
                  "CREATE_RECEIPTS", "CREATE_HOUSEHOLDS_LOCKED", "CREATE_NEEDS_LOCKED",
                  "CREATE_REFERRALS_LOCKED", "CREATE_RECEIPTS_LOCKED")
PARAMS = {"household_id": "h", "service_id": "s", "region_id": "r", "household_ids": ["h"],
          "supply_only": True, "regions": None, "open": "OPEN", "declined": "DECLINED", "epoch": None,
          "version": None, "cached": [],
          "rows": [{"household_id": "h", "service_id": "s", "region_id": "r", "resource_label": "Service",
                    "resource_id": "s", "need_ids": ["n"]}]}


def constraints(store: Neo4jStore) -> set[str]:
    with store._session() as session:
        return {row["name"] for row in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}


def operators(store: Neo4jStore, query: str) -> list[str]:
    return [op for op, _ in plan_steps(store, query)]


def plan_steps(store: Neo4jStore, query: str) -> list[tuple[str, str]]:
    """The operators of ``query``'s plan with their details."""
    with store._session() as session:
        plan = session.run("EXPLAIN " + query, PARAMS).consume().plan
    out: list[tuple[str, str]] = []

    def walk(p: dict) -> None:
        out.append((p["operatorType"].split("@")[0], p.get("args", {}).get("Details", "")))
        for child in p.get("children", []):
            walk(child)

    walk(plan)
    return out


def test_an_older_stores_id_constraints_are_dropped_when_it_opens(neo4j_store, neo4j_env):
    with neo4j_store._session() as session:
        for label in ("Household", "Need"):
            session.run(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                        f"FOR (n:{label}) REQUIRE n.id IS UNIQUE").consume()
        session.run("CREATE CONSTRAINT not_ours IF NOT EXISTS "
                    "FOR (n:Elsewhere) REQUIRE n.x IS UNIQUE").consume()
    try:
        assert {"household_id", "need_id"} <= constraints(neo4j_store)
        reopened = Neo4jStore.from_env(neo4j_env)
        try:
            assert constraints(reopened) == {"node_key", "write_lock_name", "side_key", "not_ours"}
            Neo4jStore.from_env(neo4j_env).close()  # converged: opening again changes nothing
            assert constraints(reopened) == {"node_key", "write_lock_name", "side_key", "not_ours"}
        finally:
            reopened.close()
    finally:
        with neo4j_store._session() as session:
            session.run("DROP CONSTRAINT not_ours IF EXISTS").consume()


def test_every_lookup_by_kind_and_id_seeks_the_key_index(neo4j_store):
    for name in BY_KIND_AND_ID:
        ops = operators(neo4j_store, cypher.statements()[name])
        assert any(op.startswith("NodeUniqueIndexSeek") for op in ops), (name, ops)
        assert not any("Scan" in op for op in ops), (name, ops)


def test_an_id_is_still_unique_in_its_kind(neo4j_store):
    neo4j_store.put(*sample_records())
    household = next(r for r in sample_records() if isinstance(r, Household))
    with neo4j_store._session() as session, pytest.raises(ConstraintError):
        session.run("CREATE (:Node:Household {id: $id, key: $key})",
                    {"id": household.id, "key": f"Household:{household.id}"}).consume()
    assert neo4j_store.counts()["Household"] == sum(isinstance(r, Household) for r in sample_records())


#: the statements that read views and reports
VIEWS = ("NEIGHBOURHOOD", "SUBTREE", "ALL_SUPPLY", "REPORT_HOMES", "NETWORK_ROWS", "NETWORK_ROWS_SUBTREE",
         "ALL_NODES")


def test_no_distinct_keys_on_a_collected_list(neo4j_store):
    """A DISTINCT (or a UNION's) inside a subquery keys on the variables it imports too: one that
    imported the list of a province's households kept a copy of it per row: for the root region's
    subtree at 100,000 households, Neo4j refused it (MemoryPoolOutOfMemoryError). No
    distinct of a view statement may key on a list the statement collected."""
    for name in VIEWS:
        query = cypher.statements()[name]
        lists = {*re.findall(r"}\s+AS\s+(\w+)", query), *re.findall(r"collect\(.*?\)\s+AS\s+(\w+)", query)}
        for op, details in plan_steps(neo4j_store, query):
            if "Distinct" in op:
                keys = {k.split(" AS ")[-1].strip() for k in details.split(", ")}
                assert not keys & lists, (name, op, details)
