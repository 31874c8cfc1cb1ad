"""The /hsds/ API's errors in the request's language: Korean by default, English on request, the code and
the parameter's name unchanged."""

from __future__ import annotations

import re

import pytest

from graph.errors import UnauthenticatedError
from loaders.sample import sample_records
from service.principal import Principal
from service.settings import Settings

HANGUL = re.compile(r"[가-힣]")


def _auth(store, header):
    if header is None:
        return Principal.anonymous()
    raise UnauthenticatedError(None, "this is not a Dolbom token")


@pytest.fixture
def make_client(make_store):
    from starlette.testclient import TestClient

    from api.app import create_app

    opened = []

    def make(locale: str = "ko") -> TestClient:
        store = make_store(f"locale-{locale}", sample_records())
        c = TestClient(create_app(store, Settings(locale=locale), authenticate=_auth))
        c.__enter__()
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


def _error(r, status: int) -> tuple[str, str]:
    assert r.status_code == status, r.text
    err = r.json()["errors"][0]
    return err["extensions"]["code"], err["message"]


def test_bad_parameter_korean_by_default_english_on_request(make_client):
    c = make_client()
    code, ko = _error(c.get("/hsds/services", params={"per_page": "501"}), 400)
    assert code == "BAD_USER_INPUT"
    assert ko == "per_page: 1에서 500 사이여야 합니다 (입력: 501)"
    code, en = _error(c.get("/hsds/services", params={"per_page": "501", "locale": "en"}), 400)
    assert (code, en) == ("BAD_USER_INPUT", "per_page: must be between 1 and 500 (got 501)")
    code, header = _error(c.get("/hsds/services", params={"per_page": "501"},
                                headers={"Accept-Language": "en-US,en;q=0.9"}), 400)
    assert header == en
    # ?locale= wins over the header
    code, ko_again = _error(c.get("/hsds/services", params={"per_page": "501", "locale": "ko"},
                                  headers={"Accept-Language": "en"}), 400)
    assert ko_again == ko


@pytest.mark.parametrize("params,name,english", [
    ({"page": "0"}, "page", "must be at least 1 (got 0)"),
    ({"per_page": "x"}, "per_page", "must be a whole number (got 'x')"),
    ({"search": " "}, "search", "must be 1 to 200 characters"),
    ({"region_id": "nowhere"}, "region_id", "no Region with id nowhere"),
    ({"format": "csv"}, "format", "unknown query parameter (this route takes page, per_page, search, "
                                  "taxonomy_term_id, taxonomy_id, organization_id, region_id, locale)"),
])
def test_every_refusal_in_both_languages(make_client, params, name, english):
    c = make_client()
    _code, ko = _error(c.get("/hsds/services", params=params), 400)
    assert ko.startswith(f"{name}: ") and HANGUL.search(ko) and ko != f"{name}: {english}"
    code, en = _error(c.get("/hsds/services", params={**params, "locale": "en"}), 400)
    assert (code, en) == ("BAD_USER_INPUT", f"{name}: {english}")


def test_repeated_parameter(make_client):
    c = make_client()
    _code, ko = _error(c.get("/hsds/services?page=1&page=2"), 400)
    assert ko == "page: 한 번만 줄 수 있습니다"
    _code, en = _error(c.get("/hsds/services?page=1&page=2&locale=en"), 400)
    assert en == "page: given more than once"


def test_not_found_with_the_right_particle(make_client):
    c = make_client()
    code, ko = _error(c.get("/hsds/services/no-such"), 404)
    assert (code, ko) == ("NOT_FOUND", "ID가 'no-such'인 서비스가 없습니다")
    _code, org = _error(c.get("/hsds/organizations/no-such"), 404)
    assert org == "ID가 'no-such'인 기관이 없습니다"
    _code, en = _error(c.get("/hsds/organizations/no-such", params={"locale": "en"}), 404)
    assert en == "no Organization with id 'no-such'"


def test_deployment_language_is_the_default_and_a_request_can_override_it(make_client):
    c = make_client("en")
    _code, en = _error(c.get("/hsds/services", params={"page": "0"}), 400)
    assert en == "page: must be at least 1 (got 0)"
    korean = {"Accept-Language": "ko-KR"}
    _code, ko = _error(c.get("/hsds/services", params={"page": "0"}, headers=korean), 400)
    assert ko == "page: 1 이상이어야 합니다 (입력: 0)"


def test_unknown_locale_is_a_coded_400_naming_locale(make_client):
    c = make_client()
    code, ko = _error(c.get("/hsds/services", params={"locale": "fr"}), 400)
    assert code == "BAD_USER_INPUT" and ko.startswith("locale: ") and HANGUL.search(ko)
    _code, en = _error(c.get("/hsds/services", params={"locale": "fr"}, headers={"Accept-Language": "en"}),
                       400)
    assert en == "locale: must be one of ko, en (got 'fr')"


def test_locale_is_accepted_where_the_answer_is_fine(make_client):
    c = make_client()
    for path in ("/hsds/", "/hsds/services", "/hsds/organizations", "/hsds/taxonomies",
                 "/hsds/taxonomy_terms"):
        assert c.get(path, params={"locale": "en"}).status_code == 200, path


def test_bad_token_in_both_languages(make_client):
    c = make_client()
    code, ko = _error(c.get("/hsds/services", headers={"Authorization": "Bearer nope"}), 401)
    assert code == "UNAUTHENTICATED" and HANGUL.search(ko) and "this is not a Dolbom token" in ko
    _code, en = _error(c.get("/hsds/services", params={"locale": "en"},
                             headers={"Authorization": "Bearer nope"}), 401)
    assert en == "this is not a Dolbom token"
