"""The fixture every browser test starts from: skip (or, under ``DOLBOM_REQUIRE_BROWSER=1``, fail)
when node, playwright-core or chromium is missing (:func:`tests.e2e.browser.require_browser`)."""

from __future__ import annotations

import pytest

from tests.e2e.browser import require_browser


@pytest.fixture(scope="module")
def browser_ready() -> None:
    require_browser()
