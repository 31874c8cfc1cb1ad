"""The interpreter's GIL switch interval, shortened by whoever needs it for as long as they need it.

``sys.setswitchinterval`` is one value for the whole process. The server shortens it while an
analytics request runs (quick reads get their turn beside seconds of CPU: schema.pool), from
several threads at once; anything else that needs a shorter interval for a while (a bulk load's
writer thread was measured with 0.5 ms and gained nothing: bench/bench_neo4j.py) asks the same
way. Through :func:`switch_interval` the interval is the shortest any running user asked for, and
the interval from before the first of them once the last ends, whatever order they end in.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import Counter
from collections.abc import Iterator

_lock = threading.Lock()
_asked: Counter[float] = Counter()
_base: float | None = None


@contextlib.contextmanager
def switch_interval(seconds: float) -> Iterator[None]:
    """At most ``seconds`` between GIL switches while the block runs (see the module docstring)."""
    global _base
    with _lock:
        if not _asked:
            _base = sys.getswitchinterval()
        _asked[seconds] += 1
        sys.setswitchinterval(min(min(_asked), _base if _base is not None else seconds))
    try:
        yield
    finally:
        with _lock:
            _asked[seconds] -= 1
            if not _asked[seconds]:
                del _asked[seconds]
            if _base is not None:
                sys.setswitchinterval(min(min(_asked), _base) if _asked else _base)
            if not _asked:
                _base = None
