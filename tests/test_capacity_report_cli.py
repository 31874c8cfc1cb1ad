"""`dolbom report capacity`: used, left and next reset of each limited service, MOU quota and
volunteer, in Korean by default (headers from the catalogue) or English, as a table, CSV with a BOM,
XLSX or JSON, for every region or one region's subtree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import openpyxl
import pytest

from api.cli import main
from graph.embedded import EmbeddedStore
from graph.model import Service
from i18n import render

ON = "2026-11-23"


@pytest.fixture
def db(sample_db, tmp_path):
    """The sample, plus a monthly service in Seongnam full last month (its count is October's)."""
    path = tmp_path / "cap.db"
    shutil.copyfile(sample_db, path)
    with EmbeddedStore(path) as store:
        store.put(Service(id="svc-sn-month", name="월간 반찬 나눔", provider_id="org-seongnam-city",
                          domains=["FOOD"], region_ids=["gg-seongnam"], capacity=3, used=3,
                          capacity_period="MONTH", used_since=dt.date(2026, 10, 1)))
    return str(path)


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def rows_of(db, *more):
    code, text = run("report", "capacity", "--format", "json", "--on", ON, "--db", db, *more)
    assert code == 0
    return {r["id"]: r for r in json.loads(text)}


def test_json_gives_used_left_and_next_reset_per_service_mou_and_volunteer(db):
    rows = rows_of(db)
    shelter = rows["svc-suwon-shelter"]  # 5 of 5 places held now: no period, no reset
    assert (shelter["kind"], shelter["used"], shelter["left"], shelter["nextReset"]) == \
        ("Service", 5, 0, None)
    month = rows["svc-sn-month"]  # full in October, November starts empty
    assert (month["period"], month["used"], month["left"], month["nextReset"]) == \
        ("MONTH", 0, 3, "2026-12-01")
    bar = rows["mou-bar"]  # signed 2025-03-01: the agreement year resets on 1 March
    assert (bar["kind"], bar["limit"], bar["nextReset"]) == ("Agreement", 120, "2027-03-01")
    assert rows["vol-kim"]["kind"] == "Volunteer" and rows["vol-kim"]["limit"] == 6
    assert "svc-gg-legal" not in rows  # no capacity of its own: its MOU is the limit


def test_a_region_keeps_what_serves_inside_it(db):
    suwon = rows_of(db, "--region", "gg-suwon")
    assert {"svc-suwon-shelter", "svc-suwon-rent", "vol-kim", "svc-gg-clinic", "mou-medical"} <= set(suwon)
    assert not {"svc-sn-month", "svc-seongnam-care", "vol-park"} & set(suwon)  # Seongnam's only
    seongnam = rows_of(db, "--region", "gg-seongnam")
    assert {"svc-sn-month", "vol-park"} <= set(seongnam) and "svc-suwon-shelter" not in seongnam


def test_the_table_is_korean_by_default_and_english_on_request(db):
    code, ko = run("report", "capacity", "--on", ON, "--db", db)
    assert code == 0
    for key in ("col.resource_kind", "col.limit", "col.period", "col.used_now", "col.left_now",
                "col.next_reset"):
        assert render(key, "ko") in ko
    assert "협약 연도" in ko and "2027-03-01" in ko and "자원봉사자" in ko
    code, en = run("report", "capacity", "--on", ON, "--db", db, "--lang", "en")
    assert code == 0 and "next reset" in en and "agreement year" in en and "협약 연도" not in en


def test_csv_has_a_bom_and_xlsx_the_same_rows(db, tmp_path):
    code, text = run("report", "capacity", "--format", "csv", "--on", ON, "--db", db)
    assert code == 0 and text.startswith("\ufeff")
    # a cell starting with - is defused against formulas in CSV ('-), as every report's is
    table = [[c.removeprefix("'") for c in r] for r in csv.reader(io.StringIO(text.removeprefix("\ufeff")))]
    assert table[0][0] == render("col.resource_kind", "ko") and len(table) - 1 == len(rows_of(db))
    path = tmp_path / "capacity.xlsx"
    code, _ = run("report", "capacity", "--format", "xlsx", "--output", str(path), "--on", ON, "--db", db)
    assert code == 0
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == render("sheet.capacity", "ko")
    assert [[("" if c is None else str(c)) for c in r] for r in sheet.iter_rows(values_only=True)] == table


def test_an_unknown_region_is_a_one_line_error(db, capsys):
    assert run("report", "capacity", "--region", "atlantis", "--db", db)[0] == 2
    err = capsys.readouterr().err
    assert "atlantis" in err and "Traceback" not in err
