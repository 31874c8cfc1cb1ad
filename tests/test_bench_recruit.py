"""The recruitment bench runs end to end at a tiny size and its figures are consistent."""

from __future__ import annotations

import io
import json

import pytest

from bench import bench_recruit


@pytest.mark.slow
def test_bench_recruit_at_a_tiny_size(tmp_path):
    out, path = io.StringIO(), tmp_path / "r.json"
    r = bench_recruit.main(["--households", "600", "--repeat", "1", "--check", "2", "--json", str(path)],
                           out=out)
    text = out.getvalue()
    assert text.startswith("recruit bench: 600 households") and "goal <= 10 s" in text
    assert r["advise"]["runs"] == 1 and r["advise"]["median_s"] > 0
    assert r["exact"] and r["city_households"] > 0
    assert sum(r["kinds"].values()) == r["ranked"] and r["ranked"] <= r["candidates"]
    assert len(r["checked"]) == min(2, r["ranked"])
    assert json.loads(path.read_text(encoding="utf-8"))["city"] == r["city"]


@pytest.mark.slow
def test_the_bench_times_the_city_with_the_most_unmet_need(tmp_path):
    r = bench_recruit.main(["--households", "600", "--repeat", "1", "--check", "1"], out=io.StringIO())
    values = [c["unmet_value"] for c in r["cities"]]
    assert values == sorted(values, reverse=True)
    assert r["city"] == r["cities"][0]["city"] and r["cities"][0]["unmet_needs"] > 0
    assert r["uncovered_needs"] == r["cities"][0]["unmet_needs"] and r["candidates"] > 0
    assert r["plain"]["runs"] == 1 and r["screened"] + r["milp_solves"] <= r["candidates"] + 1
