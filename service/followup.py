"""Follow-up dates: a referral is followed until the crisis is resolved.

A referral carries a *follow-up date* (``Referral.followUpOn``), the day its
case worker checks with the household again. Case workers (in their subtree)
and coordinators set or clear it with ``setFollowUp``; when a referral is
DELIVERED and has none, it gets one ``Settings.follow_up_days`` (7) after the
delivery day. A CLOSED or DECLINED referral needs no follow-up: setting one is
``CONFLICT``. Kept as side records of kind ``referral-follow-up`` keyed by the
referral id: ``{"on": "2026-11-30" | null, "at": ..., "by": token id}``.
"""

from __future__ import annotations

import datetime as dt

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import Household, Referral, ReferralStatus
from graph.store import Store
from i18n import Message
from i18n.clock import local_now, local_today
from service.principal import Principal, Role

from .permissions import in_subtree, not_found, require_household, require_role, scope
from .wording import code

KIND = "referral-follow-up"
#: referrals past these are not followed up any more
DONE = frozenset({ReferralStatus.CLOSED, ReferralStatus.DECLINED})


def follow_up_on(store: Store, referral_id: str) -> dt.date | None:
    data = store.get_side(KIND, referral_id)
    return dt.date.fromisoformat(data["on"]) if data and data.get("on") else None


def _note(store: Store, p: Principal, ref: Referral, on: dt.date | None) -> None:
    store.put_side(KIND, ref.id, {"on": on.isoformat() if on else None,
                                  "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                  "by": p.token_id})


def set_follow_up(store: Store, p: Principal, referral_id: str, on: dt.date | None,
                  tz: str | None = None) -> Referral:
    """Set (or, with None, clear) the referral's follow-up date (not before the day, in zone
    ``tz``, default Asia/Seoul, the referral was created)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="set follow-up dates")
    ref = store.get("Referral", referral_id)
    if not isinstance(ref, Referral):
        raise NotFoundError("id", not_found("Referral", referral_id))
    hh = store.get("Household", ref.household_id)
    assert isinstance(hh, Household)
    require_household(store, p, hh, "set follow-up dates")
    if on is not None:
        if ref.status in DONE:
            raise ConflictError("id", Message.of("followup.done", referral=repr(referral_id),
                                                 status=code(ref.status)))
        created = local_now(tz, dt.datetime.fromisoformat(ref.created_at)).date()  # the offices' day
        if on < created:
            raise ValidationError("on", Message.of("followup.before_created", created=created.isoformat(),
                                                   on=on.isoformat()))
    _note(store, p, ref, on)
    return ref


def after_delivery(store: Store, p: Principal, ref: Referral, days: int, tz: str | None = None) -> None:
    """A DELIVERED referral with no follow-up date gets one ``days`` after the day of delivery
    in zone ``tz`` (the deployment's, default Asia/Seoul: a delivery at 08:00 KST is that day's)."""
    if ref.status is not ReferralStatus.DELIVERED or follow_up_on(store, ref.id) is not None:
        return
    delivered = local_now(tz, dt.datetime.fromisoformat(ref.updated_at)).date()
    _note(store, p, ref, delivered + dt.timedelta(days=days))


def due(store: Store, p: Principal, *, region_id: str | None = None, as_of: dt.date | None = None,
        today: dt.date | None = None, tz: str | None = None) -> list[tuple[Referral, dt.date]]:
    """Referrals still open to follow-up (not CLOSED or DECLINED) whose date is on
    or before ``as_of`` (default: today in zone ``tz``, default Asia/Seoul), in households of
    the region's subtree; earliest first. Coordinators anywhere, case workers in their subtree."""
    root = scope(store, p, region_id, "see follow-ups")
    day = as_of or today or local_today(tz)
    out: list[tuple[Referral, dt.date]] = []
    for key, data in store.list_side(KIND):
        on = dt.date.fromisoformat(data["on"]) if data.get("on") else None
        ref = store.get("Referral", key) if on is not None and on <= day else None
        if not isinstance(ref, Referral) or ref.status in DONE:
            continue
        hh = store.get("Household", ref.household_id)
        if root is not None and not (isinstance(hh, Household) and in_subtree(store, hh.region_id, root)):
            continue
        out.append((ref, on))  # type: ignore[arg-type]
    return sorted(out, key=lambda x: (x[1], x[0].id))
