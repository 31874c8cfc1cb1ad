"""Bulk loading: one all-or-nothing write of many records, fed in batches.

A loader opens a bulk load on a store, feeds it records kind by kind in the
bundle's order (nothing names a record of a later kind), each with a *line*
(any integer the loader uses to point at where the record came from), and at
the end commits or walks away (everything is rolled back). Where
``load.takes_prepared(label)``, a row may come in the store's own prepared
form instead of a record (for the embedded store:
:class:`graph.embedded.Prepared`, made by :mod:`loaders.fastrows`)::

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

A store with a bulk load of its own offers it as ``store.bulk_load(expected_rows=...)``
(the embedded store: :mod:`graph.embedded.bulk`); any other store (Neo4j) gets
a :class:`UnitOfWorkLoad`, one unit of work holding the whole load.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, Self

from .errors import ConflictError, ValidationError
from .model import split_receipt_key
from .store import Store, UnitOfWork

#: (label, line, error) of each record left out
Problems = list[tuple[str, int, ValidationError]]


@dataclass
class BulkStats:
    #: records written (new or changed)
    written: int = 0
    #: records equal to what was stored, left alone
    unchanged: int = 0


class BulkLoad(Protocol):
    """What a loader calls (see the module doc)."""

    stats: BulkStats

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def takes_prepared(self, label: str) -> bool: ...
    def add_rows(self, label: str, lines: list[int], rows: list[Any]) -> Problems: ...
    def end(self, label: str) -> Problems: ...
    def finish(self) -> Problems: ...
    def commit(self) -> BulkStats: ...


def duplicate(label: str, key: str, first_line: int | None) -> ConflictError:
    """A key that came twice; ``first_line`` None when the bulk load does not
    know where it came first (the loader may look: ``err.duplicate`` is the key)."""
    where = f"first on line {first_line}" if first_line is not None else "it came earlier in this file"
    if label == "Receipt":
        household, service = split_receipt_key(key)
        err = ConflictError("serviceId",
                            f"household {household!r} receives service {service!r} twice ({where})")
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


class UnitOfWorkLoad:
    """A bulk load for any store: everything in one unit of work."""

    def __init__(self, store: Store) -> None:
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

    def __enter__(self) -> Self:
        self._cm = self._store.unit_of_work()
        self._uow = self._cm.__enter__()
        return self

    def add_rows(self, label: str, lines: list[int], rows: list[Any]) -> Problems:
        """Feed records of ``label`` and the lines they came from."""
        problems: Problems = []
        for line, rec in zip(lines, rows, strict=True):
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
def bulk_load(store: Store, *, expected_rows: int = 0) -> Iterator[BulkLoad]:
    """The best bulk load the store offers (see the module doc); ``expected_rows``
    is a guess of the rows to come."""
    own = getattr(store, "bulk_load", None)
    load: BulkLoad = own(expected_rows=expected_rows) if own is not None else UnitOfWorkLoad(store)
    with load:
        yield load
