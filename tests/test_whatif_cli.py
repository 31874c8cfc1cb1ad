"""`dolbom report recruit|whatif|fairness|burndown|takes` on a small synthetic province: Korean by
default and English with --lang/--locale (headers, kinds, summaries, sentences from the one catalogue),
CSV and XLSX through the one spreadsheet writer, and coded errors for options that do not apply."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from api.cli import main
from i18n import render
from loaders import synthetic

ON = synthetic.ON.isoformat()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    from graph.embedded import EmbeddedStore

    path = tmp_path_factory.mktemp("whatif") / "w.db"
    store = EmbeddedStore(str(path))
    store.put(*synthetic.records(households=600, seed=7))
    store.close()
    return str(path)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_recruit_speaks_korean_by_default_and_english_on_request(db) -> None:
    args = ("report", "recruit", "--region", "gg-suwon", "--top", "5", "--on", ON, "--db", db)
    code, ko = run(*args)
    assert code == 0
    summary, header, *rows = ko.splitlines()
    assert summary.startswith("가구 ") and "후보" in summary
    assert header.split()[:3] == ["순위", "종류", "대상"] and 0 < len(rows) <= 5
    _, js = run(*args, "--format", "json")
    ranked = json.loads(js)["ranked"]
    assert [r["kind"] for r in ranked] == [r["kind"] for r in json.loads(run(*args, "--format", "json",
                                                                             "--lang", "en")[1])["ranked"]]
    assert rows[0].split()[1] == render(f"change.kind.{ranked[0]['kind']}", "ko").split()[0]
    for flag in ("--lang", "--locale"):
        code, en = run(*args, flag, "en")
        assert code == 0
        summary, header, *rows = en.splitlines()
        assert "households" in summary and header.split()[:3] == ["rank", "kind", "target"]
        assert not _hangul(header) and len(rows) == len(ranked)


@pytest.mark.parametrize("report,extra", [
    ("recruit", ("--region", "gg-suwon")),
    ("fairness", ()),
    ("burndown", ()),
    ("whatif", ("--region", "gg-suwon")),
])
def test_csv_and_xlsx_go_through_the_one_writer(db, report: str, extra: tuple[str, ...], tmp_path) -> None:
    if report == "whatif":  # the new program the advisor ranks first: a need gains cover, rows to write
        _, js = run("report", "recruit", "--region", "gg-suwon", "--on", ON, "--format", "json", "--db", db)
        new = next(r for r in json.loads(js)["ranked"] if r["kind"] == "NEW_SERVICE")
        domain = new["targetId"].split("-")[-2]  # new-<region>-<domain>-<n>
        extra = (*extra, "--change", f"new:{domain}:{new['regionId']}:1")
    base = ("report", report, *extra, "--on", ON, "--db", db)
    code, text = run(*base, "--format", "csv")
    assert code == 0 and text.startswith("\ufeff") and "\r\n" in text  # the writer's BOM and line ends
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) > 1 and all(_hangul(h) or h == "ID" for h in rows[0]), rows
    _, en = run(*base, "--format", "csv", "--lang", "en")
    en_rows = list(csv.reader(io.StringIO(en[1:])))
    assert not any(_hangul(h) for h in en_rows[0]) and len(en_rows) == len(rows)
    path = tmp_path / f"{report}.xlsx"
    code, printed = run(*base, "--format", "xlsx", "--output", str(path))
    assert code == 0 and printed == ""
    ws = openpyxl.load_workbook(path).active
    assert ws.title == render(f"sheet.{report}", "ko")
    got = [["" if c.value is None else str(c.value) for c in r] for r in ws.iter_rows()]
    assert got[0] == rows[0] and len(got) == len(rows)


def test_burndown_forecasts_a_run_out_from_the_referral_history(db) -> None:
    code, js = run("report", "burndown", "--on", ON, "--format", "json", "--db", db)
    data = json.loads(js)
    rated = [b for b in data if b["perMonth"] > 0 and b["left"] > 0]
    assert code == 0 and rated and all(b["runsOut"] and b["runsOut"] > ON for b in rated)
    # a row with nothing taken in the window forecasts nothing
    assert all(b["runsOut"] is None for b in data if b["perMonth"] == 0 and b["left"] > 0)
    _, ko = run("report", "burndown", "--on", ON, "--db", db)
    _, en = run("report", "burndown", "--on", ON, "--db", db, "--lang", "en")
    assert "현재 속도" in ko and "At this rate" in en and "현재 속도" not in en


def test_options_of_other_reports_and_missing_files_are_coded_errors(db, capsys) -> None:
    assert run("report", "fairness", "--format", "xlsx", "--on", ON, "--db", db)[0] == 2
    assert "output" in capsys.readouterr().err
    assert run("report", "fairness", "--output", "x.csv", "--on", ON, "--db", db)[0] == 2
    assert "output" in capsys.readouterr().err
    assert run("report", "recruit", "--region", "gg-suwon", "--all", "--db", db)[0] == 2
    assert "all" in capsys.readouterr().err
    assert run("report", "coverage", "--household", "hh-0000001", "--db", db)[0] == 2
    assert "household" in capsys.readouterr().err
    # and the ordinary case still runs: fairness with CSV to a file
    assert run("report", "fairness", "--format", "csv", "--output", "/dev/null", "--on", ON,
               "--db", db)[0] == 0


def test_whatif_rows_put_gained_needs_under_after_and_lost_under_before(db) -> None:
    """A household's cover row: the needs covered only after the change under "after", those
    covered only before it under "before" (the JSON says which are gained and which lost)."""
    _, js = run("report", "recruit", "--region", "gg-suwon", "--on", ON, "--format", "json", "--db", db)
    new = next(r for r in json.loads(js)["ranked"] if r["kind"] == "NEW_SERVICE")
    domain = new["targetId"].split("-")[-2]
    base = ("report", "whatif", "--region", "gg-suwon", "--change", f"new:{domain}:{new['regionId']}:1",
            "--on", ON, "--db", db)
    _, js = run(*base, "--format", "json")
    cover = {c["householdId"]: c for c in json.loads(js)["cover"]}
    assert any(c["gained"] for c in cover.values())
    _, text = run(*base, "--format", "csv", "--lang", "en")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    before, after = header.index("before"), header.index("after")
    checked = 0
    for row in rows:
        c = cover.get(row[1])
        if c is None or row[0] != render("report.whatif.row.cover", "en"):
            continue
        # (a cell starting with "-" leaves the writer with the formula guard's apostrophe)
        shown = {before: row[before].removeprefix("'"), after: row[after].removeprefix("'")}
        assert shown[after] == (",".join(c["gained"]) or "-")
        assert shown[before] == (",".join(c["lost"]) or "-")
        checked += 1
    assert checked == len(cover)
