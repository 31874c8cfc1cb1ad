"""The case: a household's lead case manager, status, review date and histories.

What the ``households`` query filters on lives on the :class:`Household`
record itself (``case_status``, ``case_manager_id``, ``review_on``), so both
stores keep it like any other field. What happened to the case is kept as side
records of kind ``case-event``, keyed ``<household id>\\x1f<UTC time>/<random>``
so one household's events list in order without scanning the others::

    {"at": "2026-11-23T09:12:03.123456+00:00", "kind": "urgency", "from": "GENERAL",
     "to": "EMERGENCY", "reason": "단전 통보", "note": null, "actor": "3f2a9c0d1e2b",
     "staffId": "stf-kim", "staffName": "김민지", "role": "caseworker"}

``kind`` is ``status`` (the status history), ``urgency`` (the reclassification
history: who, when, why), ``manager`` (lead case manager changes) or
``review`` (the next review date). Events are written right after the unit of
work commits, like audit entries (the audit trail has the same write too).

Statuses move so (:data:`MOVES`)::

    OPEN ──> IN_CONFERENCE ──> MONITORING ──> CLOSED ──> REOPENED
      │            ^   │            │   ^                    │
      │            └───┼────────────┘   │                    │
      └────────────────┴──> CLOSED <────┴────────────────────┘ (and to the others)

* ``setCaseStatus`` moves to IN_CONFERENCE or MONITORING; the same status
  again changes nothing;
* ``closeCase`` needs a reason (:data:`CLOSE_REASONS`; OTHER needs a note);
* ``reopenCase`` needs a reason and is the only way out of CLOSED.

Who may: coordinators, and case workers of the household's region's subtree
(another region's household is FORBIDDEN naming ``householdId``, the same
answer whether or not the caller could learn anything); partners never.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import CaseStatus, Household, Need, Urgency
from graph.store import Store, UnitOfWork
from i18n import Message
from service.principal import Principal, Role

from . import deadlines, paging, protection
from .permissions import (
    forbidden,
    in_subtree,
    not_found,
    outside_region,
    require_household,
    require_role,
    scope,
)
from .settings import Settings
from .staff import require_staff
from .wording import code

EVENTS = "case-event"
ID_SEP = "\x1f"
SEP = "/"
#: the closing reasons of ``closeCase``
CLOSE_REASONS = ("RESOLVED", "MOVED", "REFUSED", "DECEASED", "OTHER")
MAX_REASON = 500
#: where each status may move (CLOSED only by reopenCase, REOPENED only from CLOSED)
MOVES: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.IN_CONFERENCE, CaseStatus.MONITORING, CaseStatus.CLOSED}),
    CaseStatus.IN_CONFERENCE: frozenset({CaseStatus.MONITORING, CaseStatus.CLOSED}),
    CaseStatus.MONITORING: frozenset({CaseStatus.IN_CONFERENCE, CaseStatus.CLOSED}),
    CaseStatus.REOPENED: frozenset({CaseStatus.IN_CONFERENCE, CaseStatus.MONITORING, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.REOPENED}),
}
#: what ``setCaseStatus`` may move to (the rest have their own mutation)
SETTABLE = frozenset({CaseStatus.IN_CONFERENCE, CaseStatus.MONITORING})


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass
class Event:
    """One thing that happened to a case, to be written after its unit of work commits."""

    household_id: str
    kind: str
    old: str | None
    new: str | None
    reason: str | None = None
    note: str | None = None


def _text(name: str, value: Any, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(name, Message.of("error.reason.required"))
        return None
    if not isinstance(value, str):
        raise ValidationError(name, Message.of("error.text.string"))
    if len(value) > MAX_REASON:
        raise ValidationError(name, Message.of("error.too_long", limit=str(MAX_REASON), got=str(len(value))))
    return value.strip()


def _status(value: Any, name: str = "status") -> CaseStatus:
    try:
        return CaseStatus(value.value if hasattr(value, "value") else value)
    except ValueError:
        allowed = ", ".join(s.value for s in CaseStatus)
        raise ValidationError(name, Message.of("error.enum", allowed=allowed, got=repr(value))) from None


def _household(store: Store | UnitOfWork, household_id: str, name: str = "householdId") -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError(name, not_found("Household", household_id))
    return hh


def _check_move(old: CaseStatus, new: CaseStatus, name: str = "status") -> None:
    if new not in MOVES[old]:
        key = "case.move.closed" if old is CaseStatus.CLOSED else "case.move"
        raise ValidationError(name, Message.of(key, old=code(old), new=code(new)))


def record_events(store: Store, p: Principal, events: Iterable[Event]) -> None:
    """Write ``events`` to the case histories (after their unit of work committed)."""
    for e in events:
        at = _now()
        store.put_side(EVENTS, f"{e.household_id}{ID_SEP}{at}{SEP}{uuid.uuid4().hex[:8]}", {
            "at": at, "kind": e.kind, "from": e.old, "to": e.new, "reason": e.reason, "note": e.note,
            "actor": p.token_id, "staffId": p.staff_id, "staffName": p.staff_name, "role": p.role.value,
        })


def history(store: Store, household_id: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The case's events, oldest first (only ``kind`` when given)."""
    return [data for _, data in paging.side_by_prefix(store, EVENTS, f"{household_id}{ID_SEP}")
            if kind is None or data.get("kind") == kind]


# ---------------------------------------------------------------------------------------------
# status


def stage_case_status(uow: UnitOfWork, store: Store, p: Principal, household_id: str, status: Any, *,
                      reason: str | None = None, events: list[Event]) -> Household:
    """Move the case to IN_CONFERENCE or MONITORING inside the caller's unit of work
    (``adoptPlan``, a conference agenda); the event goes to ``events``, which the
    caller writes with :func:`record_events` once its unit of work committed. The
    same status again is no move and no event."""
    new = _status(status)
    if new not in SETTABLE:
        raise ValidationError("status", Message.of("case.set_status.own_mutation", status=code(new)))
    why = _text("reason", reason, required=False)
    protection.require_not_anonymized_in(uow, store, household_id, "householdId")
    hh = _household(uow, household_id)
    if hh.case_status is new:
        return hh
    _check_move(hh.case_status, new)
    out: Household = uow.put(hh.replace(case_status=new))  # type: ignore[assignment]
    events.append(Event(household_id, "status", hh.case_status.value, new.value, why))
    return out


def set_case_status(target: Store | UnitOfWork, p: Principal, household_id: str, status: Any, *,
                    reason: str | None = None, store: Store | None = None,
                    events: list[Event] | None = None) -> Household:
    """Move a case to IN_CONFERENCE or MONITORING (``setCaseStatus``).

    ``target`` is the store (one unit of work of its own, history written after
    it) or a unit of work the caller holds: then pass the ``store`` too and an
    ``events`` list, and call :func:`record_events` after the commit."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="change a case's status")
    if isinstance(target, UnitOfWork):
        if store is None or events is None:
            raise TypeError("inside a unit of work, pass store= and events= (record them after commit)")
        require_household(store, p, _household(target, household_id), "change a case's status")
        return stage_case_status(target, store, p, household_id, status, reason=reason, events=events)
    s: Store = target
    require_household(s, p, _household(s, household_id), "change a case's status")
    mine: list[Event] = []
    with s.unit_of_work() as uow:
        out = stage_case_status(uow, s, p, household_id, status, reason=reason, events=mine)
    record_events(s, p, mine)
    return out


def close_case(store: Store, p: Principal, household_id: str, reason: Any,
               note: str | None = None) -> Household:
    """Close a case with a reason (:data:`CLOSE_REASONS`; OTHER needs a note)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="close cases")
    why = getattr(reason, "value", reason)
    if why not in CLOSE_REASONS:
        raise ValidationError("reason", Message.of("error.enum", allowed=", ".join(CLOSE_REASONS),
                                                   got=repr(reason)))
    text = _text("note", note, required=why == "OTHER")
    require_household(store, p, _household(store, household_id), "close cases")
    with store.unit_of_work() as uow:
        hh = _household(uow, household_id)
        if hh.case_status is CaseStatus.CLOSED:
            raise ValidationError("householdId",
                                  Message.of("case.already_closed", household=repr(household_id)))
        _check_move(hh.case_status, CaseStatus.CLOSED)
        out: Household = uow.put(hh.replace(case_status=CaseStatus.CLOSED))  # type: ignore[assignment]
    record_events(store, p, [Event(household_id, "status", hh.case_status.value, "CLOSED", why, text)])
    return out


def reopen_case(store: Store, p: Principal, household_id: str, reason: str | None) -> Household:
    """Reopen a CLOSED case (a reason is required); any other status is BAD_USER_INPUT."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="reopen cases")
    why = _text("reason", reason, required=True)
    require_household(store, p, _household(store, household_id), "reopen cases")
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, household_id, "householdId")
        hh = _household(uow, household_id)
        if hh.case_status is not CaseStatus.CLOSED:
            raise ValidationError("householdId", Message.of(
                "case.reopen.not_closed", household=repr(household_id), status=code(hh.case_status)))
        out: Household = uow.put(hh.replace(case_status=CaseStatus.REOPENED))  # type: ignore[assignment]
    record_events(store, p, [Event(household_id, "status", "CLOSED", "REOPENED", why)])
    return out


# ---------------------------------------------------------------------------------------------
# manager, review date


def check_case_manager(store: Store, hh: Household, staff_id: str, name: str = "staffId") -> None:
    """A lead case manager is an active case worker whose region covers the household's, or a
    coordinator; BAD_USER_INPUT (NOT_FOUND for an unknown id) naming ``name`` otherwise."""
    s = require_staff(store, staff_id, name)
    if not s.active:
        raise ValidationError(name, Message.of("staff.disabled", id=repr(staff_id)))
    if s.role is Role.PARTNER:
        raise ValidationError(name, Message.of("case.manager.partner", name=s.name))
    if s.role is Role.CASEWORKER and not in_subtree(store, hh.region_id, s.region_id):
        raise ValidationError(name, Message.of("case.manager.region", name=s.name, household=repr(hh.id)))


def stage_case_manager(uow: UnitOfWork, store: Store, household_id: str, staff_id: str | None,
                       events: list[Event], review_on: dt.date | None = None) -> Household:
    """Set the lead case manager (and the next review date when given) inside the caller's
    unit of work; events go to ``events`` (see :func:`stage_case_status`)."""
    hh = _household(uow, household_id)
    if staff_id is not None:
        check_case_manager(store, hh, staff_id)
    changes: dict[str, Any] = {}
    if staff_id != hh.case_manager_id:
        changes["case_manager_id"] = staff_id
        events.append(Event(household_id, "manager", hh.case_manager_id, staff_id))
    if review_on is not None and review_on != hh.review_on:
        changes["review_on"] = review_on
        events.append(Event(household_id, "review", _iso(hh.review_on), review_on.isoformat()))
    return uow.put(hh.replace(**changes)) if changes else hh  # type: ignore[return-value]


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _review_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("reviewOn", Message.of("error.date", got=repr(value))) from None


def assign_case_manager(store: Store, p: Principal, household_id: str, staff_id: str | None,
                        review_on: Any = None) -> Household:
    """The household's lead case manager (null clears it), and optionally the next review date."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="assign case managers")
    when = _review_date(review_on)
    require_household(store, p, _household(store, household_id), "assign case managers")
    events: list[Event] = []
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, household_id, "householdId")
        out = stage_case_manager(uow, store, household_id, staff_id or None, events, when)
    record_events(store, p, events)
    return out


# ---------------------------------------------------------------------------------------------
# updateHousehold, updateNeed


def update_household(store: Store, p: Principal, household_id: str, *, income_percent: int | None = None,
                     size: int | None = None, urgency: Any = None, reason: str | None = None,
                     traits: Any = None, review_on: Any = None) -> Household:
    """Change what is known of a household: fields not given stay. A change of
    urgency needs a ``reason`` and goes to the reclassification history."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="update households")
    why = _text("reason", reason, required=False)
    when = _review_date(review_on)
    require_household(store, p, _household(store, household_id), "update households")
    events: list[Event] = []
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, household_id, "householdId")
        hh = _household(uow, household_id)
        changes: dict[str, Any] = {}
        if income_percent is not None:
            changes["income_percent"] = income_percent
        if size is not None:
            changes["size"] = size
        if traits is not None:
            changes["traits"] = tuple(traits)
        if when is not None and when != hh.review_on:
            changes["review_on"] = when
            events.append(Event(household_id, "review", _iso(hh.review_on), when.isoformat()))
        if urgency is not None:
            changes["urgency"] = getattr(urgency, "value", urgency)  # the model checks it
        out = hh.replace(**changes)  # the model checks every value, naming the field
        assert isinstance(out, Household)
        if out.urgency is not hh.urgency:
            if why is None:
                raise ValidationError("reason", Message.of("case.urgency.reason", old=code(hh.urgency),
                                                           new=code(out.urgency)))
            events.insert(0, Event(household_id, "urgency", hh.urgency.value, out.urgency.value, why))
        if out != hh:
            uow.put(out)
    record_events(store, p, events)
    return out


_UNSET: Any = object()


def update_need(store: Store, p: Principal, need_id: str, *, severity: int | None = None,
                detail: Any = _UNSET, tags: Any = None, domain: Any = None) -> Need:
    """Change a need's severity, detail (null clears it), tags or domain. The domain
    may change only while no referral names the need (a referral was made for what
    the need was): CONFLICT naming ``domain`` otherwise."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="update needs")
    need = store.get("Need", need_id)
    if not isinstance(need, Need):
        raise NotFoundError("id", not_found("Need", need_id))
    require_household(store, p, _household(store, need.household_id), "update needs")
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, need.household_id, "id")
        cur = uow.require("Need", need_id)
        assert isinstance(cur, Need)
        changes: dict[str, Any] = {}
        if severity is not None:
            changes["severity"] = severity
        if detail is not _UNSET:
            changes["detail"] = detail
        if tags is not None:
            changes["tags"] = tuple(tags)
        if domain is not None:
            changes["domain"] = getattr(domain, "value", domain)
        out = cur.replace(**changes)
        assert isinstance(out, Need)
        if out.domain is not cur.domain:
            named = sorted(label_key[1] for label_key in uow.referrers("Need", need_id)
                           if label_key[0] == "Referral")
            if named:
                raise ConflictError("domain", Message.of("case.need.domain_referred", referral=repr(named[0]),
                                                         domain=code(cur.domain)))
        if out != cur:
            uow.put(out)
    return out


# ---------------------------------------------------------------------------------------------
# the households query


@dataclass
class HouseholdPage:
    households: list[Household] = field(default_factory=list)
    has_next: bool = False
    total: int = 0


def encode_cursor(key: str) -> str:
    return paging.encode_cursor("hh", key)


def decode_cursor(cursor: str) -> str:
    return paging.decode_cursor("hh", cursor)


def households_page(store: Store, p: Principal, settings: Settings, *, region_id: str | None = None,
                    status: Any = None, urgency: Any = None, overdue: bool | None = None,
                    case_manager_id: str | None = None, first: int = 50, after: str | None = None,
                    as_of: Any = None) -> HouseholdPage:
    """One page of households, by id: coordinators any region, a case worker their
    region's subtree (by default, and FORBIDDEN naming ``regionId`` for any other
    region, known or not: nothing tells them it exists), partners FORBIDDEN.
    ``overdue`` keeps (true) or drops (false) the households late on their response
    deadline (:mod:`service.deadlines`, at ``as_of``, default now). The caller audits
    every household returned as a read."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="list households")
    if not 0 <= first <= settings.max_first:
        raise ValidationError("first", Message.of("error.int.between", lo="0", hi=str(settings.max_first),
                                                  got=str(first)))
    start = decode_cursor(after) if after is not None else None
    if p.role is Role.CASEWORKER and region_id is not None and (
            store.get("Region", region_id) is None or not in_subtree(store, region_id, p.region_id)):
        raise forbidden("regionId", outside_region(region_id))
    root = scope(store, p, region_id, "list households")
    want_status = _status(status) if status is not None else None
    want_urgency = None
    if urgency is not None:
        try:
            want_urgency = Urgency(getattr(urgency, "value", urgency))
        except ValueError:
            raise ValidationError("urgency", Message.of("error.enum", allowed="EMERGENCY, FOCUSED, GENERAL",
                                                        got=repr(urgency))) from None
    late: set[str] | None = None
    if overdue is not None:
        late = {o.household_id for o in deadlines.overdue(store, p, settings, region_id=root, as_of=as_of)}
    memo: dict[str, bool] = {}

    def inside(r: str) -> bool:
        if root is None:
            return True
        if r not in memo:
            memo[r] = in_subtree(store, r, root)
        return memo[r]

    matching: list[Household] = []
    for hh in store.list("Household"):
        assert isinstance(hh, Household)
        if want_status is not None and hh.case_status is not want_status:
            continue
        if want_urgency is not None and hh.urgency is not want_urgency:
            continue
        if case_manager_id is not None and hh.case_manager_id != case_manager_id:
            continue
        if late is not None and (hh.id in late) is not overdue:
            continue
        if not inside(hh.region_id):
            continue
        matching.append(hh)
    rest = matching if start is None else [h for h in matching if h.id > start]
    return HouseholdPage(rest[:first], len(rest) > first, len(matching))

