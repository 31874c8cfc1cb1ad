"""``dolbom match ... | head`` ends quietly: a reader that goes away is not a
traceback (it was a BrokenPipeError after the table had started to print)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from loaders.sample import sample_records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipe") / "pipe.db"
    with EmbeddedStore(path) as store:
        store.put(*sample_records())
    return path


@pytest.mark.parametrize("argv", [
    ["match", "hh-0001"],
    ["match", "hh-0001", "--json"],
    ["report", "coverage"],
    ["stats"],
])
def test_a_reader_that_goes_away_ends_the_command_quietly(db, argv):
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", *argv, "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # as `| head -0` would: nothing will ever read what it prints
    _, err = proc.communicate(timeout=120)
    text = err.decode(errors="replace")
    assert "Traceback" not in text and "BrokenPipeError" not in text and "Exception ignored" not in text, text
    assert proc.returncode == 141, (proc.returncode, text)


def test_through_a_real_head(db):
    out = subprocess.run(["bash", "-c", f"{sys.executable} -m api.cli match hh-0001 --db {db} | head -1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.count("\n") == 1, out
    assert "Traceback" not in out.stderr, out.stderr
