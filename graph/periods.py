"""The periods counters count over: the one rule every reader of a counter goes through.

A service's ``used`` counts the places taken in its ``capacity_period`` (None:
places held now; WEEK, MONTH, YEAR: the calendar week from Monday, month or
year, in the deployment's zone: Asia/Seoul unless ``DOLBOM_TIMEZONE`` says
otherwise) and ``used_since`` names the period's first day. An
agreement's ``used`` counts its agreement year, which starts on ``signed_on``
and on each anniversary (a 29 February signing has its anniversaries on
1 March in other years); ``used_since`` names the year's first day, None the
current year (records from before years were kept).

A stored counter rolls over only at the first take in a new period (service/
capacity.py), so between a reset and that take the stored figure is the old
period's. Readers never see it: :func:`service_used` and
:func:`agreement_used` give the figure of the period a day falls in, and
:func:`current_counts` rewrites a view node's counters to today's figures
(:func:`graph.view.node_attrs`), so matching, allocation, coverage and every
other reader of a view, ``Service.available`` and ``Agreement.quota_left``
see the same numbers as the capacity check.

Pure date arithmetic over plain values; of the project it imports only the
clock (i18n.clock: what day it is in the deployment's zone), since
graph/model.py imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from i18n.clock import local_now
from i18n.clock import today as clock_today


class _Counted(Protocol):
    @property
    def used(self) -> int: ...

    @property
    def used_since(self) -> dt.date | None: ...


class _ServiceLike(_Counted, Protocol):
    @property
    def capacity_period(self) -> Any: ...


class _AgreementLike(_Counted, Protocol):
    @property
    def signed_on(self) -> dt.date: ...


def day_of(when: str | dt.datetime | None) -> dt.date:
    """The calendar day of a timestamp in the deployment's zone (now when None; a time without
    zone is UTC): days, weeks, months and agreement years turn at local midnight."""
    if when is None:
        return clock_today()
    t = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(when)
    return local_now(None, t).date()


def today() -> dt.date:
    """Today in the deployment's zone (i18n.clock)."""
    return clock_today()


def anniversary(signed_on: dt.date, years: int) -> dt.date:
    """``signed_on`` ``years`` later; 29 February falls on 1 March in a year without one."""
    try:
        return signed_on.replace(year=signed_on.year + years)
    except ValueError:  # 29 February
        return dt.date(signed_on.year + years, 3, 1)


def year_of(signed_on: dt.date, on: dt.date) -> tuple[dt.date, dt.date]:
    """``(first day, next anniversary)`` of the agreement year ``on`` falls in (the first year
    when ``on`` is before the signing)."""
    k = max(0, on.year - signed_on.year)
    while k > 0 and anniversary(signed_on, k) > on:
        k -= 1
    return anniversary(signed_on, k), anniversary(signed_on, k + 1)


def period(kind: Any, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """``(first day, first day of the next)`` of the period ``on`` falls in; (None, None) for none.
    ``kind``: a ``CapacityPeriod`` or its name."""
    name = getattr(kind, "value", kind)
    if name == "WEEK":
        first = on - dt.timedelta(days=on.weekday())
        return first, first + dt.timedelta(days=7)
    if name == "MONTH":
        first = on.replace(day=1)
        return first, (first + dt.timedelta(days=32)).replace(day=1)
    if name == "YEAR":
        return dt.date(on.year, 1, 1), dt.date(on.year + 1, 1, 1)
    return None, None


def _in(used: int, used_since: dt.date | None, first: dt.date | None) -> int:
    """A counter noted from ``used_since`` as counted in the period starting ``first``."""
    if first is not None and used_since is not None and used_since != first:
        return 0  # counted in an earlier period: this one starts empty
    return used


def service_used(svc: _ServiceLike, on: dt.date) -> int:
    """Places of ``svc`` taken in the period ``on`` falls in (all held places when it has none)."""
    return _in(svc.used, svc.used_since, period(svc.capacity_period, on)[0])


def agreement_used(a: _AgreementLike, on: dt.date) -> int:
    """Places under ``a`` in the agreement year ``on`` falls in."""
    return _in(a.used, a.used_since, year_of(a.signed_on, on)[0])


#: the labels whose records carry a periodic counter
COUNTED = frozenset({"Service", "Agreement"})


def current_counts(attrs: dict[str, Any], on: dt.date | None = None) -> None:
    """Rewrite the counters of a view node's attributes (a Service or Agreement record's fields)
    to the figures of the period ``on`` (today) falls in: ``used`` 0 and ``used_since`` the
    period's first day when the stored count is an earlier period's; nothing else changes."""
    label = attrs.get("label")
    if label == "Service":
        if attrs.get("capacity_period") is None or attrs.get("used_since") is None:
            return
        first = period(attrs["capacity_period"], on or today())[0]
    elif label == "Agreement":
        if attrs.get("used_since") is None:
            return
        first = year_of(attrs["signed_on"], on or today())[0]
    else:
        return
    if _in(attrs["used"], attrs["used_since"], first) != attrs["used"]:
        attrs["used"] = 0
        attrs["used_since"] = first
