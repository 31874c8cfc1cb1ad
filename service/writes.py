"""The mutations as plain functions: validate, check permission, one unit of work.

Each takes the store, the caller's :class:`Principal` and the input as
keyword arguments (contract names translated to the model's), and returns the
record as written. Bad input raises :class:`ValidationError` naming the field,
unknown ids :class:`NotFoundError`, clashes :class:`ConflictError`, refusals
FORBIDDEN/UNAUTHENTICATED; a failed unit of work leaves nothing behind.

Creating is idempotent: sending the same record again returns it unchanged,
while the same id with different content is a CONFLICT (``upsertRegion`` is
the one true upsert). Counters the caller does not send (``Service.used``,
``Service.active``, ``Agreement.used``) are kept from the stored record.

The capacity rule (see docs/api.md) lives in :mod:`service.capacity`. A write
that attaches data to a household checks that it is not anonymised inside its
unit of work, under the writer lock (see :mod:`service.protection`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import (
    MAX_TEXT,
    Agreement,
    Household,
    Need,
    NeedStatus,
    Organization,
    Receipt,
    Record,
    Referral,
    ReferralStatus,
    Region,
    Service,
    Volunteer,
    now_iso,
)
from graph.store import Store, UnitOfWork
from i18n import Message
from service.principal import Principal, Role

from . import capacity, consent, deadlines, inbox, protection
from .permissions import (
    PARTNER_STATUSES,
    forbidden,
    not_found,
    require_household,
    require_region,
    require_role,
)


def _insert(uow: UnitOfWork, rec: Record, keep: tuple[str, ...] = ()) -> Record:
    """Insert ``rec``; fields in ``keep`` are taken from the stored record first."""
    old = uow.get(rec.LABEL, rec.key)
    if old is not None and keep:
        rec = rec.replace(**{f: getattr(old, f) for f in keep})
    return uow.insert(rec)


def _household(store: Store, household_id: str, field: str = "householdId") -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError(field, not_found("Household", household_id))
    return hh


def _region_exists(store: Store, region_ids: Any, field: str) -> None:
    for rid in region_ids or ():
        if isinstance(rid, str) and store.get("Region", rid) is None:
            raise NotFoundError(field, not_found("Region", rid))


def upsert_region(store: Store, p: Principal, **fields: Any) -> Region:
    require_role(p, Role.COORDINATOR, what="change regions")
    rec = Region(**fields)
    with store.unit_of_work() as uow:
        uow.put(rec)
    return rec


def register_organization(store: Store, p: Principal, **fields: Any) -> Organization:
    require_role(p, Role.COORDINATOR, what="register organizations")
    rec = Organization(**fields)
    with store.unit_of_work() as uow:
        return _insert(uow, rec)  # type: ignore[return-value]


def register_service(store: Store, p: Principal, **fields: Any) -> Service:
    """Coordinators for anyone; a partner only with ``providerId`` = its organization."""
    require_role(p, Role.COORDINATOR, Role.PARTNER, what="register services")
    rec = Service(**fields)
    if p.role is Role.PARTNER and rec.provider_id != p.organization_id:
        raise forbidden("providerId", Message.of("writes.service.own_org_only", org=repr(p.organization_id)))
    with store.unit_of_work() as uow:
        old = uow.get("Service", rec.id)
        if p.role is Role.PARTNER and isinstance(old, Service) and old.provider_id != p.organization_id:
            raise forbidden("id", Message.of("workflow.service.other_org", service=repr(rec.id)))
        return _insert(uow, rec, keep=("used", "active", "used_since"))  # type: ignore[return-value]


def retire_service(store: Store, p: Principal, service_id: str) -> Service:
    """Mark a service inactive; its open referrals are DECLINED and their places
    given back (see :func:`service.capacity.retire`)."""
    require_role(p, Role.COORDINATOR, Role.PARTNER, what="retire services")
    with store.unit_of_work() as uow:
        svc = uow.require("Service", service_id)
        assert isinstance(svc, Service)
        if p.role is Role.PARTNER and svc.provider_id != p.organization_id:
            raise forbidden("id", Message.of("workflow.service.other_org", service=repr(service_id)))
        return capacity.retire(uow, svc)


def sign_agreement(store: Store, p: Principal, **fields: Any) -> Agreement:
    require_role(p, Role.COORDINATOR, what="sign agreements")
    rec = Agreement(**fields)
    with store.unit_of_work() as uow:
        return _insert(uow, rec, keep=("used", "used_since"))  # type: ignore[return-value]


def register_volunteer(store: Store, p: Principal, **fields: Any) -> Volunteer:
    """Coordinators anywhere; case workers for volunteers serving inside their region."""
    rec = Volunteer(**fields)
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="register volunteers")
    _region_exists(store, rec.region_ids, "regionIds")
    require_region(store, p, rec.region_ids, "regionIds", "register volunteers")
    with store.unit_of_work() as uow:
        return _insert(uow, rec, keep=("hours_used",))  # type: ignore[return-value]


def create_household(store: Store, p: Principal, **fields: Any) -> Household:
    rec = Household(**fields)
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="create households")
    _region_exists(store, [rec.region_id], "regionId")
    require_region(store, p, [rec.region_id], "regionId", "create households")
    with store.unit_of_work() as uow:
        # sent again later: the case's own fields (service/cases.py) have moved on, keep them
        out = _insert(uow, rec, keep=("case_status", "case_manager_id", "review_on"))
    deadlines.note_opened(store, p, rec)  # its response deadline runs from now
    return out  # type: ignore[return-value]


def add_need(store: Store, p: Principal, household_id: str, **fields: Any) -> Need:
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="add needs")
    rec = Need(household_id=household_id, **fields)
    require_household(store, p, _household(store, household_id), "add needs")
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, household_id, "householdId")  # under the writer lock
        return _insert(uow, rec, keep=("status",))  # type: ignore[return-value]


def set_need_status(store: Store, p: Principal, need_id: str, status: Any) -> Need:
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="change needs")
    status = NeedStatus(status)
    need = store.get("Need", need_id)
    if not isinstance(need, Need):
        raise NotFoundError("id", not_found("Need", need_id))
    require_household(store, p, _household(store, need.household_id), "change needs")
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, need.household_id, "id")
        need = uow.require("Need", need_id)
        return uow.put(need.replace(status=status))  # type: ignore[return-value]


def record_receipt(store: Store, p: Principal, household_id: str, service_id: str) -> Household:
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="record receipts")
    hh = _household(store, household_id)
    require_household(store, p, hh, "record receipts")
    with store.unit_of_work() as uow:
        protection.require_not_anonymized_in(uow, store, household_id, "householdId")
        uow.require("Service", service_id, "serviceId")
        uow.put(Receipt(household_id=household_id, service_id=service_id))
    return hh


def create_referral(store: Store, p: Principal, *, id: str, household_id: str, resource_id: str,
                    need_ids: list[str], reason: str | None = None, hours: int | None = None) -> Referral:
    """A PROPOSED referral. Sending the same referral again returns the stored
    one; a retired or full resource (or a used-up MOU quota, or a volunteer
    without the hours) is a CONFLICT naming ``resourceId``; so is a partner the
    household has not consented to share with, and an open referral for the
    same need and resource (naming ``needIds`` and the referral)."""
    rec = new_referral(store, p, id=id, household_id=household_id, resource_id=resource_id, need_ids=need_ids,
                       reason=reason, hours=hours)
    with store.unit_of_work() as uow:
        return create_referral_in(uow, store, rec)


def new_referral(store: Store, p: Principal, *, id: str, household_id: str, resource_id: str,
                 need_ids: list[str], reason: str | None = None, hours: int | None = None) -> Referral:
    """The PROPOSED referral :func:`create_referral` would write, once the caller may create it
    (case workers of the household's region, coordinators); not written."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="create referrals")
    require_household(store, p, _household(store, household_id), "create referrals")
    label = store.resolve_resource(resource_id)
    return Referral(id=id, household_id=household_id, resource_label=label, resource_id=resource_id,
                    need_ids=tuple(need_ids), reason=reason, hours=1 if hours is None else hours)


def stage_referral(uow: UnitOfWork, store: Store, p: Principal, rec: Referral, *,
                   on: dt.date | None = None) -> Referral:
    """:func:`create_referral_in` for a caller holding a unit of work (a conference's adoption):
    ``rec`` from :func:`new_referral`."""
    return create_referral_in(uow, store, rec, on=on)


def create_referral_in(uow: UnitOfWork, store: Store, rec: Referral, *,
                       on: dt.date | None = None) -> Referral:
    """Write the new referral ``rec`` inside ``uow`` after every check a new referral passes
    (the caller has checked who may: :func:`create_referral`, a conference's adoption): the
    household is not anonymised, the needs are the household's, an identical referral is
    returned as stored (the same id with other content: CONFLICT naming ``id``), no open
    referral covers a need for the same resource (:func:`service.inbox.require_no_duplicate`),
    the resource has room on day ``on`` (:func:`service.capacity.check_open`) and the household
    consents to sharing with its organization (:func:`service.consent.require_for_referral`)."""
    protection.require_not_anonymized_in(uow, store, rec.household_id, "householdId")
    old = uow.get("Referral", rec.id)
    if isinstance(old, Referral):
        same = (old.household_id, old.resource_label, old.resource_id, old.need_ids) == (
            rec.household_id, rec.resource_label, rec.resource_id, rec.need_ids)
        if same and (rec.reason is None or rec.reason == old.reason):
            return old
        raise ConflictError("id", Message.of("writes.referral.exists", id=repr(rec.id)))
    for nid in rec.need_ids:
        need = uow.get("Need", nid)
        if not isinstance(need, Need) or need.household_id != rec.household_id:
            raise ValidationError("needIds", Message.of("workflow.need.other_household", need=repr(nid),
                                                        household=repr(rec.household_id)))
    inbox.require_no_duplicate(uow, rec)
    capacity.check_open(uow, rec.resource_label, rec.resource_id, "resourceId", hours=rec.hours, on=on)
    consent.require_for_referral(uow, store, rec)
    return uow.put(rec)


def update_referral(store: Store, p: Principal, referral_id: str, status: Any,
                    moves: list[tuple[str, str, str]] | None = None, *, reason: str | None = None,
                    note: str | None = None, when: str | None = None) -> Referral:
    """Move a referral along its lifecycle (see :data:`service.capacity.MOVES`),
    taking or giving back a place as the capacity rule says. ``reason``: why it
    is DECLINED (allowed then only; required when a partner declines, optional for staff, so a
    client of the contract's ``updateReferral(id, status)`` still works); ``note``: the outcome, with
    DELIVERED or CLOSED. A partner's first ACCEPTED or DECLINED is its answer
    (``respondedAt``); a partner may answer only a referral it may see
    (:func:`service.inbox.partner_may_see`). ``when``: the time of the move (now)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, Role.PARTNER, what="update referrals")
    try:
        status = ReferralStatus(status)
    except ValueError:
        raise ValidationError("status", Message.of("workflow.referral_status.unknown",
                                                   got=repr(status))) from None
    ref = store.get("Referral", referral_id)
    if not isinstance(ref, Referral):
        raise NotFoundError("id", not_found("Referral", referral_id))
    if p.role is Role.PARTNER:
        svc = store.get("Service", ref.resource_id) if ref.resource_label == "Service" else None
        if not isinstance(svc, Service) or svc.provider_id != p.organization_id:
            raise forbidden("id", Message.of("writes.referral.not_addressed", id=repr(referral_id)))
        if status.value not in PARTNER_STATUSES:
            allowed = ", ".join(sorted(PARTNER_STATUSES))
            raise forbidden("status", Message.of("writes.partner.statuses", allowed=allowed))
        if not inbox.partner_may_see(store, p, ref):
            raise forbidden("id", Message.of("writes.referral.not_shared", id=repr(referral_id)))
    else:
        require_household(store, p, _household(store, ref.household_id), "update referrals")
    why = _note("reason", reason)
    text = _note("note", note)
    if why is not None and status is not ReferralStatus.DECLINED:
        raise ValidationError("reason", Message.of("writes.reason.declined_only"))
    if text is not None and status not in (ReferralStatus.DELIVERED, ReferralStatus.CLOSED):
        raise ValidationError("note", Message.of("writes.note.outcome_only"))
    at = when or now_iso()
    with store.unit_of_work() as uow:
        ref = uow.require("Referral", referral_id)
        assert isinstance(ref, Referral)
        changes: dict[str, Any] = {}
        if status is ReferralStatus.DECLINED and ref.status is not status:
            if why is None and p.role is Role.PARTNER:  # the case worker must learn why (docs/inbox.md)
                raise ValidationError("reason", Message.of("writes.reason.declined"))
            if why is not None:
                changes["decline_reason"] = why
        if text is not None:
            changes["outcome_note"] = text
        answer = status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED) and ref.status is not status
        if p.role is Role.PARTNER and ref.responded_at is None and answer:
            changes["responded_at"] = at
        if ref.status is status and changes:  # a note added to a referral already DELIVERED or CLOSED
            moved = uow.put(ref.replace(updated_at=at, **changes))
        else:
            moved = capacity.move(uow, ref, status, at, **changes)
    assert isinstance(moved, Referral)
    if moves is not None and moved.status is not ref.status:
        moves.append((ref.status.value, moved.status.value, moved.updated_at))
    return moved


def _note(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, Message.of("writes.text.required"))
    if len(value) > MAX_TEXT:
        raise ValidationError(field, Message.of("error.too_long", limit=str(MAX_TEXT), got=str(len(value))))
    return value


#: the fields ``updateService`` may change (model names)
SERVICE_UPDATES = frozenset({"name", "capacity", "capacity_period", "max_income_percent", "required_traits",
                             "region_ids", "lead_time_days"})


def update_service(store: Store, p: Principal, service_id: str, *, on: dt.date | None = None,
                   **changes: Any) -> Service:
    """Change some fields of a service (coordinators; a partner its own organization's). A
    capacity below the places taken in the current period is a CONFLICT naming ``capacity``;
    changing the period carries the count into the new period's current one."""
    require_role(p, Role.COORDINATOR, Role.PARTNER, what="update services")
    unknown = sorted(set(changes) - SERVICE_UPDATES)
    if unknown:
        raise ValidationError(unknown[0], Message.of("writes.update_service.field"))
    day = on or capacity.day_of(None)
    with store.unit_of_work() as uow:
        svc = uow.require("Service", service_id)
        assert isinstance(svc, Service)
        if p.role is Role.PARTNER and svc.provider_id != p.organization_id:
            raise forbidden("id", Message.of("workflow.service.other_org", service=repr(service_id)))
        if "region_ids" in changes:
            _region_exists(store, changes["region_ids"], "regionIds")
        used = capacity.service_used(svc, day)
        new = svc.replace(**changes)
        assert isinstance(new, Service)
        if new.capacity_period != svc.capacity_period:
            new = new.replace(used=used, used_since=capacity.period(new.capacity_period, day)[0])
            assert isinstance(new, Service)
        if new.capacity is not None and new.capacity < used:
            key = "writes.capacity.below.period" if svc.capacity_period else "writes.capacity.below"
            raise ConflictError("capacity", Message.of(key, service=repr(service_id), used=str(used),
                                                       got=str(new.capacity)))
        return uow.put(new)
