"""The store bench runs end to end at a tiny size and reports sane figures."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_store
from graph.embedded import EmbeddedStore


@pytest.mark.slow
def test_bench_store_at_a_tiny_size(tmp_path):
    bench = bench_store
    db, out_json, out = tmp_path / "bench.db", tmp_path / "bench.json", io.StringIO()
    r = bench.main(
        ["--households", "300", "--seed", "5", "--db", str(db), "--json", str(out_json),
         "--samples", "100", "--batch", "2000"],
        out=out,
    )
    text = out.getvalue()
    assert "nodes / edges (store.graph())" in text and "neighbourhood" in text

    counts = r["counts"]
    assert counts["Household"] == 300
    assert all(counts[k] > 0 for k in ("Region", "Organization", "Agreement", "Service", "Volunteer",
                                       "Need", "Referral", "Receipt"))
    assert 2 * 300 <= counts["Need"] <= 4 * 300
    # one node per record but receipts, which are edges
    assert r["nodes"] == sum(counts.values()) - counts["Receipt"]
    assert r["edges"] > r["nodes"]
    assert r["load"]["records"] == sum(counts.values())
    assert r["load"]["units_of_work"] >= 9  # at least one per kind
    for figure in (r["load"]["seconds"], r["load"]["records_per_second"], r["reopen_seconds"],
                   r["graph_copy_seconds"], r["peak_rss_mb"], r["file_mb"]):
        assert figure > 0
    assert r["peak_rss_mb"] >= r["peak_rss_after_load_mb"] > 0
    fresh = r["reopen_fresh_process"]
    assert fresh["seconds"] > 0 and fresh["peak_rss_mb"] > 0
    assert fresh["records"] == sum(counts.values())

    nb = r["neighbourhood"]
    assert nb["samples"] == 100 and nb["all_contain_the_household"] is True
    assert 0 < nb["median_ms"] <= nb["p95_ms"] <= nb["max_ms"]
    assert nb["mean_nodes"] >= 1 + 2 + 3  # the household, its needs, its region chain at least

    assert json.loads(out_json.read_text())["counts"] == counts

    # the file is left behind whole, and a neighbourhood holds its household
    with EmbeddedStore(db) as store:
        assert store.counts() == counts
        hid = store.list("Household", limit=1)[0].id
        assert f"Household:{hid}" in store.neighbourhood(hid)


@pytest.mark.slow
def test_the_bench_generator_is_deterministic():
    bench = bench_store

    def records(seed):
        return [(kind, [r.to_dict() for r in recs]) for kind, recs in bench.generate(50, seed)]

    assert records(3) == records(3)
    assert records(3) != records(4)


@pytest.mark.slow
def test_the_bench_refuses_to_overwrite_a_file(tmp_path):
    bench = bench_store
    db = tmp_path / "exists.db"
    db.write_bytes(b"")
    with pytest.raises(SystemExit, match="exists"):
        bench.main(["--households", "10", "--db", str(db)], out=io.StringIO())
    assert db.read_bytes() == b""
