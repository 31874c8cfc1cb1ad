"""bench/bench_neo4j.py --load-only: the loads into Neo4j and their goal, nothing else."""

from __future__ import annotations

import io

import pytest

from bench import bench_neo4j


@pytest.mark.slow
def test_load_only_measures_the_loads_and_nothing_else(neo4j_env):
    out = io.StringIO()
    argv = ["--households", "150", "--uri", neo4j_env["NEO4J_URI"], "--loads", "2", "--load-only"]
    r = bench_neo4j.main(argv, out=out)
    assert r["counts"]["Household"] == 150
    assert [load["rows"] for load in r["loads_neo4j"]] == [sum(r["counts"].values())] * 2
    assert r["load_neo4j"] is r["loads_neo4j"][-1] and r["load_neo4j"]["records_per_s"] > 0
    assert not {"load_embedded", "match", "coverage", "serve"} & set(r)
    assert set(r["goals"]) == {"load_records_per_s"}
    assert r["goals"]["load_records_per_s"]["got"] == r["load_neo4j"]["records_per_s"]
    text = out.getvalue()
    assert "load into Neo4j (first)" in text and "load into Neo4j (again, emptied first)" in text
    assert "load_records_per_s" in text and "machine" in text
    assert "households matched" not in text and "embedded" not in text and "match_p95" not in text
