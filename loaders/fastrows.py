"""The quick way from a bundle's cells to a stored row, for the kinds that come by the million.

A bundle's households, needs, referrals and receipts are most of its rows.
Building each as a :mod:`graph.model` record and encoding it again costs
about three times what SQLite takes to store it, so for those four kinds the
loader first tries a compiled row function that checks the cells and writes
the stored JSON directly: a plain tuple in the order of
:class:`graph.bulk.Prepared` (cheaper to make, and to send to another process).

The row function only *accepts*: it says yes to cells it is sure the model
accepts, and gives exactly what the model would (same normalisation, same
JSON, byte for byte). Anything else — a sign, a space, an unusual character,
a value out of range, a bad enum — returns ``None`` and the row goes the slow
way through the model, which accepts it or says precisely what is wrong. So
the errors are always the model's, and a test checks that the two ways agree
on every row they both accept (``tests/loaders/test_fastrows.py``).

Each function names the record fields it reads, the key's first and then the
others in the order of the stored array (:data:`graph.embedded.FIELDS`);
:func:`compile_row` refuses to run if they differ, so a field added to the
model cannot be silently lost here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from json.encoder import encode_basestring as _q  # the C encoder the store's JSON uses (ensure_ascii=False)
from operator import itemgetter

from graph.embedded import FIELDS, KEY_FIELDS
from graph.model import (
    MAX_ID,
    MAX_TEXT,
    Domain,
    HouseholdTrait,
    NeedStatus,
    ReferralStatus,
    Urgency,
    receipt_key,
)

from .bundle import LIST_SEPARATOR, Sheet

#: a row as :class:`graph.bulk.Prepared` lists it, as a plain tuple
Stored = tuple
RowFunction = Callable[[list[str]], "Stored | None"]

#: distinct list cells remembered per file (traits combinations are few; ids lists are not cached)
_CACHE_LIMIT = 4096


def _ok_id(v: str) -> bool:
    """Sure to pass ``graph.model._id`` unchanged: 1..MAX_ID printable characters, no
    space at either end (printable rules out every control character and every
    whitespace but the plain space, so ``v == v.strip()``)."""
    return 0 < len(v) <= MAX_ID and v.isprintable() and v[0] != " " and v[-1] != " "


def _numbers(lo: int, hi: int) -> frozenset[str]:
    """The cells that are the plain digits of a number in ``lo..hi`` (no sign,
    space or leading zero): such a cell is already its JSON."""
    return frozenset(str(n) for n in range(lo, hi + 1))


_SIZE, _INCOME, _SEVERITY = _numbers(1, 100), _numbers(0, 1000), _numbers(1, 5)


def _enum_list_json(cls) -> Callable[[str], str | None]:
    """A cell of ``|``-joined names of ``cls`` as the stored JSON array, in the
    model's normalisation (distinct, in declaration order); None when a name is
    not one of ``cls``. Remembers the distinct cells it saw (a bounded number)."""
    order = {m.value: i for i, m in enumerate(cls)}
    cache: dict[str, str | None] = {"": "[]"}

    def convert(cell: str) -> str | None:
        got = cache.get(cell, False)
        if got is not False:
            return got  # type: ignore[return-value]
        items = {x.strip() for x in cell.split(LIST_SEPARATOR)} - {""}
        out = None
        if all(x in order for x in items):
            out = "[" + ",".join(f'"{x}"' for x in sorted(items, key=order.__getitem__)) + "]"
        if len(cache) < _CACHE_LIMIT:
            cache[cell] = out
        return out

    return convert


def _values(cls) -> frozenset[str]:
    return frozenset(m.value for m in cls)


_URGENCY = _values(Urgency)
_DOMAIN = _values(Domain)
_NEED_STATUS = _values(NeedStatus)
_REFERRAL_STATUS = _values(ReferralStatus)
_RESOURCE = frozenset({"Service", "Volunteer"})


def _household(get: Callable) -> RowFunction:
    traits_json = _enum_list_json(HouseholdTrait)

    def row(cells: list[str]) -> Stored | None:
        id, region, size, income, traits, urgency = get(cells)
        if not (_ok_id(id) and _ok_id(region)) or size not in _SIZE or income not in _INCOME:
            return None
        t = traits_json(traits)
        if not urgency:
            urgency = "GENERAL"
        if t is None or urgency not in _URGENCY:
            return None
        data = f'[{_q(region)},{size},{income},{t},"{urgency}"]'
        return id, data, (("regionId", "Region", region),), None, ()

    return row


def _need(get: Callable) -> RowFunction:
    def row(cells: list[str]) -> Stored | None:
        id, household, domain, severity, detail, status = get(cells)
        if not (_ok_id(id) and _ok_id(household)) or domain not in _DOMAIN or severity not in _SEVERITY:
            return None
        if not status:
            status = "OPEN"
        if status not in _NEED_STATUS or len(detail) > MAX_TEXT:
            return None
        text = _q(detail) if detail else "null"
        data = f'[{_q(household)},"{domain}",{severity},{text},"{status}"]'
        return id, data, (("householdId", "Household", household),), household, ()

    return row


def _timestamp_ok(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _referral(get: Callable) -> RowFunction:
    def row(cells: list[str]) -> Stored | None:
        id, household, label, resource, needs, status, created, updated = get(cells)
        if not (_ok_id(id) and _ok_id(household) and _ok_id(resource)) or label not in _RESOURCE:
            return None
        need_ids = sorted({x.strip() for x in needs.split(LIST_SEPARATOR)} - {""})
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
        data = (f'[{_q(household)},"{label}",{_q(resource)},[{",".join(map(_q, need_ids))}],'
                f'"{status}",{_q(created)},{_q(updated)}]')
        refs = (("householdId", "Household", household), ("resourceId", label, resource),
                *(("needIds", "Need", n) for n in need_ids))
        return id, data, refs, household, tuple(need_ids)

    return row


def _receipt(get: Callable) -> RowFunction:
    def row(cells: list[str]) -> Stored | None:
        household, service = get(cells)
        if not (_ok_id(household) and _ok_id(service)):
            return None
        data = "[]"  # both fields are the key
        return (receipt_key(household, service), data,
                (("householdId", "Household", household), ("serviceId", "Service", service)), household, ())

    return row


#: label -> (the record fields the row function reads and writes, in order; its maker)
_ROWS: dict[str, tuple[tuple[str, ...], Callable[[Callable], RowFunction]]] = {
    "Household": (("id", "region_id", "size", "income_percent", "traits", "urgency"), _household),
    "Need": (("id", "household_id", "domain", "severity", "detail", "status"), _need),
    "Referral": (("id", "household_id", "resource_label", "resource_id", "need_ids", "status", "created_at",
                  "updated_at"), _referral),
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
    stored = tuple(f for f in fields if f not in KEY_FIELDS[sheet.label])
    if FIELDS[sheet.label] != stored:
        raise RuntimeError(f"loaders.fastrows is out of date for {sheet.label}: a stored row holds "
                           f"{FIELDS[sheet.label]}, the row function writes {stored}")
    width = len(mapping)
    at = {sheet.columns[i].field: filecol - 1 for filecol, i in mapping}
    # a missing column points one past the row's end, where an empty cell is appended
    positions = [at.get(f, width) for f in fields]
    get = itemgetter(*positions)
    row = make(get)
    if width in positions:
        def padded(cells: list[str]) -> Stored | None:
            return row([*cells, ""])
        return padded
    return row
