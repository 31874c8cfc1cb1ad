"""What every browser test needs, in one place: node, playwright-core (the one copy the README
installs, in ``tools/network-ui/node_modules``; every walk under tools/ imports it from there) and
Debian's chromium. Without them a test is skipped with the reason; with
``DOLBOM_REQUIRE_BROWSER=1`` (set by CI) it fails instead."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAYWRIGHT = ROOT / "tools" / "network-ui" / "node_modules" / "playwright-core"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing() -> str | None:
    """Why a browser test cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PLAYWRIGHT.is_dir():
        return "tools/network-ui/node_modules is missing (run: cd tools/network-ui && npm ci)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    return None


def require_browser() -> None:
    """Skip (with the reason) or, under DOLBOM_REQUIRE_BROWSER=1, fail when :func:`missing`."""
    why = missing()
    if why:
        if os.environ.get("DOLBOM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but {why}")
        pytest.skip(f"browser test skipped: {why}")


def graphql(base: str, token: str, query: str, **variables: Any) -> dict:
    """The ``data`` of one GraphQL request to the server at ``base`` as ``token``; fails the test
    on any error in the answer."""
    data = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    req = urllib.request.Request(f"{base}/graphql", data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        body = json.load(r)
    assert not body.get("errors"), body["errors"]
    return body["data"]


def check_screenshots(steps: list[dict], docs: dict[str, str]) -> None:
    """Every step of a walk left a real screenshot; with ``DOLBOM_UPDATE_DOCS=1`` the steps named in
    ``docs`` are copied to ``docs/<file>``."""
    for step in steps:
        assert Path(step["screenshot"]).stat().st_size > 10_000, step
    if os.environ.get("DOLBOM_UPDATE_DOCS") == "1":
        for step in steps:
            if step["name"] in docs:
                shutil.copyfile(step["screenshot"], ROOT / "docs" / docs[step["name"]])
