"""API tokens: created once, stored hashed, turned into a :class:`Principal`.

A token is ``dlb_`` followed by 43 URL-safe characters (256 random bits). The
store keeps only its SHA-256 (side records of kind ``token``, keyed by the
hash), with the role, the organization (partners) or region (case workers)
it is bound to, when it was made, when it expires (if ever) and whether it
was revoked. Nobody, the store's owner included, can read a token back; a
lost token is revoked and replaced.

* :func:`create_token` validates the binding and returns the plain token,
  the only time it exists outside the caller.
* :func:`authenticate` maps an ``Authorization`` header to a principal: no
  header is the anonymous caller; anything else that is not a live token is
  :class:`graph.errors.UnauthenticatedError`.
* :func:`revoke_token` and :func:`list_tokens` work by the token's short id
  (the first 12 hex digits of its hash), which is safe to show and log.
* A token may belong to a staff member (``staff_id``, :mod:`service.staff`):
  its role, organization and region are then the staff member's, the
  principal carries the person's id and name (audit and histories name them),
  and a disabled staff member's tokens are refused from the next request on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from graph.errors import NotFoundError, UnauthenticatedError, ValidationError
from graph.store import Store
from i18n import Message

from . import staff as staff_mod
from .principal import Principal, Role

KIND = "token"
PREFIX = "dlb_"
_SHAPE = re.compile(r"^dlb_[A-Za-z0-9_-]{43}$")
ID_LENGTH = 12


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown of a token: never the token itself."""

    id: str
    role: Role
    organization_id: str | None
    region_id: str | None
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    staff_id: str | None = None

    @classmethod
    def from_data(cls, key: str, data: dict[str, Any]) -> TokenInfo:
        return cls(
            id=key[:ID_LENGTH], role=Role(data["role"]), organization_id=data.get("organization_id"),
            region_id=data.get("region_id"), created_at=data["created_at"],
            expires_at=data.get("expires_at"), revoked_at=data.get("revoked_at"),
            staff_id=data.get("staff_id"),
        )


def create_token(store: Store, role: Role | str | None, *, organization_id: str | None = None,
                 region_id: str | None = None, expires_in_days: int | None = None,
                 staff_id: str | None = None) -> str:
    """A new token for ``role``; returns it (the store keeps its hash only).

    Partners need ``organization_id`` and case workers ``region_id``, both of
    records that exist; a coordinator is bound to neither. With ``staff_id``
    the token belongs to that (active) staff member: role, organization and
    region default to theirs and must match them when given. Raises
    :class:`ValidationError` (naming ``role``, ``organizationId``,
    ``regionId``, ``staffId`` or ``expiresInDays``) or :class:`NotFoundError`."""
    if staff_id is not None:
        person = staff_mod.require_staff(store, staff_id)
        if not person.active:
            raise ValidationError("staffId", Message.of("token.staff.disabled", id=repr(staff_id)))
        role = role if role is not None else person.role
        organization_id = organization_id if organization_id is not None else person.organization_id
        region_id = region_id if region_id is not None else person.region_id
        given = staff_mod.parse_role(role)
        if (given, organization_id or None, region_id or None) != (
                person.role, person.organization_id, person.region_id):
            where: str | Message = person.organization_id or person.region_id or Message.of("token.hub")
            raise ValidationError("staffId", Message.of("token.staff.binding", id=repr(staff_id),
                                                        role=person.role, where=where))
    if role is None:
        raise ValidationError("role", Message.of("token.role.required"))
    try:
        role = Role(role.lower() if isinstance(role, str) else role)
    except ValueError:
        raise ValidationError("role", Message.of("token.role.bad", got=repr(role))) from None
    if role is Role.ANONYMOUS:
        raise ValidationError("role", Message.of("token.role.anonymous"))
    # the staff rules in the tokens' words: token.partner.org, token.org.only_partners,
    # token.caseworker.region, token.region.only_caseworkers
    staff_mod.check_binding(store, role, organization_id, region_id, topic="token")
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError("expiresInDays", Message.of("token.expires.min"))

    token = PREFIX + secrets.token_urlsafe(32)
    now = _now()
    store.put_side(KIND, _hash(token), {
        "role": role.value, "organization_id": organization_id, "region_id": region_id,
        "created_at": now.isoformat(),
        "expires_at": (None if expires_in_days is None
                       else (now + dt.timedelta(days=expires_in_days)).isoformat()),
        "revoked_at": None, "staff_id": staff_id,
    })
    return token


def authenticate(store: Store, authorization: str | None, *, now: dt.datetime | None = None) -> Principal:
    """The principal an ``Authorization`` header stands for (see the module docstring)."""
    if authorization is None or not authorization.strip():
        return Principal.anonymous()
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise UnauthenticatedError(None, Message.of("token.header"))
    if not _SHAPE.match(token):
        raise UnauthenticatedError(None, Message.of("token.not_dolbom"))
    key = _hash(token)
    # looked up by its SHA-256: timing of the lookup tells nothing about a token
    data = store.get_side(KIND, key)
    if data is None:
        raise UnauthenticatedError(None, Message.of("token.unknown"))
    info = TokenInfo.from_data(key, data)
    if info.revoked_at is not None:
        raise UnauthenticatedError(None, Message.of("token.revoked"))
    if info.expires_at is not None and dt.datetime.fromisoformat(info.expires_at) <= (now or _now()):
        raise UnauthenticatedError(None, Message.of("token.expired"))
    name = None
    if info.staff_id is not None:
        # read on every request: disabling a person stops their tokens at once
        person = staff_mod.get_staff(store, info.staff_id)
        if person is None or not person.active:
            raise UnauthenticatedError(None, Message.of("token.staff.gone"))
        name = person.name
    return Principal(role=info.role, organization_id=info.organization_id, region_id=info.region_id,
                     token_id=info.id, staff_id=info.staff_id, staff_name=name)


def list_tokens(store: Store) -> list[TokenInfo]:
    """Every token ever made (revoked ones too), by id."""
    return sorted((TokenInfo.from_data(k, d) for k, d in store.list_side(KIND)), key=lambda t: t.id)


def revoke_token(store: Store, token_id: str) -> TokenInfo:
    """Revoke the token whose short id is ``token_id`` (idempotent)."""
    if len(token_id) != ID_LENGTH or not all(c in "0123456789abcdef" for c in token_id):
        raise ValidationError("id", Message.of("token.id.shape", length=str(ID_LENGTH)))
    found = [(k, d) for k, d in store.list_side(KIND, after=token_id, limit=1) if k.startswith(token_id)]
    if not found:
        raise NotFoundError("id", Message.of("token.not_found", id=repr(token_id)))
    key, data = found[0]
    if data.get("revoked_at") is None:
        data = {**data, "revoked_at": _now().isoformat()}
        store.put_side(KIND, key, data)
    return TokenInfo.from_data(key, data)
