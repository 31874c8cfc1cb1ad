"""The quick way from a bundle's cells to a stored row, for the kinds that come by the million.

A bundle's households, needs, referrals and receipts are most of its rows.
Building each as a :mod:`graph.model` record and encoding it again costs
about three times what SQLite takes to store it, so for those four kinds the
loader first tries a compiled row function that checks the cells and gives
the record's field values, normalised as the model would, to the store's
row encoder (:func:`graph.embedded.rows.row_encoder`; how a row is laid out
is its business, not this module's). The result is a plain tuple in the order
of :class:`graph.embedded.Prepared` (cheaper to make, and to send to another
process).

The row function only *accepts*: it says yes to cells it is sure the model
accepts, and gives exactly what the model would (same normalisation, so the
same stored row, byte for byte). Anything else — a sign, a space, an unusual
character, a value out of range, a bad enum — returns ``None`` and the row
goes the slow way through the model, which accepts it or says precisely what
is wrong. So the errors are always the model's, and a test checks that the
two ways agree on every row they both accept (``tests/loaders/test_fastrows.py``).

Each function names the record fields it reads, in the order it gives their
values; :func:`compile_row` refuses to run if they are not exactly the
record's fields, so a field added to the model cannot be silently lost here.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from graph.embedded import row_encoder
from graph.model import (
    MAX_ID,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    TAG_PATTERN,
    Domain,
    HouseholdTrait,
    NeedStatus,
    ReferralStatus,
    Urgency,
    receipt_key,
)

from .bundle import LIST_SEPARATOR, Sheet

#: a row as :class:`graph.embedded.Prepared` lists it, as a plain tuple
Stored = tuple[Any, ...]
RowFunction = Callable[[list[str]], Stored | None]
#: a file's row -> the cells a row function reads, in its order
Getter = Callable[[list[str]], Any]
#: the store's encoder of a kind's row (:func:`graph.embedded.rows.row_encoder`)
Encoder = Callable[..., str]

#: distinct list cells remembered per file (traits combinations are few; ids lists are not cached)
_CACHE_LIMIT = 4096


def _ok_id(v: str) -> bool:
    """Sure to pass ``graph.model._id`` unchanged: 1..MAX_ID printable ASCII
    characters, no space at either end (printable rules out every control
    character and every whitespace but the plain space, so ``v == v.strip()``).
    Any other letter goes the model's way, which normalises it and refuses the
    invisible ones."""
    return 0 < len(v) <= MAX_ID and v.isascii() and v.isprintable() and v[0] != " " and v[-1] != " "


def _numbers(lo: int, hi: int) -> dict[str, int]:
    """The cells that are the plain digits of a number in ``lo..hi`` (no sign,
    space or leading zero), and their numbers."""
    return {str(n): n for n in range(lo, hi + 1)}


_SIZE, _INCOME, _SEVERITY = _numbers(1, 100), _numbers(0, 1000), _numbers(1, 5)


def _enum_list(cls: type[enum.Enum]) -> Callable[[str], tuple[str, ...] | None]:
    """A cell of ``|``-joined names of ``cls`` as the record holds them
    (distinct, in declaration order); None when a name is not one of ``cls``.
    Remembers the distinct cells it saw (a bounded number)."""
    order = {m.value: i for i, m in enumerate(cls)}
    cache: dict[str, tuple[str, ...] | None] = {"": ()}

    def convert(cell: str) -> tuple[str, ...] | None:
        got = cache.get(cell, False)
        if got is not False:
            return got  # type: ignore[return-value]
        items = {x.strip() for x in cell.split(LIST_SEPARATOR)} - {""}
        out = None
        if all(x in order for x in items):
            out = tuple(sorted(items, key=order.__getitem__))
        if len(cache) < _CACHE_LIMIT:
            cache[cell] = out
        return out

    return convert


def _tag_list() -> Callable[[str], tuple[str, ...] | None]:
    """A cell of ``|``-joined type tags as the record holds them (distinct,
    sorted); None when one is not a tag or there are too many. Remembers the
    distinct cells it saw (a bounded number)."""
    cache: dict[str, tuple[str, ...] | None] = {"": ()}

    def convert(cell: str) -> tuple[str, ...] | None:
        got = cache.get(cell, False)
        if got is not False:
            return got  # type: ignore[return-value]
        items = {x.strip() for x in cell.split(LIST_SEPARATOR)} - {""}
        out = None
        if len(items) <= MAX_TAGS and all(len(t) <= MAX_TAG and TAG_PATTERN.fullmatch(t) for t in items):
            out = tuple(sorted(items))
        if len(cache) < _CACHE_LIMIT:
            cache[cell] = out
        return out

    return convert


def _values(cls: type[enum.Enum]) -> frozenset[str]:
    return frozenset(m.value for m in cls)


_URGENCY = _values(Urgency)
_DOMAIN = _values(Domain)
_NEED_STATUS = _values(NeedStatus)
_REFERRAL_STATUS = _values(ReferralStatus)
_RESOURCE = frozenset({"Service", "Volunteer"})


def _household(get: Getter, encode: Encoder) -> RowFunction:
    traits_of = _enum_list(HouseholdTrait)

    def row(cells: list[str]) -> Stored | None:
        id, region, size, income, traits, urgency, status, manager, review = get(cells)
        n, pct = _SIZE.get(size), _INCOME.get(income)
        if not (_ok_id(id) and _ok_id(region)) or n is None or pct is None:
            return None
        t = traits_of(traits)
        if not urgency:
            urgency = "GENERAL"
        if t is None or urgency not in _URGENCY or status not in ("", "OPEN") or manager or review:
            return None  # a case further on than OPEN: rare, the model decides
        return (id, encode(id, region, n, pct, t, urgency, "OPEN", None, None),
                (("regionId", "Region", region),), None, ())

    return row


def _need(get: Getter, encode: Encoder) -> RowFunction:
    tags_of = _tag_list()

    def row(cells: list[str]) -> Stored | None:
        # a decoded file holds no lone surrogate, the one thing the model refuses in a detail
        id, household, domain, severity, detail, status, tags = get(cells)
        level = _SEVERITY.get(severity)
        if not (_ok_id(id) and _ok_id(household)) or domain not in _DOMAIN or level is None:
            return None
        if not status:
            status = "OPEN"
        t = tags_of(tags)
        if status not in _NEED_STATUS or len(detail) > MAX_TEXT or t is None:
            return None
        data = encode(id, household, domain, level, detail or None, status, t)
        return id, data, (("householdId", "Household", household),), household, ()

    return row


def _timestamp_ok(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _referral(get: Getter, encode: Encoder) -> RowFunction:
    def row(cells: list[str]) -> Stored | None:
        id, household, label, resource, needs, status, created, updated, *inbox = get(cells)
        reason, hours, *rest = inbox
        if reason or hours not in ("", "1") or any(rest):
            return None  # the inbox's fields beyond their defaults: rare in a bundle, the model decides
        if not (_ok_id(id) and _ok_id(household) and _ok_id(resource)) or label not in _RESOURCE:
            return None
        need_ids = tuple(sorted({x.strip() for x in needs.split(LIST_SEPARATOR)} - {""}))
        if not need_ids or not all(map(_ok_id, need_ids)):
            return None
        if not status:
            status = "PROPOSED"
        if status not in _REFERRAL_STATUS or not created or not _timestamp_ok(created):
            return None
        if not updated:
            updated = created
        elif not _timestamp_ok(updated):
            return None
        data = encode(id, household, label, resource, need_ids, status, created, updated,
                      None, 1, None, None, None, None)
        refs = (("householdId", "Household", household), ("resourceId", label, resource),
                *(("needIds", "Need", n) for n in need_ids))
        return id, data, refs, household, need_ids

    return row


def _receipt(get: Getter, encode: Encoder) -> RowFunction:
    def row(cells: list[str]) -> Stored | None:
        household, service = get(cells)
        if not (_ok_id(household) and _ok_id(service)):
            return None
        return (receipt_key(household, service), encode(household, service),
                (("householdId", "Household", household), ("serviceId", "Service", service)), household, ())

    return row


#: label -> (the record fields the row function reads and gives the encoder, in order; its maker)
_ROWS: dict[str, tuple[tuple[str, ...], Callable[[Getter, Encoder], RowFunction]]] = {
    "Household": (("id", "region_id", "size", "income_percent", "traits", "urgency", "case_status",
                   "case_manager_id", "review_on"), _household),
    "Need": (("id", "household_id", "domain", "severity", "detail", "status", "tags"), _need),
    "Referral": (("id", "household_id", "resource_label", "resource_id", "need_ids", "status", "created_at",
                  "updated_at", "reason", "hours", "decline_reason", "outcome_note", "responded_at",
                  "accepted_at"), _referral),
    "Receipt": (("household_id", "service_id"), _receipt),
}


def compile_row(sheet: Sheet, mapping: list[tuple[int, int]]) -> RowFunction | None:
    """The row function for a file of ``sheet`` whose columns are ``mapping``
    (``(file column, sheet column index)`` per file column, as the reader found
    them), or None when the sheet has none. A column the file lacks reads as an
    empty cell."""
    found = _ROWS.get(sheet.label)
    if found is None:
        return None
    fields, make = found
    try:
        encode = row_encoder(sheet.label, fields)
    except ValueError as e:
        raise RuntimeError(f"loaders.fastrows is out of date for {sheet.label}: {e}") from None
    width = len(mapping)
    at = {sheet.columns[i].field: filecol - 1 for filecol, i in mapping}
    # a missing column points one past the row's end, where an empty cell is appended
    positions = [at.get(f, width) for f in fields]
    get = itemgetter(*positions)
    row = make(get, encode)
    if width in positions:
        def padded(cells: list[str]) -> Stored | None:
            return row([*cells, ""])
        return padded
    return row
