"""What every browser test needs, in one place: node, playwright-core (the one copy the README
installs, in ``tools/network-ui/node_modules``; every walk under tools/ imports it from there) and
Debian's chromium. Without them a test is skipped with the reason; with
``DOLBOM_REQUIRE_BROWSER=1`` (set by CI) it fails instead."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
