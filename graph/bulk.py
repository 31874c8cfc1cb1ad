"""Bulk loading: one all-or-nothing write of many records, fed in batches.

A loader opens a bulk load on a store, feeds it records kind by kind in the
bundle's order (nothing names a record of a later kind), each with a *line*
(any integer the loader uses to point at where the record came from), and at
the end commits or walks away (everything is rolled back). Where
``load.takes_prepared(label)``, a row may come as a :class:`Prepared` instead
of a record: the stored JSON and the ids it names, built without the record
object (the fast way of :mod:`loaders.fastrows`)::

    with bulk_load(store) as load:
        for label, lines, rows in batches:
            problems = load.add_rows(label, lines, rows)   # [(label, line, error)]
            ...
            problems += load.end(label)            # rules that need the whole kind
        problems += load.finish()                  # rules left for the end
        stats = load.commit()

Problem records are left out and reported; the caller decides whether that
aborts the load (leave the block without committing) or not. Every rule of
:class:`graph.store.UnitOfWork` holds for what is committed.

Two implementations:

* :class:`EmbeddedBulkLoad`, for :class:`graph.embedded.EmbeddedStore`: the
  few thousand regions, organizations, agreements, services and volunteers are
  checked in memory by the shared unit-of-work rules; households, needs,
  referrals and receipts — the millions — stream straight into the SQLite
  transaction, so memory does not grow with them. Their checks go a batch at
  a time, set-wise, in the records table's own keys: the ids a batch names are
  looked up there (one range read when they are a narrow run); a key new to
  the store that is already in the table came earlier in this load (a
  duplicate, caught by the primary key); only keys the store had before the
  load, and keys of rows left out for a bad reference, are noted in a
  temporary table. Single rows are looked at only in a
  batch that holds a problem. Rows equal to what is stored are not
  rewritten: loading the same bundle twice changes nothing. The in-memory
  view catches up on the next read, as it does after another process's write.
* :class:`UnitOfWorkLoad`, for any other store (Neo4j): one unit of work
  holding the whole load.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .errors import ConflictError, NotFoundError, StoreError, ValidationError
from .model import Record, split_receipt_key
from .store import UnitOfWork

if TYPE_CHECKING:  # pragma: no cover
    from .embedded import EmbeddedStore

class Prepared(NamedTuple):
    """A record of a big kind as the bulk load needs it: the key, the stored
    JSON and the ids it names, without the record object. A loader can build
    it straight from its input (:mod:`loaders.fastrows`); :meth:`of` builds it
    from a record."""

    key: str
    #: the record as stored: what :func:`graph.embedded._encode` gives
    data: str
    #: ``(field as the contract names it, target label, target id)`` per id named, in :meth:`Record.refs` order
    refs: tuple[tuple[str, str, str], ...]
    #: a need's or a referral's household
    household_id: str | None = None
    #: a referral's needs
    need_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, rec: Record) -> Prepared:
        from .embedded import _encode

        return cls(rec.key, _encode(rec), tuple((ref.contract_name, tl, tk) for ref, tl, tk in rec.refs()),
                   getattr(rec, "household_id", None), getattr(rec, "need_ids", ()))


#: where a row's parts are (a worker process sends rows as plain tuples in this order)
_KEY, _DATA, _REFS, _HOUSEHOLD, _NEEDS = range(5)
#: (label, line, error) of each record left out
Problems = list[tuple[str, int, ValidationError]]

#: kinds few enough to check in memory with the unit-of-work rules
SMALL = frozenset({"Region", "Organization", "Agreement", "Service", "Volunteer"})

_IN_CHUNK = 500  # ids per "IN (...)" query
_RANGE_MIN = 32  # ids a batch must name before one range read is tried


@dataclass
class BulkStats:
    #: records written (new or changed)
    written: int = 0
    #: records equal to what was stored, left alone
    unchanged: int = 0


def duplicate(label: str, key: str, first_line: int | None) -> ConflictError:
    """A key that came twice; ``first_line`` None when the bulk load does not
    know where it came first (the loader may look: ``err.duplicate`` is the key)."""
    where = f"first on line {first_line}" if first_line is not None else "it came earlier in this file"
    if label == "Receipt":
        household, service = split_receipt_key(key)
        err = ConflictError("serviceId", f"household {household!r} receives service {service!r} twice ({where})")
    else:
        err = ConflictError("id", f"duplicate id {key!r} ({where})")
    err.duplicate, err.first_line = key, first_line  # type: ignore[attr-defined]
    return err


def prune_invalid(uow: UnitOfWork, lines: dict[tuple[str, str], int]) -> Problems:
    """Validate ``uow``; drop each staged record that breaks a rule, until the
    rest pass. Returns the dropped records' lines and errors."""
    problems: Problems = []
    while True:
        try:
            uow.validate()
            return problems
        except ValidationError as e:
            if e.record is None or e.record not in uow.staged:
                raise
            problems.append((e.record[0], lines.get(e.record, 0), e))
            del uow.staged[e.record]


class _MemoryUnitOfWork(UnitOfWork):
    """The rules, checked against the store's memory plus what this load staged."""

    def __init__(self, load: EmbeddedBulkLoad) -> None:
        super().__init__()
        self._load = load

    def _committed(self, label: str, key: str) -> Record | None:
        return self._load._lookup_record(label, key)

    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        return self._load._store_uow._committed_referrers(label, key)


#: a load expected to bring fewer rows than this keeps the seq index as it goes
_REINDEX_MIN = 50_000


class EmbeddedBulkLoad:
    """See the module doc. ``expected_rows`` (a guess is fine) lets a load that
    brings at least as many rows as the store holds drop the records' seq index
    and build it once at the end, which costs less than keeping it row by row."""

    def __init__(self, store: EmbeddedStore, *, expected_rows: int = 0) -> None:
        from .embedded import _EmbeddedUnitOfWork, _encode

        self._store = store
        self._encode = _encode
        self._store_uow = _EmbeddedUnitOfWork(store)
        self._c = store._wconn
        #: small kinds already checked and written: label -> key -> record
        self._small: dict[str, dict[str, Record]] = {}
        #: the small kind being fed: key -> (line, record)
        self._pending: dict[str, tuple[int, Record]] = {}
        self._seq = 0
        self.stats = BulkStats()
        self._open = False
        self._expected = expected_rows
        self._reindex = False
        #: (kind loaded, kind named) whose named ids proved too spread out for range reads
        self._wide: set[tuple[str, str]] = set()
        #: per kind: rows left out for a bad reference, whose keys are claimed in bulk_seen
        self._rejected: dict[str, int] = {}

    # -- the transaction ---------------------------------------------------------

    def __enter__(self) -> EmbeddedBulkLoad:
        store = self._store
        if getattr(store._in_uow, "active", False):
            raise RuntimeError("a bulk load cannot run inside a unit of work")
        store._wlock.acquire()
        store._in_uow.active = True
        try:
            self._c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            store._in_uow.active = False
            store._wlock.release()
            raise StoreError(f"the database {store.path!r} is busy: {e}") from None
        self._open = True
        try:
            store._sync()
            self._seq = store._seq + 1
            self._c.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bulk_seen (label TEXT NOT NULL, key TEXT NOT NULL,"
                " line INTEGER NOT NULL, PRIMARY KEY (label, key)) WITHOUT ROWID"
            )
            self._c.execute("DELETE FROM temp.bulk_seen")
            stored = sum(len(records) for records in store._records.values())
            if self._expected >= max(_REINDEX_MIN, stored):
                self._c.execute("DROP INDEX records_seq")
                self._reindex = True
        except BaseException:
            self.__exit__(None, None, None)  # roll back and let the store's lock go
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        store = self._store
        try:
            if self._open and self._c.in_transaction:
                self._c.execute("ROLLBACK")
        finally:
            self._open = False
            store._in_uow.active = False
            store._wlock.release()

    def commit(self) -> BulkStats:
        if self._pending:
            raise RuntimeError("end() the kind being loaded before committing")
        store = self._store
        if self._reindex:
            from .embedded import SEQ_INDEX

            self._c.execute(SEQ_INDEX)
        written = self.stats.written
        if written:
            self._c.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(self._seq),))
        self._c.execute("DELETE FROM temp.bulk_seen")
        with store._vlock:
            self._c.execute("COMMIT")
        # the in-memory view replays the rows stamped with our seq on its next read
        self._open = False
        return self.stats

    # -- feeding -------------------------------------------------------------------

    def takes_prepared(self, label: str) -> bool:
        """Whether :meth:`add_rows` takes :class:`Prepared` rows of ``label`` (the big kinds)."""
        return label not in SMALL

    def add_rows(self, label: str, lines: list[int], rows: list) -> Problems:
        """Feed rows of ``label`` and the lines they came from: records, or for
        the big kinds :class:`Prepared` rows (or plain tuples in its order)."""
        if label in SMALL:
            problems: Problems = []
            for line, rec in zip(lines, rows):
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

    def _add_big(self, label: str, lines: list[int], rows: list) -> Problems:
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
                for line, row in zip(lines, rows):
                    if row[_KEY] in claimed:
                        firsts[row[_KEY]] = claimed[row[_KEY]]
                        problems.append((label, line, duplicate(label, row[_KEY], claimed[row[_KEY]])))
                    else:
                        kept.append((line, row))
                lines, rows = [x[0] for x in kept], [x[1] for x in kept]
        bad = self._check_refs(label, rows)
        if bad:
            kept, claims = [], []
            for line, row in zip(lines, rows):
                err = bad.get(row[_KEY])
                if err is None:
                    kept.append((line, row))
                else:
                    err.record = (label, row[_KEY])
                    problems.append((label, line, err))
                    claims.append((label, row[_KEY], line))
            lines, rows = [x[0] for x in kept], [x[1] for x in kept]
            self._c.executemany("INSERT OR IGNORE INTO temp.bulk_seen (label, key, line) VALUES (?, ?, ?)", claims)
            self._rejected[label] = self._rejected.get(label, 0) + len(claims)
        stored = self._store._records[label]
        if not stored:
            self._insert_new(label, lines, rows, problems, firsts)
        else:  # keys the store had before the load go the careful way
            new = [(line, r) for line, r in zip(lines, rows) if r[_KEY] not in stored]
            old = [(line, r) for line, r in zip(lines, rows) if r[_KEY] in stored]
            if new:
                self._insert_new(label, [x[0] for x in new], [x[1] for x in new], problems, firsts)
            if old:
                self._rewrite_old(label, [x[0] for x in old], [x[1] for x in old], problems, firsts)
        # a later copy within the batch points where its key first came, in this batch or before
        for line, key, first in repeats:
            problems.append((label, line, duplicate(label, key, firsts[key] if key in firsts else first)))
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
        claims = [(label, r[_KEY], line) for line, r in zip(lines, rows)]
        before = self._c.total_changes
        self._c.executemany("INSERT OR IGNORE INTO temp.bulk_seen (label, key, line) VALUES (?, ?, ?)", claims)
        if self._c.total_changes - before < len(claims):
            first = self._seen_lines(label, [r[_KEY] for r in rows])
            kept = []
            for line, row in zip(lines, rows):
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
        for line, row in zip(lines, rows):
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
        memory = self._store._records
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
                    if tl != implied and tk not in loaded[tl] and tk not in memory[tl] and tk not in small.get(tl, ()):
                        bad[r[_KEY]] = NotFoundError(field, f"no {tl} with id {tk!r}")
                        break
        if label == "Need" and memory["Need"]:
            for r in rows:
                old = memory["Need"].get(r[_KEY])
                if old is not None and old.household_id != r[_HOUSEHOLD] and r[_KEY] not in bad:
                    bad[r[_KEY]] = ValidationError("householdId", f"need {r[_KEY]!r} belongs to another household")
        elif label == "Referral":
            needs = memory["Need"]
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
                households = {r[_HOUSEHOLD] for r in rows if r[_KEY] in bad}
                households -= memory["Household"].keys()
                found = self._loaded("Household", households)
                for r in rows:
                    hid = r[_HOUSEHOLD]
                    if r[_KEY] in bad and hid in households and hid not in found:
                        bad[r[_KEY]] = NotFoundError("householdId", f"no Household with id {hid!r}")
        return bad

    # -- SQL -----------------------------------------------------------------------------

    def _loaded(self, label: str, keys: set[str], *, owners: bool = False, by: str = "") -> dict[str, str | None]:
        """Those of ``keys`` this load wrote (they are in the table but not in
        the store's memory); ``key -> household`` of needs when ``owners``.

        Files usually come sorted, so a batch names a narrow run of keys: one
        range read finds them all. When the run is wide (other rows between),
        the read stops early, the rest are looked up one by one, and ``by``'s
        file does not try range reads of ``label`` again."""
        out: dict[str, str | None] = {}
        if not keys:
            return out
        if owners:
            from .embedded import FIELDS

            what = f"key, json_extract(data, '$[{FIELDS['Need'].index('household_id')}]')"
        else:
            what = "key, NULL"
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

    def _select_in(self, select: str, label: str, keys: list[str]) -> dict:
        """``select`` (two columns, the first the key; a fixed text, never input)
        of the rows of ``label`` whose key is one of ``keys``, a chunk at a time."""
        out: dict = {}
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i:i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            out.update(self._c.execute(f"{select} WHERE label = ? AND key IN ({marks})", (label, *chunk)))
        return out

    def _write(self, records: list[Record]) -> None:
        seq = self._seq
        self._write_rows([(r.LABEL, r.key, self._encode(r), seq) for r in records])

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
        return rec if rec is not None else self._store._records[label].get(key)


class UnitOfWorkLoad:
    """A bulk load for any store: everything in one unit of work."""

    def __init__(self, store) -> None:
        self._store = store
        self._cm: contextlib.AbstractContextManager[UnitOfWork] | None = None
        self._uow: UnitOfWork | None = None
        self._lines: dict[tuple[str, str], int] = {}
        self.stats = BulkStats()
        self._problems: Problems = []
        self._ok = False

    def takes_prepared(self, label: str) -> bool:
        """Records only: a unit of work needs them whole."""
        return False

    def __enter__(self) -> UnitOfWorkLoad:
        self._cm = self._store.unit_of_work()
        self._uow = self._cm.__enter__()
        return self

    def add_rows(self, label: str, lines: list[int], rows: list) -> Problems:
        """Feed records of ``label`` and the lines they came from."""
        problems: Problems = []
        for line, rec in zip(lines, rows):
            k = (label, rec.key)
            if k in self._lines:
                problems.append((label, line, duplicate(label, rec.key, self._lines[k])))
                continue
            self._lines[k] = line
            self._uow.put(rec)  # type: ignore[union-attr]
        return problems

    def end(self, label: str) -> Problems:
        return []

    def finish(self) -> Problems:
        """Check every rule over the whole load; leave out what breaks one."""
        assert self._uow is not None
        self._problems = prune_invalid(self._uow, self._lines)
        return self._problems

    def commit(self) -> BulkStats:
        assert self._uow is not None
        self.stats.written = sum(1 for r in self._uow.staged.values() if r is not None)
        self.stats.unchanged = len(self._lines) - self.stats.written - len(self._problems)
        self._ok = True
        return self.stats

    def __exit__(self, *exc: object) -> None:
        assert self._cm is not None
        if self._ok and not exc[0]:
            self._cm.__exit__(None, None, None)
        else:
            self._cm.__exit__(RuntimeError, RuntimeError("bulk load abandoned"), None)


@contextlib.contextmanager
def bulk_load(store, *, expected_rows: int = 0) -> Iterator[EmbeddedBulkLoad | UnitOfWorkLoad]:
    """The best bulk load the store offers (see the module doc); ``expected_rows``
    is a guess of the rows to come."""
    from .embedded import EmbeddedStore

    load = (EmbeddedBulkLoad(store, expected_rows=expected_rows) if isinstance(store, EmbeddedStore)
            else UnitOfWorkLoad(store))
    with load:
        yield load
