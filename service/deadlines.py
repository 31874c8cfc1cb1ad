"""Response deadlines: households in crisis must hear from a service in time.

A household is *opened* when ``createHousehold`` first writes it: the time and
the token (the case worker) are kept as a side record of kind
``household-opened``. An EMERGENCY household must have a referral that
reached SENT (SENT, ACCEPTED, DELIVERED or CLOSED) within
``Settings.emergency_days`` (3) of opening, a FOCUSED one within
``focused_days`` (14); GENERAL households have no deadline. A household is
*overdue* at a given moment when its deadline has passed and no referral of it
has reached SENT. Households with no opening record (loaded from a bundle or
the generator) have no known opening and are not judged.

:func:`overdue` is the plain function behind the ``overdue`` query and
``dolbom report overdue``; it takes the moment to judge at, so tests run it on
hand-made clocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.errors import NotFoundError, ValidationError
from graph.model import Household, ReferralStatus, Urgency
from graph.store import Store
from service.principal import Principal, Role
from service.settings import Settings

from .permissions import in_subtree, require_region, require_role

OPENED = "household-opened"
#: a referral in one of these has been sent
SENT_OR_LATER = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED,
                           ReferralStatus.CLOSED})


def note_opened(store: Store, p: Principal, household: Household, at: dt.datetime | None = None) -> None:
    """Record when and by whom a household was opened (the first time only)."""
    if store.get_side(OPENED, household.id) is not None:
        return
    when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    store.put_side(OPENED, household.id, {"at": when, "by": p.token_id, "role": p.role.value,
                                          "regionId": household.region_id})


@dataclass(frozen=True)
class Overdue:
    household_id: str
    region_id: str
    urgency: Urgency
    opened_at: str
    due_at: str
    days_late: int
    opened_by: str | None


def as_of_time(value: Any, field: str = "asOf") -> dt.datetime:
    """A moment from an ISO date or time (UTC when no zone is given); now for None."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(value, dt.datetime):
        t = value
    else:
        try:
            t = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(field, f"must be an ISO-8601 date or time (got {value!r})") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def overdue(store: Store, p: Principal, settings: Settings, *, region_id: str | None = None,
            as_of: Any = None) -> list[Overdue]:
    """Households late on their deadline at ``as_of``, by region, case worker, then lateness.
    Coordinators anywhere; case workers inside their region's subtree."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="see overdue households")
    now = as_of_time(as_of)
    root = region_id if region_id is not None else (p.region_id if p.role is Role.CASEWORKER else None)
    if root is not None and store.get("Region", root) is None:
        raise NotFoundError("regionId", f"no Region with id {root!r}")
    if p.role is Role.CASEWORKER:
        require_region(store, p, [root], "regionId", "see overdue households")  # type: ignore[list-item]
    limits = {Urgency.EMERGENCY: settings.emergency_days, Urgency.FOCUSED: settings.focused_days}
    sent: set[str] = {r.household_id for r in store.list("Referral")  # type: ignore[attr-defined]
                      if r.status in SENT_OR_LATER}  # type: ignore[attr-defined]
    out: list[Overdue] = []
    for key, data in store.list_side(OPENED):
        hh = store.get("Household", key)
        if not isinstance(hh, Household) or hh.urgency not in limits or hh.id in sent:
            continue
        if root is not None and not in_subtree(store, hh.region_id, root):
            continue
        opened = as_of_time(data["at"], "openedAt")
        due = opened + dt.timedelta(days=limits[hh.urgency])
        if now > due:
            out.append(Overdue(hh.id, hh.region_id, hh.urgency, opened.isoformat(), due.isoformat(),
                               (now - due).days, data.get("by")))
    return sorted(out, key=lambda o: (o.region_id, o.opened_by or "", -o.days_late, o.household_id))
