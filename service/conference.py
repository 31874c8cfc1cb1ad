"""The case conference (사례회의): who met, about which households, what they
decided, and the adoption of those decisions as referrals.

Storage. A conference is a side record of kind :data:`KIND` keyed by its id,
outside the graph like staff and tokens: a conference is never matched,
viewed or counted, and a side record needs no schema change on either store
(no new node label, table, Cypher template or view). Its decisions live
inside it, one per household::

    {"date": "2026-11-24", "kind": "EMERGENCY", "region_id": "gg-suwon", "status": "HELD",
     "staff_ids": ["stf-kim"], "organization_ids": ["org-gg-bar"], "household_ids": ["hh-0001"],
     "minutes": "...", "created_at": "...", "created_by": "tok-...", "created_by_staff": "stf-kim",
     "updated_at": "...",
     "decisions": {"hh-0001": {"items": [{"resource_id": "svc-gg-legal", "resource_label": "Service",
                                          "need_ids": ["need-0001-legal"]}],
                               "exceptions": [{"resource_id": ..., "reason": "NOT_ELIGIBLE_INCOME",
                                               "note": ..., "approver_id": ..., "approved_by": ...}],
                               "lead_manager_id": "stf-kim", "review_on": "2026-12-08",
                               "decided_at": ..., "decided_by": ..., "adopted_at": null,
                               "referral_ids": []}}}

All or nothing. :func:`adopt_plan` writes every referral of the plan in ONE
unit of work, through the checks every new referral passes
(:func:`service.writes.stage_referral`), after its own checks at that moment
(eligibility, places and quota counted over the whole plan, needs still
open). The unit of work holds the store's single writer lock from its first
read to its commit, so a partner accepting another referral in parallel
either commits before (and the plan is checked against the place it took)
or after. A failure names the item (``items[2]``) and writes nothing. The
conference's own record is written in the same unit of work (a side record
staged with :meth:`graph.store.UnitOfWork.put_side`), after reading it again
there: a decision changed or the conference cancelled meanwhile, in any
process, is a CONFLICT. Referral ids are deterministic per conference item
(:func:`referral_id`), so adopting again creates nothing twice.

Every edit of a conference (create, update, decide, adopt) is a
read-modify-write of its side record inside one unit of work, which holds
the store's write lock (the embedded file's, or Neo4j's lock node) from the
read to the commit: edits from several processes (``dolbom serve --workers
2``) are serialised and none is lost. The cases on an agenda move to
IN_CONFERENCE in the same unit of work, and their status before is kept in
the conference (``prior_status``); cancelling the conference, or taking a
household off its agenda, gives that status back (unless another live
conference still has the household on its agenda, or the case moved on).

Who may do what: coordinators, and case workers whose region's subtree holds
the conference's region, create, edit, decide and adopt, and read the
conference (its agenda is household data: every read of it is audited).
Partners and anonymous callers see nothing of conferences (FORBIDDEN /
UNAUTHENTICATED): what reaches a partner is the referral in its inbox.

An approved exception waives exactly one eligibility rule (the near-miss
reason codes :data:`WAIVABLE`) for one resource of the decision: at adoption
the item passes that rule only while the household still misses it by a
near-miss margin (:mod:`matching.eligibility`), and every other rule applies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.errors import ConflictError, DolbomError, ForbiddenError, NotFoundError, ValidationError
from graph.model import (
    Agreement,
    CaseStatus,
    Household,
    Need,
    NeedStatus,
    Organization,
    Referral,
    Region,
    Service,
    node_key,
)
from graph.store import Store, UnitOfWork
from i18n import Message, clock
from matching import eligibility
from matching import neighbourhood as nbh
from matching.eligibility import Rule
from matching.results import Reason

from . import audit, capacity, cases, paging, staff, writes
from .analysis import care_policy
from .permissions import forbidden, in_subtree, not_found, outside_region, require_household, require_role
from .principal import Principal, Role
from .wording import code

KIND = "conference"
KINDS = ("REGULAR", "EMERGENCY", "SOLUTION_COMMITTEE")
#: PLANNED → HELD → ADOPTED (the plan of every household on the agenda adopted; a decision may
#: have no items); PLANNED or HELD → CANCELLED
STATUSES = ("PLANNED", "HELD", "ADOPTED", "CANCELLED")
_MOVES = {"PLANNED": {"HELD", "CANCELLED"}, "HELD": {"CANCELLED"}, "ADOPTED": set(), "CANCELLED": set()}
#: the reason codes an approved exception may waive: the near misses a person may approve
WAIVABLE = frozenset({Reason.NOT_ELIGIBLE_INCOME.value, Reason.NOT_ELIGIBLE_TRAIT.value})
_RULE_REASON = {
    Rule.REGION: Reason.NOTHING_IN_REGION, Rule.ACTIVE: Reason.NOTHING_ACTIVE,
    Rule.AGREEMENT: Reason.AGREEMENT_EXPIRED, Rule.INCOME: Reason.NOT_ELIGIBLE_INCOME,
    Rule.TRAITS: Reason.NOT_ELIGIBLE_TRAIT, Rule.RECEIVED: Reason.ALREADY_RECEIVED,
    Rule.CAPACITY: Reason.FULL, Rule.QUOTA: Reason.QUOTA_USED,
}
#: rules counted over the whole plan at adoption instead (one place per new referral)
_COUNTED = frozenset({Rule.CAPACITY, Rule.QUOTA})

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
MAX_MINUTES = 20000
MAX_NOTE = 2000
MAX_AGENDA = 50
MAX_ITEMS = 30

#: a conference whose agenda holds its households IN_CONFERENCE
LIVE = frozenset({"PLANNED", "HELD"})


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------
# the records


@dataclass(frozen=True)
class Item:
    resource_id: str
    resource_label: str
    need_ids: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        return {"resource_id": self.resource_id, "resource_label": self.resource_label,
                "need_ids": list(self.need_ids)}


@dataclass(frozen=True)
class ApprovedException:
    resource_id: str
    reason: str
    note: str
    approver_id: str | None
    approver_name: str | None
    approved_by: str | None
    approved_at: str

    def to_data(self) -> dict[str, Any]:
        return {"resource_id": self.resource_id, "reason": self.reason, "note": self.note,
                "approver_id": self.approver_id, "approver_name": self.approver_name,
                "approved_by": self.approved_by, "approved_at": self.approved_at}


@dataclass(frozen=True)
class Decision:
    household_id: str
    items: tuple[Item, ...]
    exceptions: tuple[ApprovedException, ...]
    lead_manager_id: str | None
    review_on: str | None
    decided_at: str
    decided_by: str | None
    adopted_at: str | None = None
    referral_ids: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, hid: str, d: dict[str, Any]) -> Decision:
        return cls(
            household_id=hid,
            items=tuple(Item(i["resource_id"], i["resource_label"], tuple(i["need_ids"]))
                        for i in d["items"]),
            exceptions=tuple(ApprovedException(**e) for e in d.get("exceptions", ())),
            lead_manager_id=d.get("lead_manager_id"), review_on=d.get("review_on"),
            decided_at=d["decided_at"], decided_by=d.get("decided_by"), adopted_at=d.get("adopted_at"),
            referral_ids=tuple(d.get("referral_ids", ())))

    def to_data(self) -> dict[str, Any]:
        return {"items": [i.to_data() for i in self.items],
                "exceptions": [e.to_data() for e in self.exceptions],
                "lead_manager_id": self.lead_manager_id, "review_on": self.review_on,
                "decided_at": self.decided_at, "decided_by": self.decided_by, "adopted_at": self.adopted_at,
                "referral_ids": list(self.referral_ids)}

    def exception_for(self, resource_id: str, reason: str) -> ApprovedException | None:
        return next((e for e in self.exceptions if e.resource_id == resource_id and e.reason == reason), None)


@dataclass(frozen=True)
class Conference:
    id: str
    date: str
    kind: str
    region_id: str
    status: str
    staff_ids: tuple[str, ...]
    organization_ids: tuple[str, ...]
    household_ids: tuple[str, ...]
    minutes: str
    created_at: str
    created_by: str | None
    created_by_staff: str | None
    updated_at: str
    decisions: dict[str, Decision] = field(default_factory=dict)
    #: household id -> its case status before it went on this agenda (given back on cancel/removal)
    prior_status: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, key: str, d: dict[str, Any]) -> Conference:
        return cls(id=key, date=d["date"], kind=d["kind"], region_id=d["region_id"], status=d["status"],
                   staff_ids=tuple(d.get("staff_ids", ())),
                   organization_ids=tuple(d.get("organization_ids", ())),
                   household_ids=tuple(d.get("household_ids", ())), minutes=d.get("minutes") or "",
                   created_at=d["created_at"], created_by=d.get("created_by"),
                   created_by_staff=d.get("created_by_staff"),
                   updated_at=d.get("updated_at") or d["created_at"],
                   decisions={h: Decision.from_data(h, x) for h, x in (d.get("decisions") or {}).items()},
                   prior_status=dict(d.get("prior_status") or {}))

    def to_data(self) -> dict[str, Any]:
        return {"date": self.date, "kind": self.kind, "region_id": self.region_id, "status": self.status,
                "staff_ids": list(self.staff_ids), "organization_ids": list(self.organization_ids),
                "household_ids": list(self.household_ids), "minutes": self.minutes,
                "created_at": self.created_at, "created_by": self.created_by,
                "created_by_staff": self.created_by_staff, "updated_at": self.updated_at,
                "decisions": {h: x.to_data() for h, x in self.decisions.items()},
                "prior_status": dict(self.prior_status)}

    def decision(self, household_id: str) -> Decision | None:
        return self.decisions.get(household_id)

    @property
    def households_shown(self) -> frozenset[str]:
        """The households whose data a reader of this conference sees (agenda and decisions)."""
        return frozenset(self.household_ids) | frozenset(self.decisions)


# --------------------------------------------------------------------------
# small checks


def _staff_id_of(p: Principal) -> str | None:
    return getattr(p, "staff_id", None)


def _date(name: str, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValidationError(name, Message.of("error.date", got=repr(value)))


def _choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    v = getattr(value, "value", value)
    if v not in allowed:
        raise ValidationError(name, Message.of("error.enum", allowed=", ".join(allowed), got=repr(v)))
    return str(v)


def _text(name: str, value: Any, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(name, Message.of("conference.text"))
    if required and not value.strip():
        raise ValidationError(name, Message.of("workflow.text.empty"))
    if len(value) > limit:
        raise ValidationError(name, Message.of("error.too_long", limit=str(limit), got=str(len(value))))
    return value


def _ids(name: str, values: Iterable[Any] | None) -> tuple[str, ...]:
    out: list[str] = []
    for i, v in enumerate(values or ()):
        if not isinstance(v, str) or not v.strip() or len(v) > 128:
            raise ValidationError(f"{name}[{i}]", Message.of("error.id.empty"))
        if v not in out:
            out.append(v)
    return tuple(out)


def _require_staff_role(p: Principal, what: str) -> None:
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what=what)


def _require_region_access(store: Store, p: Principal, region_id: str, field: str, what: str) -> None:
    """Coordinators anywhere; a case worker only for a conference whose region lies in their subtree."""
    _require_staff_role(p, what)
    if p.role is Role.CASEWORKER and not in_subtree(store, region_id, p.region_id):
        raise forbidden(field, Message.of("conference.region.outside", region=repr(region_id)))


def get(store: Store, conference_id: str) -> Conference | None:
    data = store.get_side(KIND, conference_id) if isinstance(conference_id, str) and conference_id else None
    return None if data is None else Conference.from_data(conference_id, data)


def _require(store: Store, conference_id: str, field: str = "id") -> Conference:
    c = get(store, conference_id)
    if c is None:
        raise NotFoundError(field, not_found("CaseConference", conference_id))
    return c


def _load(uow: UnitOfWork, conference_id: str, field: str = "id") -> Conference:
    """The conference as the unit of work sees it: read under the store's write lock, so an edit
    in another process cannot land between this read and the unit's commit."""
    data = uow.get_side(KIND, conference_id)
    if data is None:
        raise NotFoundError(field, not_found("CaseConference", conference_id))
    return Conference.from_data(conference_id, data)


def _stage(uow: UnitOfWork, c: Conference) -> None:
    """Write the conference with the unit of work's records (all or nothing)."""
    uow.put_side(KIND, c.id, c.to_data())


def _check_staff(store: Store, ids: Sequence[str], field: str) -> None:
    for i, sid in enumerate(ids):
        s = staff.require_staff(store, sid, f"{field}[{i}]")
        if not s.active:
            raise ValidationError(f"{field}[{i}]", Message.of("staff.disabled", id=repr(sid)))


def _check_orgs(store: Store, ids: Sequence[str], field: str) -> None:
    for i, oid in enumerate(ids):
        if not isinstance(store.get("Organization", oid), Organization):
            raise NotFoundError(f"{field}[{i}]", not_found("Organization", oid))


def _check_agenda(store: Store, p: Principal, region_id: str, ids: Sequence[str], field: str) -> None:
    """Each household exists, the caller may act on it, and it lives in the conference's region."""
    if len(ids) > MAX_AGENDA:
        raise ValidationError(field, Message.of("conference.agenda.too_many", limit=str(MAX_AGENDA),
                                                got=str(len(ids))))
    for i, hid in enumerate(ids):
        hh = store.get("Household", hid)
        if not isinstance(hh, Household):
            raise NotFoundError(f"{field}[{i}]", not_found("Household", hid))
        try:
            require_household(store, p, hh, "put households on an agenda")
        except DolbomError as e:
            raise forbidden(f"{field}[{i}]", e.text or e.message) from None
        if not in_subtree(store, hh.region_id, region_id):
            raise ValidationError(f"{field}[{i}]", Message.of("conference.agenda.other_region",
                                                              household=repr(hid), region=repr(region_id)))
        if hh.case_status is CaseStatus.CLOSED:
            raise ValidationError(f"{field}[{i}]", Message.of(
                "conference.agenda.closed", household=repr(hid)))


def _prior_from_history(store: Store, hid: str, conference_id: str | None = None) -> str | None:
    """The status a case had before it last moved to IN_CONFERENCE (for ``conference_id`` when
    given), from its history: for conferences recorded before priors were kept."""
    events = [e for e in cases.history(store, hid, "status") if e.get("to") == CaseStatus.IN_CONFERENCE.value]
    mine = [e for e in events if conference_id and e.get("reason") == f"conference {conference_id}"]
    found = (mine or events)[-1:]
    return found[0].get("from") if found else None


def _holder(store: Store, hid: str, but: str) -> Conference | None:
    """Another live conference (PLANNED or HELD) with ``hid`` on its agenda, not yet adopted for it."""
    for other in all_conferences(store):
        d = other.decision(hid)
        if other.id != but and other.status in LIVE and hid in other.household_ids \
                and not (d is not None and d.adopted_at):
            return other
    return None


def _into_conference(uow: UnitOfWork, store: Store, p: Principal, conference_id: str, ids: Sequence[str],
                     events: list[cases.Event]) -> dict[str, str]:
    """The cases on an agenda move to IN_CONFERENCE in the caller's unit of work; returns each
    one's status before (a case already IN_CONFERENCE for another conference: the status before
    that one), which cancelling the conference or taking the household off gives back."""
    priors: dict[str, str] = {}
    for i, hid in enumerate(ids):
        hh = uow.get("Household", hid)
        if not isinstance(hh, Household):
            raise NotFoundError(f"householdIds[{i}]", not_found("Household", hid))
        prior = hh.case_status.value
        if hh.case_status is CaseStatus.IN_CONFERENCE:
            other = _holder(store, hid, conference_id)
            prior = (other.prior_status.get(hid) if other is not None else None) \
                or _prior_from_history(store, hid) or prior
        priors[hid] = prior
        try:
            cases.stage_case_status(uow, store, p, hid, CaseStatus.IN_CONFERENCE,
                                    reason=f"conference {conference_id}", events=events)
        except (ValidationError, ForbiddenError) as e:
            raise type(e)(f"householdIds[{i}]", Message.of("workflow.household.item", household=repr(hid),
                                                           detail=e.text or e.message)) from None
    return priors


def _out_of_conference(uow: UnitOfWork, store: Store, c: Conference, ids: Iterable[str], why: str,
                       events: list[cases.Event]) -> None:
    """Give back the status each case had before it went on ``c``'s agenda (cancelled, or taken
    off the agenda), in the caller's unit of work. Left alone: a case no longer IN_CONFERENCE (it
    moved on meanwhile: closed, adopted elsewhere), and one another live conference still has on
    its agenda. A conference recorded before priors were kept finds the status in the case's
    history (OPEN when even that is silent)."""
    for hid in ids:
        hh = uow.get("Household", hid)
        if not isinstance(hh, Household) or hh.case_status is not CaseStatus.IN_CONFERENCE:
            continue
        if _holder(store, hid, c.id) is not None:
            continue
        prior = c.prior_status.get(hid) or _prior_from_history(store, hid, c.id)
        back = CaseStatus(prior) if prior and prior != CaseStatus.IN_CONFERENCE.value else CaseStatus.OPEN
        uow.put(hh.replace(case_status=back))
        events.append(cases.Event(hid, "status", CaseStatus.IN_CONFERENCE.value, back.value, why))


# --------------------------------------------------------------------------
# create, update, read


def create_conference(store: Store, p: Principal, *, date: Any, kind: Any, region_id: str,
                      staff_ids: Iterable[str] | None = None, organization_ids: Iterable[str] | None = None,
                      household_ids: Iterable[str] | None = None, minutes: str | None = None,
                      id: str | None = None) -> Conference:
    """A PLANNED conference (coordinators; case workers for their region's subtree)."""
    _require_staff_role(p, "plan case conferences")
    if not isinstance(region_id, str) or not isinstance(store.get("Region", region_id), Region):
        if p.role is Role.CASEWORKER:  # the same answer as a region elsewhere: nothing leaks
            raise forbidden("regionId", outside_region(region_id))
        raise NotFoundError("regionId", not_found("Region", region_id))
    _require_region_access(store, p, region_id, "regionId", "plan case conferences")
    day = _date("date", date)
    k = _choice("kind", kind, KINDS)
    sids = _ids("staffIds", staff_ids)
    oids = _ids("organizationIds", organization_ids)
    hids = _ids("householdIds", household_ids)
    text = _text("minutes", minutes, MAX_MINUTES)
    if id is None:
        id = f"conf-{uuid.uuid4().hex[:10]}"
    elif not isinstance(id, str) or not _ID.match(id):
        raise ValidationError("id", Message.of("conference.id.shape"))
    _check_staff(store, sids, "staffIds")
    _check_orgs(store, oids, "organizationIds")
    _check_agenda(store, p, region_id, hids, "householdIds")
    now = _now()
    c = Conference(id=id, date=day, kind=k, region_id=region_id, status="PLANNED", staff_ids=sids,
                   organization_ids=oids, household_ids=hids, minutes=text, created_at=now,
                   created_by=p.token_id, created_by_staff=_staff_id_of(p), updated_at=now)
    events: list[cases.Event] = []
    with store.unit_of_work() as uow:  # the record and the cases' moves land together
        if uow.get_side(KIND, id) is not None:
            raise ConflictError("id", Message.of("conference.id.taken", id=repr(id)))
        c = Conference(**{**c.__dict__, "prior_status": _into_conference(uow, store, p, id, hids, events)})
        _stage(uow, c)
    cases.record_events(store, p, events)
    return c


_UNSET: Any = object()


def update_conference(store: Store, p: Principal, conference_id: str, *, date: Any = _UNSET,
                      kind: Any = _UNSET, staff_ids: Any = _UNSET, organization_ids: Any = _UNSET,
                      household_ids: Any = _UNSET, minutes: Any = _UNSET,
                      status: Any = _UNSET) -> Conference:
    """Change what is given (None or left out: unchanged). A CANCELLED conference
    is final; a household whose decision was adopted stays on the agenda."""
    _require_staff_role(p, "edit case conferences")
    events: list[cases.Event] = []
    with store.unit_of_work() as uow:  # read, change and write under the store's write lock
        c = _load(uow, conference_id)
        _require_region_access(store, p, c.region_id, "id", "edit case conferences")
        if c.status == "CANCELLED":
            raise ConflictError("id", Message.of("conference.cancelled", id=repr(c.id)))
        changes: dict[str, Any] = {}
        if date not in (_UNSET, None):
            changes["date"] = _date("date", date)
        if kind not in (_UNSET, None):
            changes["kind"] = _choice("kind", kind, KINDS)
        if staff_ids not in (_UNSET, None):
            changes["staff_ids"] = _ids("staffIds", staff_ids)
            _check_staff(store, [s for s in changes["staff_ids"] if s not in c.staff_ids], "staffIds")
        if organization_ids not in (_UNSET, None):
            changes["organization_ids"] = _ids("organizationIds", organization_ids)
            _check_orgs(store, changes["organization_ids"], "organizationIds")
        if minutes not in (_UNSET, None):
            changes["minutes"] = _text("minutes", minutes, MAX_MINUTES)
        decisions = dict(c.decisions)
        removed: list[str] = []
        if household_ids not in (_UNSET, None):
            hids = _ids("householdIds", household_ids)
            added = [h for h in hids if h not in c.household_ids]
            _check_agenda(store, p, c.region_id, added, "householdIds")
            for hid, d in c.decisions.items():
                if hid not in hids:
                    if d.adopted_at:
                        raise ConflictError("householdIds", Message.of("conference.plan.adopted.stays",
                                                                       household=repr(hid)))
                    del decisions[hid]
            removed = [h for h in c.household_ids if h not in hids]
            changes["household_ids"] = hids
        if status not in (_UNSET, None):
            new = _choice("status", status, STATUSES)
            if new != c.status:
                if new not in _MOVES[c.status]:
                    allowed = ", ".join(sorted(_MOVES[c.status])) or Message.of("conference.move.none")
                    raise ValidationError("status", Message.of("conference.move", old=c.status, new=new,
                                                               allowed=allowed))
                if new == "CANCELLED" and any(d.adopted_at for d in c.decisions.values()):
                    raise ConflictError("status", Message.of("conference.cancel.adopted", id=repr(c.id)))
                changes["status"] = new
        if not changes:
            return c
        priors = {h: s for h, s in c.prior_status.items() if h not in removed}
        out = Conference(**{**c.__dict__, **changes, "decisions": decisions, "updated_at": _now(),
                            "prior_status": priors})
        if removed:
            _out_of_conference(uow, store, c, removed, f"conference {c.id}: taken off the agenda", events)
        if "household_ids" in changes:
            added = [h for h in out.household_ids if h not in c.household_ids]
            priors.update(_into_conference(uow, store, p, c.id, added, events))
        if out.status == "CANCELLED" and c.status != "CANCELLED":
            _out_of_conference(uow, store, out, out.household_ids, f"conference {c.id} cancelled", events)
        _stage(uow, out)
    cases.record_events(store, p, events)
    return out




def conference(store: Store, p: Principal, conference_id: str) -> Conference:
    """One conference, as its region's case workers and coordinators may read it."""
    _require_staff_role(p, "read case conferences")
    c = _require(store, conference_id)
    _require_region_access(store, p, c.region_id, "id", "read case conferences")
    return c


@dataclass(frozen=True)
class ConferencePage:
    conferences: list[Conference]
    has_next: bool
    total: int


def encode_cursor(c: Conference) -> str:
    return paging.encode_cursor("conf", f"{c.date}|{c.id}")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    key = paging.decode_cursor("conf", cursor)
    if "|" not in key:
        raise paging.bad_cursor(cursor)
    day, _, cid = key.partition("|")
    return day, cid


def all_conferences(store: Store) -> list[Conference]:
    return [Conference.from_data(k, d) for k, d in paging.side_records(store, KIND)]


def conferences(store: Store, p: Principal, *, region_id: str | None = None, since: Any = None,
                until: Any = None, first: int = 50, after: str | None = None,
                max_first: int = 100) -> ConferencePage:
    """Conferences by date then id, in ``region_id``'s subtree (a case worker's own region by
    default, never outside it), dated from ``since`` to ``until`` (both inclusive)."""
    _require_staff_role(p, "read case conferences")
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= max_first:
        raise ValidationError("first", Message.of("error.int.between", lo=0, hi=str(max_first),
                                                  got=repr(first)))
    if region_id is not None and not isinstance(store.get("Region", region_id), Region):
        if p.role is Role.CASEWORKER:
            raise forbidden("regionId", outside_region(region_id))
        raise NotFoundError("regionId", not_found("Region", region_id))
    if p.role is Role.CASEWORKER:
        if region_id is not None and not in_subtree(store, region_id, p.region_id):
            raise forbidden("regionId", outside_region(region_id))
        region_id = region_id or p.region_id
    lo = _date("from", since) if since is not None else None
    hi = _date("until", until) if until is not None else None
    start = _decode_cursor(after) if after else None
    rows = sorted((c for c in all_conferences(store)
                   if (region_id is None or in_subtree(store, c.region_id, region_id))
                   and (lo is None or c.date >= lo) and (hi is None or c.date <= hi)),
                  key=lambda c: (c.date, c.id))
    rest = rows if start is None else [c for c in rows if (c.date, c.id) > start]
    return ConferencePage(rest[:first], len(rest) > first, len(rows))


# --------------------------------------------------------------------------
# the decision for one household


def _verdict(store: Store, household_id: str, label: str, resource_id: str,
             on: dt.date) -> eligibility.Verdict | None:
    """Every household rule for this resource (None: it does not serve the household's region)."""
    g = store.neighbourhood(household_id)
    res = nbh.resource_at(g, node_key(label, resource_id))
    if res is None:
        return None
    return eligibility.assess(res, nbh.read(g, household_id), on, care_policy())


def _items_from_package(store: Store, p: Principal, household_id: str, rank: int) -> list[dict[str, Any]]:
    from .analysis import match_result

    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= 10:
        raise ValidationError("packageRank", Message.of("error.int.between", lo=1, hi=10, got=repr(rank)))
    packages = match_result(store, p, household_id, rank, max_limit=10).packages
    if len(packages) < rank:
        raise ValidationError("packageRank", Message.of(
            "conference.package.none", household=repr(household_id),
            count=str(len(packages)), rank=str(rank)))
    return [{"resource_id": i.resource_id, "need_ids": list(i.need_ids)} for i in packages[rank - 1].items]


def _normalise_items(store: Store, household_id: str, given: Sequence[dict[str, Any]]) -> tuple[Item, ...]:
    """Items as given (``resource_id``, ``need_ids``), checked, those naming one resource merged."""
    if len(given) > MAX_ITEMS:
        raise ValidationError("items", Message.of("conference.items.too_many", limit=str(MAX_ITEMS),
                                                  got=str(len(given))))
    merged: dict[str, tuple[str, list[str]]] = {}
    for i, it in enumerate(given):
        f = f"items[{i}]"
        rid = it.get("resource_id")
        if not isinstance(rid, str) or not rid.strip():
            raise ValidationError(f"{f}.resourceId", Message.of("error.id.empty"))
        label = store.resolve_resource(rid, f"{f}.resourceId")
        need_ids = _ids(f"{f}.needIds", it.get("need_ids"))
        if not need_ids:
            raise ValidationError(f"{f}.needIds", Message.of("conference.items.no_needs"))
        res = store.get(label, rid)
        offered = set(getattr(res, "domains", ()) or getattr(res, "skills", ()))
        for nid in need_ids:
            need = store.get("Need", nid)
            if not isinstance(need, Need) or need.household_id != household_id:
                raise ValidationError(f"{f}.needIds", Message.of(
                    "workflow.need.other_household", need=repr(nid),
                    household=repr(household_id)))
            if need.domain not in offered:
                raise ValidationError(f"{f}.needIds", Message.of(
                    "conference.items.domain", resource=repr(rid),
                    domain=code(need.domain), need=repr(nid)))
        _, needs = merged.setdefault(rid, (label, []))
        needs.extend(n for n in need_ids if n not in needs)
    return tuple(Item(rid, label, tuple(sorted(needs))) for rid, (label, needs) in merged.items())


def decide_household(store: Store, p: Principal, conference_id: str, household_id: str, *,
                     items: Sequence[dict[str, Any]] | None = None, package_rank: int | None = None,
                     exceptions: Sequence[dict[str, Any]] | None = None, lead_manager_id: str | None = None,
                     review_on: Any = None, today: dt.date | None = None) -> Conference:
    """Record (or replace, until adopted) the conference's decision for one household on its agenda.

    ``items``: ``{"resource_id", "need_ids"}`` each, as a ``matchPackages`` package's items or an
    ``allocate`` plan's assignments give them; or ``package_rank``: the items of that package of
    ``matchPackages`` now. ``exceptions``: ``{"resource_id", "reason", "note", "approver_id"}``
    each; the reason must be a near miss the household has now for that item's resource."""
    _require_staff_role(p, "decide at case conferences")
    c = _require(store, conference_id, "conferenceId")
    _require_region_access(store, p, c.region_id, "conferenceId", "decide at case conferences")
    if c.status in ("CANCELLED",):
        raise ConflictError("conferenceId", Message.of("conference.cancelled", id=repr(c.id)))
    if household_id not in c.household_ids:
        raise ValidationError("householdId", Message.of(
            "conference.agenda.not_on", household=repr(household_id),
            conference=repr(c.id)))
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError("householdId", not_found("Household", household_id))
    require_household(store, p, hh, "decide at case conferences")
    old = c.decision(household_id)
    if old is not None and old.adopted_at:
        raise ConflictError("householdId", Message.of(
            "conference.plan.adopted.on", household=repr(household_id),
            at=old.adopted_at))
    if items is not None and package_rank is not None:
        raise ValidationError("packageRank", Message.of("conference.items.or_rank"))
    given = (_items_from_package(store, p, household_id, package_rank) if package_rank is not None
             else (items or []))
    its = _normalise_items(store, household_id, given)
    on = today or clock.today()
    now = _now()
    excs: list[ApprovedException] = []
    for i, e in enumerate(exceptions or ()):
        f = f"exceptions[{i}]"
        rid = e.get("resource_id")
        item = next((x for x in its if x.resource_id == rid), None)
        if item is None:
            raise ValidationError(f"{f}.resourceId", Message.of(
                "conference.exception.not_item", resource=repr(rid)))
        reason = _choice(f"{f}.reason", e.get("reason"), sorted(WAIVABLE))
        note = _text(f"{f}.note", e.get("note"), MAX_NOTE, required=True)
        approver_id = e.get("approver_id") or _staff_id_of(p)
        approver_name = None
        if approver_id:
            s = staff.require_staff(store, approver_id, f"{f}.approverId")
            if not s.active or s.role not in (Role.COORDINATOR, Role.CASEWORKER):
                raise ValidationError(f"{f}.approverId",
                                      Message.of("conference.exception.approver", id=repr(approver_id)))
            approver_name = s.name
        verdict = _verdict(store, household_id, item.resource_label, item.resource_id, on)
        rule = Rule.INCOME if reason == Reason.NOT_ELIGIBLE_INCOME.value else Rule.TRAITS
        check = verdict.check(rule) if verdict is not None else None
        if check is None or check.ok:
            raise ValidationError(f"{f}.reason", Message.of("conference.exception.passes",
                                                            household=repr(household_id), rule=rule.value,
                                                            resource=repr(rid)))
        if not check.near:
            raise ValidationError(f"{f}.reason", Message.of("conference.exception.not_near",
                                                            detail=check.message))
        if any(x.resource_id == rid and x.reason == reason for x in excs):
            raise ValidationError(f"{f}.reason", Message.of("conference.exception.twice", reason=reason,
                                                            resource=repr(rid)))
        excs.append(ApprovedException(str(rid), reason, note, approver_id, approver_name, p.token_id, now))
    if lead_manager_id:
        cases.check_case_manager(store, hh, lead_manager_id, "leadManagerId")
    manager = lead_manager_id or None
    review = _date("reviewOn", review_on) if review_on is not None else None
    if review is not None and review < c.date:
        raise ValidationError("reviewOn", Message.of(
            "conference.review.before", date=c.date, got=str(review)))
    d = Decision(household_id, its, tuple(excs), manager, review, now, p.token_id)
    with store.unit_of_work() as uow:  # read, change and write under the store's write lock
        c = _load(uow, conference_id, "conferenceId")
        if c.status == "CANCELLED":
            raise ConflictError("conferenceId", Message.of("conference.cancelled", id=repr(c.id)))
        old = c.decision(household_id)
        if old is not None and old.adopted_at:  # adopted meanwhile
            raise ConflictError("householdId", Message.of(
                "conference.plan.adopted", household=repr(household_id)))
        if household_id not in c.household_ids:
            raise ValidationError("householdId", Message.of("conference.agenda.not_on",
                                                            household=repr(household_id),
                                                            conference=repr(c.id)))
        out = Conference(**{**c.__dict__, "decisions": {**c.decisions, household_id: d}, "updated_at": now})
        _stage(uow, out)
    return out


# --------------------------------------------------------------------------
# adoption


_KIND_KO = {"REGULAR": "정례 사례회의", "EMERGENCY": "긴급 사례회의", "SOLUTION_COMMITTEE": "솔루션위원회"}


def _referral_reason(c: Conference) -> str:
    """The reason for referral a partner reads in its inbox: which conference decided it."""
    return f"{c.date} {_KIND_KO.get(c.kind, c.kind)} 결정 ({c.id})"


def referral_id(conference_id: str, household_id: str, index: int) -> str:
    """The referral an adopted item becomes: the same id every time (a retry creates nothing twice)."""
    rid = f"ref-{conference_id}-{household_id}-{index + 1}"
    if len(rid) <= 128:
        return rid
    digest = hashlib.sha256(f"{conference_id}\x1f{household_id}".encode()).hexdigest()[:20]
    return f"ref-conf-{digest}-{index + 1}"


@dataclass(frozen=True)
class Adoption:
    conference: Conference
    referrals: tuple[Referral, ...]
    #: referral id -> the exceptions it went through with
    waived: dict[str, tuple[ApprovedException, ...]]
    created: tuple[str, ...]


def _fail(e: DolbomError, f: str, hid: str) -> DolbomError:
    """The error of one item's checks, naming the item."""
    if isinstance(e, (ValidationError, ForbiddenError)):
        return type(e)(f, Message.of(
            "workflow.household.item", household=repr(hid), detail=e.text or e.message))
    return e


def adopt_plan(store: Store, p: Principal, conference_id: str, household_id: str | None = None, *,
               request_id: str | None = None, today: dt.date | None = None) -> Adoption:
    """Turn the decisions into referrals (see the module docstring): all or nothing."""
    _require_staff_role(p, "adopt plans")
    c = _require(store, conference_id, "conferenceId")
    _require_region_access(store, p, c.region_id, "conferenceId", "adopt plans")
    if c.status in ("PLANNED", "CANCELLED"):
        raise ConflictError("conferenceId", Message.of(
            "conference.adopt.not_held", id=repr(c.id), status=c.status))
    if household_id is not None:
        if household_id not in c.household_ids:
            raise ValidationError("householdId", Message.of("conference.agenda.not_on",
                                                            household=repr(household_id),
                                                            conference=repr(c.id)))
        if c.decision(household_id) is None:
            raise ValidationError("householdId", Message.of(
                "conference.decision.none", household=repr(household_id)))
        hids = [household_id]
    else:
        hids = [h for h in c.household_ids if c.decision(h) is not None]
        if not hids:
            raise ValidationError("conferenceId", Message.of(
                "conference.decision.none_to_adopt", id=repr(c.id)))
    for hid in hids:
        hh = store.get("Household", hid)
        if not isinstance(hh, Household):
            raise NotFoundError("householdId", not_found("Household", hid))
        require_household(store, p, hh, "adopt plans")
    on = today or clock.today()
    plan: list[tuple[str, int, Item, Referral]] = []
    for hid in hids:
        d = c.decisions[hid]
        for i, it in enumerate(d.items):
            ref = writes.new_referral(store, p, id=referral_id(c.id, hid, i), household_id=hid,
                                      resource_id=it.resource_id, need_ids=list(it.need_ids),
                                      reason=_referral_reason(c))
            plan.append((hid, i, it, ref))
    written: list[Referral] = []
    created: list[str] = []
    waived: dict[str, tuple[ApprovedException, ...]] = {}
    events: list[cases.Event] = []
    day = capacity.day_of(None)
    with store.unit_of_work() as uow:
        new_places: dict[str, int] = {}
        new_quota: dict[str, int] = {}
        for hid, i, it, ref in plan:
            f = f"items[{i}]"
            d = c.decisions[hid]
            if uow.get("Referral", ref.id) is not None:  # adopted before: the same referral, or CONFLICT
                try:
                    written.append(writes.stage_referral(uow, store, p, ref, on=on))
                except DolbomError as e:
                    raise _fail(e, f, hid) from None
                waived[ref.id] = tuple(x for x in d.exceptions if x.resource_id == it.resource_id)
                continue
            for nid in it.need_ids:
                need = uow.get("Need", nid)
                if not isinstance(need, Need) or need.status is not NeedStatus.OPEN:
                    state = code(need.status) if isinstance(need, Need) else Message.of(
                        "conference.adopt.need_gone")
                    raise ConflictError(f, Message.of("conference.adopt.need_state", household=repr(hid),
                                                      need=repr(nid), state=state))
            verdict = _verdict(store, hid, it.resource_label, it.resource_id, on)
            if verdict is None:
                raise ConflictError(f, Message.of("conference.adopt.region", household=repr(hid),
                                                  resource=it.resource_id,
                                                  reason=Reason.NOTHING_IN_REGION.value))
            used: list[ApprovedException] = []
            for check in verdict.failed:
                if check.rule in _COUNTED:
                    continue
                reason = _RULE_REASON[check.rule].value
                exc = d.exception_for(it.resource_id, reason)
                if exc is not None and check.near:
                    used.append(exc)
                    continue
                key = "conference.adopt.no_fit.near_only" if exc is not None else "conference.adopt.no_fit"
                raise ConflictError(f, Message.of(key, household=repr(hid), resource=it.resource_id,
                                                  detail=check.message, reason=reason))
            svc = uow.get("Service", it.resource_id) if it.resource_label == "Service" else None
            if isinstance(svc, Service):
                n = new_places[svc.id] = new_places.get(svc.id, 0) + 1
                taken = capacity.service_used(svc, day)  # this period's places (graph/periods.py)
                if svc.capacity is not None and taken + n > svc.capacity:
                    left = max(0, svc.capacity - taken)
                    raise ConflictError(f, Message.of(
                        "conference.adopt.full", household=repr(hid), service=svc.id,
                        left=str(left), total=str(svc.capacity), needed=str(n),
                        reason=Reason.FULL.value))
                if svc.agreement_id:
                    a = uow.get("Agreement", svc.agreement_id)
                    q = new_quota[svc.agreement_id] = new_quota.get(svc.agreement_id, 0) + 1
                    if isinstance(a, Agreement) and a.annual_quota is not None \
                            and capacity.agreement_used(a, day) + q > a.annual_quota:
                        raise ConflictError(f, Message.of("conference.adopt.quota", household=repr(hid),
                                                          agreement=svc.agreement_id, service=svc.id,
                                                          reason=Reason.QUOTA_USED.value))
            try:
                written.append(writes.stage_referral(uow, store, p, ref, on=on))
            except DolbomError as e:
                raise _fail(e, f, hid) from None
            created.append(ref.id)
            waived[ref.id] = tuple(used)
        before = _load(uow, c.id, "conferenceId")  # another adoption may have committed since c was read
        for hid in hids:
            prev = before.decision(hid)
            if not (prev is not None and prev.adopted_at):
                _stage_case(uow, store, p, c, hid, events)
        out = _adopted(uow, c, hids)
    # committed with the conference's record: the trail
    cases.record_events(store, p, events)
    for ref in written:
        if ref.id in created and not audit.referral_history(store, ref.id):
            audit.record_move(store, p, ref.id, None, ref.status.value, request_id, ref.created_at)
    exceptions_detail = [{"referralId": rid, "resourceId": x.resource_id, "waives": x.reason, "note": x.note,
                          "approverId": x.approver_id, "approvedBy": x.approved_by}
                         for rid, xs in waived.items() for x in xs]
    audit.record(store, p, "adoptPlan", "Referral", [r.id for r in written], request_id,
                 {"conferenceId": c.id, "householdIds": hids, "created": created,
                  "exceptions": exceptions_detail})
    return Adoption(out, tuple(written), waived, tuple(created))


def _adopted(uow: UnitOfWork, c: Conference, hids: Sequence[str]) -> Conference:
    """The conference with ``hids``' decisions adopted, staged in the adoption's unit of work. It is
    read again there, under the write lock: a decision changed or a conference cancelled since the
    plan was read (in this process or another) is a CONFLICT, and nothing is written."""
    cur = _load(uow, c.id, "conferenceId")
    if cur.status == "CANCELLED":
        raise ConflictError("conferenceId", Message.of("conference.cancelled.meanwhile", id=repr(c.id)))
    decisions = dict(cur.decisions)
    for hid in hids:
        d, was = decisions.get(hid), c.decisions[hid]
        if d is None or (d.items, d.exceptions) != (was.items, was.exceptions):
            raise ConflictError("householdId", Message.of("conference.adopt.changed", household=repr(hid)))
    now = _now()
    for hid in hids:
        d = decisions[hid]
        ids = tuple(referral_id(cur.id, hid, i) for i in range(len(d.items)))
        decisions[hid] = Decision(**{**d.__dict__, "adopted_at": d.adopted_at or now, "referral_ids": ids})
    done = all(h in decisions and decisions[h].adopted_at for h in cur.household_ids)
    out = Conference(**{**cur.__dict__, "decisions": decisions, "status": "ADOPTED" if done else cur.status,
                        "updated_at": now})
    _stage(uow, out)
    return out


def _stage_case(uow: UnitOfWork, store: Store, p: Principal, c: Conference, hid: str,
                events: list[cases.Event]) -> None:
    """The case follows the adopted decision, in the adoption's unit of work: its lead
    manager and next review date (when decided), and MONITORING."""
    d = c.decisions[hid]
    hh = uow.get("Household", hid)
    assert isinstance(hh, Household)
    try:
        if d.lead_manager_id or d.review_on:
            cases.stage_case_manager(uow, store, hid, d.lead_manager_id or hh.case_manager_id, events,
                                     dt.date.fromisoformat(d.review_on) if d.review_on else None)
        cases.stage_case_status(uow, store, p, hid, CaseStatus.MONITORING,
                                reason=f"conference {c.id} adopted", events=events)
    except (ValidationError, ForbiddenError) as e:
        field = "leadManagerId" if e.field == "staffId" else "householdId"
        raise ConflictError(field, Message.of("workflow.household.item", household=repr(hid),
                                              detail=e.text or e.message)) from None


# --------------------------------------------------------------------------
# the audited mutations (one audit entry each, like service.actions.perform)


def create_conference_audited(store: Store, p: Principal, request_id: str | None,
                              **kwargs: Any) -> Conference:
    c = create_conference(store, p, **kwargs)
    audit.record(store, p, "createConference", "CaseConference", [c.id], request_id,
                 {"regionId": c.region_id, "householdIds": list(c.household_ids)})
    return c


def update_conference_audited(store: Store, p: Principal, request_id: str | None, conference_id: str,
                              **kwargs: Any) -> Conference:
    c = update_conference(store, p, conference_id, **kwargs)
    audit.record(store, p, "updateConference", "CaseConference", [c.id], request_id,
                 {"status": c.status, "householdIds": list(c.household_ids)})
    return c


def decide_household_audited(store: Store, p: Principal, request_id: str | None, conference_id: str,
                             household_id: str, **kwargs: Any) -> Conference:
    c = decide_household(store, p, conference_id, household_id, **kwargs)
    d = c.decisions[household_id]
    audit.record(store, p, "decideHousehold", "CaseConference", [c.id], request_id,
                 {"householdId": household_id, "items": [i.to_data() for i in d.items],
                  "exceptions": [{"resourceId": x.resource_id, "waives": x.reason,
                                  "approverId": x.approver_id} for x in d.exceptions]})
    return c
