"""A generated bundle the loader tests share (written once per module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.csvbundle import write_bundle
from loaders.synthetic import generate


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bundle") / "gg"
    write_bundle(generate(150, seed=7), d)
    return d
