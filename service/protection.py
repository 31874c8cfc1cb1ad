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
"""

from __future__ import annotations

import datetime as dt

from graph.errors import ConflictError
from graph.model import Household, Need, NeedStatus, Referral
from graph.store import Store
from service.principal import Principal, Role

from .capacity import OPEN
from .permissions import require_role

ANONYMIZED = "household-anonymized"
#: the top of the size band: a household of this many or more is reported as this many
SIZE_CAP = 5


def require_not_anonymized(store: Store, household_id: str, field: str) -> None:
    if store.get_side(ANONYMIZED, household_id) is not None:
        raise ConflictError(field, f"household {household_id!r} has been anonymised and is closed for good")


def anonymize_household(store: Store, p: Principal, household_id: str) -> Household:
    require_role(p, Role.COORDINATOR, what="anonymise households")
    with store.unit_of_work() as uow:
        hh = uow.require("Household", household_id, "id")
        assert isinstance(hh, Household)
        needs: list[Need] = []
        for label, key in sorted(uow.referrers("Household", household_id)):
            rec = uow.get(label, key)
            if isinstance(rec, Need) and rec.household_id == household_id:
                needs.append(rec)
            elif isinstance(rec, Referral) and rec.household_id == household_id and rec.status in OPEN:
                raise ConflictError("id", f"household {household_id!r} still has referral {rec.id!r} "
                                          f"{rec.status.value}; close or decline it first")
        still_open = [n.id for n in needs if n.status is NeedStatus.OPEN]
        if still_open:
            raise ConflictError("id", f"household {household_id!r} still has open needs "
                                      f"({', '.join(still_open)}); meet or close them first")
        for n in needs:
            if n.detail is not None:
                uow.put(n.replace(detail=None))
        out = uow.put(hh.replace(income_percent=0, size=min(hh.size, SIZE_CAP)))
    if store.get_side(ANONYMIZED, household_id) is None:
        store.put_side(ANONYMIZED, household_id, {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "by": p.token_id})
    return out  # type: ignore[return-value]
