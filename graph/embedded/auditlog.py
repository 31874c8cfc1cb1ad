"""The audit log's own file, beside the database: ``<db>.audit``.

Every request that shows household data appends an audit entry, reads
included (:mod:`service.audit`). In the database file an append would wait for
its one write lock (SQLite has one per file, whatever the table), which every
unit of work and bulk load of every process holds while it runs: a read would
queue behind the slowest writer. So the entries live in a file of their own,
with its own WAL journal and ``synchronous=FULL`` like the database's: an
append takes that file's lock for one insert, is durable when it returns, and
never waits for the graph's writers.

Entries are keyed by the caller (by time, so they list in time order), listed
in key order, and never replaced by :meth:`AuditLog.append`.

Appends that arrive together are committed together (group commit): a thread
that finds no commit under way writes every entry waiting, its own included, in
one transaction, while those that arrive meanwhile wait for the next one. Each
append still returns only when a commit holding its entry is durable, and one
entry's failure (a key already there) fails that append alone. A ``FULL`` commit
waits for the disk, so one per request made concurrent requests queue behind
each other's waits (issue 23). The file is made
when missing (a database from before it, or a new one); a file that is not an
audit log is refused with a :class:`StoreError` naming it.
"""

from __future__ import annotations

import builtins
import sqlite3
import threading
from collections.abc import Iterable

from ..errors import StoreError

#: the audit log of ``x.db`` is ``x.db.audit`` (and SQLite's ``x.db.audit-wal``, ``x.db.audit-shm``)
SUFFIX = ".audit"
APPLICATION = "dolbom-audit"
VERSION = "1"
#: seconds an append waits for another process's append (each holds the file's lock for one insert)
BUSY_TIMEOUT = 10.0
#: at most this many entries are written by one INSERT statement, in SQLite's own transaction around
#: it (atomic and, with synchronous=FULL, durable when it returns), more in an explicit one: one call
#: into SQLite instead of three (BEGIN, INSERT, COMMIT), each letting go of the GIL and taking it back
#: from the request threads matching (issue 23: bench/README.md). 2 x 200 variables: far under
#: SQLite's limit of 32,766
ONE_STATEMENT = 200

_DDL = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE audit (key TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID",
)


def path_for(db_path: str) -> str:
    """Where the audit log of the database at ``db_path`` lives."""
    return db_path + SUFFIX


class _Waiting:
    """One append waiting for the commit that holds its entry."""

    __slots__ = ("row", "done", "written", "error")

    def __init__(self, row: tuple[str, str]) -> None:
        self.row = row
        self.done = False
        #: its entry is committed
        self.written = False
        self.error: StoreError | None = None


class AuditLog:
    """An open audit log file; thread-safe (one connection behind a lock)."""

    def __init__(self, path: str, *, synchronous: str = "FULL") -> None:
        self.path = path
        self._lock = threading.Lock()
        #: appends waiting for a commit, and whether one is under way (see the module docstring)
        self._queue = threading.Condition(threading.Lock())
        self._waiting: list[_Waiting] = []
        self._committing = False
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the audit log {path!r}: {e}") from None
        try:
            conn.execute(f"PRAGMA synchronous={synchronous}")
            _prepare(conn, path)
        except sqlite3.Error as e:
            conn.close()
            raise StoreError(f"cannot open {path!r} as a Dolbom audit log: {e}") from None
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _write(self, sql: str, params: Iterable[tuple[str, str]]) -> None:
        rows = list(params)
        with self._lock:
            c = self._conn
            try:
                if 0 < len(rows) <= ONE_STATEMENT:  # its own transaction: one call into SQLite
                    c.execute(f"{sql}{', (?, ?)' * (len(rows) - 1)}", [x for row in rows for x in row])
                    return
                c.execute("BEGIN IMMEDIATE")
                c.executemany(sql, rows)
                c.execute("COMMIT")
            except sqlite3.IntegrityError:
                if c.in_transaction:  # (one statement's own transaction is rolled back by SQLite)
                    c.execute("ROLLBACK")
                raise StoreError(f"an audit entry under this key is already in {self.path!r}: "
                                 "entries are never replaced") from None
            except sqlite3.Error as e:  # a full disk (kept as the cause: the API reports it so), a busy file
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise StoreError(f"cannot write to the audit log {self.path!r}: {e}; nothing was written"
                                 ) from e

    def append(self, key: str, data: str) -> None:
        """Add one entry under a key not used before; durable when this returns (committed with the
        appends that arrived meanwhile: the module docstring)."""
        me = _Waiting((key, data))
        with self._queue:
            self._waiting.append(me)
            while self._committing and not me.done:
                self._queue.wait()
            if me.done:  # another thread's commit held it
                batch: list[_Waiting] = []
            else:
                batch, self._waiting = self._waiting, []
                self._committing = True
        if batch:
            try:
                self._commit(batch)
            finally:
                with self._queue:
                    for w in batch:
                        if not w.written and w.error is None:  # interrupted: the others must not wait on
                            w.error = StoreError(f"cannot write to the audit log {self.path!r}: the commit "
                                                 "was interrupted; this entry was not written")
                        w.done = True
                    self._committing = False
                    self._queue.notify_all()
        if me.error is not None:
            raise me.error

    def _commit(self, batch: list[_Waiting]) -> None:
        """Write the entries of ``batch`` in one transaction; when that fails, each in its own, so that
        each append has its own outcome."""
        sql = "INSERT INTO audit (key, data) VALUES (?, ?)"
        try:
            self._write(sql, [w.row for w in batch])
        except StoreError as e:
            if len(batch) == 1:
                batch[0].error = e
                return
        else:
            for w in batch:
                w.written = True
            return
        for w in batch:
            try:
                self._write(sql, [w.row])
                w.written = True
            except StoreError as e:
                w.error = e

    def put(self, key: str, data: str) -> None:
        """Insert or replace one entry (the store's ``put_side`` of kind audit)."""
        self._write("INSERT OR REPLACE INTO audit (key, data) VALUES (?, ?)", [(key, data)])

    def merge(self, entries: Iterable[tuple[str, str]]) -> None:
        """Add entries in one transaction, keeping any already there under the same key (a
        migration that ran before, and was rolled back in the database, copies them again)."""
        self._write("INSERT OR IGNORE INTO audit (key, data) VALUES (?, ?)", entries)

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM audit WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def list(self, *, after: str | None = None, limit: int | None = None) -> builtins.list[tuple[str, str]]:
        """(key, data) in key order, after ``after``, at most ``limit``."""
        with self._lock:
            return self._conn.execute(
                "SELECT key, data FROM audit WHERE key > ? ORDER BY key LIMIT ?",
                (after or "", -1 if limit is None else limit),
            ).fetchall()

    def clear(self) -> None:
        """Delete every entry (the store's ``clear``: tests, demos)."""
        with self._lock:
            self._conn.execute("DELETE FROM audit")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _prepare(c: sqlite3.Connection, path: str) -> None:
    """Make the tables in a new (or empty) file, or check the file is an audit log; then WAL."""
    c.execute("BEGIN IMMEDIATE")
    try:
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
        if not names:
            for stmt in _DDL:
                c.execute(stmt)
            c.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                          [("application", APPLICATION), ("version", VERSION)])
        ours = not names or {"meta", "audit"} <= names
        meta = dict(c.execute("SELECT key, value FROM meta")) if ours else {}
        if meta.get("application") != APPLICATION:
            raise StoreError(f"{path!r} is in the place of the database's audit log but is not one: "
                             "move it away")
        if meta.get("version") != VERSION:
            raise StoreError(f"the audit log {path!r} has version {meta.get('version')}, but this Dolbom "
                             f"reads version {VERSION}; use the Dolbom release that wrote it")
        c.execute("COMMIT")
    except BaseException:
        if c.in_transaction:
            c.execute("ROLLBACK")
        raise
    mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"cannot switch the audit log {path!r} to WAL (journal mode is {mode!r})")
