"""The scale ladder runs end to end at a tiny size and reports sane figures."""

from __future__ import annotations

import io
import json
import socket

import pytest

from bench import bench_scale


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_bench_scale_at_a_tiny_size(tmp_path):
    out, out_json = io.StringIO(), tmp_path / "scale.json"
    results = bench_scale.main(["--households", "300", "--samples", "20", "--dir", str(tmp_path / "files"),
                                "--keep", "--port", str(_free_port()), "--json", str(out_json)], out=out)
    (r,) = results
    assert r["households"] == 300
    assert r["load_s"] > 0 and r["open_s"] > 0 and r["file_mib"] > 0
    assert 0 < r["healthz_s"] <= r["readyz_s"]
    assert r["match_ms"]["n"] == 20 and 0 < r["match_ms"]["p50"] <= r["match_ms"]["p95"]
    assert r["cells"] > 0 and r["coverage_s"] >= r["view_s"] > 0
    # the records alone, then the records with a whole-graph view built: the second is at least the first
    assert 0 < r["rss_open"]["VmRSS"] <= r["rss_coverage"]["VmHWM"]
    assert r["rss_serve"]["VmRSS"] > 0
    assert "300 |" in out.getvalue()
    assert json.loads(out_json.read_text())["sizes"][0]["households"] == 300
    assert (tmp_path / "files" / "scale-300.db").exists()  # --keep kept it; the bundle is gone
    assert not (tmp_path / "files" / "bundle-300").exists()
