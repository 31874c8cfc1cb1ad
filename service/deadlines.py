"""Response deadlines: households in crisis must get a service started in time.

A household is *opened* when ``createHousehold`` first writes it: the time, the
token and the person behind it (staff id and name, when the token names one)
are kept as a side record of kind ``household-opened``.

The promise is support *provided*, not a referral sent: an EMERGENCY household
must have a service **started** within ``Settings.emergency_days`` (3) of
opening, a FOCUSED one within ``focused_days`` (14); GENERAL households have no
deadline. What "started" means is ``Settings.deadline_clock``
(``DOLBOM_DEADLINE_CLOCK``):

* ``accepted`` (the default): a referral of the household reached ACCEPTED
  (or went on to DELIVERED);
* ``delivered``: a referral reached DELIVERED.

When a referral reached a status is read from its history (the moves kept by
:mod:`service.audit`); a referral with no history (loaded from a bundle) counts
from its ``updatedAt`` if its status is at or past the clock's. A household is
*overdue* at a moment when its deadline has passed and no service had started
by that moment. A SENT (or PROPOSED) referral stops no clock. Households with
no opening record (loaded from a bundle or the generator) have no known
opening and are not judged.

Days are counted as the offices count them: between calendar dates in the
deployment's zone (``Settings.timezone``, Asia/Seoul by default), the day of
opening not counted. A case opened on 1 March (KST, at any hour) with 3 days
is due by the end of 4 March KST and late from 00:00 KST on 5 March, one day
late that day; stored times stay UTC (``dueAt`` is that midnight, in UTC).
An ``asOf`` given as a date alone is that day's start in the zone.

:func:`overdue` is the plain function behind the ``overdue`` query and
``dolbom report overdue``; it takes the moment to judge at, so tests run it on
hand-made clocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.errors import NotFoundError, ValidationError
from graph.model import Household, Referral, ReferralStatus, Urgency
from graph.store import Store
from i18n import Message
from i18n.clock import local_now, local_today, zone
from service.principal import Principal, Role
from service.settings import Settings

from . import audit
from .permissions import in_subtree, not_found, require_region, require_role

OPENED = "household-opened"
#: per clock: the statuses a referral reaches when its service has started
STARTED: dict[str, frozenset[ReferralStatus]] = {
    "accepted": frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED}),
    "delivered": frozenset({ReferralStatus.DELIVERED}),
}


def note_opened(store: Store, p: Principal, household: Household, at: dt.datetime | None = None) -> None:
    """Record when and by whom a household was opened (the first time only)."""
    if store.get_side(OPENED, household.id) is not None:
        return
    when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    store.put_side(OPENED, household.id, {"at": when, "by": p.token_id, "role": p.role.value,
                                          "regionId": household.region_id, "staffId": p.staff_id,
                                          "staffName": p.staff_name})


@dataclass(frozen=True)
class Overdue:
    household_id: str
    region_id: str
    urgency: Urgency
    opened_at: str
    due_at: str
    days_late: int
    opened_by: str | None
    #: the person who opened the case (when the token named one), and the lead case manager now
    opened_by_staff_id: str | None = None
    opened_by_name: str | None = None
    case_manager_id: str | None = None
    #: the clock judged by (``accepted`` or ``delivered``)
    clock: str = "accepted"


def started_at(store: Store, ref: Referral, clock: str) -> dt.datetime | None:
    """When ``ref``'s service started by ``clock`` (None: it has not)."""
    wanted = STARTED[clock]
    if ref.status not in wanted and ref.status is not ReferralStatus.CLOSED:
        return None
    moves = audit.referral_history(store, ref.id)
    for m in moves:
        if m.get("to") in {s.value for s in wanted}:
            return as_of_time(m["at"], "at")
    if not moves and ref.status in wanted:  # loaded with its status: no history to read
        return as_of_time(ref.updated_at or ref.created_at, "updatedAt")
    return None


def as_of_time(value: Any, field: str = "asOf", tz: str | dt.tzinfo | None = None) -> dt.datetime:
    """A moment from an ISO date or time (UTC when no zone is given); now for None. A date
    alone (``2026-11-10``) is the start of that day in zone ``tz`` when given, else in UTC."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(value, dt.datetime):
        t = value
    elif isinstance(value, dt.date):
        t = dt.datetime.combine(value, dt.time(), _zone(tz) if tz is not None else dt.UTC)
    else:
        text = str(value).strip()
        try:
            t = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(field, Message.of("error.datetime", got=repr(value))) from None
        if tz is not None and len(text) == 10:  # a date alone: the day begins in the offices' zone
            t = t.replace(tzinfo=_zone(tz))
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def due_day(opened: dt.datetime, days: int, tz: str | dt.tzinfo) -> dt.date:
    """The last day, in zone ``tz``, on which a case opened at ``opened`` is in time: the
    local date of opening plus ``days`` (the day of opening is not counted)."""
    return local_now(tz, opened).date() + dt.timedelta(days=days)


def late_from(day: dt.date, tz: str | dt.tzinfo) -> dt.datetime:
    """The moment (UTC) a case due on ``day`` becomes late: the next local midnight."""
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), _zone(tz))
    return local.astimezone(dt.UTC)


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    return zone(tz) if isinstance(tz, str) else tz


def overdue(store: Store, p: Principal, settings: Settings, *, region_id: str | None = None,
            as_of: Any = None) -> list[Overdue]:
    """Households late on their deadline at ``as_of``, by region, case worker, then lateness.
    Coordinators anywhere; case workers inside their region's subtree."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="see overdue households")
    tz = settings.timezone
    now = as_of_time(as_of, tz=tz)
    today = local_today(tz, now)  # the offices' calendar day, not UTC's (00:00-09:00 KST differ)
    root = region_id if region_id is not None else (p.region_id if p.role is Role.CASEWORKER else None)
    if root is not None and store.get("Region", root) is None:
        raise NotFoundError("regionId", not_found("Region", root))
    if p.role is Role.CASEWORKER:
        require_region(store, p, [root], "regionId", "see overdue households")  # type: ignore[list-item]
    limits = {Urgency.EMERGENCY: settings.emergency_days, Urgency.FOCUSED: settings.focused_days}
    clock = settings.deadline_clock
    late: list[tuple[Household, dict[str, Any], dt.datetime, dt.date]] = []
    for key, data in store.list_side(OPENED):
        hh = store.get("Household", key)
        if not isinstance(hh, Household) or hh.urgency not in limits:
            continue
        if root is not None and not in_subtree(store, hh.region_id, root):
            continue
        opened = as_of_time(data["at"], "openedAt")
        due = due_day(opened, limits[hh.urgency], tz)
        if today > due:
            late.append((hh, data, opened, due))
    if not late:
        return []
    waiting = {hh.id for hh, *_ in late}
    started: set[str] = set()
    for r in store.list("Referral"):
        assert isinstance(r, Referral)
        if r.household_id in waiting and r.household_id not in started:
            at = started_at(store, r, clock)
            if at is not None and at <= now:
                started.add(r.household_id)
    out = [Overdue(hh.id, hh.region_id, hh.urgency, opened.isoformat(), late_from(due, tz).isoformat(),
                   (today - due).days, data.get("by"), data.get("staffId"), data.get("staffName"),
                   hh.case_manager_id, clock)
           for hh, data, opened, due in late if hh.id not in started]
    return sorted(out, key=lambda o: (o.region_id, o.opened_by_name or o.opened_by or "", -o.days_late,
                                      o.household_id))
