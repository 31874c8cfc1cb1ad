"""`dolbom report audit`: the coordinator's view of the audit log, in the offices' time zone and
language, filtered as the auditLog query filters it, as a table, CSV (BOM) or XLSX."""

from __future__ import annotations

import csv
import io

import pytest

from api.spreadsheet import BOM
from tests.clirun import run

ENTRIES = [  # (stored UTC time, action, targets)
    ("2025-03-01T14:59:00.000000+00:00", "createHousehold", ["hh-a"]),  # 23:59 KST, 1 March
    ("2025-03-01T15:30:05.000000+00:00", "updateReferral", ["ref-1"]),  # 00:30:05 KST, 2 March
    ("2025-03-02T01:00:00.000000+00:00", "read", ["hh-a", "hh-b"]),  # 10:00 KST, 2 March
]


@pytest.fixture
def db(tmp_path, monkeypatch):
    from graph.embedded import EmbeddedStore
    from service import audit
    from service.principal import Principal, Role

    monkeypatch.delenv("DOLBOM_TIMEZONE", raising=False)
    monkeypatch.delenv("DOLBOM_LOCALE", raising=False)
    path = str(tmp_path / "a.db")
    who = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw", staff_id="stf-kim",
                    staff_name="김민지")
    with EmbeddedStore(path) as store:
        for at, action, targets in ENTRIES:
            e = audit.entry(who, action, "Household", targets, "req-1", {"status": "ACCEPTED"}, at=at)
            store.append_audit(f"{at}/x", e)
    return path


def test_the_audit_report_shows_seoul_times_and_korean_headers(db):
    code, text = run("report", "audit", "--db", db)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["시각", "직원", "토큰"]
    assert "2025-03-01 23:59:00 KST" in lines[1] and "createHousehold" in lines[1]
    assert "2025-03-02 00:30:05 KST" in lines[2] and "김민지" in lines[2] and "사례관리자" in lines[2]
    assert "+00:00" not in text
    code, text = run("report", "audit", "--db", db, "--lang", "en")
    assert text.splitlines()[0].split()[:3] == ["at", "staff", "token"] and "caseworker" in text


def test_since_without_an_offset_is_a_seoul_day_and_filters_match_the_query(db):
    # from midnight in Seoul on 2 March: 15:00 UTC on 1 March; the 23:59 KST entry is before it
    code, text = run("report", "audit", "--db", db, "--since", "2025-03-02", "--format", "json")
    import json

    rows = json.loads(text)
    assert [r["action"] for r in rows] == ["updateReferral", "read"]
    assert rows[0]["at"] == ENTRIES[1][0] and rows[0]["atLocal"] == "2025-03-02 00:30:05 KST"
    rows = json.loads(run("report", "audit", "--db", db, "--since", "2025-03-02T00:00:00+00:00",
                          "--format", "json")[1])
    assert [r["action"] for r in rows] == ["read"]  # an offset given is kept
    rows = json.loads(run("report", "audit", "--db", db, "--target", "hh-b", "--format", "json")[1])
    assert [r["action"] for r in rows] == ["read"]
    rows = json.loads(run("report", "audit", "--db", db, "--action", "createHousehold", "--until",
                          "2025-03-02", "--format", "json")[1])
    assert [r["at"] for r in rows] == [ENTRIES[0][0]]
    assert len(json.loads(run("report", "audit", "--db", db, "--limit", "2", "--format", "json")[1])) == 2


def test_a_bad_since_is_a_coded_error_naming_it(db, capsys):
    assert run("report", "audit", "--db", db, "--since", "yesterday")[0] == 2
    assert "since" in capsys.readouterr().err


def test_the_audit_report_exports_csv_with_a_bom_and_xlsx(db, tmp_path):
    code, text = run("report", "audit", "--db", db, "--format", "csv")
    assert code == 0 and text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["시각", "직원", "토큰", "역할", "작업", "대상", "요청 ID", "내용"]
    assert rows[2][:2] == ["2025-03-02 00:30:05 KST", "김민지"] and rows[3][5] == "hh-a hh-b"
    from openpyxl import load_workbook

    path = tmp_path / "audit.xlsx"
    assert run("report", "audit", "--db", db, "--format", "xlsx", "--output", str(path))[0] == 0
    ws = load_workbook(path).active
    assert ws.title == "감사 기록" and ws["A2"].value == "2025-03-01 23:59:00 KST"
