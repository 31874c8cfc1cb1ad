"""Wrapped answers kept with the computed items they wrap (schema.coverage_answer, schema.overlaps).

A report's items (coverage cells, overlap groups) are computed once per commit and kept by
service.report_cache, which answers with the very same objects until a commit changes them. The
GraphQL objects wrapping them (with their records read in one batch) are kept here beside those
items and served again while the computation answers with the same objects, so a kept wrapper
never outlives the records it read. The caller checks authorization before asking.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

W = TypeVar("W")


class KeptWrappers(Generic[W]):
    """The wrapped answers of the last ``keep`` keys, each with the items it wraps."""

    def __init__(self, keep: int = 16) -> None:
        self.keep = keep
        self._kept: OrderedDict[Hashable, tuple[list[Any], list[W]]] = OrderedDict()
        self._lock = threading.Lock()

    def wrapped(self, key: Hashable, items: list[Any], wrap: Callable[[list[Any]], list[W]]) -> list[W]:
        """``wrap(items)``, or the wrappers kept under ``key`` when they wrap these very objects."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and len(kept[0]) == len(items) and all(
                a is b for a, b in zip(kept[0], items, strict=True)):
            return list(kept[1])
        made = wrap(items)
        with self._lock:
            self._kept[key] = (items, made)
            self._kept.move_to_end(key)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return list(made)
