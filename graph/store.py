"""The store protocol, and the unit-of-work rules both backends share.

Layers above talk to a :class:`Store`; the two backends are
:class:`graph.embedded.EmbeddedStore` (SQLite + the records in memory, the
default) and :class:`graph.neo4j_store.Neo4jStore`.

Writes happen in a unit of work: all of its writes land, or none do::

    with store.unit_of_work() as uow:
        uow.put(Region(id="kr-41", name="경기도", level="PROVINCE"))
        uow.put(Region(id="kr-41-111", name="수원시", level="CITY", parent_id="kr-41"))

Leaving the block normally commits (durably, before the block returns);
an exception rolls everything back and propagates.

The rules that need the rest of the graph are checked here, once, for both
backends: every referenced id exists; region levels go PROVINCE -> CITY -> DONG
and parent chains have no cycle; a service's agreement is signed by its
provider; a referral's needs belong to its household; a need never moves to
another household; nothing still referenced is deleted (a household takes its
needs, referrals and receipts with it).
"""

from __future__ import annotations

import abc
import builtins
import contextlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, Self, TypeVar

import networkx as nx

from i18n.catalogue import Message

from .errors import ConflictError, NotFoundError, ValidationError, no_record, record_label
from .model import (
    RESOURCE_LABELS,
    Agreement,
    Need,
    Receipt,
    Record,
    Referral,
    Region,
    RegionLevel,
    Service,
    record_type,
)
from .network_parts import NetworkParts, parts_of_view
from .reports import ReportParts
from .view import subtree_nodes

R = TypeVar("R", bound=Record)

#: the side-record kind of the audit log: appended by :meth:`Store.append_audit`, read by ``list_side(AUDIT)``
AUDIT = "audit"

_PARENT_LEVEL = {
    RegionLevel.PROVINCE: None,
    RegionLevel.CITY: RegionLevel.PROVINCE,
    RegionLevel.DONG: RegionLevel.CITY,
}
#: when a household goes, these go with it, in this order
_CASCADE_ORDER = {"Referral": 0, "Receipt": 1, "Need": 2}


class UnitOfWork(abc.ABC):
    """Several writes that land together or not at all.

    Writes are staged here; reads through the unit of work (:meth:`get`) see
    them. The rules that involve other records are checked once, over the
    final state, when the backend calls :meth:`validate` before it commits, so
    records may come in any order within one unit of work (two services that
    exclude each other, a bundle written table by table). Backends implement
    the two read primitives at the bottom and write :attr:`staged` at commit.
    """

    def __init__(self) -> None:
        #: (label, key) -> the record to write, or None to delete
        self.staged: dict[tuple[str, str], Record | None] = {}
        #: records put that equalled the committed ones when put; re-checked by
        #: validate(), since a backend may stage outside its write lock
        self._unchanged: dict[tuple[str, str], Record] = {}
        #: (kind, key) -> side record data written with the records at commit (:meth:`put_side`)
        self.side_staged: dict[tuple[str, str], dict[str, Any]] = {}

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Stage a side record (not the audit log's): written in this unit's transaction, with
        its records or not at all. With :meth:`get_side` a read-modify-write of a side record
        (a case conference) runs under the store's write lock, so two processes cannot interleave."""
        if kind == AUDIT:
            raise ValueError("audit entries are appended (Store.append_audit), not staged")
        self.side_staged[(kind, key)] = json.loads(json.dumps(dict(data), ensure_ascii=False))

    def get_side(self, kind: str, key: str) -> dict[str, Any] | None:
        """A side record as this unit sees it: what it staged, else the committed one, read under
        the store's write lock (so no other unit of work can change it before this one ends)."""
        if (kind, key) in self.side_staged:
            copy: dict[str, Any] = json.loads(json.dumps(self.side_staged[(kind, key)], ensure_ascii=False))
            return copy
        return self._committed_side(kind, key)

    def put(self, rec: R) -> R:
        """Insert or replace a record; putting an identical record changes nothing."""
        k = (rec.LABEL, rec.key)
        if k in self.staged or self._committed(*k) != rec:
            self.staged[k] = rec
            self._unchanged.pop(k, None)
        else:
            self._unchanged[k] = rec
        return rec

    def put_many(self, records: Iterable[Record]) -> int:
        """Put records in order; returns how many there were."""
        n = 0
        for rec in records:
            self.put(rec)
            n += 1
        return n

    def insert(self, rec: R) -> R:
        """Like :meth:`put`, but a different record under the same id is a CONFLICT."""
        old = self.get(rec.LABEL, rec.key)
        if old is not None and old != rec:
            raise _about(
                ConflictError("id", Message.of("store.exists", label=record_label(rec.LABEL),
                                               key=repr(rec.key))), rec
            )
        return self.put(rec)

    def get(self, label: str, key: str) -> Record | None:
        if (label, key) in self.staged:
            return self.staged[(label, key)]
        return self._committed(label, key)

    def require(self, label: str, key: str, field: str = "id") -> Record:
        rec = self.get(label, key)
        if rec is None:
            raise no_record(field, label, key)
        return rec

    def delete(self, label: str, key: str) -> None:
        """Delete a record. A household takes its needs, referrals and receipts
        with it; anything else still referenced when the unit of work ends is a
        CONFLICT."""
        record_type(label)
        self.require(label, key)
        self._unchanged.pop((label, key), None)
        if label == "Household":
            for rl, rk in sorted(self.referrers(label, key), key=lambda r: (_CASCADE_ORDER.get(r[0], 9), r)):
                self.delete(rl, rk)
        self.staged[(label, key)] = None

    def referrers(self, label: str, key: str) -> set[tuple[str, str]]:
        """``(label, key)`` of every record, as staged, that names this one."""
        me = (label, key)
        found = {o for o in self._committed_referrers(label, key) if o not in self.staged and o != me}
        for owner, rec in self.staged.items():
            if rec is not None and owner != me and _names(rec, label, key):
                found.add(owner)
        return found

    def validate(self) -> None:
        """Check every staged write against the final state (backends call this
        before committing). Raises the first :class:`ValidationError` found."""
        for k, unchanged in self._unchanged.items():
            if k not in self.staged and self._committed(*k) != unchanged:
                self.staged[k] = unchanged  # someone changed it since: the put stands
        for (label, key), rec in self.staged.items():
            try:
                if rec is None:
                    self._check_deletable(label, key)
                else:
                    self._check(rec, self._committed(label, key))
            except ValidationError as e:
                raise _about(e, rec, label, key) from None

    def _check_deletable(self, label: str, key: str) -> None:
        referrers = sorted(self.referrers(label, key))
        if referrers:
            first = referrers[0]
            more = Message.of("store.ref.more", count=str(len(referrers) - 1)) if len(referrers) > 1 else ""
            what = (Message.of("store.ref.receipt") if first[0] == "Receipt"
                    else Message.of("store.ref.record", label=record_label(first[0]), key=repr(first[1])))
            raise ConflictError("id", Message.of("store.referenced", label=record_label(label), key=repr(key),
                                                 what=what, more=more))

    # -- the shared rules ------------------------------------------------------

    def _check(self, rec: Record, old: Record | None) -> None:
        for ref, label, target in rec.refs():
            if self.get(label, target) is None:
                raise no_record(ref.contract_name, label, target)
        check = getattr(self, f"_check_{rec.LABEL.lower()}", None)
        if check is not None:
            check(rec, old)

    def _check_region(self, rec: Region, old: Record | None) -> None:
        seen = {rec.id}
        cur = rec.parent_id
        while cur is not None:
            if cur in seen:
                raise ValidationError("parentId", Message.of("store.region.ancestor", region=repr(rec.id),
                                                             through=repr(cur)))
            seen.add(cur)
            above = self.get("Region", cur)
            cur = above.parent_id if isinstance(above, Region) else None
        want = _PARENT_LEVEL[rec.level]
        parent = self.get("Region", rec.parent_id) if rec.parent_id is not None else None
        if want is None and parent is not None:
            raise ValidationError("parentId", Message.of("store.region.province_parent"))
        if want is not None and parent is None:
            raise ValidationError("parentId", Message.of("store.region.needs_parent", level=_level(rec.level),
                                                         want=_level(want)))
        if want is not None and isinstance(parent, Region) and parent.level != want:
            raise ValidationError("parentId", Message.of(
                "store.region.parent_level", level=_level(rec.level), want=_level(want),
                parent=repr(parent.id), parent_level=_level(parent.level)))
        if isinstance(old, Region) and old.level != rec.level:
            for label, key in self.referrers("Region", rec.id):
                child = self.get(label, key)
                if isinstance(child, Region) and child.parent_id == rec.id:
                    raise ValidationError("level", Message.of(
                        "store.region.has_child", region=repr(rec.id), child=repr(child.id),
                        child_level=_level(child.level), level=_level(rec.level)))

    def _check_service(self, rec: Service, old: Record | None) -> None:
        agreement_id = rec.agreement_id
        if agreement_id is not None:
            agreement = self.get("Agreement", agreement_id)
            assert isinstance(agreement, Agreement)  # _check found every reference
            if agreement.partner_id != rec.provider_id:
                raise ValidationError("agreementId", Message.of(
                    "store.agreement.partner", agreement=repr(agreement_id),
                    partner=repr(agreement.partner_id), provider=repr(rec.provider_id)))

    def _check_need(self, rec: Need, old: Record | None) -> None:
        if isinstance(old, Need) and old.household_id != rec.household_id:
            raise ValidationError("householdId", Message.of("store.need.other_household", need=repr(rec.key)))

    def _check_referral(self, rec: Referral, old: Record | None) -> None:
        hid = rec.household_id
        for nid in rec.need_ids:
            need = self.get("Need", nid)
            if not isinstance(need, Need) or need.household_id != hid:
                raise ValidationError("needIds", Message.of("store.referral.need", need=repr(nid),
                                                            household=repr(hid)))

    # -- backend primitives ------------------------------------------------------

    @abc.abstractmethod
    def _committed(self, label: str, key: str) -> Record | None:
        """The record as last committed (None if there is none)."""

    @abc.abstractmethod
    def _committed_referrers(self, label: str, key: str) -> Iterable[tuple[str, str]]:
        """``(label, key)`` of every committed record that names this one."""

    def _committed_side(self, kind: str, key: str) -> dict[str, Any] | None:
        """A side record as last committed, read in this unit's transaction (after its lock)."""
        raise NotImplementedError(f"{type(self).__name__} does not read side records")


def _level(level: Any) -> Message:
    """A region level as the store's messages name it (CITY; 시군구(CITY) in Korean)."""
    return Message.of(f"region.level.{getattr(level, 'value', level)}")


def _names(rec: Record, label: str, key: str) -> bool:
    return any(tl == label and tk == key for _, tl, tk in rec.refs())


def _about(err: ValidationError, rec: Record | None, label: str = "", key: str = "") -> ValidationError:
    """Note on an error which record it is about (loaders map that to a file line)."""
    if err.record is None:
        err.record = (rec.LABEL, rec.key) if rec is not None else (label, key)
    return err


class Store(Protocol):
    """What the layers above need from a store."""

    def unit_of_work(self) -> contextlib.AbstractContextManager[UnitOfWork]:
        """Several writes, all or nothing (see the module docstring)."""

    def put(self, *records: Record) -> None:
        """Upsert records in one unit of work."""

    def delete(self, label: str, key: str) -> None:
        """Delete one record in its own unit of work."""

    def get(self, label: str, key: str) -> Record | None: ...

    def list(self, label: str, *, after: str | None = None, limit: int | None = None) -> list[Record]:
        """Records of one kind ordered by key, after a key, at most ``limit``."""

    def receipts(self, household_id: str) -> builtins.list[Receipt]: ...

    def graph(self, region_id: str | None = None) -> nx.MultiDiGraph:
        """The whole graph, or one region's subtree view (see :mod:`graph.view`)."""

    def neighbourhood(self, household_id: str) -> nx.MultiDiGraph:
        """A household's neighbourhood view (see :mod:`graph.view`)."""

    def report_parts(self, region_id: str | None = None) -> ReportParts:
        """What the coverage report reads: the supply side of :meth:`graph`'s view and the
        households by region, or that view itself (see :mod:`graph.reports`)."""
        ...

    def network_parts(self, region_id: str | None = None) -> NetworkParts:
        """What network analytics reads of :meth:`graph`'s view (see :mod:`graph.network_parts`)."""
        ...

    def change_mark(self) -> object | None:
        """A value that differs whenever the committed records may have changed since it was
        taken (None: the store cannot tell cheaply; nothing computed from it may be reused)."""
        ...

    def counts(self) -> dict[str, int]:
        """How many records of each kind (``Receipt`` included)."""

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Insert or replace a side record: a small JSON document outside the
        graph (API tokens, the audit log), never in a view or in counts.
        Durable when it returns."""
        ...

    def append_audit(self, key: str, data: Mapping[str, Any]) -> None:
        """Append one audit entry: a side record of kind :data:`AUDIT` under a key
        not used before (keys sort in time order: ``list_side(AUDIT)`` lists them
        so). Durable when it returns, and it never waits for the store's writer (a
        unit of work or bulk load of any process): every read of a household
        appends one, and reads must not queue behind writes."""
        ...

    def get_side(self, kind: str, key: str) -> dict[str, Any] | None:
        """One side record's data, or None."""
        ...

    def list_side(self, kind: str, *, after: str | None = None,
                  limit: int | None = None) -> builtins.list[tuple[str, dict[str, Any]]]:
        """(key, data) of a kind's side records in key order, after ``after``."""
        ...

    def ping(self) -> None:
        """Raise :class:`graph.errors.StoreError` unless the store answers."""

    def at_once(self) -> contextlib.AbstractContextManager[bool]:
        """Whether a short read of records in memory can run on the calling thread now without
        waiting for another thread, a lock, a replay or the network: True holds what it needs until
        the block ends. A server then reads a directory page or a DataLoader batch
        (schema.loaders.read) on its event loop, instead of in a worker thread. (A token:
        :meth:`side_at_once`.)"""
        ...

    def side_at_once(self) -> contextlib.AbstractContextManager[bool]:
        """Whether a side record (a token, a staff member) can be read on the calling thread now
        without waiting for another thread or the network: True holds what it needs until the block
        ends. A server checks a token on its event loop then (api.app), instead of in a worker
        thread."""
        ...

    def clear(self) -> None:
        """Delete every record, in one unit of work (tests, demos)."""

    def close(self) -> None: ...

    def require(self, label: str, key: str, field: str = "id") -> Record:
        """The record, or NOT_FOUND naming ``field``."""
        ...

    def resolve_resource(self, resource_id: str, field: str = "resourceId") -> str:
        """Which label (Service or Volunteer) a resource id names."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


class StoreMixin:
    """The conveniences every backend builds from its unit of work and ``get``."""

    def at_once(self) -> contextlib.AbstractContextManager[bool]:
        """Never, unless a backend says otherwise (Neo4j: every read is a round trip)."""
        return contextlib.nullcontext(False)

    def side_at_once(self) -> contextlib.AbstractContextManager[bool]:
        """Never, unless a backend says otherwise (Neo4j: every read is a round trip)."""
        return contextlib.nullcontext(False)

    def unit_of_work(self) -> contextlib.AbstractContextManager[UnitOfWork]:  # pragma: no cover
        raise NotImplementedError

    def get(self, label: str, key: str) -> Record | None:  # pragma: no cover
        raise NotImplementedError

    def put_side(self, kind: str, key: str, data: Mapping[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    def append_audit(self, key: str, data: Mapping[str, Any]) -> None:
        """A store whose side records never wait for its writer (Neo4j: side nodes
        are written without the write lock node) appends as a side record."""
        self.put_side(AUDIT, key, data)

    def put(self, *records: Record) -> None:
        with self.unit_of_work() as uow:
            uow.put_many(records)

    def delete(self, label: str, key: str) -> None:
        with self.unit_of_work() as uow:
            uow.delete(label, key)

    def report_parts(self, region_id: str | None = None) -> ReportParts:
        """The generic answer: the report's whole view, its households read from it."""
        return ReportParts(self.graph(region_id))  # type: ignore[attr-defined]

    def network_parts(self, region_id: str | None = None) -> NetworkParts:
        """The generic answer: read from the scope's view."""
        g = self.graph(region_id)  # type: ignore[attr-defined]
        return parts_of_view(g if region_id is None else g.subgraph(subtree_nodes(g, region_id)))

    def change_mark(self) -> object | None:
        """Not known (a Neo4j database may be written by anyone): reports are computed afresh."""
        return None

    def require(self, label: str, key: str, field: str = "id") -> Record:
        rec = self.get(label, key)
        if rec is None:
            raise no_record(field, label, key)
        return rec

    def resolve_resource(self, resource_id: str, field: str = "resourceId") -> str:
        """Which label (Service or Volunteer) a resource id names."""
        found = [label for label in RESOURCE_LABELS if self.get(label, resource_id) is not None]
        if not found:
            raise NotFoundError(field, Message.of("error.not_found.resource", id=repr(resource_id)))
        if len(found) > 1:
            raise ValidationError(field, Message.of("store.resource.both", id=repr(resource_id)))
        return found[0]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # type: ignore[attr-defined]

