"""The embedded store: a SQLite file is the record; in memory, the records and who names whom.

* The file (WAL journal, ``synchronous=FULL``) holds one row per record
  (its layout: :mod:`graph.embedded.rows`), keyed by label and id, stamped
  with the sequence number of the unit of work that wrote it. A write is
  durable when its unit of work returns.
* Every record is kept in memory with an index of who names whom
  (:mod:`graph.embedded.memory`, no graph copy), updated from every committed
  unit of work, under a lock, so readers see a unit of work whole or not at
  all. Views are built per request from the records they hold
  (:func:`graph.view.build_graph`, as the Neo4j store builds them).
* ``background=True`` (the server) reads the file into memory in a thread:
  the store answers :meth:`EmbeddedStore.ping` at once, and every read waits
  for the records (a failure is raised by each read until one succeeds).
* One writer at a time (a thread lock, and SQLite's own write lock across
  processes). Several processes may open the same file: before each read a
  process asks SQLite whether anyone else committed (``PRAGMA data_version``)
  and, if so, replays the rows stamped after the last sequence it has seen.
* The file records its schema version; a file from another version, or a file
  that is not a Dolbom database, is refused with a clear :class:`StoreError`
  (:mod:`graph.embedded.tables`). A missing or empty (0-byte) file is refused
  too unless ``create`` is asked for; an older file is copied aside
  (``<db>.bak-v<version>-<time>``) before it is brought up to date.
* Audit entries (:meth:`EmbeddedStore.append_audit`, and every side record of
  kind ``audit``) live in a file of their own beside the database
  (:mod:`graph.embedded.auditlog`), so that appending one, on every read of a
  household, never waits for the database's writer.
* Every write, a unit of work's or a bulk load's (:mod:`graph.embedded.bulk`),
  happens in a :class:`WriteTurn`.
"""

from __future__ import annotations

import bisect
import builtins
import contextlib
import gc
import json
import logging
import os
import sqlite3
import sys
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import networkx as nx

from .. import periods
from ..errors import StoreError, no_record
from ..model import Receipt, Record, record_type
from ..network_parts import NetworkParts, assemble
from ..reports import ReportParts, supply_view
from ..store import AUDIT, StoreMixin, UnitOfWork
from ..view import build_graph, neighbourhood_nodes, roomy_young_generation, subtree_nodes
from . import auditlog, rows, tables
from .bulk import EmbeddedBulkLoad
from .memory import Memory

log = logging.getLogger("dolbom.store")

Staged = dict[tuple[str, str], "Record | None"]

_NESTED = "units of work do not nest: use the one already open"


class WriteTurn:
    """The writer's turn at the file, for the store's units of work and its
    bulk load (:mod:`graph.embedded.bulk`): the store's write lock is held, a
    SQLite write transaction is open (``BEGIN IMMEDIATE``) and the in-memory
    view has caught up with the file. Rows written through :attr:`conn` are
    stamped with :attr:`seq`; :meth:`commit` makes them durable; :meth:`close`
    (always called) rolls back what was not committed and lets the lock go.
    Made by :meth:`EmbeddedStore.begin_write`."""

    def __init__(self, store: EmbeddedStore, conn: sqlite3.Connection) -> None:
        self._store = store
        #: the connection of the open transaction
        self.conn = conn
        #: the sequence number of this write: rows written in it are stamped with it
        self.seq = store._seq + 1
        self._closed = False

    def records(self, label: str) -> Mapping[str, Record]:
        """The committed records of ``label`` by key, as of the start of the
        turn (not what the turn wrote since). Read only."""
        return self._store._records[label]

    def referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        """``(label, key)`` of the committed records that name the record ``label``/``key``, or
        that it names."""
        return self._store._mem.referrers(label, key)

    def commit(self, *, wrote: bool, apply: Staged | None = None) -> None:
        """Commit. ``wrote``: rows stamped with :attr:`seq` were written (the
        file's sequence moves on, and other connections replay them).
        ``apply``: the change set written, applied to the in-memory view now;
        without it the view replays the rows on its next read."""
        store, c = self._store, self.conn
        if wrote:
            c.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(self.seq),))
        with store._vlock:
            c.execute("COMMIT")
            if wrote and apply is not None:
                store._apply(apply)
                store._seq = self.seq

    def close(self) -> None:
        """Roll back what was not committed and end the turn (once; later calls do nothing)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            self._store._in_uow.active = False
            self._store._wlock.release()


class _EmbeddedUnitOfWork(UnitOfWork):
    def __init__(self, turn: WriteTurn) -> None:
        super().__init__()
        self._turn = turn

    def _committed(self, label: str, key: str) -> Record | None:
        return self._turn.records(label).get(key)

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        return self._turn.referrers(label, key)

    def _committed_side(self, kind: str, key: str) -> dict[str, Any] | None:
        # the turn's own connection: its BEGIN IMMEDIATE holds the file's write lock
        row = self._turn.conn.execute("SELECT data FROM side WHERE kind = ? AND key = ?",
                                      (kind, key)).fetchone()
        return None if row is None else cast(dict[str, Any], json.loads(row[0]))


class EmbeddedStore(StoreMixin):
    """The default store. ``EmbeddedStore("dolbom.db")`` opens the file, or makes
    a new database there when it is missing or empty (0 bytes).
    ``create=False`` refuses those instead, as the ``dolbom`` commands and the
    server do (:func:`graph.factory.open_store`): a mistyped path is an error, not
    a new empty store."""

    def __init__(self, path: str | os.PathLike[str] = "dolbom.db", *, synchronous: str = "FULL",
                 create: bool = True, background: bool = False) -> None:
        self.path = os.fspath(path)
        self._synchronous = synchronous
        #: where the file was copied before this open brought it up to date (None: it was not)
        self.backup_path: str | None = None
        self._wlock = threading.Lock()  # one writer at a time
        self._vlock = threading.RLock()  # the in-memory view and the read connection
        #: the side records' read connection: a token check never waits for a read of the records
        self._slock = threading.RLock()
        self._in_uow = threading.local()
        self._mem = Memory()
        self._records = self._mem.records
        #: the whole graph's supply side (report_parts), with the supply change count and day it holds
        self._supply_kept: tuple[tuple[int, object], nx.MultiDiGraph] | None = None
        self._sorted: dict[str, list[str]] = {}
        self._loader: threading.Thread | None = None
        self._closing = False
        self._seq = 0
        self._data_version = -1
        tables.check_path(self.path, create=create)
        audit_path = auditlog.path_for(self.path)
        had_audit = os.path.exists(audit_path)
        self._wconn = self._connect(create=create)
        rconn: sqlite3.Connection | None = None
        sconn: sqlite3.Connection | None = None
        try:
            try:
                opened = tables.open_file(self._wconn, self.path, create=create)
                self.backup_path = opened.backup
                rconn = self._rconn = self._connect()
                sconn = self._sconn = self._connect()
                self._audit = auditlog.AuditLog(audit_path, synchronous=synchronous)
                if not had_audit and not opened.created and opened.migrated_from is None:
                    log.warning("the audit log of %r, %r, was missing: a new, empty one was started (restore "
                                "the old one from a backup to keep its entries)", self.path, audit_path)
                if background:
                    self._loader = threading.Thread(target=self._load_in_background, daemon=True,
                                                    name=f"dolbom-open-{os.path.basename(self.path)}")
                    self._loader.start()
                else:
                    self._initial_load()
            except sqlite3.DatabaseError as e:  # damaged pages, unreadable file
                raise StoreError(f"cannot open {self.path!r} as a Dolbom database: {e}") from None
        except BaseException:
            if getattr(self, "_audit", None) is not None:
                self._audit.close()
            for conn in (rconn, sconn, self._wconn):
                if conn is not None:
                    conn.close()
            raise

    # -- opening -------------------------------------------------------------

    def _connect(self, *, create: bool = False) -> sqlite3.Connection:
        """A connection to the file; without ``create`` SQLite may not make the file."""
        target = self.path if create else f"file:{urllib.parse.quote(os.path.abspath(self.path))}?mode=rw"
        try:
            conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=60,
                                   uri=not create)
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            # journal_mode=WAL is set by tables.open_file, once the file is known to be ours
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open {self.path!r} as a Dolbom database: {e}") from None
        return conn

    # -- keeping the in-memory view in step ----------------------------------

    def _initial_load(self) -> None:
        """Read the whole file into memory. The cyclic garbage collector is
        paused meanwhile (it would rescan the growing graph over and over:
        ~20% of a reopen) and the loaded objects are then frozen out of later
        full collections (a 330 ms pause each at 100k nodes); the youngest
        generation is then collected less often (graph.view.roomy_young_generation)."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._sync()
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()
        roomy_young_generation()

    def _load_in_background(self) -> None:
        try:
            self._initial_load()
        except _Closing:
            pass
        except sqlite3.DatabaseError as e:
            log.error("cannot read %r into memory: %s", self.path, e)
        except Exception:  # logged here; the next read tries again and raises it to its caller
            log.exception("cannot read %r into memory", self.path)

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
                if seq != self._seq and self._seq == 0 and not any(self._records.values()):
                    self._read_everything(c)
                    self._seq = seq
                elif seq != self._seq:
                    changes: dict[tuple[str, str], tuple[int, Record | None]] = {}
                    for label, key, s in c.execute(
                        "SELECT label, key, seq FROM tombstones WHERE seq > ?", (self._seq,)
                    ):
                        changes[(label, key)] = (s, None)
                    for label, key, data, s in c.execute(
                        "SELECT label, key, data, seq FROM records WHERE seq > ?", (self._seq,)
                    ):
                        key = sys.intern(key)
                        if (label, key) not in changes or changes[(label, key)][0] < s:
                            changes[(label, key)] = (s, rows.decode_shared(label, key, data))
                    self._apply({k: rec for k, (_, rec) in changes.items()})
                    self._seq = seq
            finally:
                c.execute("COMMIT")
            self._data_version = dv

    def _read_everything(self, c: sqlite3.Connection, batch: int = 20_000) -> None:
        """The first read of the file: every row in key order, applied a batch at a time (a
        table scan, and no change set of the whole file held at once: what it would leave
        behind in the allocator's arenas is a third of the memory). A deleted record has no
        row, so tombstones play no part."""
        if self._closing:  # closed before the thread began: read nothing
            raise _Closing
        staged: Staged = {}
        for label, key, data in c.execute("SELECT label, key, data FROM records"):
            key = sys.intern(key)
            try:
                rec = rows.decode_trusted(label, key, data)
            except (ValueError, KeyError, TypeError):  # not as this store writes rows: the checked way
                rec = rows.decode_shared(label, key, data)
            staged[(label, key)] = rec
            if len(staged) >= batch:
                self._apply(staged)
                staged = {}
                if self._closing:
                    raise _Closing
        self._apply(staged)

    def _apply(self, staged: Staged) -> None:
        """Make the in-memory records and index match a committed change set."""
        self._mem.apply(staged)
        for label in {label for label, _ in staged}:
            self._sorted.pop(label, None)

    # -- writing -------------------------------------------------------------

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        turn = self.begin_write()
        try:
            uow = _EmbeddedUnitOfWork(turn)
            yield uow
            uow.validate()
            if uow.staged:
                self._flush(turn, uow.staged)
            turn.conn.executemany("INSERT OR REPLACE INTO side (kind, key, data) VALUES (?, ?, ?)",
                                  [(k, key, _side_json(d)) for (k, key), d in uow.side_staged.items()])
            turn.commit(wrote=bool(uow.staged), apply=uow.staged)
        finally:
            turn.close()

    def begin_write(self, *, nested: str = _NESTED) -> WriteTurn:
        """Start the writer's turn (see :class:`WriteTurn`): wait for the write
        lock, open the transaction, catch up. ``nested``: the error when this
        thread's turn is already under way."""
        if getattr(self._in_uow, "active", False):
            raise RuntimeError(nested)
        self._wlock.acquire()
        self._in_uow.active = True
        c = self._wconn
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            self._in_uow.active = False
            self._wlock.release()
            raise StoreError(f"the database {self.path!r} is busy: {e}") from None
        try:
            self._sync()
            return WriteTurn(self, c)
        except BaseException:
            try:
                if c.in_transaction:
                    c.execute("ROLLBACK")
            finally:
                self._in_uow.active = False
                self._wlock.release()
            raise

    def bulk_load(self, *, expected_rows: int = 0) -> EmbeddedBulkLoad:
        """A bulk load into this store (see :mod:`graph.embedded.bulk`; callers
        use :func:`graph.bulk.bulk_load`)."""
        return EmbeddedBulkLoad(self, expected_rows=expected_rows)

    def _flush(self, turn: WriteTurn, staged: Staged) -> None:
        c, seq = turn.conn, turn.seq
        puts = [(k[0], k[1], rows.encode(r), seq) for k, r in staged.items() if r is not None]
        dels = [(k[0], k[1], seq) for k, r in staged.items() if r is None]
        if puts:
            c.executemany("INSERT OR REPLACE INTO records (label, key, data, seq) VALUES (?, ?, ?, ?)", puts)
        if dels:
            c.executemany("DELETE FROM records WHERE label = ? AND key = ?", [d[:2] for d in dels])
            c.executemany("INSERT OR REPLACE INTO tombstones (label, key, seq) VALUES (?, ?, ?)", dels)

    # -- reading -------------------------------------------------------------

    def get(self, label: str, key: str) -> Record | None:
        with self._vlock:
            self._sync()
            return self._records[record_type(label).LABEL].get(key)

    def get_many(self, label: str, keys: Iterable[str]) -> dict[str, Record]:
        """The records of one kind with these keys that exist, by key, from one look at what other
        processes committed (``service.reads.get_many``)."""
        with self._vlock:
            self._sync()
            recs = self._records[record_type(label).LABEL]
            return {k: rec for k in keys if (rec := recs.get(k)) is not None}

    def get_kinds(self, wanted: Mapping[str, Iterable[str]], *,
                  look: bool = True) -> dict[tuple[str, str], Record]:
        """The records of several kinds with these keys that exist, by ``(label, key)``, from one look
        at what other processes committed (``service.reads.records_by_kinds``: the records a match's
        answer shows, one call into SQLite rather than one per kind). ``look=False``: as the last look
        left them, for a caller that has just looked (a match's answer shows the records of the moment
        it was computed, and spares the request a call into SQLite: bench/README.md, issue 23)."""
        with self._vlock:
            if look:
                self._sync()
            out: dict[tuple[str, str], Record] = {}
            for label, keys in wanted.items():
                recs = self._records[record_type(label).LABEL]
                for k in keys:
                    if (rec := recs.get(k)) is not None:
                        out[(label, k)] = rec
            return out

    def list(self, label: str, *, after: str | None = None,
             limit: int | None = None) -> builtins.list[Record]:
        with self._vlock:
            self._sync()
            recs = self._records[record_type(label).LABEL]
            keys = self._sorted.get(label)
            if keys is None:
                keys = self._sorted[label] = sorted(recs)
            start = 0 if after is None else bisect.bisect_right(keys, after)
            stop = len(keys) if limit is None else min(len(keys), start + limit)
            return [recs[k] for k in keys[start:stop]]

    def receipts(self, household_id: str) -> builtins.list[Receipt]:
        with self._vlock:
            self._sync()
            return self._mem.receipts_of(household_id)

    def graph(self, region_id: str | None = None) -> nx.MultiDiGraph:
        with self._vlock:
            self._sync()
            if region_id is None:
                recs = self._mem.all_records()
            elif region_id not in self._records["Region"]:
                raise no_record("regionId", "Region", region_id)
            else:
                recs = self._mem.view_records(subtree_nodes(self._mem, region_id))
        # built after letting the lock go: the records are immutable, and building a province's
        # view takes seconds that directory reads and other views would otherwise wait for
        return build_graph(recs)

    def change_mark(self) -> object:
        """Moves with every change set applied to the records, this process's or another's."""
        with self._vlock:
            self._sync()
            return self._seq, self._mem.changes

    def report_parts(self, region_id: str | None = None) -> ReportParts:
        """The coverage report's supply side and households, read from the records: no view of
        the households is built (see :mod:`graph.reports`; issue 23).

        The whole graph's supply side is kept, frozen (:func:`networkx.freeze`), and given again
        while no change set touched a supply record (:attr:`Memory.supply_changes`: this process's
        commits and those :meth:`_sync` replays from others) and the day is the same (its counts are
        the day's period's): the households change far more often than the services. A region's
        report gets it too (the reports read only the regions in reach of theirs), with its
        subtree's households cut out of the kept ones."""
        with self._vlock:
            self._sync()
            if region_id is not None and region_id not in self._records["Region"]:
                raise no_record("regionId", "Region", region_id)
            mark = (self._mem.supply_changes, periods.today())
            kept = self._supply_kept
            recs = self._mem.supply_records() if kept is None or kept[0] != mark else None
            homes, needs = self._mem.report_homes(region_id)
        if recs is not None:
            kept = self._supply_kept = (mark, nx.freeze(supply_view(recs)))
        assert kept is not None
        return ReportParts(kept[1], homes, needs)

    def network_parts(self, region_id: str | None = None) -> NetworkParts:
        """What network analytics reads, from the records: no view is built (see
        :mod:`graph.network_parts`; issue 23)."""
        with self._vlock:
            self._sync()
            if region_id is not None and region_id not in self._records["Region"]:
                raise no_record("regionId", "Region", region_id)
            rows = self._mem.network_rows(region_id)
        return assemble(*rows)

    def neighbourhood(self, household_id: str) -> nx.MultiDiGraph:
        with self._vlock:
            self._sync()
            if household_id not in self._records["Household"]:
                raise no_record("householdId", "Household", household_id)
            recs = self._mem.view_records(neighbourhood_nodes(self._mem, household_id))
        return build_graph(recs)

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
        self._audit.clear()

    # -- side records: small documents outside the graph (tokens, audit) --------

    def append_audit(self, key: str, data: Mapping[str, Any]) -> None:
        """Append one audit entry to the audit log's own file: durable when this returns,
        and never waiting for the database's writer (see :mod:`graph.embedded.auditlog`)."""
        self._audit.append(key, _side_json(data))

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Insert or replace one side record; durable when this returns. Kind ``audit``
        goes to the audit log's file."""
        text = _side_json(data)
        if kind == AUDIT:
            self._audit.put(key, text)
            return
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
        if kind == AUDIT:
            text = self._audit.get(key)
            return None if text is None else cast(dict[str, Any], json.loads(text))
        with self._slock:
            row = self._sconn.execute("SELECT data FROM side WHERE kind = ? AND key = ?",
                                      (kind, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def list_side(self, kind: str, *, after: str | None = None,
                  limit: int | None = None) -> builtins.list[tuple[str, dict[str, Any]]]:
        if kind == AUDIT:
            return [(key, json.loads(data)) for key, data in self._audit.list(after=after, limit=limit)]
        with self._slock:
            found = self._sconn.execute(
                "SELECT key, data FROM side WHERE kind = ? AND key > ? ORDER BY key LIMIT ?",
                (kind, after or "", -1 if limit is None else limit),
            ).fetchall()
        return [(key, json.loads(data)) for key, data in found]

    @contextlib.contextmanager
    def side_at_once(self) -> Iterator[bool]:
        """When no other thread holds the side records' read connection (re-entrant). Side records
        are read from the file as committed, with no replay into memory, so a read of the records
        in another thread (a match building its view) does not stop it."""
        held = self._slock.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                self._slock.release()

    @contextlib.contextmanager
    def at_once(self) -> Iterator[bool]:
        """When no other thread holds the read connection (it is re-entrant: reads inside take it
        again) and no other process committed records this one has not replayed (a read would replay
        them first: ``_sync``; a commit of side records or this process's own commits are caught up
        with in place, which is a look at two numbers). Then a read of the records in memory is
        microseconds to a millisecond of CPU. (Side records: :meth:`side_at_once`.)"""
        held = self._vlock.acquire(blocking=False)
        try:
            now = held
            if held:
                try:
                    now = self._caught_up()
                except sqlite3.Error:
                    now = False  # the read itself will say what is wrong, in a worker thread
            yield now
        finally:
            if held:
                self._vlock.release()

    def _caught_up(self) -> bool:
        """Under the read lock: whether reads need no replay, catching up in place when only the
        file's data version moved (no records of another process to replay)."""
        c = self._rconn
        if c.execute("PRAGMA data_version").fetchone()[0] == self._data_version:
            return True
        if int(c.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0]) != self._seq:
            return False
        self._sync()  # nothing to replay: it notes the new data version
        return True

    def ping(self) -> None:
        with self._vlock:
            try:
                self._rconn.execute("SELECT 1").fetchone()
            except sqlite3.Error as e:
                raise StoreError(f"the database {self.path!r} does not answer: {e}") from None

    def close(self) -> None:
        if self._loader is not None:
            self._closing = True  # a background read stops at its next batch
            self._loader.join()
        with self._wlock, self._vlock, self._slock:
            self._rconn.close()
            self._sconn.close()
            self._wconn.close()
        self._audit.close()


class _Closing(Exception):
    """The store was closed while its records were being read in the background."""


def _side_json(data: Mapping[str, Any]) -> str:
    return json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
