"""bench/bench_hsds.py runs end to end on a small province, and before and after answer the same."""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_hsds_smoke(tmp_path):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import bench_hsds

    out = io.StringIO()
    result = bench_hsds.main(["--households", "300", "--repeat", "1", "--db", str(tmp_path / "b.db"),
                              "--json", str(tmp_path / "f.json")], out)
    figures = result["figures"]
    assert len(figures) == 7 and "/hsds/services/{hsds id}" in figures
    assert all(f["before_median_ms"] > 0 and f["after_median_ms"] > 0 for f in figures.values())
    assert "300 households" in out.getvalue() and (tmp_path / "f.json").exists()
