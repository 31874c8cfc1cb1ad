"""A household's consent to share its data with partners, and the emergency override.

Kept as side records (outside the graph: no view, report or bundle counts
them; durable like the audit log), one per consent and one per override:

* kind ``consent``, key ``<householdId>\\x1f<consentId>``::

    {"id": "c-1", "householdId": "hh-1", "domains": ["LEGAL"], "organizationIds": [],
     "givenOn": "2026-11-20", "method": "WRITTEN", "note": null,
     "recordedAt": "...", "recordedBy": "tok-...", "recordedByStaff": "staff-3" | null,
     "revokedOn": null, "revokedAt": null, "revokedBy": null, "revokedByStaff": null}

* kind ``consent-override``, key ``<householdId>\\x1f<time>/<random>``::

    {"id": "ovr-...", "householdId": "hh-1", "organizationId": "org-gg-bar", "reason": "...",
     "approvedBy": "센터장 김OO", "at": "...", "by": "tok-...", "byStaff": ...}

The rule (:func:`covers`): sharing a household with an organization whose
sector is PUBLIC needs nothing here (public agencies act on their own legal
basis). Any other organization needs

* a consent not revoked whose scope covers it: when the consent names
  organizations, the organization is one of them; when it names domains,
  every need shared (the referral's needs) is in one of them; a consent
  names at least one of the two, and both must hold when it names both; or
* an override for that organization, made after the household's last
  revocation (revoking consent also ends the overrides before it).

A new referral to such an organization is refused without either (CONFLICT
naming ``resourceId``, checked inside the referral's unit of work). A partner
sees a household only while the rule holds for one of the referrals to its
own services (:func:`visible_referrals`): revoking the consent cuts it off at
the next request, whatever it asks (``household``, ``referrals``, a
referral's household, ``updateReferral``).

Households with no consent and no override recorded at all are those
referred before consent was tracked (a bundle, an earlier release): their
existing referrals stay visible to their partners, as before; a new referral
needs consent like any other, and recording one (or revoking it) puts the
household under the rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import MAX_ID, MAX_TEXT, Domain, Household, Need, Organization, Referral, Sector, Service
from graph.store import Store, UnitOfWork
from i18n import Message

from .capacity import day_of
from .paging import side_by_prefix
from .permissions import not_found, require_household
from .principal import Principal
from .wording import code

KIND = "consent"
OVERRIDES = "consent-override"
SEP = "\x1f"


class ConsentMethod(str, enum.Enum):
    """How the consent was obtained."""

    WRITTEN = "WRITTEN"  # 서면
    ORAL = "ORAL"  # 구두 (recorded by the worker who heard it)
    DIGITAL = "DIGITAL"  # 전자 서명, 앱
    GUARDIAN = "GUARDIAN"  # 법정대리인·후견인


@dataclass(frozen=True)
class Consent:
    id: str
    household_id: str
    domains: tuple[Domain, ...]
    organization_ids: tuple[str, ...]
    given_on: dt.date
    method: ConsentMethod
    note: str | None
    recorded_at: str
    recorded_by: str | None
    recorded_by_staff: str | None
    revoked_on: dt.date | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None
    revoked_by_staff: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_side(self) -> dict[str, Any]:
        return {"id": self.id, "householdId": self.household_id, "domains": [d.value for d in self.domains],
                "organizationIds": list(self.organization_ids), "givenOn": self.given_on.isoformat(),
                "method": self.method.value, "note": self.note, "recordedAt": self.recorded_at,
                "recordedBy": self.recorded_by, "recordedByStaff": self.recorded_by_staff,
                "revokedOn": self.revoked_on.isoformat() if self.revoked_on else None,
                "revokedAt": self.revoked_at, "revokedBy": self.revoked_by,
                "revokedByStaff": self.revoked_by_staff}

    @classmethod
    def of_side(cls, d: dict[str, Any]) -> Consent:
        return cls(id=d["id"], household_id=d["householdId"], domains=tuple(Domain(x) for x in d["domains"]),
                   organization_ids=tuple(d["organizationIds"]), given_on=dt.date.fromisoformat(d["givenOn"]),
                   method=ConsentMethod(d["method"]), note=d.get("note"), recorded_at=d["recordedAt"],
                   recorded_by=d.get("recordedBy"), recorded_by_staff=d.get("recordedByStaff"),
                   revoked_on=dt.date.fromisoformat(d["revokedOn"]) if d.get("revokedOn") else None,
                   revoked_at=d.get("revokedAt"), revoked_by=d.get("revokedBy"),
                   revoked_by_staff=d.get("revokedByStaff"))


@dataclass(frozen=True)
class Override:
    id: str
    household_id: str
    organization_id: str
    reason: str
    approved_by: str
    at: str
    by: str | None
    by_staff: str | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _by_prefix(store: Store, kind: str, household_id: str) -> list[tuple[str, dict[str, Any]]]:
    return side_by_prefix(store, kind, f"{household_id}{SEP}")


def consents(store: Store, household_id: str) -> list[Consent]:
    """The household's consents, revoked ones too, by id."""
    return [Consent.of_side(d) for _, d in _by_prefix(store, KIND, household_id)]


def overrides(store: Store, household_id: str) -> list[Override]:
    """The household's overrides, oldest first."""
    return [Override(id=d.get("id", ""), household_id=d["householdId"], organization_id=d["organizationId"],
                     reason=d["reason"], approved_by=d["approvedBy"], at=d["at"], by=d.get("by"),
                     by_staff=d.get("byStaff"))
            for _, d in _by_prefix(store, OVERRIDES, household_id)]


# -- the rule ------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What the rule reads of one household."""

    consents: tuple[Consent, ...]
    overrides: tuple[Override, ...]

    @property
    def untracked(self) -> bool:
        """Nothing recorded: a household referred before consent was tracked (module docstring)."""
        return not self.consents and not self.overrides

    @property
    def last_revoked_at(self) -> str:
        return max((c.revoked_at for c in self.consents if c.revoked_at), default="")


def state(store: Store, household_id: str) -> State:
    return State(tuple(consents(store, household_id)), tuple(overrides(store, household_id)))


def _in_scope(c: Consent, org_id: str, domains: Iterable[Domain]) -> bool:
    if c.organization_ids and org_id not in c.organization_ids:
        return False
    return not c.domains or set(domains) <= set(c.domains)


def covers(st: State, org: Organization, domains: Iterable[Domain]) -> bool:
    """Whether the household may be shared with ``org`` for needs of ``domains`` (module docstring)."""
    if org.sector is Sector.PUBLIC:
        return True
    wanted = tuple(domains)
    if any(c.active and _in_scope(c, org.id, wanted) for c in st.consents):
        return True
    cut = st.last_revoked_at
    return any(o.organization_id == org.id and o.at > cut for o in st.overrides)


def _org_of(get: Any, label: str, resource_id: str) -> Organization | None:
    """The organization behind a resource (None for a volunteer: a person, not an organization)."""
    if label != "Service":
        return None
    svc = get("Service", resource_id)
    org = get("Organization", svc.provider_id) if isinstance(svc, Service) else None
    return org if isinstance(org, Organization) else None


def require_for_referral(uow: UnitOfWork, store: Store, ref: Referral) -> None:
    """CONFLICT naming ``resourceId`` unless the household may be shared with the organization
    of ``ref``'s service for ``ref``'s needs. Call it inside the referral's unit of work."""
    org = _org_of(uow.get, ref.resource_label, ref.resource_id)
    if org is None or org.sector is Sector.PUBLIC:
        return
    needs = [uow.get("Need", n) for n in ref.need_ids]
    domains = [n.domain for n in needs if isinstance(n, Need)]
    if not covers(state(store, ref.household_id), org, domains):
        wanted = [code(d) for d in sorted(set(domains), key=lambda d: d.value)]
        raise ConflictError("resourceId", Message.of(
            "consent.missing", household=repr(ref.household_id), wanted=wanted, org=org.name, org_id=org.id,
            sector=code(org.sector)))


def visible_referrals(store: Store, organization_id: str | None, household_id: str,
                      referrals: Sequence[Referral]) -> list[Referral]:
    """Of ``referrals`` (a household's, to the partner's own services), those the partner may
    still see under the rule (all of them while the household is untracked)."""
    if not referrals or organization_id is None:
        return []
    org = store.get("Organization", organization_id)
    if not isinstance(org, Organization):
        return []
    if org.sector is Sector.PUBLIC:
        return list(referrals)
    st = state(store, household_id)
    if st.untracked:
        return list(referrals)
    out = []
    for ref in referrals:
        domains = [n.domain for n in (store.get("Need", x) for x in ref.need_ids) if isinstance(n, Need)]
        if covers(st, org, domains):
            out.append(ref)
    return out


# -- the mutations -------------------------------------------------------------


def _household(store: Store, p: Principal, household_id: str, what: str) -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError("householdId", not_found("Household", household_id))
    require_household(store, p, hh, what)
    return hh


def _id(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID or value != value.strip() \
            or not value.isprintable() or SEP in value:
        raise ValidationError(field, Message.of("consent.id", limit=str(MAX_ID)))
    return value


def _text(field: str, value: Any, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, Message.of("workflow.text.empty"))
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValidationError(field, Message.of("consent.text", limit=str(MAX_TEXT)))
    return value


def record_consent(store: Store, p: Principal, household_id: str, *, id: str, given_on: dt.date,
                   method: Any, domains: Iterable[Any] = (), organization_ids: Iterable[str] = (),
                   note: str | None = None, today: dt.date | None = None) -> Consent:
    """Record a consent (case workers of the household's region, coordinators). The same id
    with the same content again returns it; with other content, CONFLICT naming ``id``."""
    _household(store, p, household_id, "record consent")
    cid = _id("id", id)
    try:
        doms = tuple(sorted({Domain(d) for d in domains}, key=list(Domain).index))
    except ValueError:
        raise ValidationError("domains", Message.of("consent.domains",
                                                    allowed=", ".join(d.value for d in Domain))) from None
    try:
        how = ConsentMethod(method)
    except ValueError:
        allowed = ", ".join(m.value for m in ConsentMethod)
        raise ValidationError("method", Message.of("error.enum", allowed=allowed, got=repr(method))) from None
    orgs = tuple(sorted({_id("organizationIds", o) for o in organization_ids}))
    if not doms and not orgs:
        raise ValidationError("domains", Message.of("consent.scope.empty"))
    for o in orgs:
        if not isinstance(store.get("Organization", o), Organization):
            raise NotFoundError("organizationIds", not_found("Organization", o))
    if not isinstance(given_on, dt.date):
        raise ValidationError("givenOn", Message.of("consent.date"))
    if given_on > (today or day_of(None)):
        raise ValidationError("givenOn", Message.of("consent.future", got=given_on.isoformat()))
    text = _text("note", note, required=False)
    old = store.get_side(KIND, f"{household_id}{SEP}{cid}")
    if old is not None:
        prev = Consent.of_side(old)
        if (prev.domains, prev.organization_ids, prev.given_on, prev.method, prev.note) == (
                doms, orgs, given_on, how, text):
            return prev
        raise ConflictError("id", Message.of("consent.exists", id=repr(cid), household=repr(household_id)))
    c = Consent(id=cid, household_id=household_id, domains=doms, organization_ids=orgs, given_on=given_on,
                method=how, note=text, recorded_at=_now(), recorded_by=p.token_id,
                recorded_by_staff=p.staff_id)
    store.put_side(KIND, f"{household_id}{SEP}{cid}", c.to_side())
    return c


def revoke_consent(store: Store, p: Principal, household_id: str, consent_id: str,
                   on: dt.date | None = None) -> Consent:
    """Revoke a consent, from now on (revoking it again changes nothing). Partners it covered
    lose the household at once, and so do overrides made before it."""
    _household(store, p, household_id, "revoke consent")
    data = store.get_side(KIND, f"{household_id}{SEP}{consent_id}")
    if data is None:
        raise NotFoundError("consentId", Message.of("consent.not_found", household=repr(household_id),
                                                    id=repr(consent_id)))
    c = Consent.of_side(data)
    if not c.active:
        return c
    now = _now()
    c = Consent(**{**c.__dict__, "revoked_on": on or day_of(None), "revoked_at": now,
                   "revoked_by": p.token_id, "revoked_by_staff": p.staff_id})
    store.put_side(KIND, f"{household_id}{SEP}{c.id}", c.to_side())
    return c


def override_consent(store: Store, p: Principal, household_id: str, *, organization_id: str, reason: str,
                     approved_by: str) -> Override:
    """An emergency override: the household may be shared with one organization without its
    consent (case workers of its region, coordinators), with the reason and who approved it."""
    _household(store, p, household_id, "override consent")
    org = store.get("Organization", _id("organizationId", organization_id))
    if not isinstance(org, Organization):
        raise NotFoundError("organizationId", not_found("Organization", organization_id))
    why = _text("reason", reason, required=True)
    who = _text("approvedBy", approved_by, required=True)
    assert why is not None and who is not None
    at = _now()
    oid = f"ovr-{uuid.uuid4().hex[:12]}"
    o = Override(id=oid, household_id=household_id, organization_id=org.id, reason=why, approved_by=who,
                 at=at, by=p.token_id, by_staff=p.staff_id)
    store.put_side(OVERRIDES, f"{household_id}{SEP}{at}/{oid}", {
        "id": oid, "householdId": household_id, "organizationId": org.id, "reason": why, "approvedBy": who,
        "at": at, "by": p.token_id, "byStaff": p.staff_id})
    return o


def consents_for(store: Store, p: Principal, household_id: str) -> list[Consent]:
    """The household's consents for staff who may see the whole household."""
    _household(store, p, household_id, "see consents")
    return consents(store, household_id)
