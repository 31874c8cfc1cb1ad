"""Anonymising a closed household: the person goes, the counts stay.

``anonymizeHousehold`` (coordinators only) is allowed once every need of the
household is MET or CLOSED and no referral of it is still PROPOSED, SENT or
ACCEPTED. In one unit of work it removes what identifies or describes the
person — every need's free-text ``detail`` and the household's exact
``incomePercent`` (set to 0) — and coarsens its ``size`` to a band (sizes of
:data:`SIZE_CAP` or more become :data:`SIZE_CAP`). It keeps what the
coverage, overlap and network reports count: the household's region, urgency
and traits, its needs' domains, severities and statuses, its referrals and
receipts. A side record (``household-anonymized``) notes when and by whom;
anonymising twice changes nothing.

An anonymised household is closed for good: adding needs, changing their
status, recording receipts or creating referrals for it is ``CONFLICT``
(nothing personal is attached to it again, and the reports stay as they were).

Anonymising races no write. The side record is written *before* the unit of
work that strips the household (``{"state": "pending"}``), and every write
that attaches something to a household checks it *inside* its own unit of
work, under the store's single writer lock (:func:`require_not_anonymized_in`).
Units of work run one at a time, so either the write came first (and the
anonymising unit of work sees its OPEN need and refuses with CONFLICT, the
mark then set to ``"cancelled"``) or it sees the mark and is refused. A
pending mark already counts as anonymised; a crash between the mark and the
unit of work leaves the household closed to new data until anonymising is
run again, which finishes it (or cancels it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.errors import ConflictError, NotFoundError
from graph.model import Household, Need, NeedStatus, Referral
from graph.store import Store, UnitOfWork
from i18n import Message
from service.principal import Principal, Role

from .capacity import OPEN
from .permissions import not_found, require_role
from .wording import code

ANONYMIZED = "household-anonymized"
#: the top of the size band: a household of this many or more is reported as this many
SIZE_CAP = 5


def _mark(store: Store, household_id: str) -> dict[str, Any] | None:
    """The household's anonymisation mark, unless a failed attempt cancelled it."""
    data = store.get_side(ANONYMIZED, household_id)
    return None if data is None or data.get("state") == "cancelled" else data


def require_not_anonymized(store: Store, household_id: str, field: str) -> None:
    """CONFLICT if the household is anonymised (or being anonymised). Call it inside the
    unit of work of the write it guards (see the module docstring)."""
    if _mark(store, household_id) is not None:
        raise ConflictError(field, Message.of("protect.anonymised", household=repr(household_id)))


def require_not_anonymized_in(uow: UnitOfWork, store: Store, household_id: str, field: str) -> None:
    """:func:`require_not_anonymized` as the first step of a unit of work: a read through
    ``uow`` first, so the writer lock is held (the Neo4j store takes it at a unit's first
    read; the embedded store when the unit begins) before the mark is looked at."""
    uow.get("Household", household_id)
    require_not_anonymized(store, household_id, field)


def anonymize_household(store: Store, p: Principal, household_id: str) -> Household:
    require_role(p, Role.COORDINATOR, what="anonymise households")
    if store.get("Household", household_id) is None:
        raise NotFoundError("id", not_found("Household", household_id))
    mark = _mark(store, household_id)
    fresh = mark is None or mark.get("state") == "pending"  # not done yet (or a crash left it pending)
    if fresh:  # closed to new data before the strip begins
        store.put_side(ANONYMIZED, household_id, {"state": "pending", "by": p.token_id})
    try:
        out = _strip(store, household_id)
    except Exception:
        if fresh:
            store.put_side(ANONYMIZED, household_id, {"state": "cancelled", "by": p.token_id})
        raise
    if fresh:
        store.put_side(ANONYMIZED, household_id, {
            "state": "done", "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "by": p.token_id})
    return out


def _strip(store: Store, household_id: str) -> Household:
    """Remove the household's personal fields and free text, in one unit of work."""
    with store.unit_of_work() as uow:
        hh = uow.require("Household", household_id, "id")
        assert isinstance(hh, Household)
        needs: list[Need] = []
        for label, key in sorted(uow.referrers("Household", household_id)):
            rec = uow.get(label, key)
            if isinstance(rec, Need) and rec.household_id == household_id:
                needs.append(rec)
            elif isinstance(rec, Referral) and rec.household_id == household_id and rec.status in OPEN:
                raise ConflictError("id", Message.of("protect.open_referral", household=repr(household_id),
                                                     referral=repr(rec.id), status=code(rec.status)))
        still_open = [n.id for n in needs if n.status is NeedStatus.OPEN]
        if still_open:
            raise ConflictError("id", Message.of("protect.open_needs", household=repr(household_id),
                                                 needs=", ".join(still_open)))
        for n in needs:
            if n.detail is not None:
                uow.put(n.replace(detail=None))
        out = uow.put(hh.replace(income_percent=0, size=min(hh.size, SIZE_CAP)))
    return out  # type: ignore[return-value]
