"""The big-answers bench runs end to end at a tiny size, for every region and for one region."""

from __future__ import annotations

import io

import pytest

from bench import bench_answers
from graph.embedded import EmbeddedStore
from loaders.synthetic import PROVINCE_ID, generate


@pytest.mark.slow
def test_bench_answers_at_a_tiny_size(tmp_path):
    db = str(tmp_path / "answers.db")
    with EmbeddedStore(db) as store:
        store.put(*generate(200, 3))
        city = next(r.id for r in store.list("Region") if r.parent_id == PROVINCE_ID)
    seen = {}
    for region in (None, city):
        out = io.StringIO()
        argv = ["--db", db, "--modes", "1", "--repeat", "2"]
        r = bench_answers.run(bench_answers.parse_args(argv + (["--region", region] if region else [])), out)
        assert r["region"] == region and r["same_answers"] == dict.fromkeys(bench_answers.REPORTS, True)
        for name, fig in r["modes"]["1"].items():
            assert fig["bytes"] > 50 and fig["first_s"] > 0 and len(fig["repeats_s"]) == 1, (name, fig)
        seen[region] = r["modes"]["1"]["coverage"]["bytes"]
    assert seen[city] < seen[None]  # one city's cells, not the province's
    assert "coverage" in out.getvalue()


def test_an_unknown_region_is_named_before_anything_is_written(tmp_path):
    from service.tokens import list_tokens

    db = str(tmp_path / "answers.db")
    with EmbeddedStore(db) as store:
        store.put(*generate(20, 3))
    with pytest.raises(SystemExit, match="--region: no region 'nowhere'"):
        bench_answers.run(bench_answers.parse_args(["--db", db, "--region", "nowhere"]), io.StringIO())
    with EmbeddedStore(db) as store:
        assert list_tokens(store) == []  # no token left behind
