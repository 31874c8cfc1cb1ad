import sys
from pathlib import Path

import pytest

# the repo root on sys.path, so `python -m pytest` works from a plain checkout too
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# the session's test Neo4j (neo4j_env) and an empty store on it per test (neo4j_store)
from tests.neo4j_server import neo4j_env, neo4j_store  # noqa: E402, F401


def pytest_terminal_summary(terminalreporter):
    """One line per distinct skip reason, with how many tests it covers."""
    reasons = {}
    for rep in terminalreporter.stats.get("skipped", []):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {n} test(s): {reason}")


# -- the hand-made sample graph (loaders.sample) in an embedded store: the one place tests load it


def _sample_in(path: Path, **options):
    """An open embedded store at ``path`` holding the sample graph."""
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records

    store = EmbeddedStore(path, **options)
    store.put(*sample_records())
    return store


@pytest.fixture
def sample_store(tmp_path):
    """An open embedded store holding the sample graph, this test's own (closed afterwards)."""
    with _sample_in(tmp_path / "sample.db") as store:
        yield store


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    """The path of a (closed) store file holding the sample graph, shared by the tests of one module."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    _sample_in(path).close()
    return str(path)
