"""`dolbom report coverage|overlaps|network` on the sample data in an embedded store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from api.cli import main
from graph.view import build_graph
from loaders.sample import sample_records
from matching import analytics, coverage, overlaps


@pytest.fixture(scope="module")
def db(sample_db):
    return sample_db


def run(*argv, lang="en"):
    """The CLI in English (its default is Korean: tests/test_report_spreadsheets.py); CSV without its BOM."""
    out = io.StringIO()
    code = main([*argv, "--lang", lang], out=out)
    return code, out.getvalue().removeprefix("\ufeff")


def test_coverage_json_csv_and_table_agree_with_the_function(db):
    g = build_graph(sample_records())
    cells = coverage(g, on=dt.date(2026, 11, 23))
    code, text = run("report", "coverage", "--format", "json", "--on", "2026-11-23", "--db", db)
    assert code == 0 and json.loads(text) == [c.as_dict() for c in cells]
    code, text = run("report", "coverage", "--format", "csv", "--on", "2026-11-23", "--db", db)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(cells)
    assert rows[0].keys() == {"region", "domain", "open", "uncovered", "nothing", "short", "unmet",
                              "services", "free"}
    assert sum(int(r["uncovered"]) for r in rows) == sum(c.uncovered_needs for c in cells) > 0
    code, text = run("report", "coverage", "--on", "2026-11-23", "--db", db)
    lines = text.splitlines()
    assert code == 0 and lines[0].split() == ["region", "domain", "open", "uncovered", "nothing", "short",
                                              "unmet", "services", "free"]
    assert len(lines) - 3 == sum(1 for c in cells if c.open_needs or c.services)
    nothing = sum(1 for c in cells if c.missing_needs)
    short = sum(1 for c in cells if c.short_of_places)
    assert lines[-1] == f"blind spots: {nothing} cells where nothing exists, {short} cells short of places"


def test_coverage_of_a_region_says_both_kinds_in_needs(db):
    code, text = run("report", "coverage", "--region", "gg-suwon", "--on", "2026-11-23", "--db", db)
    # Suwon: the education need has nothing at all; the health need's MOU quota is spent
    assert code == 0 and text.splitlines()[-1] == (
        "gg-suwon: nothing exists for 1 open needs; not enough places for 1 (0 of them beyond what "
        "today's places can cover: what an optimal allocate leaves NOT_ENOUGH_PLACES or EXCLUDED)")


def _dup_db(tmp_path, groups: int) -> str:
    from graph.embedded import EmbeddedStore
    from graph.model import Organization, Service

    path = str(tmp_path / "dups.db")
    recs = list(sample_records())
    tags = ["meal-delivery", "free-meals", "food-parcel"]
    for i in range(groups):
        recs.append(Organization(id=f"org-x{i}", name=f"나눔 {i}", sector="NONPROFIT",
                                 region_ids=["gg-suwon"]))
        recs.append(Service(id=f"svc-x{i}", name=f"도시락 {i}", provider_id=f"org-x{i}",
                            domains=["FOOD"],
                            region_ids=["gg-suwon"], form="IN_KIND", tags=[tags[i]], capacity=5 * (i + 1)))
        recs.append(Service(id=f"svc-y{i}", name=f"도시락 {i}", provider_id="org-suwon-city",
                            domains=["FOOD"],
                            region_ids=["gg-suwon"], form="IN_KIND", tags=[tags[i]], capacity=5 * (i + 1),
                            max_income_percent=50 - i))
    with EmbeddedStore(path) as st:
        st.put(*recs)
    return path


def test_overlaps_are_short_by_default_most_redundant_first_and_all_on_request(tmp_path):
    db = _dup_db(tmp_path, 3)
    code, text = run("report", "overlaps", "--format", "json", "--db", db)
    groups = json.loads(text)
    assert code == 0 and sorted(g["tag"] for g in groups) == ["food-parcel", "free-meals", "meal-delivery"]
    assert [g["redundancy"] for g in groups] == sorted((g["redundancy"] for g in groups), reverse=True)
    code, text = run("report", "overlaps", "--top", "1", "--db", db)
    lines = text.splitlines()
    assert code == 0 and lines[0].split()[:7] == ["region", "form", "tag", "services", "capacity", "demand",
                                                  "redundancy"]
    assert lines[-1] == f"1 of {len(groups)} groups, most redundant first; --all for every one"
    code, text = run("report", "overlaps", "--all", "--format", "csv", "--db", db)
    assert code == 0 and len(list(csv.reader(io.StringIO(text)))) == 1 + len(groups)
    assert run("report", "coverage", "--all", "--db", db)[0] == 2


def test_coverage_of_a_region_and_the_heatmap(db, tmp_path):
    png = tmp_path / "cov.png"
    code, text = run("report", "coverage", "--region", "gg-suwon", "--format", "json", "--plot", str(png),
                     "--db", db)
    assert code == 0
    assert {c["regionId"] for c in json.loads(text)} == {"gg-suwon", "gg-suwon-maetan", "gg-suwon-jowon"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_unknown_region_and_misplaced_plot_are_one_line_errors(db, capsys):
    assert run("report", "coverage", "--region", "atlantis", "--db", db)[0] == 2
    assert "regionId" in capsys.readouterr().err
    assert run("report", "overlaps", "--plot", "x.png", "--db", db)[0] == 2
    assert "plot" in capsys.readouterr().err


def test_overlaps_and_network(db):
    g = build_graph(sample_records())
    code, text = run("report", "overlaps", "--format", "json", "--db", db)
    assert code == 0 and json.loads(text) == [o.as_dict() for o in overlaps(g)]
    code, text = run("report", "network", "--format", "json", "--kinds", "organization,service", "--db", db)
    data = json.loads(text)
    assert {n["kind"] for n in data["nodes"]} == {"ORGANIZATION", "SERVICE"}
    assert data["analytics"] == analytics(g).as_dict()
    code, text = run("report", "network", "--db", db)
    assert code == 0 and text.startswith("organization") and "resources nobody is referred to:" in text
    code, text = run("report", "network", "--format", "csv", "--db", db)
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + len(analytics(g).organizations)


@pytest.mark.parametrize("plot, says", [
    ("no-such-folder/heat.png", "does not exist"),
    ("heat.bmpx", "must end in"),
])
def test_a_plot_that_cannot_be_written_is_refused_before_any_output(db, tmp_path, capsys, plot, says):
    code, text = run("report", "coverage", "--plot", str(tmp_path / plot), "--db", db)
    assert code == 2 and text == ""  # nothing printed: the table is not half-shown before the error
    err = capsys.readouterr().err
    assert "plot" in err and says in err and "Traceback" not in err


def test_plot_without_matplotlib_names_the_extra(db, tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code, _ = run("report", "coverage", "--plot", str(tmp_path / "heat.png"), "--db", db)
    assert code == 2 and "dolbom[plot]" in capsys.readouterr().err
