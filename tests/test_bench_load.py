"""The load bench runs end to end at a tiny size and its figures are consistent."""

from __future__ import annotations

import io

import pytest

from bench import bench_load


@pytest.mark.slow
def test_bench_load_at_a_tiny_size(tmp_path):
    out = io.StringIO()
    r = bench_load.main(["--rows", "3000", "--repeat", "1", "--json", str(tmp_path / "l.json")], out=out)
    rows = r["bundle"]["rows"]
    for how in bench_load.HOWS:
        (run,) = r["runs"][how]
        assert run["rows"] == rows  # both loaded every row of the same bundle
        assert run["rows_per_s"] > 0 and run["peak_rss_mib"] > 0 and run["db_mib"] > 0
    assert r["ratio"] == pytest.approx(r["median"]["dolbom"]["rows_per_s"] / r["median"]["raw"]["rows_per_s"])
    assert r["ratio_one_process"] == pytest.approx(
        r["median"]["dolbom-1p"]["rows_per_s"] / r["median"]["raw"]["rows_per_s"])
    assert "dolbom / raw throughput" in out.getvalue()
    assert (tmp_path / "l.json").exists()
