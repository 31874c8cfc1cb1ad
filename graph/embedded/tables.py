"""The file's tables, its schema version, and bringing an older file up to it.

:func:`check_path` refuses, before SQLite touches anything, a path that is
not a database to open: a missing file or an empty (0-byte) one unless
creation is asked for, a directory, a file that is not SQLite at all.
:func:`open_file` then creates the tables in a new file (only when asked to),
or checks that a file is a Dolbom database of a version this code reads,
migrating an older one in place after copying it aside (:func:`backup`); a
file from a newer version, or that is not a Dolbom database, is refused with
a clear :class:`StoreError`, untouched. What a row's ``data`` holds is
:mod:`graph.embedded.rows`' business; rows stored in an older layout are
rewritten through it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import StoreError, ValidationError
from ..model import Record
from . import auditlog, rows

SCHEMA_VERSION = 4
APPLICATION = "dolbom"
#: the first bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"

log = logging.getLogger("dolbom.store")

#: version 2: side records (API tokens, later the audit log), kept out of the graph
_SIDE_DDL = (
    "CREATE TABLE side (kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
    " PRIMARY KEY (kind, key)) WITHOUT ROWID"
)

#: what the store reads to catch up with other writers; a big bulk load drops it and builds it again
SEQ_INDEX = "CREATE INDEX records_seq ON records (seq)"
DROP_SEQ_INDEX = "DROP INDEX records_seq"

_DDL = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ("CREATE TABLE records (label TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
     " seq INTEGER NOT NULL, PRIMARY KEY (label, key)) WITHOUT ROWID"),
    SEQ_INDEX,
    ("CREATE TABLE tombstones (label TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
     " PRIMARY KEY (label, key)) WITHOUT ROWID"),
    _SIDE_DDL,
)


def _rows_as_arrays(c: sqlite3.Connection, path: str) -> None:
    """Version 3: a row holds the array of the record's values but its key, not an object."""
    _rewrite_rows(c, None, rows.decode_object)


def _audit_to_own_file(c: sqlite3.Connection, path: str) -> None:
    """Version 4: audit entries live in their own file (:mod:`graph.embedded.auditlog`), so
    that appending one never waits for the database's writer. They are copied there
    (durably, keeping any a rolled-back earlier try copied), then deleted here."""
    log_file = auditlog.AuditLog(auditlog.path_for(path))
    try:
        after = ""
        while True:
            chunk = c.execute("SELECT key, data FROM side WHERE kind = 'audit' AND key > ? ORDER BY key"
                              " LIMIT 5000", (after,)).fetchall()
            if not chunk:
                break
            log_file.merge(chunk)
            after = chunk[-1][0]
    finally:
        log_file.close()
    c.execute("DELETE FROM side WHERE kind = 'audit'")


#: from version N to N+1, in place: the statements to run, or a function of the connection and path
_MIGRATIONS: dict[int, Any] = {1: (_SIDE_DDL,), 2: _rows_as_arrays, 3: _audit_to_own_file}


def check_path(path: str, *, create: bool) -> None:
    """Refuse, with a :class:`StoreError` naming ``path``, what is no database to open:
    a missing file or a 0-byte one (a mistyped path, a copy that failed) unless
    ``create``; a directory; a file that is not SQLite; an empty database file whose
    write-ahead log is not empty (the file was lost or cut short: never start over it)."""
    wal = path + "-wal"
    try:
        size: int | None = os.path.getsize(path)
    except FileNotFoundError:
        size = None
    except OSError as e:
        raise StoreError(f"cannot open {path!r}: {e.strerror or e}") from None
    if os.path.isdir(path):
        raise StoreError(f"{path!r} is a directory, not a Dolbom database")
    if not size and os.path.exists(wal) and os.path.getsize(wal) > 0:
        raise StoreError(f"{path!r} is {'missing' if size is None else 'empty'} but its write-ahead log "
                         f"{wal!r} is not: the database file was lost or cut short; restore it from a "
                         "backup, or move the log away to start over")
    if size is None and not create:
        raise StoreError(f"there is no Dolbom database at {path!r} (no such file); check the path, or make "
                         f"a new one there with `dolbom init --db {path}`")
    if size == 0 and not create:
        raise StoreError(f"{path!r} is an empty file (0 bytes), not a Dolbom database; check the path, "
                         f"or make a new database in it with `dolbom init --db {path}`")
    if size:
        try:
            with open(path, "rb") as f:
                head = f.read(len(SQLITE_HEADER))
        except OSError as e:
            raise StoreError(f"cannot read {path!r}: {e.strerror or e}") from None
        if head != SQLITE_HEADER:
            raise StoreError(f"{path!r} is not a Dolbom database: it is not a SQLite file at all")


@dataclass(frozen=True)
class Opened:
    """What :func:`open_file` found and did."""

    #: the file was new (or held no tables) and now holds an empty Dolbom database
    created: bool = False
    #: the schema version the file had, when it was brought up to date (rows rewritten or version moved)
    migrated_from: str | None = None
    #: where the file was copied before that
    backup: str | None = None


def open_file(c: sqlite3.Connection, path: str, *, create: bool = True) -> Opened:
    """Create the schema in an empty file (when ``create``), or check the file
    is ours and bring it up to date, copying it aside first (:func:`backup`);
    only then switch it to WAL (a refused file is left exactly as it was).
    ``c``: a connection in autocommit mode; ``path`` names the file in errors."""
    opened = Opened()
    c.execute("BEGIN IMMEDIATE")
    try:
        objects = [r[0] for r in c.execute("SELECT name FROM sqlite_master")]
        if not objects and not create:
            raise StoreError(f"{path!r} is an empty SQLite database, not a Dolbom one; make a new "
                             f"Dolbom database in it with `dolbom init --db {path}`")
        if not objects:
            opened = Opened(created=True)
            for stmt in _DDL:
                c.execute(stmt)
            c.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION)), ("seq", "0")],
            )
        elif "meta" not in objects:
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database")
        try:
            meta = dict(c.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:  # someone else's table called meta
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database") from None
        if meta.get("application") != APPLICATION:
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database")
        version = meta.get("schema_version")
        older = version is not None and version.isdigit() and int(version) in _MIGRATIONS
        if older or version == str(SCHEMA_VERSION) and _fields_differ(meta):
            opened = Opened(migrated_from=version, backup=backup(path, str(version)))
        while version is not None and version.isdigit() and int(version) in _MIGRATIONS:
            step = _MIGRATIONS[int(version)]
            if callable(step):
                step(c, path)
            else:
                for stmt in step:
                    c.execute(stmt)
            version = str(int(version) + 1)
            c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"{path!r} has schema version {version}, but this Dolbom reads version "
                f"{SCHEMA_VERSION}; use the Dolbom release that wrote it, or export and reload"
            )
        _check_fields(c, meta, path)
        c.execute("COMMIT")
    except BaseException:
        if c.in_transaction:
            c.execute("ROLLBACK")
        if opened.backup is not None:  # nothing was changed: the copy is not needed
            os.remove(opened.backup)
        raise
    mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"cannot switch {path!r} to WAL (journal mode is {mode!r})")
    if opened.backup is not None:
        log.warning("brought %r up to date (schema version %s to %s); the file as it was is kept at %r",
                    path, opened.migrated_from, SCHEMA_VERSION, opened.backup)
    return opened


def backup(path: str, version: str) -> str:
    """Copy the database at ``path`` to ``<path>.bak-v<version>-<UTC time>`` with SQLite's
    backup API (a consistent copy, what is still in the WAL included) and return where.
    Called with the write lock held, so nothing changes under the copy; the copy is
    written under another name and renamed when whole."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = f"{path}.bak-v{version}-{stamp}"
    n = 1
    while os.path.exists(target):
        n += 1
        target = f"{path}.bak-v{version}-{stamp}-{n}"
    part = target + ".part"
    try:
        src = sqlite3.connect(path, timeout=0)
        try:
            dst = sqlite3.connect(part)
            try:
                dst.execute("PRAGMA synchronous=FULL")
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(part, target)
    except (sqlite3.Error, OSError) as e:
        for leftover in (part, part + "-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise StoreError(f"cannot copy {path!r} aside before bringing it up to date ({e}); "
                         "nothing was changed") from None
    return target


def _fields_differ(meta: dict[str, str]) -> bool:
    """Rows will be rewritten: some kind's stored field order is not today's."""
    return any((have := meta.get(f"fields:{label}")) is not None and have != json.dumps(fields)
               for label, fields in rows.FIELDS.items())


def _check_fields(c: sqlite3.Connection, meta: dict[str, str], path: str) -> None:
    """Note each kind's field order; rows written with another order (a
    model that gained a field, or moved one) are rewritten in today's. A
    file holding a field this model does not know was written by a newer
    Dolbom: it is refused rather than stripped of it."""
    for label, fields in rows.FIELDS.items():
        want = json.dumps(fields)
        have = meta.get(f"fields:{label}")
        if have == want:
            continue
        if have is not None:
            old = tuple(json.loads(have))
            unknown = sorted(set(old) - set(fields))
            if unknown:
                raise StoreError(f"{path!r} holds {label} fields this Dolbom does not know "
                                 f"({', '.join(unknown)}); use the Dolbom release that wrote it")
            _rewrite_rows(c, label, functools.partial(_decode_in, old))
        c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"fields:{label}", want))


def _decode_in(fields: tuple[str, ...], label: str, key: str, data: str) -> Record:
    return rows.decode(label, key, data, fields)


def _rewrite_rows(c: sqlite3.Connection, label: str | None,
                  decode: Callable[[str, str, str], Record]) -> None:
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
        out = []
        for lb, key, data in chunk:
            try:
                out.append((rows.encode(decode(lb, key, data)), lb, key))
            except (ValidationError, ValueError, TypeError) as e:
                raise StoreError(f"cannot bring the stored {lb} {key!r} up to date: {e}; nothing was changed"
                                 ) from None
        c.executemany("UPDATE records SET data = ? WHERE label = ? AND key = ?", out)
        after = chunk[-1][:2]
