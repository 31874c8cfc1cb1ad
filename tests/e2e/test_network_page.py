"""The /network page in a real browser: Debian's chromium driven by playwright-core.

The server runs as a user would run it (``dolbom serve`` in a subprocess, on a
loopback port, over an embedded database built from the synthetic generator);
``tools/network-ui/e2e.mjs`` walks the page and prints what it saw as JSON;
this test compares that with what the API answers for the same filter.
Screenshots are saved under ``artifacts/screenshots/network/``.

Needs node, ``tools/network-ui/node_modules`` (``npm ci`` there) and
``/usr/bin/chromium`` (Debian's ``chromium`` package). Without them the test
is skipped with the reason; with ``DOLBOM_REQUIRE_BROWSER=1`` (set by
``.ci/run``) it fails instead.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.browser import graphql
from tests.spawn import Spawned, free_port, serve_argv

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "tools" / "network-ui"
SHOTS = ROOT / "artifacts" / "screenshots" / "network"
HOUSEHOLDS = 300


def _build_db(path: Path) -> tuple[str, str]:
    """A synthetic database and a coordinator token; returns (token, a city id)."""
    from graph.embedded import EmbeddedStore
    from loaders import synthetic
    from service.principal import Role
    from service.tokens import create_token

    with EmbeddedStore(path) as store:
        synthetic.populate(store, HOUSEHOLDS, seed=7)
        token = create_token(store, Role.COORDINATOR)
        cities = sorted(r.id for r in store.list("Region") if r.level.value == "CITY")
    return token, cities[0]


@pytest.fixture(scope="module")
def server(browser_ready, tmp_path_factory):
    db = tmp_path_factory.mktemp("network-page") / "dolbom.db"
    token, city = _build_db(db)
    # a server that dies or never answers fails the setup with its log tail (SpawnError)
    with Spawned(serve_argv(db, free_port()), log_path=db.parent / "serve.log") as spawned:
        yield {"base": spawned.base, "token": token, "city": city}


def _graphql(server, query: str, variables: dict) -> dict:
    return graphql(server["base"], server["token"], query, **variables)


def _api_node_count(server, region: str | None, kinds: list[str]) -> int:
    q = "query($r: ID, $k: [NodeKind!]) { network(regionId: $r, kinds: $k) { nodes { id } } }"
    return len(_graphql(server, q, {"r": region, "k": kinds})["network"]["nodes"])


def test_the_page_draws_what_the_api_says_and_explains_a_node(server):
    kinds = ["REGION", "ORGANIZATION", "SERVICE"]
    run = subprocess.run(
        ["node", "e2e.mjs", "--url", f"{server['base']}/network/", "--token", server["token"],
         "--region", server["city"], "--kinds", ",".join(kinds), "--shots", str(SHOTS)],
        cwd=UI, capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout)

    # a wrong token is refused with a message a person understands
    assert seen["refused"]["state"] == "refused"
    assert "token was not accepted" in seen["refused"]["message"]

    # signed in: the default view draws exactly the API's nodes for the same kinds
    signed = seen["signedIn"]
    assert signed["state"] == "ready" and signed["tokenInSession"]
    assert signed["drawn"] == signed["shown"] == _api_node_count(server, None, signed["kinds"])
    assert signed["drawn"] > 0

    # filtered to one city and three kinds: again exactly the API's count
    filtered = seen["filtered"]
    assert filtered["state"] == "ready" and filtered["kinds"] == kinds
    assert filtered["drawn"] == _api_node_count(server, server["city"], kinds)
    assert 0 < filtered["drawn"] < signed["drawn"]

    # a click on a drawn node shows that node's details
    clicked = seen["clicked"]
    assert clicked["title"] == clicked["label"]
    assert "Kind" in clicked["details"] and "Links" in clicked["details"]

    # the heatmap has one row per region of the city's coverage, one cell per coverage cell
    coverage = "query($r: ID) { coverage(regionId: $r) { region { id } uncoveredNeeds unmetNeeds } }"
    cov = _graphql(server, coverage, {"r": server["city"]})["coverage"]
    heat = seen["heatmap"]
    assert heat["visible"]
    assert heat["cells"] == len(cov)
    assert heat["rows"] == len({c["region"]["id"] for c in cov})
    # a blind spot of either kind: nothing exists or full (uncovered), or more needs than places (unmet)
    assert heat["blind"] == sum(1 for c in cov if c["uncoveredNeeds"] > 0 or c["unmetNeeds"] > 0)

    assert seen["consoleErrors"] == []
    for step in seen["steps"]:
        assert Path(step["screenshot"]).stat().st_size > 10_000, step


def test_the_vendored_cytoscape_matches_the_locked_package(browser_ready):
    run = subprocess.run(["node", "build.mjs", "--check"], cwd=UI, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
