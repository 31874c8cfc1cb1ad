"""The capacity rule, in one place.

* ``Service.used`` (and ``Agreement.used`` of its MOU) count the referrals
  to the service that are ACCEPTED, DELIVERED or CLOSED: the place is taken
  when a referral moves to ACCEPTED, and stays taken through delivery.
* Moving to ACCEPTED takes one place: a CONFLICT naming ``status`` when the
  service has none left (``used >= capacity``), when its MOU's annual quota is
  used up, or when the service is retired.
* Moving from ACCEPTED to DECLINED gives the place back.
* The needs follow: a referral moving to DELIVERED makes its OPEN needs MET;
  one moving to DECLINED makes its MET needs OPEN again, unless another
  DELIVERED or CLOSED referral covers them.
* Retiring a service declines its PROPOSED, SENT and ACCEPTED referrals and
  gives back the places of the ACCEPTED ones (DELIVERED and CLOSED keep theirs).

All of it runs inside the caller's unit of work, which holds the store's
single writer lock and reads the latest committed state, so the
check-and-take cannot interleave with another request: capacity is never
overbooked. Volunteers have no capacity counter.
"""

from __future__ import annotations

from graph.errors import ConflictError, ValidationError
from graph.model import Agreement, Need, NeedStatus, Referral, ReferralStatus, Service, now_iso
from graph.store import UnitOfWork

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


def _agreement(uow: UnitOfWork, svc: Service) -> Agreement | None:
    a = uow.get("Agreement", svc.agreement_id) if svc.agreement_id else None
    return a if isinstance(a, Agreement) else None


def check_open(uow: UnitOfWork, label: str, resource_id: str, field: str) -> None:
    """CONFLICT naming ``field`` unless the resource can take one more place now."""
    if label != "Service":
        return
    svc = uow.require("Service", resource_id, field)
    assert isinstance(svc, Service)
    if not svc.active:
        raise ConflictError(field, f"service {svc.id!r} is retired")
    if svc.capacity is not None and svc.used >= svc.capacity:
        raise ConflictError(field, f"service {svc.id!r} is full ({svc.used} of {svc.capacity} places taken)")
    a = _agreement(uow, svc)
    if a is not None and a.annual_quota is not None and a.used >= a.annual_quota:
        raise ConflictError(field, f"the MOU {a.id!r} of service {svc.id!r} has used its quota "
                                   f"({a.used} of {a.annual_quota})")


def _shift(uow: UnitOfWork, svc: Service, delta: int) -> Service:
    svc = uow.put(svc.replace(used=max(0, svc.used + delta)))  # type: ignore[assignment]
    a = _agreement(uow, svc)
    if a is not None:
        uow.put(a.replace(used=max(0, a.used + delta)))
    return svc


def move(uow: UnitOfWork, ref: Referral, to: ReferralStatus, when: str) -> Referral:
    """Move ``ref`` to ``to`` within ``uow``; the same status again changes nothing.
    A move the lifecycle does not allow is BAD_USER_INPUT naming ``status``."""
    if to == ref.status:
        return ref
    if to not in MOVES[ref.status]:
        allowed = ", ".join(s.value for s in MOVES[ref.status]) or "none (it is final)"
        raise ValidationError("status",
                              f"a {ref.status.value} referral cannot become {to.value}; allowed: {allowed}")
    if ref.resource_label == "Service":
        svc = uow.require("Service", ref.resource_id, "resourceId")
        assert isinstance(svc, Service)
        if to is S.ACCEPTED:
            try:
                check_open(uow, "Service", svc.id, "status")
            except ConflictError as e:
                raise ConflictError("status", f"cannot accept: {e.message}") from None
            _shift(uow, svc, +1)
        elif ref.status in HOLDING and to not in HOLDING:
            _shift(uow, svc, -1)
    moved = uow.put(ref.replace(status=to, updated_at=when))
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
    given_back = 0
    for label, key in sorted(uow.referrers("Service", svc.id)):
        if label != "Referral":
            continue
        ref = uow.get(label, key)
        if isinstance(ref, Referral) and ref.resource_id == svc.id and ref.status in OPEN:
            given_back += ref.status is S.ACCEPTED
            _follow_needs(uow, uow.put(ref.replace(status=S.DECLINED, updated_at=when)))  # type: ignore[arg-type]
    if given_back:
        svc = _shift(uow, svc, -given_back)
    return uow.put(svc.replace(active=False))  # type: ignore[return-value]
