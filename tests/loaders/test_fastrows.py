"""The fast row functions agree with the model on every row they accept.

``loaders.fastrows`` may decline any row (the model then decides), but a row
it accepts must be one the model accepts, stored byte for byte as the model's
record would be, naming the same ids in the same order.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loaders.fastrows as fastrows
from graph.embedded import Prepared
from loaders.bundle import SHEET_BY_LABEL
from loaders.csvbundle import write_bundle
from loaders.csvfile import SheetReader
from loaders.fastrows import compile_row
from loaders.synthetic import generate

KINDS = ("Household", "Need", "Referral", "Receipt")

# cells near the edges of what the model accepts, per kind of column
_ID_EDGES = [
    "hh-1", "n-1", "svc-1", "가구-1", "a", "x" * 128, "x" * 129, " hh", "hh ", "h\th", "h\u00a0", "h|h", "",
    " ", "\u3000h", "h\x7f", 'q"uote', "back\\slash",
    # the model normalises (NFC) and refuses invisible letters: fillers, joiners, selectors
    "\u1100\u1161-1", "h\u3164", "h\u034f", "h\ufe0f", "h\u200b", "é" * 128 + "\u0301",
]
_INT_EDGES = ["0", "1", "5", "6", "007", "+3", " 3", "3 ", "-1", "100", "101", "1000", "1001",
              "٣", "²", "1e3", "", "x", "9" * 19]
_TAG_EDGES = [
    "rent-support", "food", "a1", "x" * 40, "x" * 41, "Rent", "rent--support", "-rent", "rent-", "월세",
    " food", "", "|", "food|food", "rent-support | food", "food||a1", "|".join(f"t{i}" for i in range(20)),
    "|".join(f"t{i}" for i in range(21)), "|".join(["t1"] * 25),
]
_TIME_EDGES = ["2026-11-20T09:30:00+09:00", "2026-11-20T09:30:00", "2026-11-20", "2026-13-01T00:00:00",
               "yesterday", "", " 2026-11-20T09:30:00"]
_TEXT_EDGES = ["", " ", "줄\n바꿈", 'say "hi"', "\\", "x" * 2000, "x" * 2001, "\x00", "\u2028", "😀"]


def _edges(header: str) -> list[str]:
    """The edge cells of a column."""
    from graph.model import Domain, HouseholdTrait, NeedStatus, ReferralStatus, Urgency

    enums = {"traits": HouseholdTrait, "urgency": Urgency, "domain": Domain,
             "status": (*NeedStatus, *ReferralStatus)}
    if header in enums:
        values = [m.value for m in enums[header]]
        return [*values, "", " ", values[0].lower(), f" {values[0]}", "NOPE", "|".join(values[:3]),
                f"{values[-1]}|{values[0]}|{values[-1]}", f"{values[0]}|NOPE", f" {values[0]} | {values[1]} "]
    fixed = {"size": _INT_EDGES, "incomePercent": _INT_EDGES, "severity": _INT_EDGES,
             "createdAt": _TIME_EDGES, "updatedAt": _TIME_EDGES, "detail": _TEXT_EDGES, "tags": _TAG_EDGES,
             "resourceLabel": ["Service", "Volunteer", "service", "Household", ""],
             "needIds": ["n-1|n-2", "n-2|n-1|n-2", "n-1| n-2", "n-1||", "|", "", *_ID_EDGES]}
    return fixed.get(header, _ID_EDGES)


@functools.cache
def _cell(header: str) -> st.SearchStrategy[str]:
    edges = st.sampled_from(_edges(header))
    if header in ("size", "incomePercent", "severity"):
        return st.one_of(edges, st.integers(-5, 1100).map(str))
    if header in ("detail",) or header in _ID_HEADERS:
        return st.one_of(edges, st.text(max_size=30 if header == "detail" else 6))
    if header in ("traits", "domain", "urgency", "status", "tags"):
        return st.one_of(edges, st.lists(edges, max_size=4).map("|".join))
    if header == "needIds":
        return st.one_of(edges, st.lists(st.sampled_from(_ID_EDGES), max_size=3).map("|".join))
    return edges


_ID_HEADERS = {"id", "householdId", "regionId", "resourceId", "serviceId"}


@st.composite
def _file(draw, label: str):
    """A header (every required column, some optional ones, in any order) and rows for it."""
    sheet = SHEET_BY_LABEL[label]
    headers = [c.header for c in sheet.columns if c.required or draw(st.booleans())]
    headers = draw(st.permutations(headers))
    rows = draw(st.lists(st.tuples(*[_cell(h) for h in headers]).map(list), min_size=1, max_size=8))
    return headers, rows


def _reader(tmp_path, label: str, headers: list[str]) -> SheetReader:
    sheet = SHEET_BY_LABEL[label]
    path = tmp_path / sheet.filename
    buf = io.StringIO()
    csv.writer(buf).writerow(headers)
    path.write_text(buf.getvalue(), encoding="utf-8")
    reader = SheetReader(path, sheet)
    reader.header()
    return reader


def _agree(reader: SheetReader, rows: list[list[str]]) -> int:
    """Check every row the fast way accepts against the model; returns how many it accepted."""
    fast = compile_row(reader.sheet, reader.header())
    accepted = 0
    for line, cells in enumerate(rows, 2):
        got = fast(list(cells))
        row = reader.record(line, list(cells))
        if got is None:
            continue
        accepted += 1
        assert row.error is None, f"the fast way accepted {cells} but the model says {row.error}"
        assert got == Prepared.of(row.record), cells
    return accepted


@pytest.mark.parametrize("label", KINDS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_what_the_fast_way_accepts_the_model_accepts_identically(tmp_path, label, data):
    headers, rows = data.draw(_file(label))
    with _reader(tmp_path, label, headers) as reader:
        _agree(reader, rows)


@functools.cache
def _valid_rows(label: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of ``label``'s file in a small generated bundle (every row valid)."""
    with tempfile.TemporaryDirectory() as d:
        write_bundle(generate(40, seed=4), Path(d))
        with open(Path(d) / SHEET_BY_LABEL[label].filename, encoding="utf-8-sig", newline="") as f:
            headers, *rows = list(csv.reader(f))
    return headers, rows


@pytest.mark.parametrize("label", KINDS)
def test_every_edge_cell_in_an_otherwise_valid_row_is_judged_as_the_model_judges_it(tmp_path, label):
    """Random rows are seldom valid but for one cell; here each column's edge cells meet rows
    that are otherwise fine, so the fast way's check of every cell is put to the test on its own."""
    headers, rows = _valid_rows(label)
    odd = []
    for column, header in enumerate(headers):
        for i, cell in enumerate(_edges(header)):
            cells = list(rows[i % len(rows)])
            cells[column] = cell
            odd.append(cells)
    with _reader(tmp_path, label, headers) as reader:
        assert _agree(reader, odd) > len(headers), "hardly any edge cell was taken the fast way"


def test_the_fast_way_takes_every_row_of_a_generated_bundle(tmp_path):
    """Otherwise a load would silently fall back to the slow way."""
    write_bundle(generate(300, seed=4), tmp_path / "bundle")
    for label in KINDS:
        sheet = SHEET_BY_LABEL[label]
        with open(tmp_path / "bundle" / sheet.filename, encoding="utf-8-sig", newline="") as f:
            headers, *rows = list(csv.reader(f))
        assert rows, label
        with _reader(tmp_path, label, headers) as reader:
            assert _agree(reader, rows) == len(rows), label


def test_a_model_field_the_row_function_does_not_know_stops_it(monkeypatch):
    fields, make = fastrows._ROWS["Need"]
    monkeypatch.setitem(fastrows._ROWS, "Need", (fields[:-1], make))
    sheet = SHEET_BY_LABEL["Need"]
    with pytest.raises(RuntimeError, match="out of date for Need"):
        compile_row(sheet, [(i + 1, i) for i in range(len(sheet.columns))])
