"""Who may do what: plain functions over a store and a :class:`Principal`.

=============  =================================================================
role           may
=============  =================================================================
anonymous      read the directory: region, organization, service, services
partner        the directory; registerService/retireService for its own
               organization; households referred to its own services, seen
               as id, region and only the needs/referrals of those referrals;
               updateReferral to ACCEPTED/DELIVERED/DECLINED on those referrals
caseworker     the directory; every household whose region lies in the
               subtree of its own region, and every operation serving them
               (createHousehold, addNeed, setNeedStatus, recordReceipt,
               createReferral, updateReferral, matchPackages, allocate),
               coverage/overlaps/network of its subtree, registerVolunteer in it
coordinator    everything
=============  =================================================================

Missing token where one is needed → UNAUTHENTICATED; a token whose role does
not allow the operation → FORBIDDEN (both name the field when there is one).
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.errors import DolbomError, ForbiddenError, NotFoundError, UnauthenticatedError, record_label
from graph.model import Household, Region
from graph.store import Store
from i18n import Message

from .principal import Principal, Role
from .wording import what as what_word


def forbidden(field: str | None, message: str | Message) -> DolbomError:
    """A FORBIDDEN error about ``field``."""
    return ForbiddenError(field, message)


NEEDS_TOKEN = "this operation needs a token: send Authorization: Bearer <token>"


def unauthenticated(message: str | Message | None = None) -> DolbomError:
    """An UNAUTHENTICATED error (no field: the whole request lacks a token)."""
    return UnauthenticatedError(None, message if message is not None else Message.of("auth.needs_token"))


def outside_region(region_id: str) -> Message:
    """"region 'x' is outside your region", in the reader's language."""
    return Message.of("perm.region.outside", region=repr(region_id))


def not_found(label: str, key: str) -> Message:
    """"no Region with id 'x'", in the reader's language."""
    return Message.of("error.not_found", label=record_label(label), id=repr(key))


def outside_household(household_id: str) -> Message:
    """"household 'h' is outside your region", in the reader's language."""
    return Message.of("perm.household.outside", household=repr(household_id))


#: statuses a partner may move a referral to
PARTNER_STATUSES = frozenset({"ACCEPTED", "DELIVERED", "DECLINED"})

_STAFF_QUERIES = frozenset({"matchPackages", "coverage", "overlaps", "network", "allocate", "overdue",
                            "followUpsDue", "households", "staff", "conference", "conferences",
                            "whatWouldItTake", "whatWouldItTakeForPlan", "recruitment", "whatIf", "fairness",
                            "burnDown"})
#: the queries each role is refused outright, before any work (UNAUTHENTICATED or FORBIDDEN, as the
#: table above says); the cost limit (``schema.cost``) does not count them. A query missing here is
#: counted, so forgetting one errs on the safe side; tests/api/test_cost.py checks each one is refused.
REFUSED_QUERIES: dict[Role, frozenset[str]] = {
    Role.ANONYMOUS: _STAFF_QUERIES | {"household", "auditLog", "referrals", "capacityReport"},
    Role.PARTNER: _STAFF_QUERIES | {"auditLog"},
    Role.CASEWORKER: frozenset({"auditLog"}),
    Role.COORDINATOR: frozenset(),
}


def require_token(p: Principal) -> None:
    """UNAUTHENTICATED unless the caller sent a valid token."""
    if p.role is Role.ANONYMOUS:
        raise unauthenticated()


def require_role(p: Principal, *roles: Role, what: str | Message) -> None:
    """UNAUTHENTICATED for anonymous callers, FORBIDDEN unless ``p.role`` is one of ``roles``.
    ``what`` is an English phrase ("list staff"); the Korean message names it by its
    ``perm.what.*`` entry (:func:`service.wording.what`)."""
    require_token(p)
    if p.role not in roles:
        raise forbidden(None, Message.of("perm.role", role=p.role, what=what_word(what)))


def region_chain(store: Store, region_id: str) -> list[str]:
    """``region_id`` and its ancestors, nearest first (stops at an unknown id)."""
    out: list[str] = []
    cur: str | None = region_id
    while cur is not None and cur not in out:
        out.append(cur)
        rec = store.get("Region", cur)
        cur = rec.parent_id if isinstance(rec, Region) else None
    return out


def in_subtree(store: Store, region_id: str, root: str | None) -> bool:
    """True when ``region_id`` is ``root`` or lies below it."""
    return root is not None and root in region_chain(store, region_id)


def require_region(store: Store, p: Principal, region_ids: Iterable[str], field: str,
                   what: str | Message) -> None:
    """A case worker may act only inside its region's subtree; coordinators anywhere."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what=what)
    if p.role is Role.CASEWORKER:
        for rid in region_ids:
            if not in_subtree(store, rid, p.region_id):
                raise forbidden(field, outside_region(rid))






def decide_household(p: Principal, hh: Household, chain: list[str], has_own_referral: bool) -> str:
    """How much of a household the caller may see: ``"full"`` or ``"partner"``
    (id, region and the parts of referrals to its own services). ``chain`` is
    the household's region and its ancestors; ``has_own_referral`` whether a
    referral of the household goes to one of the partner's services. Raises
    UNAUTHENTICATED or FORBIDDEN (field ``householdId``) when it may see nothing."""
    require_token(p)
    if p.role is Role.COORDINATOR:
        return "full"
    if p.role is Role.CASEWORKER:
        if p.region_id is not None and p.region_id in chain:
            return "full"
        raise forbidden("householdId", outside_household(hh.id))
    if p.role is Role.PARTNER and has_own_referral:
        return "partner"
    raise forbidden("householdId", Message.of("perm.household.no_referral", household=repr(hh.id)))




def require_full_household(access: str, field: str) -> None:
    """FORBIDDEN naming ``field`` unless ``access`` (from :func:`decide_household`) is full."""
    if access != "full":
        raise forbidden(field, Message.of("perm.partner.minimum"))


def sees_need_detail(p: Principal) -> bool:
    """A need's free text is about the person: never shown to a partner (docs/protection.md)."""
    return p.role is not Role.PARTNER


def require_household(store: Store, p: Principal, hh: Household, what: str | Message) -> None:
    """Acting on a household (writes, matching): coordinators, and case workers of its region.
    The refusal names the household the caller gave, never its region: a case worker must
    not learn where another region's household lives."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what=what)
    if p.role is Role.CASEWORKER and not in_subtree(store, hh.region_id, p.region_id):
        raise forbidden("householdId", outside_household(hh.id))


def scope(store: Store, p: Principal, region_id: str | None, what: str | Message) -> str | None:
    """The region a coordinator or case worker may look at: a case worker's
    own region when none is given, and only inside it."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what=what)
    if region_id is not None and store.get("Region", region_id) is None:
        raise NotFoundError("regionId", not_found("Region", region_id))
    if p.role is Role.CASEWORKER:
        if region_id is None:
            return p.region_id
        if not in_subtree(store, region_id, p.region_id):
            raise forbidden("regionId", outside_region(region_id))
    return region_id
