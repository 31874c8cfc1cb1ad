"""bench/bench_neo4j.py runs end to end at a tiny size and its figures are consistent."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_neo4j


@pytest.mark.slow
def test_bench_neo4j_at_a_tiny_size(neo4j_env, tmp_path):
    out = io.StringIO()
    argv = ["--households", "150", "--samples", "20", "--warm-up", "10", "--uri", neo4j_env["NEO4J_URI"],
            "--loads", "2", "--serve-requests", "5", "--json", str(tmp_path / "n.json")]
    r = bench_neo4j.main(argv, out=out)
    assert r["counts"]["Household"] == 150
    assert [load["rows"] for load in r["loads_neo4j"]] == [sum(r["counts"].values())] * 2
    assert r["load_neo4j"]["records_per_s"] > 0 and r["load_embedded"]["records_per_s"] > 0
    assert r["match"]["samples"] == 20 and r["match"]["differ"] == []  # the same packages on both stores
    # then 20 others, with regions' parts held by the Neo4j store: the same packages again
    assert r["match_parts_held"]["samples"] == 20 and r["match_parts_held"]["differ"] == []
    assert r["warm_up"]["samples"] == 10 and r["warm_up"]["differ"] == []
    for store in ("neo4j", "embedded"):
        for part in ("view", "match", "both"):
            figures = r["match"][store][part]
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    for report in ("coverage", "overlaps", "network_analytics"):  # the same answers on both stores
        for found in (r, r["root_region"]):  # of every region; of the root region's subtree
            assert found[report]["same"] and found[report]["neo4j"]["items"] > 0, report
    assert r["serve"]["embedded"]["rss_mib"] > 0 and r["serve"]["neo4j"]["rss_mib"] > 0
    assert set(r["goals"]) == {"match_p95_ms", "match_p95_ratio", "load_records_per_s"}
    text = out.getvalue()
    assert "load into Neo4j (first)" in text and "households per GiB" in text and "goals" in text
    assert json.loads((tmp_path / "n.json").read_text())["counts"] == r["counts"]
