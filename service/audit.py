"""The audit trail: who read or wrote what, when, under which request.

Entries are side records of kind ``audit`` in the store (durable like the
graph, outside it), appended by ``store.append_audit``, which never waits for
the graph's writer (a read is audited too, and must not queue behind writes),
keyed by time so they list in order:

    {"at": "2026-11-23T09:12:03.123456+00:00", "actor": "tok-3f2a...", "role": "caseworker",
     "organizationId": null, "regionId": "gg-suwon", "action": "updateReferral",
     "targetLabel": "Referral", "targetIds": ["ref-7"], "requestId": "8c1e...",
     "detail": {"status": "ACCEPTED"}}

* every successful mutation writes one entry, right after its unit of work
  commits (``action`` is the mutation's name);
* every request that showed household data writes one ``read`` entry naming
  the households (the ``household`` query, households inside referrals,
  ``matchPackages``, ``allocate``, ``overdue``, ``followUpsDue``, the household
  and need nodes of ``network``, and any need's free-text ``detail`` wherever
  it is shown), once per request, not per field;
* nothing in the API changes or deletes an entry: there is no mutation for
  them, and the only reader is the coordinators' ``auditLog`` query.

Referral moves are also kept per referral (kind ``referral-move``) so a
referral's history reads without scanning the whole log.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.errors import ValidationError
from graph.store import Store
from i18n import Message
from service.principal import Principal, Role

from .paging import side_by_prefix
from .permissions import require_role

KIND = "audit"
MOVES = "referral-move"
SEP = "/"
#: between a referral id and the time in a move's key (ids never hold control characters)
ID_SEP = "\x1f"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _key(at: str) -> str:
    """The entry's time and 48 random bits, as ``uuid4().hex[:12]`` gave them, from :mod:`random`
    (seeded from the system, again in a forked worker): a key needs to be unique, not secret, and
    ``uuid4`` asks the system for its bits on every entry, letting go of the GIL and taking it back
    from the request threads (issue 23)."""
    return f"{at}{SEP}{random.getrandbits(48):012x}"


def entry(p: Principal, action: str, target_label: str | None, target_ids: Iterable[str],
          request_id: str | None, detail: dict[str, Any] | None = None,
          at: str | None = None) -> dict[str, Any]:
    return {
        "at": at or _now(), "actor": p.token_id, "role": p.role.value, "organizationId": p.organization_id,
        "regionId": p.region_id, "action": action, "targetLabel": target_label,
        "targetIds": sorted(set(target_ids)), "requestId": request_id, "detail": detail or {},
        # the person behind the token, when it names one (service.staff); the token id stays in actor
        "staffId": p.staff_id, "staffName": p.staff_name,
    }


def record(store: Store, p: Principal, action: str, target_label: str | None, target_ids: Iterable[str],
           request_id: str | None, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write one entry; returns it."""
    e = entry(p, action, target_label, target_ids, request_id, detail)
    store.append_audit(_key(e["at"]), e)
    return e


def record_move(store: Store, p: Principal, referral_id: str, old: str | None, new: str,
                request_id: str | None, at: str) -> None:
    """Note a referral's move (or creation, ``old`` None) in its own history."""
    # keyed by the time of writing, to the microsecond: moves within one second keep their order
    store.put_side(MOVES, f"{referral_id}{ID_SEP}{_now()}{SEP}{uuid.uuid4().hex[:8]}", {
        "at": at, "from": old, "to": new, "actor": p.token_id, "role": p.role.value, "requestId": request_id,
        "staffId": p.staff_id, "staffName": p.staff_name,
    })


def referral_history(store: Store, referral_id: str) -> list[dict[str, Any]]:
    """The referral's moves, oldest first."""
    return [data for _, data in side_by_prefix(store, MOVES, f"{referral_id}{ID_SEP}")]


def referral_history_for(store: Store, p: Principal, referral_id: str) -> list[dict[str, Any]]:
    """:func:`referral_history` as ``p`` may see it: a partner does not see who moved it."""
    moves = referral_history(store, referral_id)
    if p.role is Role.PARTNER:
        return [{**m, "actor": None, "staffId": None, "staffName": None} for m in moves]
    return moves


@dataclass
class Filters:
    actor: str | None = None
    action: str | None = None
    target_id: str | None = None
    since: str | None = None
    until: str | None = None

    def match(self, e: dict[str, Any]) -> bool:
        return ((self.actor is None or e.get("actor") == self.actor)
                and (self.action is None or e.get("action") == self.action)
                and (self.target_id is None or self.target_id in (e.get("targetIds") or ()))
                and (self.until is None or e.get("at", "") < self.until))


@dataclass
class Page:
    entries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    has_next: bool = False


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("after", Message.of("error.cursor.audit", cursor=repr(cursor))) from None


#: every entry's time sorts after this and before :data:`_LATEST` (keys are UTC ISO times)
_EARLIEST = ""
_LATEST = "\uffff"


def _timestamp(field_name: str, value: str | None) -> str | None:
    """The UTC key a window bound compares with. A time whose UTC form falls outside
    datetime's years 1 to 9999 (``0001-01-01T00:00:00+14:00``, ``9999-12-31T23:59:59-14:00``)
    is before or after every entry: it bounds nothing, or everything."""
    if value is None:
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(field_name, Message.of("error.datetime", got=repr(value))) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    try:
        return t.astimezone(dt.UTC).isoformat(timespec="microseconds")
    except OverflowError:
        return _EARLIEST if t.year == dt.MINYEAR else _LATEST


def audit_log(store: Store, p: Principal, *, first: int, after: str | None, max_first: int,
              actor: str | None = None, action: str | None = None, target_id: str | None = None,
              since: str | None = None, until: str | None = None) -> Page:
    """Coordinators only: entries in time order matching every filter given."""
    require_role(p, Role.COORDINATOR, what="read the audit log")
    if not 0 <= first <= max_first:
        raise ValidationError("first", Message.of("error.int.between", lo="0", hi=str(max_first),
                                                  got=str(first)))
    f = Filters(actor, action, target_id, _timestamp("since", since) or None, _timestamp("until", until))
    start = decode_cursor(after) if after else ""
    if f.since and f.since > start:
        start = f.since
    page = Page()
    cursor = start
    while True:
        chunk = store.list_side(KIND, after=cursor, limit=500)
        for key, data in chunk:
            if f.until is not None and data.get("at", "") >= f.until:
                return page
            if f.match(data):
                if len(page.entries) == first:
                    page.has_next = True
                    return page
                page.entries.append((key, data))
        if len(chunk) < 500:
            return page
        cursor = chunk[-1][0]
