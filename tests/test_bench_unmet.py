"""The unmet bench runs end to end at a tiny size and its figures are consistent."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_unmet


@pytest.mark.slow
def test_bench_unmet_at_a_tiny_size(tmp_path):
    out, path = io.StringIO(), tmp_path / "u.json"
    r = bench_unmet.main(["--households", "300", "--repeat", "2", "--json", str(path)], out=out)
    text = out.getvalue()
    assert text.startswith("unmet bench: 300 households") and "proven" in text
    assert r["coverage"]["runs"] == 2 and 0 < r["coverage"]["median_s"] <= r["coverage"]["max_s"]
    assert 0 <= r["unmet"] <= r["open_needs"] and r["missing"] <= r["uncovered"]
    assert sum(r["unmet_by_domain"].values()) == r["unmet"]
    assert r["places"]["exact"] and r["places"]["needs_covered"] >= 0
    assert json.loads(path.read_text())["unmet"] == r["unmet"]
