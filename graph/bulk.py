"""Bulk loading: one all-or-nothing write of many records, fed in batches.

A loader opens a bulk load on a store, feeds it records kind by kind in the
bundle's order (nothing names a record of a later kind), each with a *line*
(any integer the loader uses to point at where the record came from), and at
the end commits or walks away (everything is rolled back)::

    with bulk_load(store) as load:
        for label, batch in batches:
            problems = load.add(label, batch)      # [(label, line, error)]
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
  transaction, their keys in a temporary table, so memory does not grow with
  them. Rows equal to what is stored are not rewritten: loading the same
  bundle twice changes nothing. The in-memory view catches up on the next
  read, as it does after another process's write.
* :class:`UnitOfWorkLoad`, for any other store (Neo4j): one unit of work
  holding the whole load.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ConflictError, NotFoundError, StoreError, ValidationError
from .model import Record
from .store import UnitOfWork

if TYPE_CHECKING:  # pragma: no cover
    from .embedded import EmbeddedStore

Batch = Sequence[tuple[int, Record]]
#: (label, line, error) of each record left out
Problems = list[tuple[str, int, ValidationError]]

#: kinds few enough to check in memory with the unit-of-work rules
SMALL = frozenset({"Region", "Organization", "Agreement", "Service", "Volunteer"})

_IN_CHUNK = 500  # ids per "IN (...)" query


@dataclass
class BulkStats:
    #: records written (new or changed)
    written: int = 0
    #: records equal to what was stored, left alone
    unchanged: int = 0


def duplicate(key: str, first_line: int) -> ConflictError:
    return ConflictError("id", f"duplicate id {key!r} (first on line {first_line})")


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


class EmbeddedBulkLoad:
    def __init__(self, store: EmbeddedStore) -> None:
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
                "CREATE TEMP TABLE IF NOT EXISTS bulk_keys (label TEXT NOT NULL, key TEXT NOT NULL,"
                " line INTEGER NOT NULL, owner TEXT, PRIMARY KEY (label, key)) WITHOUT ROWID"
            )
            self._c.execute("DELETE FROM temp.bulk_keys")
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
        written = self.stats.written
        if written:
            self._c.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(self._seq),))
        self._c.execute("DELETE FROM temp.bulk_keys")
        with store._vlock:
            self._c.execute("COMMIT")
        # the in-memory view replays the rows stamped with our seq on its next read
        self._open = False
        return self.stats

    # -- feeding -------------------------------------------------------------------

    def add(self, label: str, batch: Batch) -> Problems:
        if label in SMALL:
            problems: Problems = []
            for line, rec in batch:
                first = self._pending.get(rec.key)
                if first is not None:
                    problems.append((label, line, duplicate(rec.key, first[0])))
                else:
                    self._pending[rec.key] = (line, rec)
            return problems
        return self._add_big(label, batch)

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

    def _add_big(self, label: str, batch: Batch) -> Problems:
        problems: Problems = []
        first: dict[str, int] = {}
        items = []
        for line, rec in batch:
            if rec.key in first:
                problems.append((label, line, duplicate(rec.key, first[rec.key])))
            else:
                first[rec.key] = line
                items.append((line, rec))
        earlier = self._keys(label, first)
        if earlier:
            kept = []
            for line, rec in items:
                if rec.key in earlier:
                    problems.append((label, line, duplicate(rec.key, earlier[rec.key][0])))
                else:
                    kept.append((line, rec))
            items = kept
        # which referenced ids are not in the store's memory: look them up in this load
        memory = self._store._records
        small = self._small
        wanted: dict[str, set[str]] = defaultdict(set)
        refs = []
        for _, rec in items:
            rs = list(rec.refs())
            refs.append(rs)
            for _, tl, tk in rs:
                if tk not in memory[tl] and tk not in small.get(tl, ()):
                    wanted[tl].add(tk)
        loaded = {tl: self._keys(tl, keys) for tl, keys in wanted.items()}
        good: list[Record] = []
        owners: list[tuple[str, str, int, str | None]] = []
        for (line, rec), rs in zip(items, refs):
            err = self._check_big(rec, rs, loaded)
            if err is not None:
                err.record = (label, rec.key)
                problems.append((label, line, err))
                continue
            good.append(rec)
            owners.append((label, rec.key, line, getattr(rec, "household_id", None) if label == "Need" else None))
        self._c.executemany("INSERT INTO temp.bulk_keys (label, key, line, owner) VALUES (?, ?, ?, ?)", owners)
        self._write(good)
        return problems

    def _check_big(self, rec: Record, refs: list, loaded: dict[str, dict[str, tuple[int, str | None]]]
                   ) -> ValidationError | None:
        memory = self._store._records
        for ref, tl, tk in refs:
            if tk not in memory[tl] and tk not in self._small.get(tl, ()) and tk not in loaded.get(tl, ()):
                return NotFoundError(ref.contract_name, f"no {tl} with id {tk!r}")
        if rec.LABEL == "Need":
            old = memory["Need"].get(rec.key)
            if old is not None and old.household_id != rec.household_id:
                return ValidationError("householdId", f"need {rec.key!r} belongs to another household")
        elif rec.LABEL == "Referral":
            hid = rec.household_id
            for nid in rec.need_ids:
                need = memory["Need"].get(nid)
                owner = need.household_id if need is not None else loaded["Need"][nid][1]
                if owner != hid:
                    return ValidationError("needIds", f"need {nid!r} is not a need of household {hid!r}")
        return None

    # -- SQL -----------------------------------------------------------------------------

    def _keys(self, label: str, keys: Iterable[str]) -> dict[str, tuple[int, str | None]]:
        """``key -> (line, owner)`` of those ``keys`` this load already wrote."""
        keys = list(keys)
        out: dict[str, tuple[int, str | None]] = {}
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i:i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, line, owner in self._c.execute(
                f"SELECT key, line, owner FROM temp.bulk_keys WHERE label = ? AND key IN ({marks})",
                (label, *chunk),
            ):
                out[key] = (line, owner)
        return out

    def _write(self, records: list[Record]) -> None:
        if not records:
            return
        before = self._c.total_changes
        self._c.executemany(
            "INSERT INTO records (label, key, data, seq) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (label, key) DO UPDATE SET data = excluded.data, seq = excluded.seq"
            " WHERE records.data != excluded.data",
            [(r.LABEL, r.key, self._encode(r), self._seq) for r in records],
        )
        changed = self._c.total_changes - before
        self.stats.written += changed
        self.stats.unchanged += len(records) - changed

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

    def __enter__(self) -> UnitOfWorkLoad:
        self._cm = self._store.unit_of_work()
        self._uow = self._cm.__enter__()
        return self

    def add(self, label: str, batch: Batch) -> Problems:
        problems: Problems = []
        for line, rec in batch:
            k = (label, rec.key)
            if k in self._lines:
                problems.append((label, line, duplicate(rec.key, self._lines[k])))
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
def bulk_load(store) -> Iterator[EmbeddedBulkLoad | UnitOfWorkLoad]:
    """The best bulk load the store offers (see the module doc)."""
    from .embedded import EmbeddedStore

    load = EmbeddedBulkLoad(store) if isinstance(store, EmbeddedStore) else UnitOfWorkLoad(store)
    with load:
        yield load
