"""Reports as spreadsheets: CSV with a UTF-8 BOM and XLSX, Korean headers by default,
cells that would run as formulas defused; one writer (api/spreadsheet.py) for all."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from api import spreadsheet
from i18n import render
from tests.clirun import run

REPORTS = ("coverage", "overlaps", "network")


@pytest.fixture(scope="module")
def db(sample_db):
    return sample_db


@pytest.mark.parametrize("report", REPORTS)
def test_csv_has_a_bom_and_korean_headers_by_default(db, report: str) -> None:
    code, text = run("report", report, "--format", "csv", "--db", db)
    assert code == 0 and text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text[1:])))
    assert header[0] == {"coverage": "지역", "overlaps": "지역", "network": "기관"}[report]
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in h) for h in header), header
    code, en = run("report", report, "--format", "csv", "--db", db, "--lang", "en")
    assert next(csv.reader(io.StringIO(en[1:])))[0] in ("region", "organization")
    assert len(text.splitlines()) == len(en.splitlines())  # the same rows in either language


@pytest.mark.parametrize("report", REPORTS)
def test_xlsx_holds_the_same_rows_as_csv(db, report: str, tmp_path) -> None:
    path = tmp_path / f"{report}.xlsx"
    code, _ = run("report", report, "--format", "xlsx", "--output", str(path), "--db", db)
    assert code == 0
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    _, text = run("report", report, "--format", "csv", "--db", db)
    expected = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == expected[0] and len(rows) == len(expected)
    assert len(rows) > 1 or report == "overlaps"  # the sample has no overlapping services
    assert ws.title == render(f"sheet.{report}", "ko") and ws.freeze_panes == "A2"
    assert [["" if v is None else str(v) for v in r] for r in rows[1:]] == expected[1:]


def test_xlsx_needs_an_output_file_and_output_needs_a_spreadsheet(db, capsys) -> None:
    assert run("report", "coverage", "--format", "xlsx", "--db", db)[0] == 2
    assert "output" in capsys.readouterr().err
    assert run("report", "coverage", "--format", "table", "--output", "x.csv", "--db", db)[0] == 2


def test_csv_to_a_file(db, tmp_path) -> None:
    path = tmp_path / "c.csv"
    code, printed = run("report", "network", "--format", "csv", "--output", str(path), "--db", db)
    assert code == 0 and printed == ""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and "기관".encode() in data


@pytest.mark.parametrize("value", ["=1+1", "+82-10", "-2+3", "@SUM(A1)", "\tcmd", "\r=x"])
def test_a_formula_is_defused_in_both_formats(value: str, tmp_path) -> None:
    buf = io.StringIO()
    spreadsheet.write_csv(buf, ["이름"], [[value], ["plain"], [-3]])
    rows = list(csv.reader(io.StringIO(buf.getvalue()[1:])))
    assert rows[1] == ["'" + value] and rows[2] == ["plain"] and rows[3] == ["-3"]  # a number stays a number
    path = tmp_path / "f.xlsx"
    spreadsheet.write_xlsx(path, ["이름"], [[value], [-3]])
    ws = openpyxl.load_workbook(path).active
    cell = ws.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    assert cell.value == value.replace("\r", "\n")  # XML normalises a carriage return
    assert ws.cell(row=3, column=1).value == -3 and ws.cell(row=3, column=1).data_type == "n"


@pytest.mark.parametrize("value", ["서울", "a=b", "1-2", "", "SUM"])
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert spreadsheet.safe_text(value) == value
