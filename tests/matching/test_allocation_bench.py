"""The allocation and coverage benches run end to end at a tiny size and report sane figures."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_allocate, bench_coverage


@pytest.mark.slow
def test_bench_allocate_at_a_tiny_size(tmp_path):
    bench = bench_allocate
    out_json, out = tmp_path / "a.json", io.StringIO()
    r = bench.main(["--households", "900", "--services", "900", "--volunteers", "60", "--plan", "100",
                    "--repeat", "1", "--db", str(tmp_path / "a.db"), "--json", str(out_json)], out=out)
    text = out.getvalue()
    assert "allocation bench" in text and "weighted coverage" in text
    m = r["measure"]
    e, f = m["exact"], m["first_come"]
    assert m["model"]["households"] == 100 and e["needs"] == f["needs"] > e["needs_covered"] > 0
    assert sum(c for c, _ in e["by_urgency"].values()) == e["needs_covered"]
    assert e["optimal"] and e["gap"] == 0.0 and not f["optimal"]
    assert e["objective"] >= f["objective"] and m["ratio"]["objective"] >= 1.0
    assert 0 < f["weighted_coverage"] <= 1 and 0 < e["weighted_coverage"] <= 1
    assert e["needs_covered"] <= e["needs"] and e["seconds_median"] > 0 and f["seconds_median"] > 0
    assert json.loads(out_json.read_text())["measure"]["exact"]["objective"] == e["objective"]


@pytest.mark.slow
def test_bench_coverage_at_a_tiny_size(tmp_path):
    bench = bench_coverage
    out = io.StringIO()
    r = bench.main(["--households", "300", "--services", "200", "--volunteers", "50", "--repeat", "1",
                    "--db", str(tmp_path / "c.db")], out=out)
    text = out.getvalue()
    assert "coverage bench" in text and "blind-spot cells" in text
    m = r["measure"]
    assert m["households"] == 300 and m["cells"] == r["counts"]["Region"] * 9
    assert 0 <= m["uncovered_needs"] <= m["open_needs"] and m["coverage"]["median_s"] > 0
    assert m["organizations"] > 0 and m["province_cells"] < m["cells"]
