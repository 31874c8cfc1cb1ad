"""The referral inbox: ``referrals(status, serviceId, since, first, after)``, scoped by role.

* a partner: the referrals to its own organization's services whose household
  it may still see under the consent rule (:mod:`service.consent`);
  volunteers belong to no organization, so no partner manages one;
* a case worker: the referrals of households in its region's subtree;
* a coordinator: every referral.

Filters: ``status``; ``serviceId`` (a service, or a volunteer's id: the
resource the referral goes to; a partner naming another organization's
service is FORBIDDEN); ``since`` (an ISO-8601 time: referrals created or moved
at or after it). Ordered by id, paged like ``services`` (``first`` 0 to
``max_first``, ``after`` a cursor from an earlier page). Every referral shown
is a read of its household: the resolver audits them.

The duplicate rule also lives here (:func:`require_no_duplicate`): a new
referral for a household, a need and a resource that already have an open one
(not DECLINED or CLOSED) is a CONFLICT naming the existing referral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.errors import ConflictError, ValidationError
from graph.model import Household, Referral, ReferralStatus, Service
from graph.store import Store, UnitOfWork
from i18n import Message

from . import capacity, consent, paging
from .permissions import forbidden, in_subtree, require_token
from .principal import Principal, Role

#: a referral in these is over: another for the same need and resource is no duplicate
DONE = frozenset({ReferralStatus.DECLINED, ReferralStatus.CLOSED})


def require_no_duplicate(uow: UnitOfWork, ref: Referral) -> None:
    """CONFLICT naming ``needIds`` when another referral of ``ref``'s household to the same
    resource, not DECLINED or CLOSED, covers one of its needs. Call it inside the unit of work
    that writes ``ref`` (it reads the household's referrals as staged)."""
    wanted = set(ref.need_ids)
    for label, key in sorted(uow.referrers("Household", ref.household_id)):
        other = uow.get(label, key) if label == "Referral" and key != ref.id else None
        if (isinstance(other, Referral) and other.resource_id == ref.resource_id
                and other.resource_label == ref.resource_label and other.status not in DONE):
            same = sorted(wanted & set(other.need_ids))
            if same:
                raise ConflictError("needIds", Message.of(
                    "inbox.duplicate", other=repr(other.id), status=capacity.state(other.status),
                    household=repr(ref.household_id), resource=repr(ref.resource_id), needs=", ".join(same)))


def encode_cursor(key: str) -> str:
    return paging.encode_cursor("ref", key)


def decode_cursor(cursor: str) -> str:
    return paging.decode_cursor("ref", cursor)


def _time(field: str, value: str) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(field, Message.of("error.datetime", got=repr(value))) from None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Page:
    referrals: list[Referral]
    has_next: bool
    total: int


def referrals_page(store: Store, p: Principal, *, status: Any = None, service_id: str | None = None,
                   since: str | None = None, first: int = 50, after: str | None = None,
                   max_first: int = 500) -> Page:
    """One page of the caller's inbox (see the module docstring)."""
    require_token(p)
    if not 0 <= first <= max_first:
        raise ValidationError("first", Message.of("error.int.between", lo=0, hi=str(max_first),
                                                  got=str(first)))
    start = decode_cursor(after) if after is not None else None
    want_status = None
    if status is not None:
        try:
            want_status = ReferralStatus(status)
        except ValueError:
            raise ValidationError("status", Message.of("workflow.referral_status.unknown",
                                                       got=repr(status))) from None
    t0 = _time("since", since) if since is not None else None
    own: frozenset[str] | None = None
    if p.role is Role.PARTNER:
        own = frozenset(s.id for s in store.list("Service")
                        if isinstance(s, Service) and s.provider_id == p.organization_id)
        if service_id is not None and service_id not in own:
            raise forbidden("serviceId", Message.of("inbox.service.not_own", service=repr(service_id)))
    elif p.role not in (Role.CASEWORKER, Role.COORDINATOR):
        raise forbidden(None, Message.of("inbox.role", role=p.role))
    regions: dict[str, bool] = {}

    def in_region(household_id: str) -> bool:
        hh = store.get("Household", household_id)
        if not isinstance(hh, Household):
            return False
        if hh.region_id not in regions:
            regions[hh.region_id] = in_subtree(store, hh.region_id, p.region_id)
        return regions[hh.region_id]

    candidates: list[Referral] = []
    for ref in store.list("Referral"):
        assert isinstance(ref, Referral)
        if want_status is not None and ref.status is not want_status:
            continue
        if service_id is not None and ref.resource_id != service_id:
            continue
        if own is not None and not (ref.resource_label == "Service" and ref.resource_id in own):
            continue
        if t0 is not None and _time("since", ref.updated_at) < t0:
            continue
        if p.role is Role.CASEWORKER and not in_region(ref.household_id):
            continue
        candidates.append(ref)
    if p.role is Role.PARTNER:  # the consent rule, one household at a time
        by_household: dict[str, list[Referral]] = {}
        for ref in candidates:
            by_household.setdefault(ref.household_id, []).append(ref)
        seen = {r.id for hid, refs in by_household.items()
                for r in consent.visible_referrals(store, p.organization_id, hid, refs)}
        candidates = [r for r in candidates if r.id in seen]
    rest = candidates if start is None else [r for r in candidates if r.id > start]
    return Page(rest[:first], len(rest) > first, len(candidates))


def partner_may_see(store: Store, p: Principal, ref: Referral) -> bool:
    """Whether a partner may see (and answer) ``ref``: it goes to one of its organization's
    services and the consent rule lets the household be shared with it."""
    svc = store.get("Service", ref.resource_id) if ref.resource_label == "Service" else None
    if not isinstance(svc, Service) or svc.provider_id != p.organization_id:
        return False
    return bool(consent.visible_referrals(store, p.organization_id, ref.household_id, [ref]))
