"""The match bench runs end to end at a tiny size and reports sane figures."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_match


@pytest.mark.slow
def test_bench_match_at_a_tiny_size(tmp_path):
    bench = bench_match
    db, out_json, out = tmp_path / "m.db", tmp_path / "m.json", io.StringIO()
    args = ["--households", "400", "--services", "600", "--volunteers", "150", "--samples", "60",
            "--db", str(db), "--json", str(out_json)]
    r = bench.main(args, out=out)
    text = out.getvalue()
    assert "match bench" in text and "greedy/match" in text
    counts = r["counts"]
    assert (counts["Household"], counts["Service"], counts["Volunteer"]) == (400, 600, 150)
    m = r["measure"]
    assert m["samples"] == 60 and m["all_optimal"]
    for key in ("view", "match", "view_plus_match", "greedy", "view_plus_greedy"):
        assert 0 < m[key]["p50_ms"] <= m[key]["p95_ms"] <= m[key]["max_ms"]
    assert m["mean_cost_greedy"] >= m["mean_cost_match"] > 0 and m["greedy_over_match"] >= 1.0
    assert 1.0 <= m["mean_packages"] <= 3.0 and m["mean_considered"] <= m["mean_candidates"]
    assert json.loads(out_json.read_text())["counts"] == counts
    # a second run reuses the file and measures the same households with the same costs
    again = bench.main(args, out=io.StringIO())
    assert again["reused"] and again["measure"]["mean_cost_match"] == m["mean_cost_match"]


@pytest.mark.slow
def test_the_bench_generator_is_deterministic():
    bench = bench_match

    def records(seed):
        return [(kind, [x.to_dict() for x in recs]) for kind, recs in bench.generate(30, 80, 10, seed)]

    assert records(1) == records(1) and records(1) != records(2)
