"""The Neo4j store without a server: statements, unit-of-work flow, record round trips.

``FakeNeo4j`` stands in for the driver. It answers exactly the statements of
:mod:`graph.cypher` (dispatching on the statement itself), keeps nodes and
typed relationships in memory, rolls a write transaction back when its
function raises, and checks what a server would: every ``$parameter`` is
passed, property values are plain (no enums, dates, tuples or nulls), the
database is named. Write statements are applied by reading their label,
relationship type and direction from the Cypher text, so a statement filed
under the wrong key or written in the wrong direction fails here.

What it cannot check is the Cypher selection of the neighbourhood and subtree
views: it answers those with :mod:`graph.view`'s own selection. The contract
suite's Neo4j leg checks them against a live server.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import networkx as nx
import pytest
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph import cypher, region_parts
from graph.embedded import EmbeddedStore
from graph.errors import ConflictError, NotFoundError, StoreError
from graph.model import (
    NODE_LABELS,
    RECORD_TYPES,
    Domain,
    Household,
    Need,
    Receipt,
    Region,
    Service,
    Volunteer,
    receipt_key,
)
from graph.neo4j_store import Neo4jStore, node_props, record_from_props, write_plan
from graph.view import OWNER_IS_SOURCE, neighbourhood_nodes, node_attrs, region_part_nodes, subtree_nodes
from loaders.sample import sample_records

STATEMENTS = cypher.statements()
NAME = {v: k for k, v in STATEMENTS.items()}


# -- the fake driver ------------------------------------------------------------


def _plain(value):
    """A property value as Neo4j stores it, refusing what it would not store."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    assert type(value) in (str, int, float, bool), f"not a plain property value: {value!r}"
    return value


class FakeNeo4j:
    def __init__(self, database="neo4j"):
        self.database = database
        self.nodes: dict[str, dict] = {}  # node key -> properties
        self.rels: set[tuple[str, str, str]] = set()  # (source key, type, target key)
        self.side: dict[str, dict] = {}  # skey -> {kind, key, data}
        self.sent: list[tuple[str, str, dict]] = []  # (transaction kind, statement name, params)
        self.write_transactions = 0
        self.attempts = 1  # >1: the driver retries the write function (a transient error)
        self.rolled_back = 0  # explicit transactions closed without a commit
        self.closed = False
        self.constraints: set[str] = set()  # the names of the database's constraints
        self.epoch = ""  # the write lock's epoch and network version (cypher.NETWORK_CHANGED)
        self.network = 0
        self.parts_sent: list[str] = []  # the regions whose part a NEIGHBOURHOOD answer carried

    # driver API
    def session(self, database=None):
        assert database == self.database, "the database must always be named"
        return FakeSession(self)

    def close(self):
        self.closed = True

    # what a statement does
    def execute(self, kind, query, params):
        params = dict(params or {})
        assert query in NAME, f"not a statement of graph.cypher: {query!r}"
        name = NAME[query]
        missing = set(re.findall(r"\$(\w+)", query)) - set(params)
        assert not missing, f"{name}: parameters not passed: {missing}"
        self.sent.append((kind, name, params))
        if name.startswith("CONSTRAINT_"):
            self.constraints.add(re.search(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS", query).group(1))
            return []
        if name.startswith("DROP_CONSTRAINT_"):
            self.constraints.discard(re.search(r"DROP CONSTRAINT (\w+) IF EXISTS", query).group(1))
            return []
        return getattr(self, "_" + name.lower(), self._write)(query, name, params)

    def _show_constraints(self, q, name, p):
        return [{"name": n} for n in sorted(self.constraints) if n in p["names"]]

    def _ping(self, q, name, p):
        return [{"ok": 1}]

    def _props(self, key):
        return copy.deepcopy(self.nodes[key])

    def _get_node(self, q, name, p):
        return [{"props": self._props(p["key"])}] if p["key"] in self.nodes else []

    def _get_nodes(self, q, name, p):
        return [{"props": self._props(k)} for k in p["keys"] if k in self.nodes]

    def _get_receipt(self, q, name, p):
        edge = (f"Household:{p['household_id']}", "RECEIVES", f"Service:{p['service_id']}")
        return [{"n": int(edge in self.rels)}]

    def _list_nodes(self, q, name, p):
        keys = sorted(k for k in self.nodes if k.startswith(p["prefix"]) and k > p["after"])
        return [{"props": self._props(k)} for k in keys[: p["limit"]]]

    def _receipts(self):
        return sorted((u.split(":", 1)[1], v.split(":", 1)[1]) for u, t, v in self.rels if t == "RECEIVES")

    def _list_receipts(self, q, name, p):
        rows = [(h + p["sep"] + s, h, s) for h, s in self._receipts()]
        rows = sorted(r for r in rows if r[0] > p["after"])[: p["limit"]]
        return [{"household_id": h, "service_id": s} for _, h, s in rows]

    def _receipts_existing(self, q, name, p):
        there = set(self._receipts())
        return [row for row in p["rows"] if (row["household_id"], row["service_id"]) in there]

    def _receipts_of_households(self, q, name, p):
        return [{"household_id": h, "service_id": s} for h, s in self._receipts() if h in p["household_ids"]]

    def _relationships_of(self, q, name, p):
        return [{"source": u, "target": v, "type": t} for u, t, v in sorted(self.rels) if p["key"] in (u, v)]

    def _counts(self, q, name, p):
        out = {label: sum(k.startswith(label + ":") for k in self.nodes) for label in NODE_LABELS}
        out["Receipt"] = len(self._receipts())
        return [out]

    def _nx(self):
        g = nx.MultiDiGraph()
        for k, props in self.nodes.items():
            g.add_node(k, **node_attrs(record_from_props(props)))
        for u, t, v in self.rels:
            g.add_edge(u, v, key=t)
        return g

    def _all_nodes(self, q, name, p):
        return [{"props": self._props(k)} for k in self.nodes]

    def _neighbourhood(self, q, name, p):
        if f"Household:{p['household_id']}" not in self.nodes:
            return []
        received = [s for h, s in self._receipts() if h == p["household_id"]]
        g = self._nx()
        home = self.nodes[f"Household:{p['household_id']}"]["region_id"]
        every = neighbourhood_nodes(g, p["household_id"])
        shared = region_part_nodes(g, home)
        held = (p["epoch"], p["version"]) == (self.epoch, self.network) and home in p["cached"]
        if not held:
            self.parts_sent.append(home)
        return [{"epoch": self.epoch, "version": self.network, "home": [home], "received": received,
                 "nodes": [self._props(k) for k in every - shared],
                 "shared": [] if held else [self._props(k) for k in shared]}]

    def _subtree(self, q, name, p):
        if f"Region:{p['region_id']}" not in self.nodes:
            return []
        return [{"props": self._props(k)} for k in subtree_nodes(self._nx(), p["region_id"])]

    def _get_side(self, q, name, p):
        return [{"data": self.side[p["skey"]]["data"]}] if p["skey"] in self.side else []

    def _list_side(self, q, name, p):
        rows = sorted((v["key"], v["data"]) for v in self.side.values()
                      if v["kind"] == p["kind"] and v["key"] > p["after"])
        return [{"key": k, "data": d} for k, d in rows[: p["limit"]]]

    def _write(self, q, name, p):
        assert self._kind == "write", f"{name} sent outside a write transaction"
        if name == "LOCK_WRITES":
            self.locked = True
            self.epoch = self.epoch or "epoch-1"
        elif name == "NETWORK_CHANGED":
            self.network += 1
            self.epoch = self.epoch or "epoch-1"
        elif name == "CLEAR":
            gone = sorted(self.nodes)[: p["limit"]]
            for key in gone:
                del self.nodes[key]
            self.rels = {r for r in self.rels if r[0] in self.nodes and r[2] in self.nodes}
            return [{"deleted": len(gone)}]
        elif name == "CLEAR_SIDE":
            self.side.clear()
        elif name == "PUT_SIDE":
            assert isinstance(p["data"], str), "side data travels as a JSON string"
            self.side[p["skey"]] = {"kind": p["kind"], "key": p["key"], "data": p["data"]}
        elif name == "DELETE_RECEIPTS":
            for row in p["rows"]:
                h, svc = row["household_id"], row["service_id"]
                self.rels.discard((f"Household:{h}", "RECEIVES", f"Service:{svc}"))
        elif name == "DELETE_NODES":
            for key in p["keys"]:
                self.nodes.pop(key, None)
                self.rels = {r for r in self.rels if key not in (r[0], r[2])}
        elif name.startswith("UPSERT_"):
            label = re.search(r"SET n = row\.props, n:(\w+)", q).group(1)
            for row in p["rows"]:
                assert row["key"].startswith(label + ":") and row["props"]["key"] == row["key"]
                self.nodes[row["key"]] = {k: _plain(v) for k, v in row["props"].items() if v is not None}
        elif name.startswith("INSERT_"):
            label = re.search(r"CREATE \(n:Node:(\w+)\)", q).group(1)
            for row in p["rows"]:
                assert row["key"].startswith(label + ":")
                assert row["key"] not in self.nodes, "INSERT_ of a stored record (its key would clash)"
                self.nodes[row["key"]] = {k: _plain(v) for k, v in row.items() if v is not None}
        elif name.startswith("LINK_"):
            rel = re.search(r"CREATE \(a\)-\[:(\w+)\]->\(b\)", q).group(1)
            for row in p["rows"]:
                edge = (row["source"], rel, row["target"])
                assert edge not in self.rels, "LINK_ of a relationship that is there (CREATE would make two)"
                if row["source"] in self.nodes and row["target"] in self.nodes:
                    self.rels.add(edge)
        elif name.startswith("DELETE_OWNED_"):
            arrow, rel = re.search(r"\(:Node \{key: key\}\)(<?-)\[r:(\w+)\]", q).groups()
            end = 2 if arrow == "<-" else 0
            self.rels = {r for r in self.rels if not (r[1] == rel and r[end] in p["keys"])}
        elif name.startswith("MERGE_"):
            rel = re.search(r"MERGE \(a\)-\[:(\w+)\]->\(b\)", q).group(1)
            for row in p["rows"]:
                if row["source"] in self.nodes and row["target"] in self.nodes:
                    self.rels.add((row["source"], rel, row["target"]))
        else:  # pragma: no cover - a new statement the fake does not know
            raise AssertionError(f"the fake does not know {name}")
        return []

    _kind = "auto"

    def transaction(self, kind, work):
        saved = copy.deepcopy((self.nodes, self.rels, self.side))
        self._kind = kind
        try:
            for attempt in range(self.attempts if kind == "write" else 1):
                if attempt:  # the previous attempt "failed transiently": roll back, run again
                    self.nodes, self.rels, self.side = copy.deepcopy(saved)
                result = work(FakeTx(self, kind))
            return result
        except BaseException:
            self.nodes, self.rels, self.side = saved
            raise
        finally:
            self._kind = "auto"


class FakeResult:
    """Rows as the driver gives them: ``keys()``, then records (tuples) to iterate."""

    def __init__(self, rows):
        self._rows = rows

    def keys(self):
        return list(self._rows[0]) if self._rows else []

    def __iter__(self):
        return iter([tuple(row.values()) for row in self._rows])

    def data(self):
        return self._rows

    def single(self):
        assert len(self._rows) == 1, self._rows
        return self._rows[0]

    def consume(self):
        return None


class FakeTx:
    def __init__(self, fake, kind):
        self.fake, self.kind = fake, kind

    def run(self, query, parameters=None, **kw):
        return FakeResult(self.fake.execute(self.kind, query, {**(parameters or {}), **kw}))


class FakeSession:
    def __init__(self, fake):
        self.fake = fake

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, parameters=None, **kw):
        return FakeResult(self.fake.execute("auto", query, {**(parameters or {}), **kw}))

    def execute_read(self, work):
        return self.fake.transaction("read", work)

    def execute_write(self, work):
        self.fake.write_transactions += 1
        return self.fake.transaction("write", work)

    def begin_transaction(self):
        self.fake.write_transactions += 1
        return FakeExplicitTx(self.fake)


class FakeExplicitTx:
    """An explicit write transaction: statements apply at once, rollback restores."""

    def __init__(self, fake):
        self.fake = fake
        self.saved = copy.deepcopy((fake.nodes, fake.rels, fake.side))
        self.done = False

    def run(self, query, parameters=None, **kw):
        self.fake._kind = "write"
        try:
            return FakeResult(self.fake.execute("write", query, {**(parameters or {}), **kw}))
        finally:
            self.fake._kind = "auto"

    def commit(self):
        self.done = True

    def closed(self):
        return self.done

    def close(self):
        if not self.done:
            self.fake.nodes, self.fake.rels, self.fake.side = self.saved
            self.fake.rolled_back += 1
        self.done = True


@pytest.fixture
def fake():
    return FakeNeo4j()


@pytest.fixture
def store(fake):
    s = Neo4jStore("bolt://localhost:7687", driver=fake)
    yield s
    s.close()


def writes(fake):
    """(statement name, params) of everything written, in order."""
    return [(n, p) for kind, n, p in fake.sent if kind == "write" and not n.startswith("GET_")
            and n != "RELATIONSHIPS_OF"]


# -- the statements ---------------------------------------------------------------


def test_statements_are_distinct_and_cover_every_label_and_relationship():
    assert len(set(STATEMENTS.values())) == len(STATEMENTS)
    assert set(cypher.upsert) == set(NODE_LABELS)
    assert set(cypher.delete_owned) == set(OWNER_IS_SOURCE)
    assert set(cypher.merge_rel) == set(OWNER_IS_SOURCE) | {"RECEIVES"}
    for table in (cypher.upsert, cypher.delete_owned, cypher.merge_rel):
        assert all(v in NAME for v in table.values())
    assert all(s in NAME for s in cypher.schema)
    assert {n for n in STATEMENTS if n.startswith("CONSTRAINT_")} == {NAME[s] for s in cypher.schema}
    assert {n for n in STATEMENTS if n.startswith("DROP_CONSTRAINT_")} == {
        NAME[s] for s in cypher.drop_constraint.values()}
    for name, q in cypher.drop_constraint.items():
        assert q == f"DROP CONSTRAINT {name} IF EXISTS"


def test_statements_name_their_label_and_type_and_own_the_right_end():
    for label, q in cypher.upsert.items():
        assert NAME[q] == f"UPSERT_{label.upper()}" and f"n:{label}\n" in q
    for rel, q in cypher.delete_owned.items():
        arrow = "-[" if OWNER_IS_SOURCE[rel] else "<-["
        assert f"(:Node {{key: key}}){arrow}r:{rel}]" in q, rel
    for rel, q in cypher.merge_rel.items():
        assert f"MERGE (a)-[:{rel}]->(b)" in q


def test_statements_are_parameterized_not_formatted():
    for name, q in STATEMENTS.items():
        assert "%s" not in q and "{}" not in q and not re.search(r"\{[0-9]*\}", q), name
        assert not re.search(r"\bid\(", q), f"{name}: use elementId, not id()"


# -- records <-> node properties (c) --------------------------------------------------


def neo4j_style(rec):
    """The property map Neo4j would hand back: lists, ISO strings, no nulls."""
    out = {}
    for k, v in rec.to_dict().items():
        if v is None:
            continue
        out[k] = list(v) if isinstance(v, (list, tuple)) else v
    out["key"] = f"{rec.LABEL}:{rec.key}"
    return out


@pytest.mark.parametrize("rec", [r for r in sample_records() if r.LABEL != "Receipt"], ids=lambda r: r.key)
def test_every_sample_record_round_trips_through_node_properties(rec):
    props = node_props(rec)
    assert props == neo4j_style(rec)
    assert all(v is not None and type(_plain(v)) in (str, int, float, bool, list) for v in props.values())
    back = record_from_props(neo4j_style(rec))
    assert back == rec and type(back) is type(rec)


def test_dates_travel_as_strings_and_missing_optional_fields_are_none():
    mou = next(r for r in sample_records() if r.key == "mou-medical")
    props = node_props(mou)
    assert props["signed_on"] == "2025-01-01" and "expires_on" not in props
    back = record_from_props(props)
    assert back.signed_on == dt.date(2025, 1, 1) and back.expires_on is None


def test_node_properties_of_a_synthetic_province_are_its_records_to_dict():
    # node_props builds them without to_dict(): the same values, in the same order, for every kind
    from loaders.synthetic import generate

    records = [r for r in generate(300, seed=5) if r.LABEL != "Receipt"]
    assert {r.LABEL for r in records} == set(NODE_LABELS)
    for rec in records:
        expected = {k: v for k, v in rec.to_dict().items() if v is not None}
        expected["key"] = f"{rec.LABEL}:{rec.key}"
        assert list(node_props(rec).items()) == list(expected.items()), rec.key


# -- the unit of work (a, b) ----------------------------------------------------------


def test_a_unit_of_work_is_one_write_transaction_that_validates_then_writes(store, fake):
    with store.unit_of_work() as uow:
        uow.put(Region(id="c", name="시", level="CITY", parent_id="p"))
        uow.put(Region(id="p", name="도", level="PROVINCE"))
        assert fake.write_transactions == 1  # begun by the first read, under the lock
    # and one after the commit: regions are network, whose version goes up again then
    assert fake.write_transactions == 2 and fake.rolled_back == 0
    in_tx = [n for kind, n, _ in fake.sent if kind == "write"]
    # staging and validation read through the transaction, after the lock
    assert in_tx[0] == "LOCK_WRITES" and {"GET_NODE", "GET_NODES"} & set(in_tx)
    # both read as absent under the lock: created, with no owned relationships to look for
    assert writes(fake) == [
        ("LOCK_WRITES", {}),
        ("INSERT_REGION", {"rows": [
            {"id": "c", "name": "시", "level": "CITY", "parent_id": "p", "key": "Region:c"},
            {"id": "p", "name": "도", "level": "PROVINCE", "key": "Region:p"},
        ]}),
        ("LINK_PART_OF", {"rows": [{"source": "Region:c", "target": "Region:p"}]}),
        ("NETWORK_CHANGED", {}),  # its own transaction, after the commit
    ]
    assert store.get("Region", "c") == Region(id="c", name="시", level="CITY", parent_id="p")
    assert store.graph().has_edge("Region:c", "Region:p", key="PART_OF")


def test_a_stored_record_rewritten_is_merged_and_its_owned_relationships_replaced(store, fake):
    store.put(Region(id="p", name="도", level="PROVINCE"), Region(id="q", name="다른 도", level="PROVINCE"),
              Region(id="c", name="시", level="CITY", parent_id="p"))
    fake.sent.clear()
    with store.unit_of_work() as uow:
        uow.put(Region(id="c", name="새 시", level="CITY", parent_id="q"))  # stored: rewritten
        uow.put(Region(id="d", name="군", level="CITY", parent_id="q"))  # new: created
    assert writes(fake) == [
        ("LOCK_WRITES", {}),
        ("DELETE_OWNED_PART_OF", {"keys": ["Region:c"]}),
        ("UPSERT_REGION", {"rows": [{"key": "Region:c", "props": {
            "id": "c", "name": "새 시", "level": "CITY", "parent_id": "q", "key": "Region:c"}}]}),
        ("INSERT_REGION", {"rows": [{"id": "d", "name": "군", "level": "CITY", "parent_id": "q",
                                     "key": "Region:d"}]}),
        ("MERGE_PART_OF", {"rows": [{"source": "Region:c", "target": "Region:q"}]}),
        ("LINK_PART_OF", {"rows": [{"source": "Region:d", "target": "Region:q"}]}),
        ("NETWORK_CHANGED", {}),
    ]
    g = store.graph()
    assert g.has_edge("Region:c", "Region:q", key="PART_OF") and not g.has_edge("Region:c", "Region:p")
    assert g.has_edge("Region:d", "Region:q", key="PART_OF")


def test_validation_failing_at_commit_sends_no_write_and_names_the_record(store, fake):
    store.put(Region(id="p", name="도", level="PROVINCE"))
    before = copy.deepcopy((fake.nodes, fake.rels))
    fake.sent.clear()
    with pytest.raises(NotFoundError) as info, store.unit_of_work() as uow:
        uow.put(Household(id="h", region_id="p", size=1, income_percent=10))
        uow.put(Need(id="n", household_id="h-missing", domain="FOOD", severity=2))
    assert info.value.field == "householdId" and info.value.record == ("Need", "n")
    assert fake.write_transactions == 3  # the first put and its version raised after it, and this one
    assert [n for n, _ in writes(fake)] == ["LOCK_WRITES"] and fake.rolled_back == 1
    assert (fake.nodes, fake.rels) == before


def test_validation_reruns_inside_the_transaction(store, fake):
    store.put(Region(id="p", name="도", level="PROVINCE"))
    with pytest.raises(NotFoundError) as info, store.unit_of_work() as uow:
        uow.put(Region(id="c", name="시", level="CITY", parent_id="p"))
        # someone else deletes the parent while we are staging
        del fake.nodes["Region:p"]
    assert info.value.field == "parentId"
    assert "Region:c" not in fake.nodes


def test_an_exception_in_the_block_writes_nothing(store, fake):
    store.put(*sample_records())
    n_sent = len(fake.sent)
    with pytest.raises(RuntimeError, match="changed its mind"), store.unit_of_work() as uow:
        uow.put(Household(id="hh-new", region_id="gg-suwon-jowon", size=2, income_percent=40))
        uow.delete("Referral", "ref-0001")
        raise RuntimeError("caller changed its mind")
    sent = [n for _, n, _ in fake.sent[n_sent:]]
    assert not any(n.startswith(("UPSERT_", "DELETE_", "MERGE_")) for n in sent), sent
    assert fake.rolled_back == 1  # the lock and the reads were in a transaction, rolled back
    assert store.get("Referral", "ref-0001") is not None and store.get("Household", "hh-new") is None


def test_an_empty_unit_of_work_commits_nothing(store, fake):
    store.put(*sample_records())
    before = copy.deepcopy((fake.nodes, fake.rels))
    n_sent = len(fake.sent)
    with store.unit_of_work() as uow:
        uow.put_many(sample_records())  # identical: stages nothing
        assert uow.staged == {}
    assert fake.rolled_back == 1  # the lock it took to read is let go, nothing committed
    assert not any(n.startswith(("UPSERT_", "DELETE_", "MERGE_")) for _, n, _ in fake.sent[n_sent:])
    assert (fake.nodes, fake.rels) == before
    with store.unit_of_work():
        pass  # no read, no statement
    assert fake.write_transactions == 3  # the put of the sample (and its version raised), this one


def test_the_units_reads_are_inside_its_locked_transaction(store, fake):
    """What a unit of work reads to decide is read after it holds the write lock,
    in the transaction that writes (so a concurrent unit cannot change it)."""
    store.put(*sample_records())
    fake.sent.clear()
    with store.unit_of_work() as uow:
        svc = uow.get("Service", "svc-gg-legal")
        uow.put(svc.replace(used=svc.used + 1))
    kinds_names = [(k, n) for k, n, _ in fake.sent]
    assert kinds_names[0] == ("write", "LOCK_WRITES")
    assert ("write", "GET_NODE") in kinds_names or ("write", "GET_NODES") in kinds_names
    assert all(k == "write" for k, _ in kinds_names)


def test_units_of_work_do_not_nest(store):
    with pytest.raises(RuntimeError, match="do not nest"), store.unit_of_work(), store.unit_of_work():
        pass
    store.put(*sample_records())
    assert store.counts()["Household"] == 3


def test_write_plan_deletes_before_it_writes_and_batches_per_label():
    recs = sample_records()
    staged = {(r.LABEL, r.key): r for r in recs}
    staged[("Receipt", receipt_key("hh-0001", "svc-x"))] = None
    staged[("Volunteer", "vol-gone")] = None
    names = [NAME[q] for q, _ in write_plan(staged)]
    assert names[:2] == ["DELETE_RECEIPTS", "DELETE_NODES"]
    first_upsert = min(i for i, n in enumerate(names) if n.startswith("UPSERT_"))
    assert all(n.startswith("DELETE_OWNED_") for n in names[2:first_upsert])
    assert len(names) == len(set(names))  # one statement per label / type for a sample-sized unit
    merged = sum(len(p["rows"]) for q, p in write_plan(staged) if NAME[q].startswith("MERGE_"))
    assert merged == 6 + 7 + 8 + 9 + 1 + 3 + 3 + 2 + 3 + 7 + 3 + 2


def test_write_plan_creates_new_records_and_links_each_relationship_once():
    vol = Volunteer(id="vol-1", name="자원", skills=(Domain.FOOD,), region_ids=("r1", "r1", "r2"))
    gone = ("Volunteer", "vol-gone")
    plan = [(NAME[q], p) for q, p in write_plan({("Volunteer", "vol-1"): vol, gone: None},
                                                new={("Volunteer", "vol-1")})]
    assert plan == [
        ("DELETE_NODES", {"keys": ["Volunteer:vol-gone"]}),
        ("INSERT_VOLUNTEER", {"rows": [node_props(vol)]}),
        ("LINK_SERVES", {"rows": [{"source": "Volunteer:vol-1", "target": "Region:r1"},
                                  {"source": "Volunteer:vol-1", "target": "Region:r2"}]}),
    ]
    # not new: merged as before, its SERVES looked for and deleted first
    names = [NAME[q] for q, _ in write_plan({("Volunteer", "vol-1"): vol})]
    assert names == ["DELETE_OWNED_SERVES", "UPSERT_VOLUNTEER", "MERGE_SERVES"]


# -- the same answers as the embedded store ---------------------------------------------


def same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert set(a.nodes) == set(b.nodes)
    for n in a.nodes:
        assert a.nodes[n] == b.nodes[n], n
    assert set(a.edges(keys=True)) == set(b.edges(keys=True))
    for u, v, k, data in a.edges(keys=True, data=True):
        assert b.edges[u, v, k] == data


def same_answers(neo: Neo4jStore, emb: EmbeddedStore) -> None:
    assert neo.counts() == emb.counts()
    for label in RECORD_TYPES:
        assert neo.list(label) == emb.list(label), label
        keys = [r.key for r in emb.list(label)]
        for after in [None, "", *keys[:3]]:
            assert neo.list(label, after=after, limit=2) == emb.list(label, after=after, limit=2)
        for rec in emb.list(label):
            assert neo.get(label, rec.key) == rec
    same_graph(neo.graph(), emb.graph())
    for region in emb.list("Region"):
        same_graph(neo.graph(region.id), emb.graph(region.id))
    for hh in emb.list("Household"):
        same_graph(neo.neighbourhood(hh.id), emb.neighbourhood(hh.id))
        assert neo.receipts(hh.id) == emb.receipts(hh.id)


def test_answers_match_the_embedded_store_through_a_series_of_writes(store, tmp_path):
    emb = EmbeddedStore(tmp_path / "twin.db")
    try:
        steps = [
            lambda s: s.put(*sample_records()),
            lambda s: s.put(s.get("Service", "svc-suwon-jobs").replace(region_ids=("gg-seongnam",),
                                                                        name="취업")),
            lambda s: s.put(s.get("Service", "svc-gg-clinic").replace(active=False, agreement_id=None)),
            lambda s: s.put(Service(id="svc-new", name="새 서비스", provider_id="org-samsung-vol",
                                    domains=["CARE"], region_ids=["gg"], excludes_ids=["svc-suwon-rent"])),
            lambda s: s.put(s.get("Region", "gg-suwon-jowon").replace(parent_id="gg-seongnam")),
            lambda s: _swap_receipt(s),
            lambda s: s.delete("Household", "hh-0001"),
            lambda s: s.delete("Service", "svc-gg-legal"),
        ]
        for step in steps:
            step(store)
            step(emb)
            same_answers(store, emb)
    finally:
        emb.close()


# -- a region's part of views, read once per version of the network (graph.region_parts) ------


def with_neighbour(store):
    """The sample and a second household in hh-0001's region (gg-suwon-maetan)."""
    store.put(*sample_records(), Household(id="hh-next", region_id="gg-suwon-maetan", size=1,
                                           income_percent=30))


def fresh_view(fake, household_id):
    """The view of a store that holds no region's part."""
    return Neo4jStore("bolt://localhost:7687", driver=fake).neighbourhood(household_id)


def test_a_regions_part_is_read_once_and_the_views_are_those_of_a_store_without_it(store, fake):
    with_neighbour(store)
    first, second = store.neighbourhood("hh-0001"), store.neighbourhood("hh-next")
    sent = [p for _, n, p in fake.sent if n == "NEIGHBOURHOOD"]
    assert sent[0]["cached"] == [] and sent[1]["cached"] == ["gg-suwon-maetan"]
    assert fake.parts_sent == ["gg-suwon-maetan"]  # the second answer left the part out
    assert "Service:svc-suwon-rent" in second and "Region:gg" in second  # ... and the view has it
    store.neighbourhood("hh-0003")  # another region: its own part
    store.neighbourhood("hh-0001")
    assert fake.parts_sent == ["gg-suwon-maetan", "gg-suwon-jowon"]
    same_graph(second, fresh_view(fake, "hh-next"))
    same_graph(first, fresh_view(fake, "hh-0001"))


def test_a_write_to_the_network_by_another_process_reaches_the_next_view(store, fake):
    with_neighbour(store)
    store.neighbourhood("hh-0001")
    other = Neo4jStore("bolt://localhost:7687", driver=fake)  # another app process
    with other.unit_of_work() as uow:
        uow.put(uow.require("Service", "svc-suwon-rent").replace(active=False))
        vol = uow.require("Volunteer", next(r.key for r in sample_records() if r.LABEL == "Volunteer"))
        uow.put(vol.replace(hours_used=vol.hours_used + 3))
    view = store.neighbourhood("hh-next")
    assert "Service:svc-suwon-rent" not in view
    assert fake.parts_sent == ["gg-suwon-maetan", "gg-suwon-maetan"]
    same_graph(view, fresh_view(fake, "hh-next"))


def test_a_write_to_households_alone_keeps_the_part_and_shows_in_the_view(store, fake):
    with_neighbour(store)
    store.neighbourhood("hh-0001")
    network = fake.network
    store.put(Need(id="need-next", household_id="hh-next", domain="FOOD", severity=2))
    view = store.neighbourhood("hh-next")
    assert fake.network == network and fake.parts_sent == ["gg-suwon-maetan"]
    assert "Need:need-next" in view
    same_graph(view, fresh_view(fake, "hh-next"))


def test_a_lock_made_again_or_a_part_too_old_is_read_again(store, fake, monkeypatch):
    with_neighbour(store)
    store.neighbourhood("hh-0001")
    fake.epoch = "epoch-2"  # the lock node deleted by hand and made again: the counter may repeat
    store.neighbourhood("hh-next")
    assert fake.parts_sent == ["gg-suwon-maetan"] * 2
    store.neighbourhood("hh-0001")
    assert len(fake.parts_sent) == 2  # held again
    monkeypatch.setattr(region_parts, "MAX_AGE", 0.0)  # a write made by hand is seen when the part ages out
    store.neighbourhood("hh-next")
    assert len(fake.parts_sent) == 3


def test_region_parts_hold_parts_for_one_version_not_too_many_and_not_too_long(monkeypatch):
    now = [100.0]
    parts = region_parts.RegionParts(("e", 4), clock=lambda: now[0])
    assert region_parts.query_params(parts) == {"epoch": "e", "version": 4, "cached": []}
    parts.put("a", [])
    now[0] += region_parts.MAX_AGE - 1
    parts.put("b", [])
    assert parts.held() == ["a", "b"]
    now[0] += 2
    assert parts.held() == ["b"] and region_parts.query_params(parts)["cached"] == ["b"]
    monkeypatch.setattr(region_parts, "MAX_REGIONS", 2)
    parts.put("c", [])
    parts.put("a", [])  # held already: read again
    assert len(parts) == 2 and parts.held() == ["a", "b"]
    # a store that has read nothing claims no version the server could match
    assert region_parts.query_params(region_parts.RegionParts()) == {"epoch": "", "version": -1, "cached": []}


def _swap_receipt(s):
    with s.unit_of_work() as uow:
        uow.delete("Receipt", receipt_key("hh-0001", "svc-diocese-food"))
        uow.put(Receipt(household_id="hh-0001", service_id="svc-suwon-jobs"))


def test_referrers_come_from_the_relationships(store):
    store.put(*sample_records())
    with pytest.raises(ConflictError, match="still referenced"):
        store.delete("Service", "svc-diocese-food")  # a receipt names it
    with store.unit_of_work() as uow:
        # HAS_NEED is the need's own edge; the referral's COVERS is the referral's
        assert uow.referrers("Need", "need-0001-legal") == {("Referral", "ref-0001")}
        receipt = ("Receipt", receipt_key("hh-0001", "svc-diocese-food"))
        assert receipt in uow.referrers("Household", "hh-0001")


def test_unknown_household_or_region(store):
    store.put(*sample_records())
    with pytest.raises(NotFoundError) as info:
        store.neighbourhood("hh-nope")
    assert info.value.field == "householdId"
    with pytest.raises(NotFoundError) as info:
        store.graph("nowhere")
    assert info.value.field == "regionId"


def test_an_empty_store(store):
    assert store.counts() == {label: 0 for label in RECORD_TYPES}
    assert store.graph().number_of_nodes() == 0
    assert store.list("Service") == [] and store.receipts("hh") == []
    store.ping()


# -- opening and failures --------------------------------------------------------------


def test_schema_is_created_at_start_with_the_database_named():
    fake = FakeNeo4j(database="dolbom")
    Neo4jStore("bolt://x:7687", database="dolbom", driver=fake)
    assert [n for kind, n, _ in fake.sent] == [*(NAME[s] for s in cypher.schema), "SHOW_CONSTRAINTS"]
    assert fake.constraints == {"node_key", "write_lock_name", "side_key"}


def test_the_id_constraints_of_an_older_store_are_dropped_at_start_and_no_others():
    fake = FakeNeo4j()
    fake.constraints = {"household_id", "need_id", "node_key", "someone_elses"}
    Neo4jStore("bolt://x:7687", driver=fake)
    assert fake.constraints == {"node_key", "write_lock_name", "side_key", "someone_elses"}
    dropped = [n for kind, n, _ in fake.sent if n.startswith("DROP_")]
    assert dropped == ["DROP_CONSTRAINT_HOUSEHOLD_ID", "DROP_CONSTRAINT_NEED_ID"]
    fake.sent.clear()
    Neo4jStore("bolt://x:7687", driver=fake)  # converged: nothing more to drop
    assert [n for kind, n, _ in fake.sent if n.startswith("DROP_")] == []


def test_from_env_needs_a_uri():
    with pytest.raises(StoreError, match="NEO4J_URI"):
        Neo4jStore.from_env({})


def test_an_unreachable_server_is_a_store_error_without_the_driver_traceback():
    with pytest.raises(StoreError) as info:
        Neo4jStore.from_env({"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "s3cret-pw"})
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in info.value.message
    assert "s3cret-pw" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_credentials_in_a_bad_uri_are_not_repeated():
    with pytest.raises(StoreError) as info:
        Neo4jStore("bolt://neo4j:s3cret-pw@localhost:7687", password="x")
    assert "s3cret-pw" not in str(info.value) and "bolt://localhost:7687" in str(info.value)


class _Refusing(FakeNeo4j):
    def __init__(self, error):
        super().__init__()
        self.error = error

    def session(self, database=None):
        raise self.error


@pytest.mark.parametrize("error, text", [
    (AuthError("The client is unauthorized due to authentication failure."), "refused the credentials"),
    (ServiceUnavailable("Couldn't connect to localhost:7687"), "cannot reach Neo4j"),
])
def test_driver_errors_become_store_errors(error, text):
    driver = _Refusing(error)
    with pytest.raises(StoreError, match=re.escape(text)):
        Neo4jStore("bolt://localhost:7687", driver=driver)
    assert driver.closed


def test_side_records_are_side_nodes_outside_views_and_counts(store, fake):
    store.put(*sample_records())
    counts = store.counts()
    store.put_side("token", "b", {"role": "partner", "n": 1})
    store.put_side("token", "a", {"role": "coordinator"})
    store.put_side("audit", "a", {"what": "read"})
    store.put_side("token", "b", {"role": "partner", "n": 2})  # replaces
    assert store.get_side("token", "b") == {"role": "partner", "n": 2}
    assert store.get_side("token", "zz") is None
    assert [k for k, _ in store.list_side("token")] == ["a", "b"]
    assert store.list_side("token", after="a") == [("b", {"role": "partner", "n": 2})]
    assert store.list_side("token", limit=1) == [("a", {"role": "coordinator"})]
    assert store.counts() == counts
    assert not any(k.startswith("Side") for k in store.graph())
    puts = [params for kind, name, params in fake.sent if name == "PUT_SIDE"]
    assert all(kind == "write" for kind, name, _ in fake.sent if name == "PUT_SIDE")
    assert len({p["skey"] for p in puts}) == 3  # kind and key together make the identity
    store.clear()
    assert store.list_side("token") == [] and store.get_side("audit", "a") is None


def test_records_rebuilt_from_the_same_properties_are_reused_and_never_stale(monkeypatch):
    import graph.neo4j_store as module

    service = next(r for r in sample_records() if r.LABEL == "Service")
    props = node_props(service)
    first = record_from_props(dict(props))
    assert record_from_props(dict(props)) is first and first == service
    renamed = record_from_props({**props, "name": "바뀐 이름"})  # other content, other record
    assert renamed.name == "바뀐 이름" and record_from_props(dict(props)).name == service.name
    household = next(r for r in sample_records() if r.LABEL == "Household")
    assert record_from_props(node_props(household)) is not record_from_props(node_props(household))
    monkeypatch.setattr(module, "MEMO_SIZE", 3)
    monkeypatch.setattr(module, "_MEMO", {})
    for r in [x for x in sample_records() if x.LABEL in module.SHARED][:10]:
        assert record_from_props(node_props(r)) == r
        assert len(module._MEMO) <= 3


def test_a_holding_stage_keeps_its_producer_waiting_until_the_item_is_taken(store):
    # the writer's stage: the checker may put the next batch only once the writer has sent this one's rows
    import threading

    from graph.neo4j_store import Neo4jBulkLoad, _Stage

    sent, release, done = threading.Event(), threading.Event(), []

    def work(session, item):
        if item == "first":
            release.wait(10)
            stage.taken()
            sent.wait(10)  # still working on it after giving its place back
        done.append(item)

    stage = _Stage("test-writer", work, Neo4jBulkLoad(store), 1, hold=True)
    stage.put("first")
    second = threading.Thread(target=stage.put, args=("second",))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # the first item holds the only place
    release.set()
    second.join(10)
    assert not second.is_alive() and done == []  # its place came back before its work ended
    sent.set()
    stage.join()
    stage.stop()
    assert done == ["first", "second"]


def test_a_stage_of_two_threads_works_on_two_items_at_once_and_each_gives_back_its_own_place(store):
    # the load's two writers: one sends its batch while the other's is being written
    import threading

    from graph.neo4j_store import Neo4jBulkLoad, _Stage

    started = {"a": threading.Event(), "b": threading.Event()}
    finish, done = threading.Event(), []

    def work(session, item):
        started[item].set()
        if item == "a":
            stage.taken()  # gives back a's place, not b's
        finish.wait(10)
        done.append(item)

    stage = _Stage("test-writers", work, Neo4jBulkLoad(store), 2, hold=True, threads=2)
    stage.put("a")
    stage.put("b")
    assert started["a"].wait(10) and started["b"].wait(10)  # both at work at once
    third = threading.Thread(target=stage.put, args=("c",))
    third.start()
    third.join(10)
    assert not third.is_alive()  # a's place came back ...
    fourth = threading.Thread(target=stage.put, args=("d",))
    fourth.start()
    fourth.join(0.3)
    assert fourth.is_alive()  # ... and b still holds its own
    started["c"], started["d"] = threading.Event(), threading.Event()
    finish.set()
    fourth.join(10)
    stage.join()
    stage.stop()
    assert sorted(done) == ["a", "b", "c", "d"]
