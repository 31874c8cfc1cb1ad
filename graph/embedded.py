"""The embedded store: a SQLite file is the record, networkx in memory the view.

* The file (WAL journal, ``synchronous=FULL``) holds one row per record, its
  values as a JSON array (in the field order the file's meta notes), keyed
  by label and id, stamped with the sequence number of the unit of work that
  wrote it. A write is durable when its unit of work returns.
* The whole graph is kept in memory as a :class:`networkx.MultiDiGraph` and
  updated from every committed unit of work, under a lock, so readers see a
  unit of work whole or not at all. Views handed out are copies.
* One writer at a time (a thread lock, and SQLite's own write lock across
  processes). Several processes may open the same file: before each read a
  process asks SQLite whether anyone else committed (``PRAGMA data_version``)
  and, if so, replays the rows stamped after the last sequence it has seen.
* The file records its schema version; a file from another version, or a file
  that is not a Dolbom database, is refused with a clear :class:`StoreError`.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import gc
import json
import os
import sqlite3
import threading
from typing import Any, Iterable, Iterator, Mapping

import networkx as nx

from .errors import NotFoundError, StoreError, ValidationError
from .model import (
    RECORD_TYPES, Receipt, Record, node_key, receipt_key, record_type, split_node_key, split_receipt_key,
)
from .store import StoreMixin, UnitOfWork
from .view import (
    add_edges,
    add_record,
    edge_owner,
    induced_copy,
    neighbourhood_nodes,
    remove_edges,
    subtree_nodes,
)

SCHEMA_VERSION = 3
APPLICATION = "dolbom"

#: version 2: side records (API tokens, later the audit log), kept out of the graph
_SIDE_DDL = (
    "CREATE TABLE side (kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
    " PRIMARY KEY (kind, key)) WITHOUT ROWID"
)
#: from version N to N+1, in place: the statements to run, or a function of the connection
_MIGRATIONS: dict[int, Any] = {1: (_SIDE_DDL,), 2: lambda c: _rows_as_arrays(c)}

#: what _sync reads to catch up; a big bulk load drops it and builds it again at the end
SEQ_INDEX = "CREATE INDEX records_seq ON records (seq)"

_DDL = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE records (label TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
    " seq INTEGER NOT NULL, PRIMARY KEY (label, key)) WITHOUT ROWID",
    SEQ_INDEX,
    "CREATE TABLE tombstones (label TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " PRIMARY KEY (label, key)) WITHOUT ROWID",
    _SIDE_DDL,
)

Staged = dict[tuple[str, str], "Record | None"]


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

#: per label: the fields a record's key is made of; the row's key column holds them, its array does not
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    label: ("household_id", "service_id") if label == "Receipt" else ("id",) for label in RECORD_TYPES
}
#: per label: the record's other fields, in the order a stored row's array lists their values (kept
#: in meta as ``fields:<label>``; a file whose list differs is rewritten to this one when opened)
FIELDS: dict[str, tuple[str, ...]] = {
    label: tuple(f.name for f in dataclasses.fields(cls) if f.name not in KEY_FIELDS[label])  # type: ignore[arg-type]
    for label, cls in RECORD_TYPES.items()
}
#: per record type: the positions (in FIELDS) of its fields holding dates
_DATES: dict[type, tuple[int, ...]] = {}


def _encode(rec: Record) -> str:
    """The record as stored: the JSON array of its values in :data:`FIELDS`
    order, each as :meth:`Record.to_dict` gives it; its key fields are the
    row's key, not repeated (about half the bytes of a JSON object, which
    SQLite writes twice over in a bulk load). Enums are ``str`` and tuples
    encode as arrays, so only dates need converting."""
    names = FIELDS[rec.LABEL]
    dates = _DATES.get(type(rec))
    if dates is None:
        types = {f.name: f.type for f in dataclasses.fields(rec)}  # type: ignore[arg-type]
        dates = _DATES[type(rec)] = tuple(
            i for i, n in enumerate(names)
            if isinstance(getattr(rec, n), dt.date) or types[n] in ("dt.date", "dt.date | None"))
    values = [getattr(rec, n) for n in names]
    for i in dates:
        v = values[i]
        if v is not None:
            values[i] = v.isoformat()
    return _json(values)


def _decode(label: str, key: str, data: str, fields: tuple[str, ...] | None = None) -> Record:
    """The record of a stored row (``fields``: the array's field order, when not today's)."""
    values = dict(zip(fields or FIELDS[label], json.loads(data)))
    if label == "Receipt":
        values["household_id"], values["service_id"] = split_receipt_key(key)
    else:
        values["id"] = key
    return RECORD_TYPES[label].from_dict(values)


def _rewrite_rows(c: sqlite3.Connection, label: str | None, decode) -> None:
    """Store again every row (of ``label``, or all), read by ``decode(label, key, data)``,
    a chunk at a time in key order."""
    after = ("", "")
    where = "label = ? AND " if label is not None else ""
    while True:
        params = (label, *after) if label is not None else after
        chunk = c.execute(f"SELECT label, key, data FROM records WHERE {where}(label, key) > (?, ?)"
                          " ORDER BY label, key LIMIT 5000", params).fetchall()
        if not chunk:
            return
        rows = []
        for lb, key, data in chunk:
            try:
                rows.append((_encode(decode(lb, key, data)), lb, key))
            except (ValidationError, ValueError, TypeError) as e:
                raise StoreError(f"cannot bring the stored {lb} {key!r} up to date: {e}; nothing was changed"
                                 ) from None
        c.executemany("UPDATE records SET data = ? WHERE label = ? AND key = ?", rows)
        after = chunk[-1][:2]


def _rows_as_arrays(c: sqlite3.Connection) -> None:
    """Version 3: a row holds the array of the record's values but its key, not an object."""
    _rewrite_rows(c, None, lambda label, key, data: RECORD_TYPES[label].from_dict(json.loads(data)))


class _EmbeddedUnitOfWork(UnitOfWork):
    def __init__(self, store: "EmbeddedStore") -> None:
        super().__init__()
        self._store = store

    def _committed(self, label: str, key: str) -> Record | None:
        return self._store._records[label].get(key)

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        g = self._store._g
        node = node_key(label, key)
        if label == "Receipt" or node not in g:
            return ()
        edges = (*g.in_edges(node, keys=True), *g.out_edges(node, keys=True))
        return {edge_owner(u, v, rel) for u, v, rel in edges}


class EmbeddedStore(StoreMixin):
    """The default store. ``EmbeddedStore("dolbom.db")`` opens or creates the file."""

    def __init__(self, path: str | os.PathLike[str] = "dolbom.db", *, synchronous: str = "FULL") -> None:
        self.path = os.fspath(path)
        self._synchronous = synchronous
        self._wlock = threading.Lock()  # one writer at a time
        self._vlock = threading.RLock()  # the in-memory view and the read connection
        self._in_uow = threading.local()
        self._records: dict[str, dict[str, Record]] = {label: {} for label in RECORD_TYPES}
        self._sorted: dict[str, list[str]] = {}
        self._g = nx.MultiDiGraph()
        self._seq = 0
        self._data_version = -1
        self._rconn: sqlite3.Connection | None = None
        self._wconn = self._connect()
        try:
            try:
                self._init_schema()
                self._rconn = self._connect()
                self._initial_load()
            except sqlite3.DatabaseError as e:  # damaged pages, unreadable file
                raise StoreError(f"cannot open {self.path!r} as a Dolbom database: {e}") from None
        except BaseException:
            for conn in (self._rconn, self._wconn):
                if conn is not None:
                    conn.close()
            raise

    # -- opening -------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            # journal_mode=WAL is set by _init_schema, once the file is known to be ours
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open {self.path!r} as a Dolbom database: {e}") from None
        return conn

    def _init_schema(self) -> None:
        """Create the schema in an empty file, or check the file is ours; only
        then switch it to WAL (a refused file is left exactly as it was)."""
        c = self._wconn
        c.execute("BEGIN IMMEDIATE")
        try:
            objects = [r[0] for r in c.execute("SELECT name FROM sqlite_master")]
            if not objects:
                for stmt in _DDL:
                    c.execute(stmt)
                c.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION)), ("seq", "0")],
                )
            elif "meta" not in objects:
                raise StoreError(f"{self.path!r} is a SQLite file but not a Dolbom database")
            try:
                meta = dict(c.execute("SELECT key, value FROM meta"))
            except sqlite3.OperationalError:  # someone else's table called meta
                raise StoreError(f"{self.path!r} is a SQLite file but not a Dolbom database") from None
            if meta.get("application") != APPLICATION:
                raise StoreError(f"{self.path!r} is a SQLite file but not a Dolbom database")
            version = meta.get("schema_version")
            while version is not None and version.isdigit() and int(version) in _MIGRATIONS:
                step = _MIGRATIONS[int(version)]
                if callable(step):
                    step(c)
                else:
                    for stmt in step:
                        c.execute(stmt)
                version = str(int(version) + 1)
                c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
            if version != str(SCHEMA_VERSION):
                raise StoreError(
                    f"{self.path!r} has schema version {version}, but this Dolbom reads version "
                    f"{SCHEMA_VERSION}; use the Dolbom release that wrote it, or export and reload"
                )
            self._check_fields(c, meta)
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise
        mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"cannot switch {self.path!r} to WAL (journal mode is {mode!r})")

    def _check_fields(self, c: sqlite3.Connection, meta: dict[str, str]) -> None:
        """Note each kind's field order; rows written with another order (a
        model that gained a field, or moved one) are rewritten in today's. A
        file holding a field this model does not know was written by a newer
        Dolbom: it is refused rather than stripped of it."""
        for label, fields in FIELDS.items():
            want = json.dumps(fields)
            have = meta.get(f"fields:{label}")
            if have == want:
                continue
            if have is not None:
                old = tuple(json.loads(have))
                unknown = sorted(set(old) - set(fields))
                if unknown:
                    raise StoreError(f"{self.path!r} holds {label} fields this Dolbom does not know "
                                     f"({', '.join(unknown)}); use the Dolbom release that wrote it")
                _rewrite_rows(c, label, lambda lb, key, data, old=old: _decode(lb, key, data, old))
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"fields:{label}", want))

    # -- keeping the in-memory view in step ----------------------------------

    def _initial_load(self) -> None:
        """Read the whole file into memory. The cyclic garbage collector is
        paused meanwhile (it would rescan the growing graph over and over:
        ~20% of a reopen) and the loaded objects are then frozen out of later
        full collections (a 330 ms pause each at 100k nodes)."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._sync()
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()

    def _sync(self) -> None:
        """Replay what other connections committed since we last looked."""
        with self._vlock:
            c = self._rconn
            dv = c.execute("PRAGMA data_version").fetchone()[0]
            if dv == self._data_version:
                return
            c.execute("BEGIN")
            try:
                seq = int(c.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0])
                if seq != self._seq:
                    changes: dict[tuple[str, str], tuple[int, Record | None]] = {}
                    for label, key, s in c.execute(
                        "SELECT label, key, seq FROM tombstones WHERE seq > ?", (self._seq,)
                    ):
                        changes[(label, key)] = (s, None)
                    for label, key, data, s in c.execute(
                        "SELECT label, key, data, seq FROM records WHERE seq > ?", (self._seq,)
                    ):
                        if (label, key) not in changes or changes[(label, key)][0] < s:
                            changes[(label, key)] = (s, _decode(label, key, data))
                    self._apply({k: rec for k, (_, rec) in changes.items()})
                    self._seq = seq
            finally:
                c.execute("COMMIT")
            self._data_version = dv

    def _apply(self, staged: Staged) -> None:
        """Make the in-memory records and graph match a committed change set."""
        g, records = self._g, self._records
        for (label, key), rec in staged.items():
            old = records[label].get(key)
            if old is not None:
                remove_edges(g, old)
        for (label, key), rec in staged.items():
            if rec is None:
                records[label].pop(key, None)
                node = node_key(label, key)
                if label != "Receipt" and node in g:
                    g.remove_node(node)
            else:
                records[label][key] = rec
                add_record(g, rec)
            self._sorted.pop(label, None)
        for rec in staged.values():
            if rec is not None:
                add_edges(g, rec)

    # -- writing -------------------------------------------------------------

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        if getattr(self._in_uow, "active", False):
            raise RuntimeError("units of work do not nest: use the one already open")
        with self._wlock:
            self._in_uow.active = True
            c = self._wconn
            try:
                c.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                self._in_uow.active = False
                raise StoreError(f"the database {self.path!r} is busy: {e}") from None
            try:
                self._sync()
                uow = _EmbeddedUnitOfWork(self)
                yield uow
                uow.validate()
                if uow.staged:
                    seq = self._seq + 1
                    self._flush(uow.staged, seq)
                    with self._vlock:
                        c.execute("COMMIT")
                        self._apply(uow.staged)
                        self._seq = seq
                else:
                    c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise
            finally:
                self._in_uow.active = False

    def _flush(self, staged: Staged, seq: int) -> None:
        c = self._wconn
        puts = [(k[0], k[1], _encode(r), seq) for k, r in staged.items() if r is not None]
        dels = [(k[0], k[1], seq) for k, r in staged.items() if r is None]
        if puts:
            c.executemany("INSERT OR REPLACE INTO records (label, key, data, seq) VALUES (?, ?, ?, ?)", puts)
        if dels:
            c.executemany("DELETE FROM records WHERE label = ? AND key = ?", [d[:2] for d in dels])
            c.executemany("INSERT OR REPLACE INTO tombstones (label, key, seq) VALUES (?, ?, ?)", dels)
        c.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))

    # -- reading -------------------------------------------------------------

    def get(self, label: str, key: str) -> Record | None:
        with self._vlock:
            self._sync()
            return self._records[record_type(label).LABEL].get(key)

    def list(self, label: str, *, after: str | None = None, limit: int | None = None) -> list[Record]:
        with self._vlock:
            self._sync()
            recs = self._records[record_type(label).LABEL]
            keys = self._sorted.get(label)
            if keys is None:
                keys = self._sorted[label] = sorted(recs)
            start = 0 if after is None else bisect.bisect_right(keys, after)
            stop = len(keys) if limit is None else min(len(keys), start + limit)
            return [recs[k] for k in keys[start:stop]]

    def receipts(self, household_id: str) -> list[Receipt]:
        with self._vlock:
            self._sync()
            h = node_key("Household", household_id)
            if h not in self._g:
                return []
            received = self._records["Receipt"]
            out = [
                received[receipt_key(household_id, split_node_key(v)[1])]
                for _, v, rel in self._g.out_edges(h, keys=True)
                if rel == "RECEIVES"
            ]
            return sorted(out, key=lambda r: r.service_id)

    def graph(self, region_id: str | None = None) -> nx.MultiDiGraph:
        with self._vlock:
            self._sync()
            if region_id is None:
                return self._g.copy()
            if region_id not in self._records["Region"]:
                raise NotFoundError("regionId", f"no Region with id {region_id!r}")
            return induced_copy(self._g, subtree_nodes(self._g, region_id))

    def neighbourhood(self, household_id: str) -> nx.MultiDiGraph:
        with self._vlock:
            self._sync()
            if household_id not in self._records["Household"]:
                raise NotFoundError("householdId", f"no Household with id {household_id!r}")
            return induced_copy(self._g, neighbourhood_nodes(self._g, household_id))

    def counts(self) -> dict[str, int]:
        with self._vlock:
            self._sync()
            return {label: len(recs) for label, recs in self._records.items()}

    def clear(self) -> None:
        with self.unit_of_work() as uow:
            for label, recs in self._records.items():
                for key in recs:
                    uow.staged[(label, key)] = None
        with self._wlock:
            self._wconn.execute("DELETE FROM side")

    # -- side records: small documents outside the graph (tokens, audit) --------

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Insert or replace one side record; durable when this returns."""
        text = json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        with self._wlock:
            c = self._wconn
            try:
                c.execute("BEGIN IMMEDIATE")
                c.execute("INSERT OR REPLACE INTO side (kind, key, data) VALUES (?, ?, ?)", (kind, key, text))
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise

    def get_side(self, kind: str, key: str) -> dict[str, Any] | None:
        with self._vlock:
            row = self._rconn.execute("SELECT data FROM side WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def list_side(self, kind: str, *, after: str | None = None,
                  limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
        with self._vlock:
            rows = self._rconn.execute(
                "SELECT key, data FROM side WHERE kind = ? AND key > ? ORDER BY key LIMIT ?",
                (kind, after or "", -1 if limit is None else limit),
            ).fetchall()
        return [(key, json.loads(data)) for key, data in rows]

    def ping(self) -> None:
        with self._vlock:
            try:
                self._rconn.execute("SELECT 1").fetchone()
            except sqlite3.Error as e:
                raise StoreError(f"the database {self.path!r} does not answer: {e}") from None

    def close(self) -> None:
        with self._wlock, self._vlock:
            for conn in (self._rconn, self._wconn):
                if conn is not None:
                    conn.close()
