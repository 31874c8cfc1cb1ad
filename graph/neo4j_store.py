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
* Bulk loads (:class:`Neo4jBulkLoad`, through :func:`graph.bulk.bulk_load`):
  many write transactions of a few thousand records each, checked by the same
  rules; an abandoned load takes back what it wrote.
* Every read asks the server, so any number of processes can share one
  database and each sees the others' commits. Two things are kept, neither of
  which can go stale through Dolbom's writes: records rebuilt from properties
  are reused when the properties are the same, whole
  (:func:`record_from_props`); and a view leaves out its home region's part
  when the server finds the process's copy of it current
  (:mod:`graph.region_parts`: every write to the network raises a version in
  the write lock, which the view's query compares). A change made in the
  database by hand, outside Dolbom, reaches views within
  :data:`graph.region_parts.MAX_AGE` seconds.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import functools
import json
import os
import queue
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from operator import itemgetter
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit

import neo4j
import networkx as nx
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from . import cypher
from .bulk import BulkStats, Problems, duplicate, prune_invalid
from .errors import StoreError, ValidationError, no_record
from .model import (
    NODE_LABELS,
    RECORD_TYPES,
    NeedStatus,
    Receipt,
    Record,
    ReferralStatus,
    field_value,
    household_traits,
    household_urgency,
    need_domain,
    node_key,
    record_type,
    split_node_key,
    split_receipt_key,
)
from .network_parts import NetworkParts, assemble
from .region_parts import RegionParts, query_params
from .reports import HomeRow, NeedRow, ReportParts, regions_below, supply_view
from .store import StoreMixin, UnitOfWork
from .view import build_graph, edge_owner, edges_of, roomy_young_generation

#: (query, parameters) -> rows as dicts, read inside some transaction
Run = Callable[[str, dict[str, Any]], list[dict[str, Any]]]
Plan = list[tuple[str, dict[str, Any]]]

#: rows per batched write statement
BATCH = 10_000
#: records of a big kind per bulk-load transaction
LOAD_BATCH = int(os.environ.get("DOLBOM_NEO4J_LOAD_BATCH", "5000"))
#: a bulk load's writer threads. Their batches still go one at a time, each holding the write lock;
#: with two, one sends its batch's rows while the server writes the other's (Neo4jBulkLoad)
WRITERS = 2
#: the LIMIT sent when the caller gives none
NO_LIMIT = 2**63 - 1


# -- records <-> node properties ------------------------------------------------


#: a record type's field names, in order
_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = frozenset({str, int, float, bool})


def node_props(rec: Record) -> dict[str, Any]:
    """A record's node properties: its fields (None left out) and its node key.

    The values of ``rec.to_dict()`` (enums as values, dates as ISO strings,
    tuples as lists), without building that dict first: a bulk load makes one
    for every record it creates, so the common case (a plain value) is tested first."""
    names = _FIELDS.get(type(rec))
    if names is None:
        names = _FIELDS[type(rec)] = tuple(f.name for f in dataclasses.fields(rec))  # type: ignore[arg-type]
    props: dict[str, Any] = {}
    for name in names:
        v = getattr(rec, name)
        if v is None:
            continue
        props[name] = v if type(v) in _PLAIN else field_value(v)
    props["key"] = node_key(rec.LABEL, rec.key)
    return props


#: the kinds every neighbourhood view repeats (the network around households)
SHARED = frozenset({"Region", "Organization", "Agreement", "Service", "Volunteer"})
#: records of the shared kinds by node key, with the properties each was built
#: from: a memo of the pure function below, used only when the properties are
#: equal, so it cannot go stale; bounded
_MEMO: dict[str, tuple[dict[str, Any], Record]] = {}
MEMO_SIZE = 20_000


def record_from_props(props: Mapping[str, Any]) -> Record:
    """Rebuild a record from its node's properties (lists, ISO dates, absent Nones).

    Records are immutable, so one built from equal properties before is given
    again (the shared kinds only: a view of a household holds hundreds of
    services and volunteers, each checked by the model when built). Found by
    its key, then its properties compared: a memo by content hashed every
    property of every node of every view, a large part of the client's time
    in a profile of views."""
    nkey = props["key"]
    label, _ = split_node_key(nkey)
    if label not in SHARED:
        return RECORD_TYPES[label].from_dict(dict(props))
    known = _MEMO.get(nkey)
    if known is not None and known[0] == props:
        return known[1]
    content = dict(props)
    rec = RECORD_TYPES[label].from_dict(content)  # read, not changed
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.clear()
    _MEMO[nkey] = (content, rec)
    return rec


def _home_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[str, builtins.list[HomeRow]],
                                                             builtins.list[NeedRow]]:
    """:data:`cypher.REPORT_HOMES`' rows as the coverage report's households by region (each
    region's by id) and the overlaps report's open needs (see :mod:`graph.reports`). A stored
    value is converted once per distinct value, as the model converts it."""
    traits_of, urgency_of, domain_of = (functools.cache(household_traits), functools.cache(household_urgency),
                                        functools.cache(need_domain))
    homes: dict[str, builtins.list[HomeRow]] = {}
    need_rows: builtins.list[NeedRow] = []
    nothing: frozenset[str] = frozenset()
    for row in rows:
        region = row["region"]
        out: builtins.list[HomeRow] = []
        for hid, income, traits, urgency, needs, received in sorted(row["homes"], key=itemgetter(0)):
            domains = [domain_of(domain) for domain, _, _ in needs]
            need_rows += [(region, d, tuple(tags or ()), detail)
                          for d, (_, tags, detail) in zip(domains, needs, strict=True)]
            out.append((hid, income, traits_of(tuple(traits or ())), urgency_of(urgency), domains or (),
                        frozenset(received) if domains else nothing))
        homes[region] = out
    return homes, need_rows


def fetch_record(run: Run, label: str, key: str) -> Record | None:
    """One committed record, or None."""
    if label == "Receipt":
        household_id, service_id = split_receipt_key(key)
        rows = run(cypher.GET_RECEIPT, {"household_id": household_id, "service_id": service_id})
        found = rows and rows[0]["n"]
        return Receipt(household_id=household_id, service_id=service_id) if found else None
    rows = run(cypher.GET_NODE, {"key": node_key(label, key)})
    return record_from_props(rows[0]["props"]) if rows else None


def _receipt_fields(key: str) -> dict[str, str]:
    household_id, service_id = split_receipt_key(key)
    return {"household_id": household_id, "service_id": service_id}


def _side_params(kind: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``PUT_SIDE`` for one side record."""
    return {"skey": _side_key(kind, key), "kind": kind, "key": key,
            "data": json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)}


def _side_key(kind: str, key: str) -> str:
    """The unique property of a :Side node: kind and key, which never holds a NUL."""
    return f"{kind}\x00{key}"


def _data(tx: Any, query: str, params: dict[str, Any] | None = None,
          sent: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """The rows of ``query`` as dicts. Statements return plain values and maps,
    never nodes, so the driver's recursive ``Result.data()`` is not needed.
    ``sent`` is called once the statement and its parameters are sent, before
    waiting for its rows."""
    result = tx.run(query, params or {})
    if sent is not None:
        sent()
    keys = result.keys()
    return [dict(zip(keys, record, strict=True)) for record in result]


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


# -- writing ------------------------------------------------------------------


def write_plan(staged: Mapping[tuple[str, str], Record | None],
               new: Collection[tuple[str, str]] = ()) -> Plan:
    """The statements, with parameters, that write a validated unit of work, in order:
    receipts and nodes deleted; the relationships every rewritten record owns
    deleted; nodes upserted per label; every relationship the written records
    declare merged.

    ``new``: staged records read as absent in the writing transaction, under the
    write lock. They are created (``cypher.insert``, ``cypher.link``) instead of
    merged, and no relationships of theirs are looked for to delete: a record
    not stored owns none. A referral proposed by a case worker is three
    statements fewer; a load's services, volunteers and organizations are
    created, not merged."""
    gone_receipts: list[dict[str, str]] = []
    gone_nodes: list[str] = []
    owned: dict[str, list[str]] = {rel: [] for rel in cypher.delete_owned}
    upserts: dict[str, list[dict[str, Any]]] = {label: [] for label in NODE_LABELS}
    inserts: dict[str, list[dict[str, Any]]] = {label: [] for label in NODE_LABELS}
    edges: dict[str, list[dict[str, str]]] = {rel: [] for rel in cypher.merge_rel}
    links: dict[str, dict[tuple[str, str], None]] = {rel: {} for rel in cypher.link}
    for (label, key), rec in staged.items():
        if rec is None and label == "Receipt":
            household_id, service_id = split_receipt_key(key)
            gone_receipts.append({"household_id": household_id, "service_id": service_id})
        elif rec is None:
            gone_nodes.append(node_key(label, key))
        elif (label, key) in new:
            if not isinstance(rec, Receipt):
                inserts[label].append(node_props(rec))
            for u, v, rel in edges_of(rec):
                links[rel][(u, v)] = None  # a record naming a region twice links it once, as a merge would
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
    plan += [(cypher.insert[label], {"rows": c}) for label, rows in inserts.items() for c in _chunks(rows)]
    plan += [(cypher.merge_rel[rel], {"rows": c}) for rel, rows in edges.items() for c in _chunks(rows)]
    plan += [(cypher.link[rel], {"rows": c}) for rel, pairs in links.items()
             for c in _chunks([{"source": u, "target": v} for u, v in pairs])]
    return plan


def touches_network(keys: Iterable[tuple[str, str]]) -> bool:
    """Whether writing ``keys`` changes the network views share (:data:`SHARED` kinds)."""
    return any(label in SHARED for label, _ in keys)


def network_changed(session: Any) -> None:
    """Raise the network's version, once the write that changed it has committed.

    In a transaction of its own, after the commit: a commit's changes reach the
    store one kind of record after another, so a version raised inside it could
    be read beside part of the old network, and that part kept
    (:mod:`graph.region_parts`). Raised after, a view that reads the new version
    reads the whole write, and a part read before is out of date. The writer
    returns only after this, so a request made after it sees the write. The
    write is committed by then, so a failure here is not the caller's: it is let
    go, and a part is then used :data:`graph.region_parts.MAX_AGE` seconds at most."""
    with contextlib.suppress(Neo4jError, DriverError):
        session.execute_write(lambda tx: tx.run(cypher.NETWORK_CHANGED).consume())


class _LockedTransaction:
    """A write transaction begun on first use, whose first statement takes the
    store's write lock (``LOCK_WRITES``), held until commit or rollback."""

    def __init__(self, session: Any, *, locks_itself: bool = False) -> None:
        self._session = session
        self._tx: Any = None
        #: the caller's first statement takes the lock itself (``cypher.create_new_locked``)
        self._locks_itself = locks_itself

    def _open(self) -> Any:
        if self._tx is None:
            self._tx = self._session.begin_transaction()
            if not self._locks_itself:
                self._tx.run(cypher.LOCK_WRITES).consume()
        return self._tx

    def data(self, query: str, params: dict[str, Any] | None = None,
             sent: Callable[[], None] | None = None) -> list[dict[str, Any]]:
        return _data(self._open(), query, params, sent)

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
        """Fetch many committed records (receipts too) in one round trip per batch."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._cache]
        nodes = [node_key(*k) for k in todo if k[0] != "Receipt"]
        for chunk in _chunks(nodes):
            rows = self._run(cypher.GET_NODES, {"keys": chunk})
            found = {row["props"]["key"]: record_from_props(row["props"]) for row in rows}
            for nkey in chunk:
                self._cache[split_node_key(nkey)] = found.get(nkey)
        receipts = [Receipt(**_receipt_fields(key)) for label, key in todo if label == "Receipt"]
        for part in _chunks(receipts):
            rows = self._run(cypher.RECEIPTS_EXISTING, {"rows": [r.to_dict() for r in part]})
            there = {Receipt(**row) for row in rows}
            for rec in part:
                self._cache[("Receipt", rec.key)] = rec if rec in there else None

    def put_many(self, records: Iterable[Record]) -> int:
        records = list(records)
        self.prefetch((r.LABEL, r.key) for r in records)
        return super().put_many(records)

    def assume_absent(self, keys: Iterable[tuple[str, str]]) -> None:
        """Take these records as not committed, without asking (a bulk load into
        a kind that was empty when it began; a clash fails on the unique key)."""
        self._cache.update(dict.fromkeys(keys))

    def assume_present(self, keys: Iterable[tuple[str, str]]) -> None:
        """Take these records as committed, without reading them: only for
        references that nothing reads but their existence (a bulk load's
        references to records it wrote itself), which the writer then counts
        under the write lock (``cypher.COUNT_NODES``) before it writes."""
        self._cache.update(dict.fromkeys(keys, _PRESENT))

    def check(self, k: tuple[str, str]) -> None:
        """Check one staged record by the shared rules (what :meth:`validate`
        does for each), for a batch whose records cannot break each other's."""
        rec = self.staged[k]
        if rec is not None:
            self._check(rec, self._committed(*k))

    def new(self) -> set[tuple[str, str]]:
        """The staged records read as not committed (prefetched, fetched or
        assumed absent): :func:`write_plan` creates them without merging."""
        return {k for k, rec in self.staged.items() if rec is not None and k in self._cache
                and self._cache[k] is None}

    def committed(self, k: tuple[str, str]) -> Record | None:
        """The record as committed (fetched or prefetched in this unit's transaction)."""
        return self._committed(*k)

    def _committed(self, label: str, key: str) -> Record | None:
        if (label, key) not in self._cache:
            self._cache[(label, key)] = fetch_record(self._run, label, key)
        return self._cache[(label, key)]

    def _committed_side(self, kind: str, key: str) -> dict[str, Any] | None:
        rows = self._run(cypher.GET_SIDE, {"skey": _side_key(kind, key)})  # after LOCK_WRITES
        return json.loads(rows[0]["data"]) if rows else None

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        if label == "Receipt":
            return ()
        rows = self._run(cypher.RELATIONSHIPS_OF, {"key": node_key(label, key)})
        return {edge_owner(r["source"], r["target"], r["type"]) for r in rows}


# -- bulk loading -------------------------------------------------------------

#: kinds few enough to check whole (region trees, services that exclude each
#: other) when the kind ends; the others are checked and written a batch at a time
SMALL = SHARED
#: the kinds whose records the checks of a big kind read beyond their existence
#: (a referral's needs must be its household's); any other reference to a record
#: the load wrote itself is taken as there without reading it back
READ_BACK = frozenset({"Need"})
#: what the unit of work's cache holds for a record taken as there, unread
_PRESENT: Record = cast(Record, object())


def _run_plan(tx: _LockedTransaction, plan: Plan, begin: Callable[[], _LockedTransaction]) -> None:
    """Run ``plan`` in ``tx`` and commit; a plan of more than :data:`BATCH` rows
    goes on in further transactions (from ``begin``), each holding the write lock."""
    rows = 0
    try:
        for query, params in plan:
            size = len(next(iter(params.values())))
            if rows and rows + size > BATCH:
                tx.commit()
                tx.close()
                tx = begin()
                rows = 0
            tx.run(query, params)
            rows += size
        tx.commit()
    finally:
        tx.close()


class _Stage:
    """``threads`` threads (one by default) doing ``work`` on each item of a
    queue, in order (with more than one, each takes the next item when it is
    free). After a failure (noted on the load) they only take items off the queue.

    At most ``ahead`` items wait; with ``hold``, the item being worked on keeps
    its place until ``work`` calls :meth:`taken` (or ends), so the producer
    stays blocked until then. The writer holds its place while it packs and
    sends a batch's rows: the checker and the loader's thread, which would
    wake the moment it took the batch, then do their Python while the server
    runs the statement and commits, not while the writer needs the GIL."""

    def __init__(self, name: str, work: Callable[[Any, Any], None], load: Neo4jBulkLoad, ahead: int,
                 *, hold: bool = False, threads: int = 1) -> None:
        self._work, self._load, self._hold = work, load, hold
        self._items: queue.Queue[Any] = queue.Queue()
        self._room = threading.Semaphore(ahead)
        self._local = threading.local()
        self._threads = [threading.Thread(target=self._run, name=name, daemon=True) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def put(self, item: Any) -> None:
        self._room.acquire()
        self._items.put(item)

    def taken(self) -> None:
        """Give back the place of the item this thread works on (once)."""
        if getattr(self._local, "holding", False):
            self._local.holding = False
            self._room.release()

    def join(self) -> None:
        """Wait until every item put so far is done."""
        self._items.join()

    def stop(self) -> None:
        for _ in self._threads:
            self._items.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        with contextlib.ExitStack() as stack:
            session = None
            while (item := self._items.get()) is not None:
                self._local.holding = True
                if not self._hold:
                    self.taken()
                try:
                    if self._load._failure is None:
                        if session is None:
                            session = stack.enter_context(self._load._store._session())
                        with self._load._store._errors():
                            self._work(session, item)
                except BaseException as e:  # handed to the loader's thread
                    self._load._failure = e
                finally:
                    self.taken()
                    self._items.task_done()
            self._items.task_done()


class _Checked(NamedTuple):
    """A batch of a big kind checked against a snapshot, ready to write."""

    label: str
    batch: list[tuple[int, Record]]
    problems: Problems
    #: node properties (receipts: their fields) of the records new to the store, and their keys
    new: list[dict[str, Any]]
    created: list[tuple[str, str]]
    #: the records that were stored and differ, with what was stored
    changed: dict[tuple[str, str], Record]
    old: dict[tuple[str, str], Record]
    #: node keys the checks found, which must still be there when the batch is written
    named: list[str]
    unchanged: int


class Neo4jBulkLoad:
    """A bulk load into Neo4j (the protocol: :mod:`graph.bulk`) that streams.

    The big kinds (households, needs, referrals, receipts) go through a
    pipeline, a batch at a time: the loader's thread reads the files; a
    checker reads what a batch names and checks it in a read transaction; a
    writer writes it in its own write transaction, which holds the write
    lock, first making sure that everything the checks found is still there
    (else, or on a clash of keys, the batch is checked again under the lock).
    So the server writes one batch while the next is checked and read. There
    are :data:`WRITERS` writers: a batch of new records only is sent whole in
    one statement that takes the write lock itself before it reads anything
    (``cypher.create_new_locked``), so one writer's rows are packed and on
    their way while the server writes the other's batch, and the server
    starts on them the moment that one commits. The batches still go one at
    a time, in no set order within a kind (no big kind names its own). Each
    small kind (regions, organizations, agreements, services, volunteers) is
    checked whole when it ends and written in transactions of at most
    :data:`BATCH` rows. Memory holds the keys the load has seen (to
    tell duplicates) and a few batches, not the load's records.

    The checks are the unit of work's own (:class:`graph.store.UnitOfWork`),
    against what is committed, which includes this load's earlier batches.
    Records new to the store are created with their relationships by one
    statement per kind (``cypher.create_new``); records that were stored and
    differ are rewritten as a unit of work rewrites them; equal ones are left
    alone, so loading the same bundle twice changes nothing. A batch's
    problems come back from a later :meth:`add_rows` or from :meth:`end`.

    Leaving the block without :meth:`commit` (a bad row without
    ``--skip-invalid``, an error, Ctrl-C) takes back what the load wrote, in
    batches: the records it created are deleted and those it changed are put
    back as they were. A load whose process dies cannot do that; docs/loaders.md
    ("Loading into Neo4j") says what it leaves and how to finish or undo it.
    """

    #: batches waiting for each stage
    AHEAD = 2

    def __init__(self, store: Neo4jStore, *, batch: int | None = None) -> None:
        self._store = store
        #: records of a big kind per write transaction
        self.batch = batch or LOAD_BATCH
        self.stats = BulkStats()
        #: (label, key) -> the line of every row this load has taken (its first copy)
        self._lines: dict[tuple[str, str], int] = {}
        #: the small kind being fed: key -> (line, record)
        self._pending: dict[str, tuple[int, Record]] = {}
        #: what to take back if the load is abandoned: keys created, records as they were
        self._created: list[tuple[str, str]] = []
        self._replaced: dict[tuple[str, str], Record] = {}
        self._committed = False
        #: kinds the store held none of when the load began: their keys are new (not looked up)
        self._empty: set[str] = set()
        #: every record this load wrote and committed: references to them are not read back
        #: (:data:`READ_BACK` aside) but counted under the write lock before a batch is written
        self._written: set[tuple[str, str]] = set()
        self._session: Any = None
        self._stack = contextlib.ExitStack()
        self._checker: _Stage | None = None
        self._writer: _Stage | None = None
        #: problems found by the threads, not yet returned; the first failure of one
        self._found: Problems = []
        self._failure: BaseException | None = None
        self._mutex = threading.Lock()

    # -- the protocol -------------------------------------------------------------

    def __enter__(self) -> Neo4jBulkLoad:
        with self._store._errors():
            self._session = self._stack.enter_context(self._store._session())
            self._empty = {label for label, n in self._store.counts().items() if n == 0}
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            for stage in (self._checker, self._writer):
                if stage is not None:
                    stage.stop()
            self._checker = self._writer = None
            if not self._committed and (self._created or self._replaced):
                written = len(self._created) + len(self._replaced)
                try:
                    with self._store._errors():
                        self._take_back()
                except StoreError as e:
                    raise StoreError(f"the load was abandoned, and taking back the {written:,} records it "
                                     f"had written failed: {e} (re-run the load to finish it; see "
                                     "docs/loaders.md, \"Loading into Neo4j\")") from None
        finally:
            self._stack.close()

    def takes_prepared(self, label: str) -> bool:
        """Records only."""
        return False

    def add_rows(self, label: str, lines: list[int], rows: list[Any]) -> Problems:
        """Feed records of ``label`` and the lines they came from. A batch of a
        big kind goes down the pipeline; the problems returned are the
        duplicates in this batch and what the threads found in earlier ones."""
        problems: Problems = []
        fresh: list[tuple[int, Record]] = []
        for line, rec in zip(lines, rows, strict=True):
            k = (label, rec.key)
            first = self._lines.get(k)
            if first is None and label in SMALL and rec.key in self._pending:
                first = self._pending[rec.key][0]
            if first is not None:
                problems.append((label, line, duplicate(label, rec.key, first)))
            elif label in SMALL:
                self._pending[rec.key] = (line, rec)
            else:
                self._lines[k] = line
                fresh.append((line, rec))
        for i in range(0, len(fresh), self.batch):
            self._send(label, fresh[i : i + self.batch])
        return problems + self._collect()

    def end(self, label: str) -> Problems:
        """Wait for the pipeline; check a small kind whole (the unit of work's
        rules) and write what passes. Returns every problem not yet returned."""
        self._drain()
        if label not in SMALL or not self._pending:
            return self._collect()
        pending, self._pending = self._pending, {}
        lines = {(label, key): line for key, (line, _) in pending.items()}
        self._lines.update(lines)
        with self._store._errors():
            return self._collect() + self._write_small(self._session, pending, lines)

    def finish(self) -> Problems:
        """Nothing is left to check: every kind was checked as it came."""
        self._drain()
        return self._collect()

    def commit(self) -> BulkStats:
        """Everything is written already; keep it."""
        if self._pending:
            raise RuntimeError("end() the kind being loaded before committing")
        self._drain()
        self._committed = True
        return self.stats

    # -- the pipeline ------------------------------------------------------------------

    def _send(self, label: str, batch: list[tuple[int, Record]]) -> None:
        if self._session is None:
            raise RuntimeError("the bulk load is not open: use it in a with block")
        self._raise_failure()
        if self._checker is None or self._writer is None:
            self._writer = _Stage("neo4j-load-writer", self._write_checked, self, self.AHEAD, hold=True,
                                  threads=WRITERS)
            self._checker = _Stage("neo4j-load-checker", self._check_batch, self, self.AHEAD)
        self._checker.put((label, batch))

    def _drain(self) -> None:
        """Wait until every batch sent is written; raise a thread's failure."""
        if self._checker is not None and self._writer is not None:
            self._checker.join()
            self._writer.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _collect(self) -> Problems:
        with self._mutex:
            found, self._found = self._found, []
        return found

    def _check_batch(self, session: Any, item: tuple[str, list[tuple[int, Record]]]) -> None:
        """The checker: check a batch against a snapshot (a read transaction) and
        hand it to the writer."""
        label, batch = item

        def work(tx: Any) -> _Checked:
            uow = _Neo4jUnitOfWork(lambda query, params: _data(tx, query, params))
            problems = self._check(uow, label, batch, counted=True)
            staged = {k: rec for k, rec in uow.staged.items() if rec is not None}
            created = [k for k in staged if uow.committed(k) is None]
            new = [r.to_dict() if isinstance(r, Receipt) else node_props(r)
                   for r in (staged[k] for k in created)]
            old = {k: rec for k in staged if (rec := uow.committed(k)) is not None}
            changed = {k: staged[k] for k in old}
            # counted by the writer only before rewriting stored records (_write_checked)
            named = sorted({node_key(*ref) for ref in _refs(staged.values())}) if changed else []
            return _Checked(label, batch, problems, new, created, changed, old, named,
                            len(batch) - len(problems) - len(staged))

        assert self._writer is not None
        self._writer.put(session.execute_read(work))

    def _write_checked(self, session: Any, checked: _Checked) -> None:
        """The writer: write a checked batch in one transaction holding the write
        lock, if what the checks found is all still there; else check it again
        under the lock (:meth:`_write_batch`). A batch of new records only is
        written by its ``create_new`` statement alone, which creates nothing for
        a row whose references are gone and says what it created; a batch that
        also rewrites stored records first counts what its checks found
        (``COUNT_NODES``)."""
        plan = write_plan(checked.changed)
        if len(checked.new) + sum(len(next(iter(params.values()))) for _, params in plan) <= BATCH:
            # new records only: the create statement takes the write lock itself, so its rows are on
            # their way while the other writer's batch holds the lock (Neo4jBulkLoad)
            alone = not plan and bool(checked.new)
            tx = _LockedTransaction(session, locks_itself=alone)
            try:
                if plan and checked.named:
                    rows = tx.data(cypher.COUNT_NODES, {"keys": checked.named})
                    there = rows[0]["n"] == len(checked.named)
                else:
                    there = True
                if there and checked.new:
                    query = (cypher.create_new_locked if alone else cypher.create_new)[checked.label]
                    rows = tx.data(query, {"rows": checked.new},
                                   sent=self._writer.taken if self._writer else None)
                    done = (rows[0]["created"], rows[0].get("covered", 0)) if rows else None
                    there = done == _expected(checked.new)
                if there:
                    for query, params in plan:
                        tx.run(query, params)
                    tx.commit()
                    with self._mutex:
                        self._note([*checked.created, *checked.changed], checked.old)
                        self.stats.written += len(checked.created) + len(checked.changed)
                        self.stats.unchanged += checked.unchanged
                        self._found += checked.problems
                    return
            except ConstraintError:
                pass  # a record of the batch was created meanwhile: check again under the lock
            finally:
                tx.close()
        found = self._write_batch(session, checked.label, checked.batch)
        with self._mutex:
            self._found += found

    # -- checking and writing -------------------------------------------------------------

    def _check(self, uow: _Neo4jUnitOfWork, label: str, batch: list[tuple[int, Record]], *,
               counted: bool = False) -> Problems:
        """Check a batch of a big kind by the unit of work's rules, staging what
        passes in ``uow``. Only the batch itself can fail its checks (no big kind
        names its own kind), so each record is checked once. ``counted``: the
        writer counts the references under the lock before writing, so those to
        records this load wrote are not read (they are of earlier kinds, all
        committed before this kind's first batch)."""
        own = [(label, rec.key) for _, rec in batch]
        if label in self._empty:
            uow.assume_absent(own)
            own = []
        refs = _refs(rec for _, rec in batch)
        if counted:
            with self._mutex:
                known = {k for k in refs if k[0] not in READ_BACK and k in self._written}
            uow.assume_present(known)
            refs = [k for k in refs if k not in known]
        uow.prefetch(own + refs)
        for _, rec in batch:
            uow.put(rec)
        problems: Problems = []
        for line, rec in batch:
            k = (label, rec.key)
            if k not in uow.staged:
                continue
            try:
                uow.check(k)
            except ValidationError as e:
                e.record = k
                problems.append((label, line, e))
                del uow.staged[k]
        return problems

    def _write_batch(self, session: Any, label: str, batch: list[tuple[int, Record]]) -> Problems:
        """Check one batch of a big kind in a write transaction holding the write
        lock, and write what passes."""
        begin = functools.partial(_LockedTransaction, session)
        tx = begin()
        try:
            uow = _Neo4jUnitOfWork(tx.data)
            self._empty.discard(label)  # what was new when checked may not be now
            problems = self._check(uow, label, batch)
            staged = {k: rec for k, rec in uow.staged.items() if rec is not None}
            new = [r.to_dict() if isinstance(r, Receipt) else node_props(r)
                   for k, r in staged.items() if uow.committed(k) is None]
            plan = [(cypher.create_new[label], {"rows": c}) for c in _chunks(new)]
            plan += write_plan({k: r for k, r in staged.items() if uow.committed(k) is not None})
            with self._mutex:  # noted first: a plan may commit in parts before it fails
                self._note_written(uow, staged, len(batch) - len(problems))
            _run_plan(tx, plan, begin)
        finally:
            tx.close()
        return problems

    def _write_small(self, session: Any, pending: Mapping[str, tuple[int, Record]],
                     lines: dict[tuple[str, str], int]) -> Problems:
        begin = functools.partial(_LockedTransaction, session)
        tx = begin()
        try:
            uow = _Neo4jUnitOfWork(tx.data)
            uow.prefetch([*lines, *_refs(rec for _, rec in pending.values())])
            for _, rec in pending.values():
                uow.put(rec)
            problems = prune_invalid(uow, lines)
            staged = {k: rec for k, rec in uow.staged.items() if rec is not None}
            with self._mutex:
                self._note_written(uow, staged, len(pending) - len(problems))
            _run_plan(tx, write_plan(staged, uow.new()), begin)
            if touches_network(staged):
                network_changed(session)
        finally:
            tx.close()
        return problems

    def _note_written(self, uow: _Neo4jUnitOfWork, staged: Mapping[tuple[str, str], Record],
                      taken: int) -> None:
        """Count what a batch writes and remember how to take it back."""
        old = {k: rec for k in staged if (rec := uow.committed(k)) is not None}
        self._note(staged.keys(), old)
        self.stats.written += len(staged)
        self.stats.unchanged += taken - len(staged)

    def _note(self, keys: Iterable[tuple[str, str]], old: Mapping[tuple[str, str], Record]) -> None:
        """Remember how to take back writes of ``keys``: created, or replacing ``old``."""
        for k in keys:
            if k in old:
                self._replaced.setdefault(k, old[k])
            else:
                self._created.append(k)
            self._written.add(k)

    def _take_back(self) -> None:
        """Delete what this load created and put back what it changed."""
        undo: dict[tuple[str, str], Record | None] = {k: None for k in self._created}
        undo.update(self._replaced)
        self._created, self._replaced = [], {}
        begin = functools.partial(_LockedTransaction, self._session)
        _run_plan(begin(), write_plan(undo), begin)
        if touches_network(undo):
            network_changed(self._session)


def _expected(new: list[dict[str, Any]]) -> tuple[int, int]:
    """What a ``create_new`` statement returns when every row's references are
    there: the rows, and the needs the referrals cover (distinct in each)."""
    return len(new), sum(len(row.get("need_ids", ())) for row in new)


def _refs(records: Iterable[Record]) -> list[tuple[str, str]]:
    """``(label, key)`` of every record the given ones name."""
    return list(dict.fromkeys((label, key) for rec in records for _, label, key in rec.refs()))


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
        #: this process's copy of regions' parts of views, for one version of the network
        self._parts = RegionParts()
        if driver is None:
            try:
                # the server's notifications (a label no node has yet, ...) would go to stderr as
                # warnings; the statements are linted instead (tests/test_cypher_lint.py)
                driver = neo4j.GraphDatabase.driver(uri, auth=None if password is None else (user, password),
                                                    notifications_min_severity="OFF")
            except (DriverError, ValueError, ImportError) as e:  # its message may quote the whole URI
                why = str(e).replace(uri, self.where)
                raise StoreError(f"cannot use the Neo4j URI {self.where}: {why}") from None
        self._driver = driver
        try:
            self.init_schema()
        except BaseException:
            self._driver.close()
            raise
        # a view and its match make tens of thousands of short-lived objects, as on the embedded
        # store: with Python's 700, the collector's full passes over the process (the records kept,
        # the driver) came every hundred views or so, a pause of 100-150 ms each
        roomy_young_generation()

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
        """Create the constraints (and so their indexes) unless they exist, and
        drop those of an older store that this one no longer keeps (the
        per-label id constraints: ``cypher.drop_constraint``)."""
        with self._errors(), self._session() as session:
            for statement in cypher.schema:
                session.run(statement).consume()
            old = _data(session, cypher.SHOW_CONSTRAINTS, {"names": sorted(cypher.drop_constraint)})
            for row in old:
                session.run(cypher.drop_constraint[row["name"]]).consume()

    # -- plumbing ---------------------------------------------------------------

    def _session(self) -> Any:
        return self._driver.session(database=self.database)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver and server failures as StoreError, without the driver's traceback."""
        try:
            yield
        except AuthError:
            raise StoreError(f"Neo4j at {self.where} refused the credentials of user {self._user!r}") \
                from None
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

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> builtins.list[dict[str, Any]]:
        rows: builtins.list[dict[str, Any]] = self._read(lambda tx: _data(tx, query, params))
        return rows

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
                    network = touches_network(uow.staged)
                    if uow.staged:
                        uow.prefetch(uow.staged)
                        uow.validate()
                        for query, params in write_plan(uow.staged, uow.new()):
                            tx.run(query, params)
                    for (kind, key), data in uow.side_staged.items():
                        tx.run(cypher.PUT_SIDE, _side_params(kind, key, data))
                    if uow.staged or uow.side_staged:
                        tx.commit()
                        if network:
                            network_changed(session)
                finally:
                    tx.close()  # rolls back what was not committed, and a unit that staged nothing
        finally:
            self._in_uow.active = False

    def bulk_load(self, *, expected_rows: int = 0) -> Neo4jBulkLoad:
        """A streaming bulk load (:class:`Neo4jBulkLoad`; ``expected_rows`` is not needed)."""
        return Neo4jBulkLoad(self)

    def clear(self) -> None:
        """Delete every record (for tests against a throwaway database), in
        transactions of :data:`BATCH` nodes each, so a big database does not
        exceed the server's memory for one transaction; each holds the write lock."""

        def work(tx: Any) -> int:
            tx.run(cypher.LOCK_WRITES).consume()
            deleted: int = tx.run(cypher.CLEAR, {"limit": BATCH}).single()["deleted"]
            if not deleted:
                tx.run(cypher.CLEAR_SIDE).consume()
            return deleted

        with self._errors(), self._session() as session:
            while session.execute_write(work):
                pass
            network_changed(session)

    # -- side records: small documents outside the graph (tokens, audit) --------

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Insert or replace one side record (a :Side node, JSON in ``data``)."""
        params = _side_params(kind, key, data)
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

    def receipts(self, household_id: str) -> builtins.list[Receipt]:
        rows = self._rows(cypher.RECEIPTS_OF_HOUSEHOLDS, {"household_ids": [household_id]})
        return [Receipt(**row) for row in rows]

    def graph(self, region_id: str | None = None) -> nx.MultiDiGraph:
        if region_id is None:
            return build_graph(self._view_records(cypher.ALL_NODES, {}))
        records = self._view_records(cypher.SUBTREE, {"region_id": region_id, "supply_only": False})
        if not records:
            raise no_record("regionId", "Region", region_id)
        return build_graph(records)

    def neighbourhood(self, household_id: str) -> nx.MultiDiGraph:
        """The household's view, its home region's part from this process's copy
        when the query says that copy is current (:mod:`graph.region_parts`)."""
        parts = self._parts
        rows = self._rows(cypher.NEIGHBOURHOOD, {"household_id": household_id, **query_params(parts)})
        if not rows:
            raise no_record("householdId", "Household", household_id)
        row = rows[0]
        records = [record_from_props(props) for props in row["nodes"]]
        homes: builtins.list[str] = row["home"]
        if row["shared"] or not homes:
            shared = [record_from_props(props) for props in row["shared"]]
            version = (row["epoch"], row["version"])
            if parts.version != version:
                parts = self._parts = RegionParts(version)
            if len(homes) == 1:
                parts.put(homes[0], shared)
        else:  # left out: this copy holds every home's part at the version the query read
            shared = [rec for home in homes for rec in parts.get(home)]
        own = {(rec.LABEL, rec.key) for rec in records}
        records += [rec for rec in shared if (rec.LABEL, rec.key) not in own]
        records += [Receipt(household_id=household_id, service_id=s) for s in row["received"]]
        return build_graph(records)

    def report_parts(self, region_id: str | None = None) -> ReportParts:
        """The coverage report's supply side and its households by region (see
        :mod:`graph.reports`), read in one read transaction: the supply side's records
        and a row per region of its households, not a view of every household and need
        (issue 16: 24 s for the whole 100,000-household province through the view in
        bench_neo4j)."""

        def work(tx: Any) -> tuple[builtins.list[Record], builtins.list[dict[str, Any]]] | None:
            if region_id is None:
                rows = _data(tx, cypher.ALL_SUPPLY)
            else:
                rows = _data(tx, cypher.SUBTREE, {"region_id": region_id, "supply_only": True})
                if not rows:
                    return None
            supply = [record_from_props(row["props"]) for row in rows]
            regions = None if region_id is None else sorted(regions_below(supply, region_id))
            return supply, _data(tx, cypher.REPORT_HOMES, {"regions": regions, "open": NeedStatus.OPEN.value})

        got = self._read(work)
        if got is None:
            raise no_record("regionId", "Region", str(region_id))
        supply, rows = got
        homes, needs = _home_rows(rows)
        return ReportParts(supply_view(supply), homes, needs)

    def network_parts(self, region_id: str | None = None) -> NetworkParts:
        """What network analytics reads (see :mod:`graph.network_parts`): the scope's rows in one
        statement, each kind as one list (no view of the households)."""
        params = {"declined": ReferralStatus.DECLINED.value}
        if region_id is None:
            rows = self._rows(cypher.NETWORK_ROWS, params)
        else:
            rows = self._rows(cypher.NETWORK_ROWS_SUBTREE, {**params, "region_id": region_id})
            if not rows:
                raise no_record("regionId", "Region", region_id)
        row = rows[0]
        return assemble(row["organizations"], row["services"], row["volunteers"], row["referrals"],
                        row["receipts"])

    def drop_region_parts(self) -> None:
        """Forget this process's copy of regions' parts: each next view reads its
        region's part, as the first view after a write to the network does
        (``bench/bench_neo4j.py`` times both ways)."""
        self._parts = RegionParts()

    def _view_records(self, query: str, params: dict[str, Any]) -> builtins.list[Record]:
        """The records ``query`` selects, plus the receipts of the households among them."""

        def work(tx: Any) -> builtins.list[Record]:
            records = [record_from_props(row["props"]) for row in _data(tx, query, params)]
            households = [r.key for r in records if r.LABEL == "Household"]
            if households:
                rows = _data(tx, cypher.RECEIPTS_OF_HOUSEHOLDS, {"household_ids": households})
                records += [Receipt(**row) for row in rows]
            return records

        records: builtins.list[Record] = self._read(work)
        return records

    def counts(self) -> dict[str, int]:
        row = self._rows(cypher.COUNTS)[0]
        return {label: row[label] for label in RECORD_TYPES}

    def ping(self) -> None:
        self._rows(cypher.PING)

    def close(self) -> None:
        self._driver.close()
