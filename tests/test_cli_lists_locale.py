"""`dolbom token list` and `dolbom staff list`: Korean headers and words by default, times in the
deployment's zone, and the same spreadsheets as the reports (CSV with a BOM, XLSX); `dolbom
staff` and `dolbom token` errors in Korean unless --lang en."""

from __future__ import annotations

import csv
import io

import pytest

from api.spreadsheet import BOM
from tests.clirun import run

#: 15:30 UTC on 1 March is 00:30 on 2 March in Seoul
CREATED = "2025-03-01T15:30:00+00:00"


@pytest.fixture
def db(tmp_path, monkeypatch):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records
    from service import staff, tokens

    monkeypatch.delenv("DOLBOM_TIMEZONE", raising=False)
    monkeypatch.delenv("DOLBOM_LOCALE", raising=False)
    path = str(tmp_path / "l.db")
    with EmbeddedStore(path) as store:
        store.put(*sample_records())
        store.put_side(staff.KIND, "stf-kim", {
            "name": "김민지", "role": "caseworker", "organization_id": None, "region_id": "gg-suwon",
            "active": True, "created_at": CREATED, "disabled_at": None})
        store.put_side(staff.KIND, "stf-eq", {
            "name": "=HYPERLINK(\"x\")", "role": "partner", "organization_id": "org-gg-bar",
            "region_id": None, "active": False, "created_at": CREATED,
            "disabled_at": "2025-03-02T00:10:00+00:00"})
        store.put_side(tokens.KIND, "ab" * 32, {
            "role": "partner", "organization_id": "org-gg-bar", "region_id": None, "created_at": CREATED,
            "expires_at": None, "revoked_at": None, "staff_id": None})
    return path


def test_token_list_is_korean_with_seoul_times_by_default_and_english_on_request(db, monkeypatch):
    code, text = run("token", "list", "--db", db)
    assert code == 0
    header, row = text.splitlines()
    assert header.split()[:3] == ["토큰", "ID", "역할"] and "등록 시각" in header and "만료 시각" in header
    assert "협력기관" in row and "2025-03-02 00:30 KST" in row and "없음" in row  # never expires
    assert "partner" not in row and CREATED not in row
    code, text = run("token", "list", "--db", db, "--lang", "en")
    header, row = text.splitlines()
    assert header.split()[:2] == ["id", "role"] and "partner" in row and "never" in row
    assert "2025-03-02 00:30 KST" in row  # the zone does not follow the language
    monkeypatch.setenv("DOLBOM_TIMEZONE", "UTC")
    assert "2025-03-01 15:30 UTC" in run("token", "list", "--db", db)[1]


def test_staff_list_is_korean_by_default_with_states_and_times_in_the_zone(db):
    code, text = run("staff", "list", "--all", "--db", db)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["직원", "ID", "이름", "역할"]
    kim = next(line for line in lines if "stf-kim" in line)
    assert "김민지" in kim and "사례관리자" in kim and "활성" in kim and "2025-03-02 00:30 KST" in kim
    eq = next(line for line in lines if "stf-eq" in line)
    assert "비활성 (2025-03-02 09:10 KST)" in eq
    code, text = run("staff", "list", "--all", "--db", db, "--lang", "en")
    assert "disabled 2025-03-02 09:10 KST" in text and "caseworker" in text and "active" in text


def test_lists_export_csv_with_a_bom_and_formula_safe_cells(db, tmp_path):
    code, text = run("staff", "list", "--all", "--db", db, "--format", "csv")
    assert code == 0 and text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["직원 ID", "이름", "역할", "소속", "상태", "등록 시각"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["stf-eq"][1] == "'=HYPERLINK(\"x\")"  # never a formula in Excel
    assert by_id["stf-kim"][5] == "2025-03-02 00:30 KST"
    path = tmp_path / "tokens.csv"
    code, _ = run("token", "list", "--db", db, "--format", "csv", "--output", str(path), "--lang", "en")
    data = path.read_bytes().decode("utf-8")
    assert code == 0 and data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[1:])))
    assert rows[0] == ["id", "role", "bound to", "staff", "created", "expires", "revoked"]
    assert rows[1][1:] == ["partner", "org-gg-bar", "", "2025-03-02 00:30 KST", "", ""]


def test_lists_export_xlsx_and_xlsx_needs_a_file(db, tmp_path, capsys):
    from openpyxl import load_workbook

    path = tmp_path / "staff.xlsx"
    assert run("staff", "list", "--db", db, "--format", "xlsx", "--output", str(path))[0] == 0
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == ["직원 ID", "이름", "역할", "소속", "상태", "등록 시각"]
    assert ws.title == "직원" and ws["A2"].value == "stf-kim" and ws["C2"].value == "사례관리자"
    assert run("token", "list", "--db", db, "--format", "xlsx")[0] == 2
    assert "output" in capsys.readouterr().err
    assert run("token", "list", "--db", db, "--output", str(tmp_path / "x.txt"))[0] == 2
    assert "--output" in capsys.readouterr().err


def test_staff_and_token_errors_are_korean_first(db, capsys):
    assert run("staff", "add", "--name", "x", "--role", "caseworker", "--db", db)[0] == 2
    err = capsys.readouterr().err
    assert err == ("dolbom: 오류: regionId: 사례관리자는 지역(소속 센터의 관할 구역)에 속합니다: "
                   "지역을 지정하세요\n")
    assert run("staff", "add", "--name", "x", "--role", "caseworker", "--db", db, "--lang", "en")[0] == 2
    assert capsys.readouterr().err == ("dolbom: error: regionId: a case worker belongs to a region "
                                       "(their center's area)\n")
    assert run("token", "revoke", "nope", "--db", db)[0] == 2
    assert "16진수 12자리" in capsys.readouterr().err
    code, text = run("staff", "disable", "stf-kim", "--db", db)
    assert code == 0 and text.startswith("김민지(stf-kim) 직원을 ") and "KST에 비활성화했습니다" in text
