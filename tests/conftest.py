import sys
from pathlib import Path

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
