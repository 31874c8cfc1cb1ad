"""Data protection: a partner's minimum view (walked over the whole schema),
anonymisation that keeps the reports' numbers, revoked and expired tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
)

from schema.build import schema as served

#: what a partner may see of a household referred to it (docs/protection.md)
PARTNER_HOUSEHOLD_FIELDS = {"__typename", "id", "region", "needs", "referrals"}
#: the partner-bar fixture: its one referral and the need it covers
OWN_REFERRALS = {"ref-0001"}
OWN_NEEDS = {"need-0001-legal"}

ARGS = {  # (field, argument) -> value; by argument name otherwise
    ("region", "id"): "gg", ("organization", "id"): "org-gg-bar", ("service", "id"): "svc-gg-legal",
    ("household", "id"): "hh-0001",
}
BY_NAME = {"householdId": "hh-0001", "householdIds": ["hh-0001", "hh-0002", "hh-0003"], "id": "hh-0001"}


def _unwrap(t):
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def selection(t, depth: int) -> str:
    """Every field of ``t`` (no-argument or all-optional ones), nested ``depth`` levels; of a
    household only the minimum (a refused field would null the whole household and hide the
    rest: :func:`household_field_queries` asks for each other field on its own)."""
    t = _unwrap(t)
    if isinstance(t, GraphQLUnionType):
        return "{ __typename " + " ".join(f"... on {m.name} {selection(m, depth)}" for m in t.types) + " }"
    if not isinstance(t, (GraphQLObjectType, GraphQLInterfaceType)):
        return ""
    parts = ["__typename"]
    for name, f in t.fields.items():
        if t.name == "Household" and name not in PARTNER_HOUSEHOLD_FIELDS:
            continue
        if any(isinstance(a.type, GraphQLNonNull) for a in f.args.values()):
            continue
        inner = _unwrap(f.type)
        if isinstance(inner, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
            if depth > 0:
                parts.append(f"{name} {selection(inner, depth - 1)}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }"


def root_queries() -> list[str]:
    q = served._schema.query_type
    docs = []
    for name, f in q.fields.items():
        args = []
        for an, a in f.args.items():
            if not isinstance(a.type, GraphQLNonNull):
                continue
            value = ARGS.get((name, an), BY_NAME.get(an))
            assert value is not None, f"no test value for {name}({an}); add one"
            literal = str(value).replace("'", '"') if isinstance(value, list) else f'"{value}"'
            args.append(f"{an}: " + literal)
        sel = selection(f.type, 4)
        docs.append(f"query {{ {name}{'(' + ', '.join(args) + ')' if args else ''} {sel} }}")
    return docs


def household_field_queries() -> list[str]:
    """``household`` asking for one field at a time, so a refused field cannot hide the others."""
    t = served._schema.type_map["Household"]
    return [f'query {{ household(id: "hh-0001") {{ __typename id {n} {selection(f.type, 2)} }} }}'
            for n, f in t.fields.items()]


def walk(value, found: dict[str, list[dict]]) -> None:
    if isinstance(value, dict):
        if "__typename" in value:
            found.setdefault(value["__typename"], []).append(value)
        for v in value.values():
            walk(v, found)
    elif isinstance(value, list):
        for v in value:
            walk(v, found)


def test_a_partner_never_gets_a_household_field_beyond_the_minimum(gql):
    docs = root_queries() + household_field_queries()
    assert len(docs) >= len(served._schema.query_type.fields)
    found: dict[str, list[dict]] = {}
    for doc in docs:
        r = gql(doc, "partner-bar")
        assert r.status == 200, (doc, r.body)
        assert all(c in ("FORBIDDEN", "NOT_FOUND") for c in r.codes), (doc, r.body)
        walk(r.data, found)
    households = found.get("Household", [])
    assert households, "the walk never reached a household: it could not catch a leak"
    for hh in households:
        leaked = {k for k, v in hh.items() if v is not None} - PARTNER_HOUSEHOLD_FIELDS
        assert not leaked, f"a partner got household fields {sorted(leaked)}"
        assert hh.get("id") in (None, "hh-0001")
    assert {r["id"] for r in found.get("Referral", []) if r.get("id")} <= OWN_REFERRALS
    need_ids = {n["id"] for n in found.get("Need", []) if n.get("id")}
    assert need_ids and need_ids <= OWN_NEEDS, need_ids
    # a need's free text goes nowhere near a partner
    assert all(n.get("detail") is None for n in found.get("Need", []))


def test_the_walk_would_catch_a_leak(gql):
    """The same walk as a coordinator sees every household field: the check above can fail."""
    found: dict[str, list[dict]] = {}
    for doc in household_field_queries():
        walk(gql(doc, "coordinator").ok(), found)
    fields = {k for hh in found["Household"] for k, v in hh.items() if v is not None}
    assert fields - PARTNER_HOUSEHOLD_FIELDS


COVERAGE = "query { coverage { region { id } domain openNeeds uncoveredNeeds services freeCapacity } }"
REPORTS = ("query { overlaps { domain } network { nodes { id kind label group weight } "
           "edges { source target kind weight } } }")
ANON = ('mutation { anonymizeHousehold(id: "hh-0001") '
        '{ id size urgency traits incomePercent needs { detail } } }')


def close_all(gql, store):
    for need in ("need-0001-rent", "need-0001-job", "need-0001-legal", "need-0001-health"):
        gql(f'mutation {{ setNeedStatus(id: "{need}", status: CLOSED) {{ id }} }}', "coordinator").ok()
    gql('mutation { updateReferral(id: "ref-0001", status: DECLINED, reason: "가구 사정") { id } }',
        "coordinator").ok()


def test_anonymising_removes_personal_fields_and_free_text_and_keeps_coverage(gql, store):
    close_all(gql, store)
    before = gql(COVERAGE, "coordinator").ok(), gql(REPORTS, "coordinator").ok()
    assert any(n.detail for n in store.list("Need") if n.household_id == "hh-0001")
    traits = sorted(t.value for t in store.get("Household", "hh-0001").traits)
    assert store.get("Household", "hh-0001").income_percent > 0 and traits
    hh = gql(ANON, "coordinator").ok()["anonymizeHousehold"]
    assert hh["incomePercent"] == 0
    assert all(n["detail"] is None for n in hh["needs"])
    # counted: kept
    assert hh["size"] == 4 and hh["urgency"] == "EMERGENCY" and sorted(hh["traits"]) == traits
    assert (gql(COVERAGE, "coordinator").ok(), gql(REPORTS, "coordinator").ok()) == before
    assert store.get_side("household-anonymized", "hh-0001")["by"] == "t-coord"
    assert gql(ANON, "coordinator").ok()["anonymizeHousehold"] == hh  # twice: nothing more changes


def test_a_large_household_is_reported_in_the_top_size_band(store):
    from graph.model import Household, Need
    from service import protection
    from service.principal import Principal, Role

    store.put(Household(id="hh-big", region_id="gg-suwon-maetan", size=9, income_percent=35,
                        urgency="FOCUSED", traits=["CHILDREN"]),
              Need(id="n-big", household_id="hh-big", domain="FOOD", severity=2, status="MET",
                   detail="7 children"))
    out = protection.anonymize_household(store, Principal(Role.COORDINATOR, token_id="t"), "hh-big")
    assert (out.size, out.income_percent, [t.value for t in out.traits]) == (
        protection.SIZE_CAP, 0, ["CHILDREN"])
    assert store.get("Need", "n-big").detail is None and store.get("Need", "n-big").status.value == "MET"


CLOSED_FOR_GOOD = [
    'mutation { addNeed(householdId: "hh-0001", input: {id: "n-again", domain: FOOD, severity: 1}) { id } }',
    'mutation { setNeedStatus(id: "need-0001-job", status: OPEN) { id } }',
    'mutation { recordReceipt(householdId: "hh-0001", serviceId: "svc-gg-clinic") { id } }',
    ('mutation { createReferral(input: {id: "r-again", householdId: "hh-0001", resourceId: "svc-suwon-jobs", '
     'needIds: ["need-0001-job"]}) { id } }'),
]


@pytest.mark.parametrize("doc", CLOSED_FOR_GOOD)
def test_an_anonymised_household_takes_no_new_data(gql, store, doc):
    close_all(gql, store)
    gql(ANON, "coordinator").ok()
    before = [r.to_dict() for label in ("Need", "Receipt", "Referral") for r in store.list(label)]
    r = gql(doc, "coordinator")
    assert r.code == "CONFLICT" and "익명화" in r.errors[0]["message"], r.body  # "anonymised"
    assert [r.to_dict() for label in ("Need", "Receipt", "Referral") for r in store.list(label)] == before


def test_anonymising_an_open_household_is_refused_and_changes_nothing(gql, store):
    before = [r.to_dict() for r in store.list("Need")]
    r = gql(ANON, "coordinator")
    assert r.code == "CONFLICT" and "아직" in r.errors[0]["message"]  # "still has"
    assert [r.to_dict() for r in store.list("Need")] == before
    close_all(gql, store)
    assert gql(ANON, "caseworker").code == "FORBIDDEN"
    assert gql(ANON, "partner-bar").code == "FORBIDDEN"


@pytest.fixture
def real_gql(store):
    from starlette.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(store)) as c:
        def call(query: str, token: str | None = None):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return c.post("/graphql", json={"query": query}, headers=headers)

        yield call


def test_revoked_and_expired_tokens_are_unauthenticated(real_gql, store, monkeypatch):
    import service.tokens as tokens
    from service.principal import Role

    q = 'query { household(id: "hh-0001") { id } }'
    token = tokens.create_token(store, Role.COORDINATOR)
    assert real_gql(q, token).json()["data"]["household"]["id"] == "hh-0001"
    tokens.revoke_token(store, tokens.list_tokens(store)[-1].id)
    r = real_gql(q, token)
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "폐기" in r.json()["errors"][0]["message"]  # "revoked", in Korean by default

    short = tokens.create_token(store, Role.COORDINATOR, expires_in_days=1)
    assert real_gql(q, short).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    monkeypatch.setattr(tokens, "_now", lambda: later)
    r = real_gql(q, short)
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "만료" in r.json()["errors"][0]["message"]  # "expired"
