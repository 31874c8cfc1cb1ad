"""The Neo4j store: the same contract as the embedded store, on a Neo4j 5 server.

* Encoding (statements in :mod:`graph.cypher`): a record is a ``:Node:<Label>``
  node whose properties are its ``to_dict()`` fields (None left out) plus
  ``key`` = :func:`graph.model.node_key`, unique; its references are also real
  relationships, typed and directed as in :mod:`graph.view`. A receipt is only
  a ``(Household)-[:RECEIVES]->(Service)`` relationship.
* Reads: a fresh session per call, a managed read transaction, results
  materialized inside it, the database always named. Views fetch the records
  a view holds (selected in Cypher exactly as :mod:`graph.view` selects them)
  and build the networkx graph with :func:`graph.view.build_graph`, so they are
  identical to the embedded store's.
* Writes: the unit of work stages in memory (reading committed records through
  read transactions); on leaving the block one managed write transaction takes
  the write lock (one writer at a time, as in the embedded store), re-runs the
  shared validation reading through that transaction, then writes everything
  in batched statements. The driver may retry it; it is safe to re-run.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import neo4j
import networkx as nx
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from . import cypher
from .errors import NotFoundError, StoreError
from .model import (
    NODE_LABELS,
    RECORD_TYPES,
    Receipt,
    Record,
    node_key,
    record_type,
    split_node_key,
    split_receipt_key,
)
from .store import StoreMixin, UnitOfWork
from .view import build_graph, edge_owner, edges_of

#: (query, parameters) -> rows as dicts, read inside some transaction
Run = Callable[[str, dict[str, Any]], list[dict[str, Any]]]
Plan = list[tuple[str, dict[str, Any]]]

#: rows per batched write statement
BATCH = 10_000
#: the LIMIT sent when the caller gives none
NO_LIMIT = 2**63 - 1


# -- records <-> node properties ------------------------------------------------


def node_props(rec: Record) -> dict[str, Any]:
    """A record's node properties: its fields (None left out) and its node key."""
    props = {k: v for k, v in rec.to_dict().items() if v is not None}
    props["key"] = node_key(rec.LABEL, rec.key)
    return props


def record_from_props(props: Mapping[str, Any]) -> Record:
    """Rebuild a record from its node's properties (lists, ISO dates, absent Nones)."""
    label, _ = split_node_key(props["key"])
    return RECORD_TYPES[label].from_dict(dict(props))


def fetch_record(run: Run, label: str, key: str) -> Record | None:
    """One committed record, or None."""
    if label == "Receipt":
        household_id, service_id = split_receipt_key(key)
        rows = run(cypher.GET_RECEIPT, {"household_id": household_id, "service_id": service_id})
        found = rows and rows[0]["n"]
        return Receipt(household_id=household_id, service_id=service_id) if found else None
    rows = run(cypher.GET_NODE, {"key": node_key(label, key)})
    return record_from_props(rows[0]["props"]) if rows else None


def _side_key(kind: str, key: str) -> str:
    """The unique property of a :Side node: kind and key, which never holds a NUL."""
    return f"{kind}\x00{key}"


def _data(tx: Any, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return tx.run(query, params or {}).data()


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


# -- writing ------------------------------------------------------------------


def write_plan(staged: Mapping[tuple[str, str], Record | None]) -> Plan:
    """The statements, with parameters, that write a validated unit of work, in order:
    receipts and nodes deleted; the relationships every rewritten record owns
    deleted; nodes upserted per label; every relationship the written records
    declare merged."""
    gone_receipts: list[dict[str, str]] = []
    gone_nodes: list[str] = []
    owned: dict[str, list[str]] = {rel: [] for rel in cypher.delete_owned}
    upserts: dict[str, list[dict[str, Any]]] = {label: [] for label in NODE_LABELS}
    edges: dict[str, list[dict[str, str]]] = {rel: [] for rel in cypher.merge_rel}
    for (label, key), rec in staged.items():
        if rec is None and label == "Receipt":
            household_id, service_id = split_receipt_key(key)
            gone_receipts.append({"household_id": household_id, "service_id": service_id})
        elif rec is None:
            gone_nodes.append(node_key(label, key))
        else:
            if not isinstance(rec, Receipt):
                nkey = node_key(label, key)
                upserts[label].append({"key": nkey, "props": node_props(rec)})
                for rel in dict.fromkeys(ref.rel for ref in rec.REFS):
                    owned[rel].append(nkey)
            for u, v, rel in edges_of(rec):
                edges[rel].append({"source": u, "target": v})
    plan: Plan = [(cypher.DELETE_RECEIPTS, {"rows": c}) for c in _chunks(gone_receipts)]
    plan += [(cypher.DELETE_NODES, {"keys": c}) for c in _chunks(gone_nodes)]
    plan += [(cypher.delete_owned[rel], {"keys": c}) for rel, keys in owned.items() for c in _chunks(keys)]
    plan += [(cypher.upsert[label], {"rows": c}) for label, rows in upserts.items() for c in _chunks(rows)]
    plan += [(cypher.merge_rel[rel], {"rows": c}) for rel, rows in edges.items() for c in _chunks(rows)]
    return plan


class _LockedTransaction:
    """A write transaction begun on first use, whose first statement takes the
    store's write lock (``LOCK_WRITES``), held until commit or rollback."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._tx: Any = None

    def _open(self) -> Any:
        if self._tx is None:
            self._tx = self._session.begin_transaction()
            self._tx.run(cypher.LOCK_WRITES).consume()
        return self._tx

    def data(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return _data(self._open(), query, params)

    def run(self, query: str, params: dict[str, Any] | None = None) -> None:
        self._open().run(query, params).consume()

    def commit(self) -> None:
        if self._tx is not None:
            self._tx.commit()

    def close(self) -> None:
        if self._tx is not None and not self._tx.closed():
            self._tx.close()


class _Neo4jUnitOfWork(UnitOfWork):
    """Reads committed state through ``run``: the unit of work's own write
    transaction, which holds the write lock from its first statement."""

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.bind(run)

    def bind(self, run: Run) -> None:
        self._run = run
        self._cache: dict[tuple[str, str], Record | None] = {}

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """Fetch many committed records in one round trip per batch."""
        wanted = [node_key(*k) for k in keys if k[0] != "Receipt" and k not in self._cache]
        for chunk in _chunks(wanted):
            rows = self._run(cypher.GET_NODES, {"keys": chunk})
            found = {row["props"]["key"]: record_from_props(row["props"]) for row in rows}
            for nkey in chunk:
                self._cache[split_node_key(nkey)] = found.get(nkey)

    def put_many(self, records: Iterable[Record]) -> int:
        records = list(records)
        self.prefetch((r.LABEL, r.key) for r in records)
        return super().put_many(records)

    def _committed(self, label: str, key: str) -> Record | None:
        if (label, key) not in self._cache:
            self._cache[(label, key)] = fetch_record(self._run, label, key)
        return self._cache[(label, key)]

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        if label == "Receipt":
            return ()
        rows = self._run(cypher.RELATIONSHIPS_OF, {"key": node_key(label, key)})
        return {edge_owner(r["source"], r["target"], r["type"]) for r in rows}


# -- the store ----------------------------------------------------------------


def _redact(uri: str) -> str:
    """The URI without any user:password@ part, for messages."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}" if parts.scheme else "(an invalid URI)"


class Neo4jStore(StoreMixin):
    """``Neo4jStore("bolt://localhost:7687", "neo4j", password)``, or :meth:`from_env`."""

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str | None = None,
        database: str = "neo4j",
        *,
        driver: Any = None,
    ) -> None:
        self.where = _redact(uri)
        self.database = database
        self._user = user
        self._in_uow = threading.local()
        if driver is None:
            try:
                driver = neo4j.GraphDatabase.driver(uri, auth=None if password is None else (user, password))
            except (DriverError, ValueError, ImportError) as e:  # its message may quote the whole URI
                why = str(e).replace(uri, self.where)
                raise StoreError(f"cannot use the Neo4j URI {self.where}: {why}") from None
        self._driver = driver
        try:
            self.init_schema()
        except BaseException:
            self._driver.close()
            raise

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Neo4jStore:
        """Open the store NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE name."""
        env = os.environ if env is None else env
        uri = env.get("NEO4J_URI")
        if not uri:
            raise StoreError("NEO4J_URI is not set (e.g. bolt://localhost:7687)")
        return cls(
            uri,
            env.get("NEO4J_USER") or "neo4j",
            env.get("NEO4J_PASSWORD"),
            env.get("NEO4J_DATABASE") or "neo4j",
        )

    def init_schema(self) -> None:
        """Create the constraints (and so their indexes) unless they exist."""
        with self._errors(), self._session() as session:
            for statement in cypher.schema:
                session.run(statement).consume()

    # -- plumbing ---------------------------------------------------------------

    def _session(self) -> Any:
        return self._driver.session(database=self.database)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver and server failures as StoreError, without the driver's traceback."""
        try:
            yield
        except AuthError:
            raise StoreError(f"Neo4j at {self.where} refused the credentials of user {self._user!r}") from None
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreError(f"cannot reach Neo4j at {self.where}: {e}") from None
        except Neo4jError as e:
            where = f"Neo4j at {self.where} (database {self.database!r})"
            raise StoreError(f"{where} failed: {e.code}: {e.message}") from None
        except DriverError as e:
            raise StoreError(f"the Neo4j driver failed for {self.where}: {type(e).__name__}: {e}") from None

    def _read(self, work: Callable[[Any], Any]) -> Any:
        with self._errors(), self._session() as session:
            return session.execute_read(work)

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._read(lambda tx: _data(tx, query, params))

    # -- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One write transaction from the unit's first read to its commit, holding
        the write lock throughout (as the embedded store holds its writer lock):
        what the caller reads to decide (a service's free places) cannot change
        before its writes land, so check-and-take never overbooks. The
        transaction begins at the first read (a unit that reads nothing sends
        nothing) and commits only if something was staged; the caller's block
        runs once, and a failure rolls everything back (it is not retried)."""
        if getattr(self._in_uow, "active", False):
            raise RuntimeError("units of work do not nest: use the one already open")
        self._in_uow.active = True
        try:
            with self._errors(), self._session() as session:
                tx = _LockedTransaction(session)
                try:
                    uow = _Neo4jUnitOfWork(tx.data)
                    yield uow
                    if uow.staged:
                        uow.prefetch(uow.staged)
                        uow.validate()
                        for query, params in write_plan(uow.staged):
                            tx.run(query, params)
                        tx.commit()
                finally:
                    tx.close()  # rolls back what was not committed, and a unit that staged nothing
        finally:
            self._in_uow.active = False

    def clear(self) -> None:
        """Delete every record (for tests against a throwaway database)."""

        def work(tx: Any) -> None:
            tx.run(cypher.LOCK_WRITES).consume()
            tx.run(cypher.CLEAR).consume()
            tx.run(cypher.CLEAR_SIDE).consume()

        with self._errors(), self._session() as session:
            session.execute_write(work)

    # -- side records: small documents outside the graph (tokens, audit) --------

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Insert or replace one side record (a :Side node, JSON in ``data``)."""
        params = {"skey": _side_key(kind, key), "kind": kind, "key": key,
                  "data": json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)}
        with self._errors(), self._session() as session:
            session.execute_write(lambda tx: tx.run(cypher.PUT_SIDE, params).consume())

    def get_side(self, kind: str, key: str) -> dict[str, Any] | None:
        rows = self._rows(cypher.GET_SIDE, {"skey": _side_key(kind, key)})
        return json.loads(rows[0]["data"]) if rows else None

    def list_side(self, kind: str, *, after: str | None = None,
                  limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
        params = {"kind": kind, "after": after or "", "limit": NO_LIMIT if limit is None else max(0, limit)}
        return [(row["key"], json.loads(row["data"])) for row in self._rows(cypher.LIST_SIDE, params)]

    # -- reading ----------------------------------------------------------------

    def get(self, label: str, key: str) -> Record | None:
        return fetch_record(self._rows, record_type(label).LABEL, key)

    def list(self, label: str, *, after: str | None = None, limit: int | None = None) -> list[Record]:
        label = record_type(label).LABEL
        limit = NO_LIMIT if limit is None else max(0, limit)
        if label == "Receipt":
            params = {"sep": Receipt.SEP, "after": after or "", "limit": limit}
            return [Receipt(**row) for row in self._rows(cypher.LIST_RECEIPTS, params)]
        prefix = node_key(label, "")
        params = {"prefix": prefix, "after": prefix + (after or ""), "limit": limit}
        return [record_from_props(row["props"]) for row in self._rows(cypher.LIST_NODES, params)]

    def receipts(self, household_id: str) -> list[Receipt]:
        rows = self._rows(cypher.RECEIPTS_OF_HOUSEHOLDS, {"household_ids": [household_id]})
        return [Receipt(**row) for row in rows]

    def graph(self, region_id: str | None = None) -> nx.MultiDiGraph:
        if region_id is None:
            return build_graph(self._view_records(cypher.ALL_NODES, {}))
        records = self._view_records(cypher.SUBTREE, {"region_id": region_id})
        if not records:
            raise NotFoundError("regionId", f"no Region with id {region_id!r}")
        return build_graph(records)

    def neighbourhood(self, household_id: str) -> nx.MultiDiGraph:
        records = self._view_records(cypher.NEIGHBOURHOOD, {"household_id": household_id})
        if not records:
            raise NotFoundError("householdId", f"no Household with id {household_id!r}")
        return build_graph(records)

    def _view_records(self, query: str, params: dict[str, Any]) -> list[Record]:
        """The records ``query`` selects, plus the receipts of the households among them."""

        def work(tx: Any) -> list[Record]:
            records = [record_from_props(row["props"]) for row in _data(tx, query, params)]
            households = [r.key for r in records if r.LABEL == "Household"]
            if households:
                rows = _data(tx, cypher.RECEIPTS_OF_HOUSEHOLDS, {"household_ids": households})
                records += [Receipt(**row) for row in rows]
            return records

        return self._read(work)

    def counts(self) -> dict[str, int]:
        row = self._rows(cypher.COUNTS)[0]
        return {label: row[label] for label in RECORD_TYPES}

    def ping(self) -> None:
        self._rows(cypher.PING)

    def close(self) -> None:
        self._driver.close()
