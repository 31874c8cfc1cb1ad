"""Every error carries a contract code; messages name the field; internal
errors are masked, logged with the request id, and never leak a traceback."""

from __future__ import annotations

import logging

import pytest

from graph.errors import StoreError
from schema.errors import CODES

C = "coordinator"


@pytest.mark.parametrize("doc", [
    "query { region(id: ",  # syntax
    "query { nothing }",  # unknown field
    'query { region(id: "gg") }',  # missing selection
    'query { services(domain: SPACE) { totalCount } }',  # unknown enum value
    "{}",  # an empty selection (strawberry's depth limiter failed on it: INTERNAL)
    "{ ...F }",  # an unknown fragment (the depth limiter's KeyError: INTERNAL)
    'query { region(id: "gg") { ... on Region { ...F } } }',
])
def test_document_errors_are_bad_user_input(gql, doc):
    r = gql(doc)
    assert r.codes and set(r.codes) == {"BAD_USER_INPUT"}, r.body
    assert r.status in (200, 400)


def test_a_wrong_variable_type_names_the_variable(gql):
    r = gql("query($n: Int) { services(first: $n) { totalCount } }", n="lots")
    assert r.code == "BAD_USER_INPUT" and "$n" in r.errors[0]["message"]


@pytest.mark.parametrize("fields, field", [
    ('size: 0, incomePercent: 50', "size"),
    ('size: 2, incomePercent: -1', "incomePercent"),
])
def test_model_validation_names_the_field(gql, store, fields, field):
    r = gql(f'mutation {{ createHousehold(input: {{id: "hh-v", regionId: "gg-suwon-jowon", {fields}, '
            f'urgency: GENERAL}}) {{ id }} }}', C)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == field
    assert field in r.errors[0]["message"]
    assert store.get("Household", "hh-v") is None


def test_nested_validation_names_the_nested_field(gql):
    r = gql('mutation { registerService(input: {id: "svc-v", name: "x", providerId: "org-gg-bar", '
            'domains: [LEGAL], regionIds: ["gg"], eligibility: {maxIncomePercent: -5}}) { id } }', C)
    assert r.errors[0]["extensions"]["field"] == "eligibility.maxIncomePercent"


def test_unknown_ids_are_not_found(gql):
    for doc in ('query { region(id: "x") { id } }', 'query { organization(id: "x") { id } }',
                'query { service(id: "x") { id } }'):
        assert gql(doc).code == "NOT_FOUND"
    assert gql('query { household(id: "x") { id } }', C).code == "NOT_FOUND"
    assert gql('query { matchPackages(householdId: "x") { rank } }', C).code == "NOT_FOUND"
    assert gql('query { coverage(regionId: "x") { domain } }', C).code == "NOT_FOUND"
    assert gql('query { allocate(householdIds: ["hh-0001", "x"]) { optimal } }', C).code == "NOT_FOUND"


@pytest.mark.parametrize("boom", [RuntimeError("secret /var/lib/dolbom.db at 0xdeadbeef"),
                                  StoreError("cannot open '/secret/path.db'")])
def test_internal_errors_are_masked_and_logged_with_the_request_id(client, monkeypatch, caplog, boom):
    from service import reads

    def explode(*a, **k):
        raise boom

    monkeypatch.setattr(reads, "services_page", explode)
    with caplog.at_level(logging.ERROR, logger="dolbom.api"):
        r = client.post("/graphql", json={"query": "{ services { totalCount } }"},
                        headers={"X-Request-ID": "req-abc-123"})
    assert r.status_code == 200
    err = r.json()["errors"][0]
    assert err["extensions"] == {"code": "INTERNAL", "requestId": "req-abc-123"}
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.headers["x-request-id"] == "req-abc-123"
    logged = [rec for rec in caplog.records if "req-abc-123" in rec.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_a_request_id_is_made_when_none_or_an_unsafe_one_is_given(client):
    r1 = client.post("/graphql", json={"query": "{ nothing }"})
    r2 = client.post("/graphql", json={"query": "{ nothing }"}, headers={"X-Request-ID": "bad id\n<script>"})
    for r in (r1, r2):
        rid = r.headers["x-request-id"]
        assert rid and " " not in rid and r.json()["errors"][0]["extensions"]["requestId"] == rid
    assert r1.headers["x-request-id"] != r2.headers["x-request-id"]


def test_every_code_seen_is_a_contract_code(gql):
    docs = [("{ nothing }", None), ('{ household(id: "hh-0001") { id } }', None),
            ('{ household(id: "hh-0002") { id } }', "caseworker"), ('{ service(id: "x") { id } }', None),
            ('mutation { updateReferral(id: "ref-0001", status: CLOSED) { id } }', C)]
    seen = set()
    for doc, who in docs:
        seen.update(gql(doc, who).codes)
    assert seen <= set(CODES) and len(seen) == 4


def test_malformed_json_body_is_not_a_500(client):
    r = client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_a_broken_token_store_is_503_internal_not_a_traceback(store, caplog):
    from starlette.testclient import TestClient

    from api.app import create_app
    from service.settings import Settings

    def broken(store, header):
        raise OSError("disk gone: /secret/tokens")

    with (TestClient(create_app(store, Settings(), authenticate=broken)) as c,
          caplog.at_level(logging.ERROR, logger="dolbom.api")):
        r = c.post("/graphql", json={"query": "{ services { totalCount } }"},
                   headers={"X-Request-ID": "rid-9"})
    assert r.status_code == 503 and "secret" not in r.text
    assert r.json()["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": "rid-9"}
    assert any("rid-9" in rec.getMessage() for rec in caplog.records)


@pytest.mark.parametrize("since, until, everything", [
    ("0001-01-01T00:00:00+14:00", None, True),  # before year 1 in UTC: bounds nothing
    (None, "9999-12-31T23:59:59-14:00", True),  # past year 9999 in UTC: bounds nothing
    ("9999-12-31T23:59:59-14:00", None, False),  # after every entry
    (None, "0001-01-01T00:00:00+14:00", False),  # before every entry
    ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", True),
    ("0001-01-01", "9999-12-31", True),
])
def test_audit_log_windows_at_the_datetime_extremes_are_answered(gql, since, until, everything):
    gql('mutation { upsertRegion(input: {id: "gg-x", name: "x", level: DONG, parentId: "gg-suwon"}) '
        '{ id } }', C).ok()
    r = gql("query($s: String, $u: String) { auditLog(since: $s, until: $u) { edges { node { action } } } }",
            C, s=since, u=until)
    actions = [e["node"]["action"] for e in r.ok()["auditLog"]["edges"]]
    assert ("upsertRegion" in actions) is everything


def test_a_full_disk_is_a_coded_storage_error_and_nothing_is_half_written(tmp_path, caplog):
    """SQLite's own "database or disk is full" (a page limit on the file stands in for the disk)."""
    from starlette.testclient import TestClient

    from api.app import create_app
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records
    from tests.api.conftest import fake_authenticate

    store = EmbeddedStore(tmp_path / "full.db")
    store.put(*sample_records())
    pages = store._wconn.execute("PRAGMA page_count").fetchone()[0]
    store._wconn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
    before = store.counts()
    big = "가" * 1900
    doc = ('mutation($d: String) { a: addNeed(householdId: "hh-0001", input: {id: "n-full-1", domain: FOOD, '
           'severity: 2, detail: $d}) { id } }')
    with TestClient(create_app(store, authenticate=fake_authenticate)) as c, \
            caplog.at_level(logging.ERROR, logger="dolbom.api"):
        for i in range(20):  # fill the last free pages, until the disk is full
            body = {"query": doc.replace("n-full-1", f"n-full-{i}"), "variables": {"d": big}}
            r = c.post("/graphql", json=body, headers={"Authorization": "Bearer coordinator"})
            if r.json().get("errors"):
                break
    err = r.json()["errors"][0]
    assert err["extensions"]["code"] == "INTERNAL" and err["extensions"]["reason"] == "STORAGE_FULL", err
    # Korean by default (DOLBOM_LOCALE): "nothing was written"
    assert "아무것도 저장되지 않았습니다" in err["message"] and "full.db" not in r.text
    failed = f"n-full-{i}"
    assert store.get("Need", failed) is None
    store.close()
    with EmbeddedStore(tmp_path / "full.db") as again:  # and nothing of it on the file either
        assert again.get("Need", failed) is None
        assert again.counts()["Need"] == before["Need"] + i
