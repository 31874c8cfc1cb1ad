"""Times as people in the offices read them: in the deployment's zone (``DOLBOM_TIMEZONE``,
default ``Asia/Seoul``).

Stored timestamps stay UTC ISO-8601; only what is shown to a person, and the
calendar day "today", are in the local zone. Between 00:00 and 09:00 KST the
UTC date is still yesterday's: :func:`local_today` gives the Seoul date.

Zones come from :mod:`zoneinfo`: the system's database (Debian's
``/usr/share/zoneinfo``) or, where a system has none (Windows, slim images),
the ``tzdata`` package, a dependency for that reason. Nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Seoul"


@functools.lru_cache(maxsize=16)
def zone(name: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    """The zone called ``name``; ``ValueError`` for a name the database does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Seoul)") from None


def deployment_zone() -> str:
    """The deployment's zone name: ``DOLBOM_TIMEZONE`` (checked when the settings are read at
    start), else Asia/Seoul. What "today" means where no zone is passed."""
    return os.environ.get("DOLBOM_TIMEZONE") or DEFAULT_TIMEZONE


def _tz(tz: str | dt.tzinfo | None) -> dt.tzinfo:
    if tz is None:
        return zone(deployment_zone())
    return zone(tz) if isinstance(tz, str) else tz


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_now(tz: str | dt.tzinfo | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (aware; naive is read as UTC; default the clock) in the zone ``tz``."""
    n = now or now_utc()
    if n.tzinfo is None:
        n = n.replace(tzinfo=dt.UTC)
    return n.astimezone(_tz(tz))


def local_today(tz: str | dt.tzinfo | None = None, now: dt.datetime | None = None) -> dt.date:
    """The calendar day it is in zone ``tz`` at ``now``: 00:30 KST on 1 March is 1 March,
    though it is still 28 February in UTC. ``tz`` may be a zone name, a tzinfo, or
    anything with a ``timezone`` attribute (the API's ``Settings``)."""
    name = getattr(tz, "timezone", tz)
    return local_now(name, now).date()


def today() -> dt.date:
    """The calendar day it is now in the deployment's zone (never the server's own zone or UTC's):
    the default day of matches, reports, plans and counters."""
    return local_today()


def parse_utc(text: str) -> dt.datetime:
    """A stored ISO-8601 timestamp as an aware datetime (no offset = UTC)."""
    t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def show(value: str | dt.datetime | dt.date | None, tz: str | dt.tzinfo | None = None,
         *, seconds: bool = False) -> str:
    """A stored time as a person reads it, in zone ``tz``: ``2025-03-01 00:30 KST``.
    A date (no time of day) is shown as it is; None and "" as ""; text that is
    not a timestamp is returned unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        if len(value.strip()) == 10:
            return value.strip()  # a date
        try:
            moment = parse_utc(value)
        except ValueError:
            return value
    else:
        moment = value
    local = local_now(tz, moment)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")
