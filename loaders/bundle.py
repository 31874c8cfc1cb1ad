"""The CSV bundle's format: which file holds which records, and how a cell reads.

A bundle is a directory with one CSV file per record kind (any of them may be
missing). The columns are the record's fields in the contract's spelling
(``parentId``, ``regionIds``, ``maxIncomePercent``...), derived here from
:mod:`graph.model` so the format can never drift from the model; the shipped
templates (``loaders/templates/``) are checked against it by a test.

Cells:

* an empty cell is "not given": the field's default, or ``None``;
* a list (``regionIds``, ``domains``, ``traits``...) is its items joined by
  ``|`` (``gg-suwon|gg-yongin``); ids therefore cannot contain ``|``;
* whole numbers are digits, ``active`` is ``true`` or ``false``, dates are
  ``YYYY-MM-DD``, referral times ISO-8601;
* enum values are the contract's names (``HEALTH``, ``EMERGENCY``...).

Conversion is lenient in one way only: a cell that does not parse is handed to
the model unchanged, so the model's own message ("must be a whole number",
"must be one of ...") is the one the user reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.errors import ValidationError
from graph.model import NODE_TYPES, Receipt, Record, camel

LIST_SEPARATOR = "|"

_INT = re.compile(r"[+-]?\d{1,18}")


def _int_cell(cell: str) -> Any:
    cell = cell.strip()
    return int(cell) if _INT.fullmatch(cell) else cell


def _bool_cell(cell: str) -> Any:
    low = cell.strip().lower()
    return {"true": True, "false": False}.get(low, cell)


def _list_cell(cell: str) -> Any:
    return [x.strip() for x in cell.split(LIST_SEPARATOR) if x.strip()]


def _text_cell(cell: str) -> Any:
    return cell


def _fmt_plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value)


def _fmt_list(value: Any) -> str:
    items = [_fmt_plain(v) for v in value]
    for item in items:
        if LIST_SEPARATOR in item:
            raise ValidationError(
                "id", f"{item!r} contains {LIST_SEPARATOR!r}, which a bundle uses between list items"
            )
    return LIST_SEPARATOR.join(items)


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the record field, and how to convert."""

    header: str
    field: str
    required: bool
    parse: Callable[[str], Any]
    format: Callable[[Any], str]


@dataclass(frozen=True)
class Sheet:
    """One file of the bundle."""

    label: str
    filename: str
    record_type: type[Record]
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column_of(self, field: str | None) -> tuple[int, str] | None:
        """``(1-based index, header)`` of the column an error's field names."""
        if not field:
            return None
        for name in (field, field.rsplit(".", 1)[-1]):
            for i, c in enumerate(self.columns, 1):
                if c.header == name:
                    return i, c.header
        return None

    def row(self, rec: Record) -> list[str]:
        """The cells of a record, in header order."""
        out = []
        for c in self.columns:
            value = getattr(rec, c.field)
            out.append("" if value is None else c.format(value))
        return out


def _column(f: dataclasses.Field, hint: Any) -> Column:
    # a default computed at load time (a referral's createdAt) must be given:
    # otherwise loading the same file twice would not give the same records
    required = f.default is dataclasses.MISSING
    if typing.get_origin(hint) is tuple:
        parse, fmt = _list_cell, _fmt_list
    else:
        base = {a for a in typing.get_args(hint) if a is not type(None)} or {hint}
        if int in base and bool not in base:
            parse = _int_cell
        elif bool in base:
            parse = _bool_cell
        else:
            parse = _text_cell
        fmt = _fmt_plain
    return Column(header=camel(f.name), field=f.name, required=required, parse=parse, format=fmt)


def _sheet(cls: type[Record], filename: str) -> Sheet:
    from graph import model

    hints = typing.get_type_hints(cls, vars(model))
    cols = tuple(_column(f, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    return Sheet(label=cls.LABEL, filename=filename, record_type=cls, columns=cols)


_FILENAMES = {
    "Region": "regions.csv",
    "Organization": "organizations.csv",
    "Agreement": "agreements.csv",
    "Service": "services.csv",
    "Volunteer": "volunteers.csv",
    "Household": "households.csv",
    "Need": "needs.csv",
    "Referral": "referrals.csv",
    "Receipt": "receipts.csv",
}

#: the record types in load order: nothing names a record of a later type
_LOAD_ORDER: tuple[type[Record], ...] = (*NODE_TYPES, Receipt)
#: the bundle's files in load order: nothing names a record of a later file
SHEETS: tuple[Sheet, ...] = tuple(_sheet(t, _FILENAMES[t.LABEL]) for t in _LOAD_ORDER)
SHEET_BY_FILE: dict[str, Sheet] = {s.filename: s for s in SHEETS}
SHEET_BY_LABEL: dict[str, Sheet] = {s.label: s for s in SHEETS}
