"""The capacity rule, in one place.

* ``Service.used`` (and ``Agreement.used`` of its MOU) count the referrals
  to the service that are ACCEPTED, DELIVERED or CLOSED: the place is taken
  when a referral moves to ACCEPTED, and stays taken through delivery.
* Moving to ACCEPTED takes one place: a CONFLICT naming ``status`` when the
  service has none left (``used >= capacity``), when its MOU's annual quota is
  used up, or when the service is retired.
* Moving from ACCEPTED to DECLINED gives the place back (when it was taken in
  the period, or agreement year, that counts now).
* The needs follow: a referral moving to DELIVERED makes its OPEN needs MET;
  one moving to DECLINED makes its MET needs OPEN again, unless another
  DELIVERED or CLOSED referral covers them.
* Retiring a service declines its PROPOSED, SENT and ACCEPTED referrals and
  gives back the places of the ACCEPTED ones (DELIVERED and CLOSED keep theirs).

Periods (issue 18, docs/inbox.md):

* A service's ``capacity_period`` (none, WEEK, MONTH, YEAR) says what its
  places count over. None: places held now (the rule above). WEEK, MONTH,
  YEAR: the places taken (referrals moved to ACCEPTED) in the current
  calendar week (Monday first), month or year, in Korean time (UTC+9);
  ``used`` counts them and ``used_since`` names the period's first day. A
  new period starts at zero: the counter rolls over at the first accept in
  it, and every reader counts it as zero already: the rule is
  :mod:`graph.periods`, which this module, ``Service.available``,
  ``Agreement.quota_left`` and every view (so matching, allocation and
  coverage) go through.
* An agreement's ``annual_quota`` counts per agreement year, which starts on
  ``signed_on`` and on each anniversary of it (a 29 February signing has its
  anniversaries on 1 March in other years: the year before ends on the last
  day of February); ``used_since`` names the year's first day, and the count
  resets exactly on the anniversary.
* A volunteer gives ``hours_per_week``; each ACCEPTED referral to the
  volunteer takes its ``hours`` (1 unless the referral says otherwise) for as
  long as it stays ACCEPTED: DELIVERED, CLOSED and DECLINED free them. More
  hours than are left is a CONFLICT naming the volunteer. The check counts
  the referrals; ``Volunteer.hours_used`` keeps the same figure on the record
  (written with each move to or from ACCEPTED) so that views, and so matching
  and allocation, see a volunteer whose week is full as full.

All of it runs inside the caller's unit of work, which holds the store's
single writer lock and reads the latest committed state, so the
check-and-take cannot interleave with another request: capacity is never
overbooked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph import periods
from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import (
    Agreement,
    Need,
    NeedStatus,
    Referral,
    ReferralStatus,
    Service,
    Volunteer,
    now_iso,
)
from graph.store import Store, UnitOfWork
from i18n import Message, Text, word

from .permissions import in_subtree, not_found, require_role
from .principal import Principal, Role

#: the hub's clock: days, weeks, months and agreement years turn at local midnight (graph/periods.py)
day_of = periods.day_of
anniversary = periods.anniversary
period = periods.period
#: the period rule, one definition for every reader (graph/periods.py; views apply it too)
service_used = periods.service_used
agreement_used = periods.agreement_used

S = ReferralStatus
#: the lifecycle: PROPOSED → SENT → ACCEPTED → DELIVERED → CLOSED, or DECLINED
#: from any state before delivery
MOVES: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.PROPOSED: frozenset({S.SENT, S.DECLINED}),
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED}),
    S.ACCEPTED: frozenset({S.DELIVERED, S.DECLINED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.DECLINED: frozenset(),
    S.CLOSED: frozenset(),
}
#: statuses that hold a place
HOLDING = frozenset({S.ACCEPTED, S.DELIVERED, S.CLOSED})
#: statuses a retirement declines
OPEN = frozenset({S.PROPOSED, S.SENT, S.ACCEPTED})


def agreement_year(a: Agreement, on: dt.date) -> tuple[dt.date, dt.date]:
    """``(first day, next anniversary)`` of the agreement year ``on`` falls in (the first year
    when ``on`` is before the signing)."""
    return periods.year_of(a.signed_on, on)


def volunteer_hours_used(uow: UnitOfWork, vol: Volunteer, but: str | None = None) -> int:
    """Hours a week the volunteer's ACCEPTED referrals take (``but``: leave that referral out)."""
    total = 0
    for label, key in uow.referrers("Volunteer", vol.id):
        ref = uow.get(label, key) if label == "Referral" and key != but else None
        if isinstance(ref, Referral) and ref.resource_id == vol.id and ref.status is S.ACCEPTED:
            total += ref.hours
    return total


def _note_hours(uow: UnitOfWork, ref: Referral, to: ReferralStatus) -> None:
    """Keep the volunteer's ``hours_used`` (what matching reads) equal to the hours its ACCEPTED
    referrals take once ``ref`` has moved to ``to``: counted again from the referrals each time,
    so a count gone stale (referrals loaded or deleted with their household) mends itself."""
    vol = uow.require("Volunteer", ref.resource_id, "resourceId")
    assert isinstance(vol, Volunteer)
    held = volunteer_hours_used(uow, vol, but=ref.id) + (ref.hours if to is S.ACCEPTED else 0)
    if held != vol.hours_used:
        uow.put(vol.replace(hours_used=held))


def _agreement(uow: UnitOfWork, svc: Service) -> Agreement | None:
    a = uow.get("Agreement", svc.agreement_id) if svc.agreement_id else None
    return a if isinstance(a, Agreement) else None


def state(status: ReferralStatus) -> Text:
    """A referral status in a message: its API code in English (``SENT``); in Korean its word and
    the code the API takes (``의뢰(SENT)``), so a case worker and a client both recognise it."""
    return Text(ko=f"{word(status, 'ko')}({status.value})", en=status.value)


def check_open(uow: UnitOfWork, label: str, resource_id: str, field: str, *, hours: int = 1,
               on: dt.date | None = None, but: str | None = None) -> None:
    """CONFLICT naming ``field`` unless the resource can take one more place (a volunteer: ``hours``
    more hours a week; ``but``: a referral not to count) on day ``on`` (today)."""
    day = on or day_of(None)
    if label == "Volunteer":
        vol = uow.require("Volunteer", resource_id, field)
        assert isinstance(vol, Volunteer)
        used = volunteer_hours_used(uow, vol, but)
        if used + hours > vol.hours_per_week:
            raise ConflictError(field, Message.of(
                "capacity.volunteer.hours", id=repr(vol.id), left=str(max(0, vol.hours_per_week - used)),
                total=str(vol.hours_per_week), hours=str(hours)))
        return
    if label != "Service":
        return
    svc = uow.require("Service", resource_id, field)
    assert isinstance(svc, Service)
    if not svc.active:
        raise ConflictError(field, Message.of("capacity.retired", id=repr(svc.id)))
    used = service_used(svc, day)
    if svc.capacity is not None and used >= svc.capacity:
        per = (Message.of(f"capacity.full.this.{svc.capacity_period.value}") if svc.capacity_period
               else Text("", ""))
        raise ConflictError(field, Message.of("capacity.full", id=repr(svc.id), used=str(used),
                                              total=str(svc.capacity), period=per))
    a = _agreement(uow, svc)
    if a is not None and a.annual_quota is not None:
        a_used = agreement_used(a, day)
        if a_used >= a.annual_quota:
            first, nxt = agreement_year(a, day)
            raise ConflictError(field, Message.of(
                "capacity.quota", agreement=repr(a.id), service=repr(svc.id), used=str(a_used),
                quota=str(a.annual_quota), first=first.isoformat(),
                last=(nxt - dt.timedelta(days=1)).isoformat(), reset=nxt.isoformat()))


def _take(uow: UnitOfWork, svc: Service, day: dt.date) -> None:
    first, _ = period(svc.capacity_period, day)
    uow.put(svc.replace(used=service_used(svc, day) + 1, used_since=first))
    a = _agreement(uow, svc)
    if a is not None:
        uow.put(a.replace(used=agreement_used(a, day) + 1, used_since=agreement_year(a, day)[0]))


def _counts_now(ref: Referral, svc: Service, a: Agreement | None, day: dt.date) -> tuple[bool, bool]:
    """Whether the place ``ref`` holds counts in the service's current period and in its
    agreement's current year (a place taken before either began is not in their counts)."""
    taken = day_of(ref.accepted_at) if ref.accepted_at else None
    first, _ = period(svc.capacity_period, day)
    in_period = first is None or taken is None or taken >= first
    in_year = a is None or taken is None or taken >= agreement_year(a, day)[0]
    return in_period, in_year


def _release(uow: UnitOfWork, svc: Service, ref: Referral, day: dt.date) -> Service:
    a = _agreement(uow, svc)
    in_period, in_year = _counts_now(ref, svc, a, day)
    if in_period:
        svc = uow.put(svc.replace(used=max(0, service_used(svc, day) - 1)))  # type: ignore[assignment]
    if a is not None and in_year:
        uow.put(a.replace(used=max(0, agreement_used(a, day) - 1)))
    return svc


def move(uow: UnitOfWork, ref: Referral, to: ReferralStatus, when: str, **changes: Any) -> Referral:
    """Move ``ref`` to ``to`` within ``uow``; the same status again changes nothing.
    A move the lifecycle does not allow is BAD_USER_INPUT naming ``status``.
    ``changes``: other fields of the referral written with the move (a decline reason...)."""
    if to == ref.status:
        return ref
    if to not in MOVES[ref.status]:
        allowed: list[Text] | Message = [state(s) for s in MOVES[ref.status]] \
            or Message.of("capacity.move.final")
        raise ValidationError("status", Message.of("capacity.move", old=state(ref.status), new=state(to),
                                                   allowed=allowed))
    day = day_of(when)
    if to is S.ACCEPTED:
        changes["accepted_at"] = when
        try:
            check_open(uow, ref.resource_label, ref.resource_id, "status", hours=ref.hours, on=day,
                       but=ref.id)
        except ConflictError as e:
            raise ConflictError("status", Message.of("capacity.accept", detail=e.text or e.message)) from None
    if ref.resource_label == "Service":
        svc = uow.require("Service", ref.resource_id, "resourceId")
        assert isinstance(svc, Service)
        if to is S.ACCEPTED:
            _take(uow, svc, day)
        elif ref.status in HOLDING and to not in HOLDING:
            _release(uow, svc, ref, day)
    elif ref.resource_label == "Volunteer" and S.ACCEPTED in (to, ref.status):
        _note_hours(uow, ref, to)
    moved = uow.put(ref.replace(status=to, updated_at=when, **changes))
    _follow_needs(uow, moved)  # type: ignore[arg-type]
    return moved  # type: ignore[return-value]


#: statuses under which a referral has met its needs
MEETING = frozenset({S.DELIVERED, S.CLOSED})


def _follow_needs(uow: UnitOfWork, ref: Referral) -> None:
    """The needs follow the referral that covers them: DELIVERED makes an OPEN
    need MET; DECLINED makes a MET need OPEN again unless another delivered
    referral still covers it. CLOSED needs are left alone."""
    if ref.status not in (S.DELIVERED, S.DECLINED):
        return
    for nid in ref.need_ids:
        need = uow.get("Need", nid)
        if not isinstance(need, Need):
            continue
        if ref.status is S.DELIVERED and need.status is NeedStatus.OPEN:
            uow.put(need.replace(status=NeedStatus.MET))
        elif ref.status is S.DECLINED and need.status is NeedStatus.MET and not _met_elsewhere(uow, ref, nid):
            uow.put(need.replace(status=NeedStatus.OPEN))


def _met_elsewhere(uow: UnitOfWork, ref: Referral, need_id: str) -> bool:
    for label, key in uow.referrers("Need", need_id):
        other = uow.get(label, key) if label == "Referral" and key != ref.id else None
        if isinstance(other, Referral) and other.status in MEETING:
            return True
    return False


def retire(uow: UnitOfWork, svc: Service) -> Service:
    """Retire ``svc`` within ``uow`` (see the module docstring); retiring twice changes nothing."""
    if not svc.active:
        return svc
    when = now_iso()
    day = day_of(when)
    for label, key in sorted(uow.referrers("Service", svc.id)):
        if label != "Referral":
            continue
        ref = uow.get(label, key)
        if isinstance(ref, Referral) and ref.resource_id == svc.id and ref.status in OPEN:
            if ref.status is S.ACCEPTED:
                svc = _release(uow, svc, ref, day)
            _follow_needs(uow, uow.put(ref.replace(status=S.DECLINED, updated_at=when,  # type: ignore[arg-type]
                                                   decline_reason=ref.decline_reason or RETIRED)))
    return uow.put(svc.replace(active=False))  # type: ignore[return-value]


#: the decline reason of a referral its service's retirement declined
RETIRED = "서비스 종료 (the service was retired)"


@dataclass(frozen=True)
class CapacityRow:
    """One line of the capacity report: a limited service, an MOU with a quota, or a volunteer."""

    kind: str  # Service, Agreement or Volunteer
    id: str
    name: str
    organization_id: str | None
    limit: int | None  # places, the annual quota, hours a week (None: unlimited)
    period: str  # NOW (places held), WEEK, MONTH, YEAR, AGREEMENT_YEAR, HOURS_PER_WEEK
    used: int
    left: int | None
    next_reset: dt.date | None  # when the count starts again from zero (None: it does not)


def report(store: Store, p: Principal, on: dt.date | None = None,
           region_id: str | None = None) -> list[CapacityRow]:
    """Used, left and next reset of every service with a capacity, every MOU with a quota and
    every volunteer, on day ``on`` (today). Coordinators and case workers see all of them, a
    partner its own organization's services and agreements. ``region_id``: only the services and
    volunteers serving somewhere in that region's subtree or the whole of it (serving an ancestor:
    a province-wide program is Suwon's too), and the MOUs of those services."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, Role.PARTNER, what="see the capacity report")
    day = on or day_of(None)
    own = p.organization_id if p.role is Role.PARTNER else None
    if region_id is not None and store.get("Region", region_id) is None:
        raise NotFoundError("region", not_found("Region", region_id))
    inside: dict[str, bool] = {}

    def serves(regions: tuple[str, ...]) -> bool:
        if region_id is None:
            return True
        for r in regions:
            if r not in inside:
                inside[r] = in_subtree(store, r, region_id) or in_subtree(store, region_id, r)
            if inside[r]:
                return True
        return False

    rows: list[CapacityRow] = []
    mous: set[str] = set()
    for svc in store.list("Service"):
        assert isinstance(svc, Service)
        if not serves(svc.region_ids):
            continue
        if svc.agreement_id:
            mous.add(svc.agreement_id)
        if svc.capacity is None or (p.role is Role.PARTNER and svc.provider_id != own):
            continue
        used = service_used(svc, day)
        rows.append(CapacityRow("Service", svc.id, svc.name, svc.provider_id, svc.capacity,
                                svc.capacity_period.value if svc.capacity_period else "NOW", used,
                                max(0, svc.capacity - used), period(svc.capacity_period, day)[1]))
    for a in store.list("Agreement"):
        assert isinstance(a, Agreement)
        if a.annual_quota is None or (p.role is Role.PARTNER and a.partner_id != own) \
                or (region_id is not None and a.id not in mous):
            continue
        used = agreement_used(a, day)
        rows.append(CapacityRow("Agreement", a.id, a.id, a.partner_id, a.annual_quota, "AGREEMENT_YEAR",
                                used, max(0, a.annual_quota - used), agreement_year(a, day)[1]))
    if p.role is not Role.PARTNER:
        hours: dict[str, int] = {}
        for ref in store.list("Referral"):
            assert isinstance(ref, Referral)
            if ref.resource_label == "Volunteer" and ref.status is S.ACCEPTED:
                hours[ref.resource_id] = hours.get(ref.resource_id, 0) + ref.hours
        for vol in store.list("Volunteer"):
            assert isinstance(vol, Volunteer)
            if not serves(vol.region_ids):
                continue
            used = hours.get(vol.id, 0)
            rows.append(CapacityRow("Volunteer", vol.id, vol.name, None, vol.hours_per_week, "HOURS_PER_WEEK",
                                    used, max(0, vol.hours_per_week - used), None))
    return rows
