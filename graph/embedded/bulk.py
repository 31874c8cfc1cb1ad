"""The embedded store's bulk load (the protocol: :mod:`graph.bulk`).

The few thousand regions, organizations, agreements, services and volunteers
are checked in memory by the shared unit-of-work rules; households, needs,
referrals and receipts — the millions — stream straight into the SQLite
transaction, so memory does not grow with them. They may come as
:class:`Prepared` rows, built without the record object
(:mod:`loaders.fastrows`). Their checks go a batch at a time, set-wise, in the
records table's own keys: the ids a batch names are looked up there (one
range read when they are a narrow run); a key new to the store that is
already in the table came earlier in this load (a duplicate, caught by the
primary key); only keys the store had before the load, and keys of rows left
out for a bad reference, are noted in a temporary table. Single rows are
looked at only in a batch that holds a problem. Rows equal to what is stored
are not rewritten: loading the same bundle twice changes nothing. The
in-memory view catches up on the next read, as it does after another
process's write.

What the load needs of the store is :class:`Target`: a writer's turn
(:class:`Turn`, the store's :class:`graph.embedded.store.WriteTurn`) whose
transaction it writes rows into, and the committed records to check against.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Final, NamedTuple, Protocol, Self, cast

from ..bulk import BulkStats, Problems, duplicate, prune_invalid
from ..errors import ValidationError, no_record
from ..model import RECORD_TYPES, Need, Record
from ..store import UnitOfWork
from . import rows as _rows
from .tables import DROP_SEQ_INDEX, SEQ_INDEX


class Prepared(NamedTuple):
    """A record of a big kind as the bulk load needs it: the key, the stored
    row's data and the ids it names, without the record object. A loader can
    build it straight from its input (:mod:`loaders.fastrows`, with
    :func:`graph.embedded.rows.row_encoder`); :meth:`of` builds it from a record."""

    key: str
    #: the row's data: what :func:`graph.embedded.rows.encode` gives the record
    data: str
    #: ``(field as the contract names it, target label, target id)`` per id named, in
    #: :meth:`Record.refs` order
    refs: tuple[tuple[str, str, str], ...]
    #: a need's or a referral's household
    household_id: str | None = None
    #: a referral's needs
    need_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, rec: Record) -> Prepared:
        refs = tuple((ref.contract_name, tl, tk) for ref, tl, tk in rec.refs())
        return cls(rec.key, _rows.encode(rec), refs, getattr(rec, "household_id", None),
                   getattr(rec, "need_ids", ()))


class Turn(Protocol):
    """A writer's turn at the store's file (:class:`graph.embedded.store.WriteTurn`)."""

    #: the connection whose write transaction is open
    conn: sqlite3.Connection
    #: what rows written in the turn are stamped with
    seq: int

    def records(self, label: str) -> Mapping[str, Record]:
        """The committed records of ``label`` by key (as of the turn's start)."""
        ...

    def referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        """The committed records that name ``label``/``key`` or that it names."""
        ...

    def commit(self, *, wrote: bool) -> None:
        """Commit; ``wrote``: rows stamped with ``seq`` were written."""
        ...

    def close(self) -> None:
        """Roll back what was not committed; end the turn."""
        ...


class Target(Protocol):
    """What the bulk load needs of the store (:class:`graph.embedded.EmbeddedStore`)."""

    path: str

    def begin_write(self, *, nested: str = ...) -> Turn:
        """The writer's turn; ``nested``: the error if this thread's turn is already under way."""
        ...


#: where a row's parts are (a worker process sends rows as plain tuples in this order)
_KEY: Final = 0
_DATA: Final = 1
_REFS: Final = 2
_HOUSEHOLD: Final = 3
_NEEDS: Final = 4

#: kinds few enough to check in memory with the unit-of-work rules
SMALL = frozenset({"Region", "Organization", "Agreement", "Service", "Volunteer"})

_IN_CHUNK = 500  # ids per "IN (...)" query
#: notes that a key came (on a line), unless it came before
_CLAIM = "INSERT OR IGNORE INTO temp.bulk_seen (label, key, line) VALUES (?, ?, ?)"
_RANGE_MIN = 32  # ids a batch must name before one range read is tried


class _MemoryUnitOfWork(UnitOfWork):
    """The rules, checked against the store's memory plus what this load staged."""

    def __init__(self, load: EmbeddedBulkLoad) -> None:
        super().__init__()
        self._load = load

    def _committed(self, label: str, key: str) -> Record | None:
        return self._load._lookup_record(label, key)

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        return self._load._turn_now().referrers(label, key)


#: a load expected to bring fewer rows than this keeps the seq index as it goes
_REINDEX_MIN = 50_000


class EmbeddedBulkLoad:
    """See the module doc. ``expected_rows`` (a guess is fine) lets a load that
    brings at least as many rows as the store holds drop the records' seq index
    and build it once at the end, which costs less than keeping it row by row."""

    def __init__(self, store: Target, *, expected_rows: int = 0) -> None:
        self._store = store
        self._turn: Turn | None = None
        self._c: sqlite3.Connection  # the turn's, once entered
        #: small kinds already checked and written: label -> key -> record
        self._small: dict[str, dict[str, Record]] = {}
        #: the small kind being fed: key -> (line, record)
        self._pending: dict[str, tuple[int, Record]] = {}
        self._seq = 0
        self.stats = BulkStats()
        self._expected = expected_rows
        self._reindex = False
        #: (kind loaded, kind named) whose named ids proved too spread out for range reads
        self._wide: set[tuple[str, str]] = set()
        #: per kind: rows left out for a bad reference, whose keys are claimed in bulk_seen
        self._rejected: dict[str, int] = {}

    # -- the transaction ---------------------------------------------------------

    def __enter__(self) -> Self:
        turn = self._turn = self._store.begin_write(nested="a bulk load cannot run inside a unit of work")
        try:
            c = self._c = turn.conn
            self._seq = turn.seq
            c.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bulk_seen (label TEXT NOT NULL, key TEXT NOT NULL,"
                " line INTEGER NOT NULL, PRIMARY KEY (label, key)) WITHOUT ROWID"
            )
            c.execute("DELETE FROM temp.bulk_seen")
            stored = sum(len(turn.records(label)) for label in RECORD_TYPES)
            if self._expected >= max(_REINDEX_MIN, stored):
                c.execute(DROP_SEQ_INDEX)
                self._reindex = True
        except BaseException:
            self.__exit__(None, None, None)  # roll back and end the turn
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._turn is not None:
            self._turn.close()

    def commit(self) -> BulkStats:
        if self._pending:
            raise RuntimeError("end() the kind being loaded before committing")
        turn = self._turn_now()
        if self._reindex:
            turn.conn.execute(SEQ_INDEX)
        turn.conn.execute("DELETE FROM temp.bulk_seen")
        # the in-memory view replays the rows stamped with our seq on its next read
        turn.commit(wrote=self.stats.written > 0)
        return self.stats

    def _turn_now(self) -> Turn:
        if self._turn is None:
            raise RuntimeError("the bulk load is not open: use it in a with block")
        return self._turn

    # -- feeding -------------------------------------------------------------------

    def takes_prepared(self, label: str) -> bool:
        """Whether :meth:`add_rows` takes :class:`Prepared` rows of ``label`` (the big kinds)."""
        return label not in SMALL

    def add_rows(self, label: str, lines: list[int], rows: list[Any]) -> Problems:
        """Feed rows of ``label`` and the lines they came from: records, or for
        the big kinds :class:`Prepared` rows (or plain tuples in its order)."""
        if label in SMALL:
            problems: Problems = []
            for line, rec in zip(lines, rows, strict=True):
                first = self._pending.get(rec.key)
                if first is not None:
                    problems.append((label, line, duplicate(label, rec.key, first[0])))
                else:
                    self._pending[rec.key] = (line, rec)
            return problems
        return self._add_big(label, lines, rows)

    def end(self, label: str) -> Problems:
        """Check the rules that need the whole kind (region trees, services that
        exclude each other) and write what passes."""
        if label not in SMALL:
            return []
        uow = _MemoryUnitOfWork(self)
        lines = {}
        for key, (line, rec) in self._pending.items():
            uow.put(rec)
            lines[(label, key)] = line
        problems = prune_invalid(uow, lines)
        dropped = {e.record[1] for _, _, e in problems if e.record is not None}
        self._small[label] = {key: rec for key, (_, rec) in self._pending.items() if key not in dropped}
        self._pending = {}
        changed = [rec for rec in uow.staged.values() if rec is not None]
        self._write(changed)
        self.stats.unchanged += len(self._small[label]) - len(changed)
        return problems

    def finish(self) -> Problems:
        """Nothing is left to check here: every kind was checked as it came."""
        return []

    # -- the big kinds: streamed ----------------------------------------------------------

    def _add_big(self, label: str, lines: list[int], rows: list[Any]) -> Problems:
        """Check a batch of a big kind and write what passes. Set-wise: a row is
        looked at on its own only when its batch holds a problem.

        As in a unit of work, the first row of a key claims it even when that
        row is then left out for a bad reference: a later copy is a duplicate."""
        problems: Problems = []
        if not all(isinstance(r, tuple) for r in rows):
            rows = [r if isinstance(r, tuple) else Prepared.of(r) for r in rows]
        repeats: list[tuple[int, str, int]] = []
        if len({r[_KEY] for r in rows}) != len(rows):
            lines, rows, repeats = self._drop_repeats(lines, rows)
        #: key -> first line (None: not known here) of rows found to repeat a key of an earlier batch
        firsts: dict[str, int | None] = {}
        if self._rejected.get(label):  # keys claimed by rows left out earlier
            claimed = self._seen_lines(label, [r[_KEY] for r in rows])
            if claimed:
                kept = []
                for line, row in zip(lines, rows, strict=True):
                    if row[_KEY] in claimed:
                        firsts[row[_KEY]] = claimed[row[_KEY]]
                        problems.append((label, line, duplicate(label, row[_KEY], claimed[row[_KEY]])))
                    else:
                        kept.append((line, row))
                lines, rows = [x[0] for x in kept], [x[1] for x in kept]
        bad = self._check_refs(label, rows)
        if bad:
            kept, claims = [], []
            for line, row in zip(lines, rows, strict=True):
                err = bad.get(row[_KEY])
                if err is None:
                    kept.append((line, row))
                else:
                    err.record = (label, row[_KEY])
                    problems.append((label, line, err))
                    claims.append((label, row[_KEY], line))
            lines, rows = [x[0] for x in kept], [x[1] for x in kept]
            self._c.executemany(_CLAIM, claims)
            self._rejected[label] = self._rejected.get(label, 0) + len(claims)
        stored = self._turn_now().records(label)
        if not stored:
            self._insert_new(label, lines, rows, problems, firsts)
        else:  # keys the store had before the load go the careful way
            new = [(line, r) for line, r in zip(lines, rows, strict=True) if r[_KEY] not in stored]
            old = [(line, r) for line, r in zip(lines, rows, strict=True) if r[_KEY] in stored]
            if new:
                self._insert_new(label, [x[0] for x in new], [x[1] for x in new], problems, firsts)
            if old:
                self._rewrite_old(label, [x[0] for x in old], [x[1] for x in old], problems, firsts)
        # a later copy within the batch points where its key first came, in this batch or before
        for line, key, first in repeats:
            problems.append((label, line, duplicate(label, key, firsts.get(key, first))))
        return problems

    def _insert_new(self, label: str, lines: list[int], rows: list[Prepared], problems: Problems,
                    firsts: dict[str, int | None]) -> None:
        """Insert rows whose keys the store did not have before the load. Such a
        key already in the table came earlier in this load: a duplicate, found
        by the table's own key (its first line is not known here)."""
        seq = self._seq
        params = [(label, r[_KEY], r[_DATA], seq) for r in rows]
        start = 0
        while start < len(params):
            before = self._c.total_changes
            try:
                self._c.executemany("INSERT INTO records (label, key, data, seq) VALUES (?, ?, ?, ?)",
                                    params[start:] if start else params)
            except sqlite3.IntegrityError as e:
                if "UNIQUE" not in str(e):
                    raise
                at = start + self._c.total_changes - before
                self.stats.written += at - start
                firsts[rows[at][_KEY]] = None
                problems.append((label, lines[at], duplicate(label, rows[at][_KEY], None)))
                start = at + 1
            else:
                self.stats.written += len(params) - start
                return

    def _rewrite_old(self, label: str, lines: list[int], rows: list[Prepared], problems: Problems,
                     firsts: dict[str, int | None]) -> None:
        """Upsert rows whose keys the store had before the load; their keys are
        noted (with their lines) to tell a key that comes twice in the load."""
        claims = [(label, r[_KEY], line) for line, r in zip(lines, rows, strict=True)]
        before = self._c.total_changes
        self._c.executemany(_CLAIM, claims)
        if self._c.total_changes - before < len(claims):
            first = self._seen_lines(label, [r[_KEY] for r in rows])
            kept = []
            for line, row in zip(lines, rows, strict=True):
                if first[row[_KEY]] != line:
                    firsts[row[_KEY]] = first[row[_KEY]]
                    problems.append((label, line, duplicate(label, row[_KEY], first[row[_KEY]])))
                else:
                    kept.append(row)
            rows = kept
        seq = self._seq
        self._write_rows([(label, r[_KEY], r[_DATA], seq) for r in rows])

    @staticmethod
    def _drop_repeats(lines: list[int], rows: list[Prepared]
                      ) -> tuple[list[int], list[Prepared], list[tuple[int, str, int]]]:
        """Leave out the rows whose key came earlier in the same batch; returns
        the rest and ``(line, key, first line in the batch)`` of those left out."""
        first: dict[str, int] = {}
        kept_lines, kept, repeats = [], [], []
        for line, row in zip(lines, rows, strict=True):
            key = row[_KEY]
            if key in first:
                repeats.append((line, key, first[key]))
            else:
                first[key] = line
                kept_lines.append(line)
                kept.append(row)
        return kept_lines, kept, repeats

    def _check_refs(self, label: str, rows: list[Prepared]) -> dict[str, ValidationError]:
        """``key -> error`` of the rows that name a record that is neither stored
        nor loaded, move a need to another household, or refer a need of
        another household (each row's first problem, in :meth:`Record.refs` order)."""
        turn = self._turn_now()
        memory = {tl: turn.records(tl) for tl in RECORD_TYPES}
        small = self._small
        # a referral's household is not looked up: its needs' owner must be it, and a
        # need is only ever stored with a household that exists
        implied = "Household" if label == "Referral" else None
        wanted: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            for _, tl, tk in r[_REFS]:
                if tl != implied:
                    wanted[tl].add(tk)
        # what is not in the store's memory nor among the small kinds must have come in this load
        loaded: dict[str, dict[str, str | None]] = {}
        absent = False
        for tl, keys in wanted.items():
            keys = keys - memory[tl].keys() - small.get(tl, {}).keys()
            found = loaded[tl] = self._loaded(tl, keys, owners=label == "Referral" and tl == "Need", by=label)
            absent = absent or len(found) < len(keys)
        bad: dict[str, ValidationError] = {}
        if absent:
            for r in rows:
                for field, tl, tk in r[_REFS]:
                    if (tl != implied and tk not in loaded[tl] and tk not in memory[tl]
                            and tk not in small.get(tl, ())):
                        bad[r[_KEY]] = no_record(field, tl, tk)
                        break
        needs = cast(Mapping[str, Need], memory["Need"])
        if label == "Need" and needs:
            for r in rows:
                old = needs.get(r[_KEY])
                if old is not None and old.household_id != r[_HOUSEHOLD] and r[_KEY] not in bad:
                    bad[r[_KEY]] = ValidationError("householdId",
                                                   f"need {r[_KEY]!r} belongs to another household")
        elif label == "Referral":
            for r in rows:
                if r[_KEY] in bad:
                    continue
                for nid in r[_NEEDS]:
                    need = needs.get(nid)
                    owner = need.household_id if need is not None else loaded["Need"][nid]
                    if owner != r[_HOUSEHOLD]:
                        bad[r[_KEY]] = ValidationError(
                            "needIds", f"need {nid!r} is not a need of household {r[_HOUSEHOLD]!r}")
                        break
            if bad:  # a missing household is the first problem of a referral that names it
                households = {r[_HOUSEHOLD] for r in rows if r[_KEY] in bad and r[_HOUSEHOLD] is not None}
                households -= memory["Household"].keys()
                found = self._loaded("Household", households)
                for r in rows:
                    hid = r[_HOUSEHOLD]
                    if r[_KEY] in bad and hid in households and hid not in found:
                        bad[r[_KEY]] = no_record("householdId", "Household", hid)
        return bad

    # -- SQL -----------------------------------------------------------------------------

    def _loaded(self, label: str, keys: set[str], *, owners: bool = False,
                by: str = "") -> dict[str, str | None]:
        """Those of ``keys`` this load wrote (they are in the table but not in
        the store's memory); ``key -> household`` of needs when ``owners``.

        Files usually come sorted, so a batch names a narrow run of keys: one
        range read finds them all. When the run is wide (other rows between),
        the read stops early, the rest are looked up one by one, and ``by``'s
        file does not try range reads of ``label`` again."""
        out: dict[str, str | None] = {}
        if not keys:
            return out
        what = f"key, {_rows.field_sql('Need', 'household_id')}" if owners else "key, NULL"
        todo = sorted(keys)
        if len(todo) >= _RANGE_MIN and (by, label) not in self._wide:
            limit = 2 * len(todo) + 64
            rows = self._c.execute(f"SELECT {what} FROM records WHERE label = ? AND key BETWEEN ? AND ?"
                                   f" ORDER BY key LIMIT ?", (label, todo[0], todo[-1], limit)).fetchall()
            out.update((k, v) for k, v in rows if k in keys)
            if len(rows) < limit or len(out) == len(keys):
                return out
            self._wide.add((by, label))
            todo = [k for k in todo if k not in out]
        out.update(self._select_in(f"SELECT {what} FROM records", label, todo))
        return out

    def _seen_lines(self, label: str, keys: list[str]) -> dict[str, int]:
        """``key -> line`` of those ``keys`` (stored before the load) this load rewrote."""
        return self._select_in("SELECT key, line FROM temp.bulk_seen", label, keys)

    def _select_in(self, select: str, label: str, keys: list[str]) -> dict[str, Any]:
        """``select`` (two columns, the first the key; a fixed text, never input)
        of the rows of ``label`` whose key is one of ``keys``, a chunk at a time."""
        out: dict[str, Any] = {}
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i:i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            out.update(self._c.execute(f"{select} WHERE label = ? AND key IN ({marks})", (label, *chunk)))
        return out

    def _write(self, records: list[Record]) -> None:
        seq = self._seq
        self._write_rows([(r.LABEL, r.key, _rows.encode(r), seq) for r in records])

    def _write_rows(self, rows: list[tuple[str, str, str, int]]) -> None:
        """Upsert ``(label, key, data, seq)`` rows; a row equal to the stored one is left alone."""
        if not rows:
            return
        before = self._c.total_changes
        self._c.executemany(
            "INSERT INTO records (label, key, data, seq) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (label, key) DO UPDATE SET data = excluded.data, seq = excluded.seq"
            " WHERE records.data != excluded.data",
            rows,
        )
        changed = self._c.total_changes - before
        self.stats.written += changed
        self.stats.unchanged += len(rows) - changed

    def _lookup_record(self, label: str, key: str) -> Record | None:
        rec = self._small.get(label, {}).get(key)
        return rec if rec is not None else self._turn_now().records(label).get(key)
