"""A lock held by another thread while a test runs: another request's read or write in progress."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def held_elsewhere(lock: Any, for_seconds: float | None = None) -> Iterator[None]:
    """``lock`` held by another thread while the block runs; with ``for_seconds``, let go of after that
    long (the block may wait for it), else when the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait(30 if for_seconds is None else for_seconds)

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        other.join()
