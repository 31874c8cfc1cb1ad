"""Latency figures the benches report alike: percentiles and a p50/p95/max/mean summary.

Import it as ``from bench import figures`` (the repository root on ``sys.path``).
"""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    """Median, p95, max and mean of ``seconds``, in milliseconds."""
    ms = [x * 1000 for x in seconds]
    return {"p50_ms": statistics.median(ms), "p95_ms": percentile(ms, 0.95), "max_ms": max(ms),
            "mean_ms": statistics.fmean(ms)}
