"""What the loader tests share: the shipped templates and a store's whole content."""

from __future__ import annotations

from pathlib import Path

import loaders.csvbundle as csvbundle
from loaders.bundle import SHEETS

TEMPLATES = Path(csvbundle.__file__).parent / "templates"


def dump(store) -> dict[str, list[dict]]:
    """Every record of ``store``, kind by kind, as dicts."""
    return {s.label: [r.to_dict() for r in store.list(s.label)] for s in SHEETS}
