"""GraphiQL in a real browser, offline: Debian's chromium driven by playwright-core.

``dolbom serve`` runs in a subprocess on a loopback port; ``tools/graphiql-ui/e2e.mjs``
opens GET /graphql as a browser does, aborts and reports every request that leaves
loopback, puts a token and a query into GraphiQL's editors and runs it. The test
fails on any non-loopback request, on any console error (a CSP violation is one),
and unless the answer is the API's. Screenshots go to ``artifacts/screenshots/graphiql/``.

Needs node, ``tools/network-ui/node_modules`` (``npm ci`` there: playwright-core) and
``/usr/bin/chromium``. Without them the test is skipped with the reason; with
``DOLBOM_REQUIRE_BROWSER=1`` it fails instead.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from api.middleware import IDE_CSP
from tests.spawn import Spawned, free_port, serve_argv

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "tools" / "graphiql-ui"
SHOTS = ROOT / "artifacts" / "screenshots" / "graphiql"


@pytest.fixture(scope="module")
def server(browser_ready, tmp_path_factory):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records
    from service.principal import Role
    from service.tokens import create_token

    db = tmp_path_factory.mktemp("graphiql-page") / "dolbom.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
        token = create_token(store, Role.COORDINATOR)
        services = len(store.list("Service"))
    with Spawned(serve_argv(db, free_port()), log_path=db.parent / "serve.log") as spawned:
        yield {"base": spawned.base, "token": token, "services": services}


def test_graphiql_renders_and_runs_a_query_with_nothing_from_outside(server) -> None:
    run = subprocess.run(
        ["node", "e2e.mjs", "--url", f"{server['base']}/graphql", "--token", server["token"],
         "--shots", str(SHOTS)],
        cwd=UI, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen.get("error") is None, seen.get("error")
    assert seen["external"] == [], f"requests that left loopback: {seen['external']}"
    assert seen["consoleErrors"] == [], seen["consoleErrors"]
    assert seen["status"] == 200 and seen["rendered"] is True
    assert seen["csp"] == IDE_CSP
    assert "/graphiql/vendor/graphiql.min.js" in seen["requests"]
    answer = seen["answer"]
    assert "errors" not in answer, answer
    assert answer["data"]["services"]["totalCount"] == server["services"] > 0
    assert (SHOTS / "2-answered.png").stat().st_size > 10_000


def test_the_vendored_graphiql_matches_the_locked_packages(browser_ready) -> None:
    """The committed copy under api/static/graphiql/vendor is what package-lock.json pins (the
    README's test command runs `npm ci` in tools/graphiql-ui for this)."""
    if not (UI / "node_modules" / "graphiql").is_dir():
        why = "tools/graphiql-ui/node_modules is missing (run: cd tools/graphiql-ui && npm ci)"
        if os.environ.get("DOLBOM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the vendored GraphiQL check is required but {why}")
        pytest.skip(f"vendored GraphiQL not checked: {why}")
    run = subprocess.run(["node", "build.mjs", "--check"], cwd=UI, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
