"""Once an embedded store's records are in memory, or a Neo4j store is open, the collector's
youngest generation is collected after graph.view.YOUNG_GENERATION new objects instead of
Python's 700 (a match makes tens of thousands of short-lived objects:
bench/bench_match.py --compare-young-generation), the older
generations' thresholds are left as they were, and a process that chose a roomier one keeps it.
Each case in a fresh interpreter: the thresholds are the process's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from graph.view import YOUNG_GENERATION

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import gc, json, sys
sys.path.insert(0, {root!r})
before = sys.argv[2]
if before != "python":
    gc.set_threshold(int(before), 11, 12)
start = gc.get_threshold()
from graph.embedded import EmbeddedStore
from loaders.sample import sample_records
with EmbeddedStore(sys.argv[1]) as store:
    with store.unit_of_work() as uow:
        for rec in sample_records():
            uow.put(rec)
with EmbeddedStore(sys.argv[1]) as store:  # reopened: its records read into memory
    store.counts()
    print(json.dumps([start, gc.get_threshold()]))
"""

NEO4J_SCRIPT = """
import gc, json, sys
sys.path.insert(0, {root!r})
start = gc.get_threshold()
from graph.neo4j_store import Neo4jStore
from tests.test_neo4j_store_unit import FakeNeo4j
opened = gc.get_threshold()
Neo4jStore("bolt://localhost:7687", driver=FakeNeo4j()).close()
print(json.dumps([start, opened, gc.get_threshold()]))
"""


def _thresholds(tmp_path: Path, before: str) -> tuple[list[int], list[int]]:
    argv = [sys.executable, "-c", SCRIPT.format(root=str(ROOT)), str(tmp_path / "g.db"), before]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    start, after = json.loads(out.stdout.strip().splitlines()[-1])
    return start, after


def test_an_open_store_collects_the_youngest_generation_less_often(tmp_path: Path) -> None:
    start, after = _thresholds(tmp_path, "python")
    assert start[0] == 700  # Python's own
    assert after == [YOUNG_GENERATION, *start[1:]]


def test_a_roomier_threshold_the_process_chose_is_kept(tmp_path: Path) -> None:
    start, after = _thresholds(tmp_path, str(YOUNG_GENERATION * 5))
    assert after == start == [YOUNG_GENERATION * 5, 11, 12]


def test_a_tighter_one_is_raised_and_the_older_generations_left_alone(tmp_path: Path) -> None:
    start, after = _thresholds(tmp_path, "100")
    assert start == [100, 11, 12]
    assert after == [YOUNG_GENERATION, 11, 12]


def test_a_neo4j_store_opened_collects_the_youngest_generation_less_often_too() -> None:
    argv = [sys.executable, "-c", NEO4J_SCRIPT.format(root=str(ROOT))]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    start, imported, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert start[0] == imported[0] == 700  # importing changes nothing; opening a store does
    assert after == [YOUNG_GENERATION, *start[1:]]
