"""The file's tables, its schema version, and bringing an older file up to it.

:func:`open_file` creates the tables in an empty file, or checks that a file
is a Dolbom database of a version this code reads, migrating an older one in
place; a file from a newer version, or that is not a Dolbom database, is
refused with a clear :class:`StoreError`, untouched. What a row's ``data``
holds is :mod:`graph.embedded.rows`' business; rows stored in an older layout
are rewritten through it.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from ..errors import StoreError, ValidationError
from ..model import Record
from . import rows

SCHEMA_VERSION = 3
APPLICATION = "dolbom"

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


def _rows_as_arrays(c: sqlite3.Connection) -> None:
    """Version 3: a row holds the array of the record's values but its key, not an object."""
    _rewrite_rows(c, None, rows.decode_object)


#: from version N to N+1, in place: the statements to run, or a function of the connection
_MIGRATIONS: dict[int, Any] = {1: (_SIDE_DDL,), 2: _rows_as_arrays}


def open_file(c: sqlite3.Connection, path: str) -> None:
    """Create the schema in an empty file, or check the file is ours and bring
    it up to date; only then switch it to WAL (a refused file is left exactly
    as it was). ``c``: a connection in autocommit mode; ``path`` names the
    file in errors."""
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
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database")
        try:
            meta = dict(c.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:  # someone else's table called meta
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database") from None
        if meta.get("application") != APPLICATION:
            raise StoreError(f"{path!r} is a SQLite file but not a Dolbom database")
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
                f"{path!r} has schema version {version}, but this Dolbom reads version "
                f"{SCHEMA_VERSION}; use the Dolbom release that wrote it, or export and reload"
            )
        _check_fields(c, meta, path)
        c.execute("COMMIT")
    except BaseException:
        if c.in_transaction:
            c.execute("ROLLBACK")
        raise
    mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"cannot switch {path!r} to WAL (journal mode is {mode!r})")


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
