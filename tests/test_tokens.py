"""API tokens: made once, kept hashed, mapped to principals, revoked, expired."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from graph.embedded import EmbeddedStore
from graph.errors import NotFoundError, UnauthenticatedError, ValidationError
from service.principal import Principal, Role
from service.tokens import authenticate, create_token, list_tokens, revoke_token


@pytest.fixture
def store(sample_store):
    return sample_store


def test_each_role_maps_to_its_principal(store):
    coord = create_token(store, Role.COORDINATOR)
    cw = create_token(store, "caseworker", region_id="gg-seongnam")
    partner = create_token(store, Role.PARTNER, organization_id="org-gg-bar")
    assert authenticate(store, f"Bearer {coord}").role is Role.COORDINATOR
    p = authenticate(store, f"bearer  {cw} ")
    assert (p.role, p.region_id, p.organization_id) == (Role.CASEWORKER, "gg-seongnam", None)
    p = authenticate(store, f"Bearer {partner}")
    assert (p.role, p.organization_id, p.region_id) == (Role.PARTNER, "org-gg-bar", None)
    assert len(p.token_id) == 12 and partner_hash(partner).startswith(p.token_id)


def partner_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_no_header_is_the_anonymous_caller(store):
    assert authenticate(store, None) == Principal.anonymous()
    assert authenticate(store, "  ") == Principal.anonymous()


@pytest.mark.parametrize("header, why", [
    ("Basic abc", "Bearer"),
    ("Bearer", "Bearer"),
    ("Bearer not-a-token", "not a Dolbom token"),
    ("Bearer dlb_" + "A" * 43, "unknown token"),
])
def test_anything_else_is_unauthenticated(store, header, why):
    with pytest.raises(UnauthenticatedError) as e:
        authenticate(store, header)
    assert why in str(e.value) and e.value.code == "UNAUTHENTICATED"


def test_only_the_hash_is_stored(store):
    token = create_token(store, Role.COORDINATOR)
    conn = sqlite3.connect(store.path)
    try:
        everything = " ".join(str(row) for row in conn.execute("SELECT * FROM side"))
    finally:
        conn.close()
    assert token not in everything and token[4:] not in everything
    assert hashlib.sha256(token.encode()).hexdigest() in everything


@pytest.mark.parametrize("kwargs, field", [
    ({"role": "partner"}, "organizationId"),
    ({"role": "caseworker"}, "regionId"),
    ({"role": "coordinator", "region_id": "gg"}, "regionId"),
    ({"role": "coordinator", "organization_id": "org-gg-bar"}, "organizationId"),
    ({"role": "caseworker", "region_id": "gg", "organization_id": "org-gg-bar"}, "organizationId"),
    ({"role": "boss"}, "role"),
    ({"role": "anonymous"}, "role"),
    ({"role": "coordinator", "expires_in_days": 0}, "expiresInDays"),
])
def test_bad_bindings_name_the_field_and_write_nothing(store, kwargs, field):
    role = kwargs.pop("role")
    with pytest.raises(ValidationError) as e:
        create_token(store, role, **kwargs)
    assert e.value.field == field
    assert list_tokens(store) == []


def test_bindings_to_unknown_records_are_not_found(store):
    with pytest.raises(NotFoundError) as e:
        create_token(store, Role.PARTNER, organization_id="org-nobody")
    assert e.value.field == "organizationId"
    with pytest.raises(NotFoundError) as e:
        create_token(store, Role.CASEWORKER, region_id="nowhere")
    assert e.value.field == "regionId"


def test_a_revoked_token_is_refused_and_revoking_is_idempotent(store):
    token = create_token(store, Role.COORDINATOR)
    other = create_token(store, Role.COORDINATOR)
    tid = authenticate(store, f"Bearer {token}").token_id
    info = revoke_token(store, tid)
    assert info.revoked_at is not None and revoke_token(store, tid).revoked_at == info.revoked_at
    with pytest.raises(UnauthenticatedError, match="revoked"):
        authenticate(store, f"Bearer {token}")
    assert authenticate(store, f"Bearer {other}").role is Role.COORDINATOR
    with pytest.raises(NotFoundError):
        revoke_token(store, "0" * 12)
    with pytest.raises(ValidationError):
        revoke_token(store, "xyz")


def test_an_expired_token_is_refused(store):
    token = create_token(store, Role.COORDINATOR, expires_in_days=2)
    now = dt.datetime.now(dt.UTC)
    assert authenticate(store, f"Bearer {token}", now=now + dt.timedelta(days=1)).role is Role.COORDINATOR
    with pytest.raises(UnauthenticatedError, match="expired"):
        authenticate(store, f"Bearer {token}", now=now + dt.timedelta(days=3))


def test_tokens_survive_reopening(store):
    token = create_token(store, Role.COORDINATOR)
    with EmbeddedStore(store.path) as again:
        assert authenticate(again, f"Bearer {token}").role is Role.COORDINATOR
