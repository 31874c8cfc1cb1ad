"""The fast row functions agree with the model on every row they accept.

``loaders.fastrows`` may decline any row (the model then decides), but a row
it accepts must be one the model accepts, stored byte for byte as the model's
record would be, naming the same ids in the same order.
"""

from __future__ import annotations

import csv
import io

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

# cells near the edges of what the model accepts
_ID = st.one_of(
    st.sampled_from(["hh-1", "n-1", "svc-1", "가구-1", "a", "x" * 128, "x" * 129, " hh", "hh ", "h\th", "h\u00a0",
                     "h|h", "", " ", "\u3000h", "h\x7f", 'q"uote', "back\\slash"]),
    st.text(min_size=0, max_size=6),
)
_INT = st.one_of(st.sampled_from(["0", "1", "5", "6", "007", "+3", " 3", "3 ", "-1", "100", "101", "1000", "1001",
                                  "٣", "²", "1e3", "", "x", "9" * 19]),
                 st.integers(-5, 1100).map(str))


def _enum_cell(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([*values, "", " ", values[0].lower(), f" {values[0]}", "NOPE"]),
                     st.lists(st.sampled_from([*values, "", " ", "NOPE"]), max_size=4).map("|".join))


_TIME = st.sampled_from(["2026-11-20T09:30:00+09:00", "2026-11-20T09:30:00", "2026-11-20", "2026-13-01T00:00:00",
                         "yesterday", "", " 2026-11-20T09:30:00"])
_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "줄\n바꿈", 'say "hi"', "\\", "x" * 2000,
                                                         "x" * 2001, "\x00"]))


def _cell(header: str) -> st.SearchStrategy[str]:
    from graph.model import Domain, HouseholdTrait, NeedStatus, ReferralStatus, Urgency

    if header in ("size", "incomePercent", "severity"):
        return _INT
    if header in ("createdAt", "updatedAt"):
        return _TIME
    if header == "detail":
        return _TEXT
    enums = {"traits": HouseholdTrait, "urgency": Urgency, "domain": Domain}
    if header in enums:
        return _enum_cell([m.value for m in enums[header]])
    if header == "status":
        return _enum_cell([m.value for m in (*NeedStatus, *ReferralStatus)])
    if header == "resourceLabel":
        return st.sampled_from(["Service", "Volunteer", "service", "Household", ""])
    if header == "needIds":
        return st.lists(_ID, max_size=3).map("|".join)
    return _ID


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
