"""Staff: the people behind the tokens (coordinators, case workers, partners).

A staff member is a side record of kind ``staff`` keyed by its id, outside the
graph like the tokens (:mod:`service.tokens`): people are not matched, viewed
or counted, and a side record needs no schema change on either store::

    {"name": "김민지", "role": "caseworker", "organization_id": null, "region_id": "gg-suwon",
     "active": true, "created_at": "2026-11-23T09:12:03+00:00", "disabled_at": null}

* A partner staff member belongs to an organization, a case worker to a
  region (their center's area); a coordinator to neither. The same binding
  rules as a token's (:func:`service.tokens.create_token`).
* Tokens stay the credential: a token may name the staff member it belongs to
  (``staff_id``), and then its role, organization and region must be the staff
  member's. Disabling a staff member stops every one of their tokens at once
  (:func:`service.tokens.authenticate` reads the staff record on each request).
* The audit trail, a referral's history, a case's history and the overdue
  report name the person (``staffId``, ``staffName``) beside the token id.

Who may do what: coordinators add, disable and list every staff member; a case
worker may list the staff of their own region's subtree (a partner, no one).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import Region
from graph.store import Store
from i18n import Message

from . import audit, paging
from .permissions import forbidden, in_subtree, not_found, outside_region, require_role
from .principal import Principal, Role

KIND = "staff"
#: the shape of a staff id (given by the caller, or ``stf-`` and 10 hex digits when not)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
MAX_NAME = 100


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Staff:
    """One person who works with Dolbom."""

    id: str
    name: str
    role: Role
    organization_id: str | None
    region_id: str | None
    active: bool
    created_at: str
    disabled_at: str | None = None

    @classmethod
    def from_data(cls, key: str, data: dict[str, Any]) -> Staff:
        return cls(id=key, name=data["name"], role=Role(data["role"]),
                   organization_id=data.get("organization_id"), region_id=data.get("region_id"),
                   active=bool(data.get("active", True)), created_at=data["created_at"],
                   disabled_at=data.get("disabled_at"))

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "organization_id": self.organization_id,
                "region_id": self.region_id, "active": self.active, "created_at": self.created_at,
                "disabled_at": self.disabled_at}


def parse_role(role: Role | str, field: str = "role") -> Role:
    """A staff role from ``coordinator``/``CASEWORKER``/...; BAD_USER_INPUT naming ``field``."""
    try:
        r = role if isinstance(role, Role) else Role(str(role).lower())
    except ValueError:
        raise ValidationError(field, Message.of("staff.role.bad", got=repr(role))) from None
    if r is Role.ANONYMOUS:
        raise ValidationError(field, Message.of("staff.role.anonymous"))
    return r


def get_staff(store: Store, staff_id: str) -> Staff | None:
    """The staff member ``staff_id``, or None."""
    if not staff_id:
        return None
    data = store.get_side(KIND, staff_id)
    return None if data is None else Staff.from_data(staff_id, data)


def require_staff(store: Store, staff_id: str, field: str = "staffId") -> Staff:
    """The staff member ``staff_id``; NOT_FOUND naming ``field`` when there is none."""
    if not isinstance(staff_id, str) or not staff_id.strip():
        raise ValidationError(field, Message.of("staff.id.required"))
    found = get_staff(store, staff_id)
    if found is None:
        raise NotFoundError(field, Message.of("staff.not_found", id=repr(staff_id)))
    return found


def all_staff(store: Store) -> list[Staff]:
    """Every staff member (disabled ones too), by id."""
    return [Staff.from_data(k, d) for k, d in paging.side_records(store, KIND)]


def list_staff(store: Store, p: Principal, *, role: Role | str | None = None, region_id: str | None = None,
               organization_id: str | None = None, active: bool | None = None) -> list[Staff]:
    """Staff as ``p`` may see them: coordinators all; a case worker the staff of
    their region's subtree (asking for another region is FORBIDDEN naming
    ``regionId``); partners and anonymous callers nothing (FORBIDDEN/UNAUTHENTICATED)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="list staff")
    want_role = parse_role(role) if role is not None else None
    if region_id is not None and store.get("Region", region_id) is None:
        if p.role is Role.CASEWORKER:
            # the same answer as a region that exists elsewhere: nothing leaks
            raise forbidden("regionId", outside_region(region_id))
        raise NotFoundError("regionId", not_found("Region", region_id))
    if p.role is Role.CASEWORKER:
        if region_id is not None and not in_subtree(store, region_id, p.region_id):
            raise forbidden("regionId", outside_region(region_id))
        region_id = region_id or p.region_id
    out = []
    for s in all_staff(store):
        if want_role is not None and s.role is not want_role:
            continue
        if organization_id is not None and s.organization_id != organization_id:
            continue
        if active is not None and s.active is not active:
            continue
        if region_id is not None and (s.region_id is None or not in_subtree(store, s.region_id, region_id)):
            continue
        out.append(s)
    return out


def staff_of(store: Store, p: Principal) -> Staff | None:
    """The staff member the caller's token belongs to, or None (an unbound token, the CLI)."""
    staff_id = getattr(p, "staff_id", None)
    return get_staff(store, staff_id) if staff_id else None


def check_binding(store: Store, role: Role, organization_id: str | None, region_id: str | None,
                  topic: str = "staff") -> None:
    """The binding rules shared with tokens (:func:`service.tokens.create_token`, ``topic``
    "token": its messages speak of tokens): partners an organization, case workers a region
    (both existing), coordinators neither."""
    if role is Role.PARTNER:
        if not organization_id:
            raise ValidationError("organizationId", Message.of(f"{topic}.partner.org"))
        store.require("Organization", organization_id, "organizationId")
    elif organization_id:
        raise ValidationError("organizationId", Message.of(f"{topic}.org.only_partners", role=role))
    if role is Role.CASEWORKER:
        if not region_id:
            raise ValidationError("regionId", Message.of(f"{topic}.caseworker.region"))
        if not isinstance(store.get("Region", region_id), Region):
            raise NotFoundError("regionId", not_found("Region", region_id))
    elif region_id:
        raise ValidationError("regionId", Message.of(f"{topic}.region.only_caseworkers", role=role))


def add_staff(store: Store, p: Principal, *, name: str, role: Role | str, organization_id: str | None = None,
              region_id: str | None = None, staff_id: str | None = None) -> Staff:
    """A new, active staff member (coordinators only). ``staff_id`` is generated
    when not given; an id in use is CONFLICT naming ``id``."""
    require_role(p, Role.COORDINATOR, what="add staff")
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", Message.of("staff.name.required"))
    if len(name) > MAX_NAME:
        raise ValidationError("name", Message.of("staff.name.long", limit=str(MAX_NAME)))
    r = parse_role(role)
    organization_id = organization_id or None
    region_id = region_id or None
    check_binding(store, r, organization_id, region_id)
    if staff_id is None:
        staff_id = f"stf-{uuid.uuid4().hex[:10]}"
    elif not _ID.match(staff_id):
        raise ValidationError("id", Message.of("staff.id.shape"))
    if store.get_side(KIND, staff_id) is not None:
        raise ConflictError("id", Message.of("staff.id.taken", id=repr(staff_id)))
    s = Staff(id=staff_id, name=name, role=r, organization_id=organization_id, region_id=region_id,
              active=True, created_at=_now())
    store.put_side(KIND, s.id, s.to_data())
    return s


def disable_staff(store: Store, p: Principal, staff_id: str) -> Staff:
    """Disable a staff member (coordinators only; idempotent): their tokens stop at once."""
    require_role(p, Role.COORDINATOR, what="disable staff")
    s = require_staff(store, staff_id, "id")
    if not s.active:
        return s
    data = {**s.to_data(), "active": False, "disabled_at": _now()}
    store.put_side(KIND, s.id, data)
    return Staff.from_data(s.id, data)


def add_staff_audited(store: Store, p: Principal, request_id: str | None, **kwargs: Any) -> Staff:
    """:func:`add_staff`, then its audit entry (``addStaff``)."""
    s = add_staff(store, p, **kwargs)
    audit.record(store, p, "addStaff", "Staff", [s.id], request_id, {"role": s.role.value.upper()})
    return s


def disable_staff_audited(store: Store, p: Principal, request_id: str | None, staff_id: str) -> Staff:
    """:func:`disable_staff`, then its audit entry (``disableStaff``)."""
    s = disable_staff(store, p, staff_id)
    audit.record(store, p, "disableStaff", "Staff", [s.id], request_id, {"active": s.active})
    return s


def name_of(store: Store, staff_id: str | None) -> str | None:
    """The name of staff member ``staff_id`` (None when unknown or not given)."""
    s = get_staff(store, staff_id) if staff_id else None
    return s.name if s else None
