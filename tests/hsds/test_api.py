"""The /hsds/ API: open like the directory, paged per the spec, valid against the official 3.1 schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import UnauthenticatedError
from loaders.sample import sample_records
from service.principal import Principal
from service.settings import Settings

from .conftest import schema_errors

SCHEMA = Path(__file__).resolve().parent / "data" / "hsds-3.1" / "schema"


@pytest.fixture(scope="module")
def v31():
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    docs = {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in SCHEMA.glob("*.json") if p.name != "openapi.json"}
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT202012)) for name, doc in docs.items())
    cls = jsonschema.Draft202012Validator
    return {t: cls(docs[f"{t}.json"], registry=registry, format_checker=cls.FORMAT_CHECKER)
            for t in ("service", "organization", "taxonomy", "taxonomy_term")}


def _auth(store, header):
    if header is None:
        return Principal.anonymous()
    raise UnauthenticatedError(None, "this is not a Dolbom token")


@pytest.fixture
def client(make_store):
    from starlette.testclient import TestClient

    from api.app import create_app

    store = make_store("api", sample_records())
    with TestClient(create_app(store, Settings(), authenticate=_auth)) as c:
        yield c


PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
             "contents"}


def test_root_gives_the_version(client):
    r = client.get("/hsds/")
    assert r.status_code == 200 and r.json()["version"] == "3.1"


def test_services_paged_and_valid(client, v31):
    r = client.get("/hsds/services", params={"per_page": 3})
    body = r.json()
    assert r.status_code == 200 and set(body) == PAGE_KEYS
    assert (body["total_items"], body["total_pages"], body["size"], body["first_page"]) == (8, 3, 3, True)
    last = client.get("/hsds/services", params={"per_page": 3, "page": 3}).json()
    assert (last["size"], last["last_page"]) == (2, True)
    everything = client.get("/hsds/services").json()["contents"]
    assert schema_errors(v31["service"], everything) == []
    assert all(s["organization"]["id"] == s["organization_id"] for s in everything)
    ids = [s["id"] for s in body["contents"] + client.get("/hsds/services", params={"per_page": 3, "page": 2})
           .json()["contents"] + last["contents"]]
    assert sorted(ids) == sorted(s["id"] for s in everything)  # pages neither skip nor repeat


def test_services_filters(client):
    hit = client.get("/hsds/services", params={"search": "취업성공"}).json()
    assert [s["name"] for s in hit["contents"]] == ["취업성공패키지"]
    assert client.get("/hsds/services", params={"search": "없는말"}).json()["empty"] is True
    term = next(a["taxonomy_term_id"] for a in hit["contents"][0]["attributes"]
                if a["taxonomy_term"]["code"] == "EMPLOYMENT")
    by_term = client.get("/hsds/services", params={"taxonomy_term_id": term}).json()["contents"]
    assert "취업성공패키지" in [s["name"] for s in by_term]
    assert all(any(a["taxonomy_term_id"] == term for a in s["attributes"]) for s in by_term)
    seongnam = client.get("/hsds/services", params={"region_id": "gg-seongnam"}).json()["contents"]
    assert seongnam and "취업성공패키지" not in [s["name"] for s in seongnam]  # a Suwon service


def test_one_service_by_hsds_or_dolbom_id(client, v31):
    listed = client.get("/hsds/services", params={"search": "취업성공"}).json()["contents"][0]
    by_hsds = client.get(f"/hsds/services/{listed['id']}").json()
    assert by_hsds == listed and schema_errors(v31["service"], [by_hsds]) == []
    assert client.get("/hsds/services/svc-suwon-jobs").json()["id"] == listed["id"]
    r = client.get("/hsds/services/no-such")
    assert r.status_code == 404 and r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_organizations_and_taxonomies_valid(client, v31):
    orgs = client.get("/hsds/organizations").json()
    assert orgs["total_items"] == 7 and schema_errors(v31["organization"], orgs["contents"]) == []
    one = client.get(f"/hsds/organizations/{orgs['contents'][0]['id']}").json()
    assert all(s["organization_id"] == one["id"] for s in one["services"])
    taxes = client.get("/hsds/taxonomies").json()["contents"]
    assert taxes and schema_errors(v31["taxonomy"], taxes) == []
    terms = client.get("/hsds/taxonomy_terms", params={"per_page": 500}).json()["contents"]
    assert terms and schema_errors(v31["taxonomy_term"], terms) == []
    assert all(t["taxonomy"] != "dolbom-identifier" for t in terms)


@pytest.mark.parametrize("params,name", [({"page": "0"}, "page"), ({"per_page": "501"}, "per_page"),
                                         ({"per_page": "x"}, "per_page"), ({"format": "csv"}, "format"),
                                         ({"region_id": "nowhere"}, "region_id"),
                                         ({"search": " "}, "search")])
def test_bad_parameters_are_a_coded_400_naming_them(client, params, name):
    r = client.get("/hsds/services", params=params)
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["extensions"]["code"] == "BAD_USER_INPUT" and err["message"].startswith(f"{name}:")


def test_open_without_a_token_but_a_bad_token_is_401(client):
    assert client.get("/hsds/services").status_code == 200
    r = client.get("/hsds/services", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
