"""GraphQL error messages speak the request's language (Korean by default, English on
request); codes and extensions do not change with it. Both stores."""

from __future__ import annotations

import pytest

from service.settings import Settings

MISSING = 'query { matchPackages(householdId: "no-such-household") { rank } }'
BAD_ID = ('mutation { createHousehold(input: {id: "hh-new", regionId: "gg-suwon", size: 0, '
          'incomePercent: 50, urgency: GENERAL}) { id } }')


def post(client, query: str, *, headers: dict[str, str] | None = None, params: str = "") -> dict:
    h = {"Authorization": "Bearer coordinator", **(headers or {})}
    r = client.post("/graphql" + params, json={"query": query}, headers=h)
    return {"status": r.status_code, **r.json()}


def test_a_missing_record_is_korean_by_default_and_english_on_request(client) -> None:
    ko = post(client, MISSING)["errors"][0]
    # the service's catalogue message, wholly in Korean (issue 19: no English detail after it)
    assert ko["message"] == "householdId: ID가 'no-such-household'인 가구가 없습니다"
    en = post(client, MISSING, headers={"Accept-Language": "en-US,en;q=0.9"})["errors"][0]
    assert en["message"] == "householdId: no Household with id 'no-such-household'"
    assert ko["extensions"]["code"] == en["extensions"]["code"] == "NOT_FOUND"
    assert ko["extensions"]["field"] == en["extensions"]["field"] == "householdId"


def test_the_locale_parameter_wins_over_the_header(client) -> None:
    en = post(client, MISSING, headers={"Accept-Language": "ko-KR"}, params="?locale=en")["errors"][0]
    assert en["message"].startswith("householdId: no Household")
    ko = post(client, MISSING, headers={"Accept-Language": "en"}, params="?locale=ko")["errors"][0]
    assert "가구가 없습니다" in ko["message"]


def test_an_unknown_locale_parameter_is_a_coded_400_and_an_unknown_header_is_ignored(client) -> None:
    r = post(client, MISSING, params="?locale=fr")
    assert r["status"] == 400 and r["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "locale" in r["errors"][0]["message"]
    ok = post(client, MISSING, headers={"Accept-Language": "fr-FR"})["errors"][0]
    assert "가구가 없습니다" in ok["message"]  # the deployment's language


def test_a_model_check_speaks_korean_and_a_graphql_error_leads_with_korean(client) -> None:
    r = post(client, BAD_ID)["errors"][0]
    assert r["extensions"]["field"] == "size" and r["extensions"]["code"] == "BAD_USER_INPUT", r
    assert r["message"].startswith("size: 1에서 ") and r["message"].endswith("사이여야 합니다 (입력: 0)")
    en = post(client, BAD_ID, headers={"Accept-Language": "en"})["errors"][0]
    assert en["message"].startswith("size: must be between 1 and ")
    syntax = post(client, "query { nosuchfield }")["errors"][0]
    assert syntax["message"].startswith("입력값이 올바르지 않습니다: ") and "nosuchfield" in syntax["message"]
    en = post(client, "query { nosuchfield }", headers={"Accept-Language": "en"})["errors"][0]
    assert en["message"].startswith("Cannot query field") \
        and syntax["extensions"]["code"] == en["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("env_locale, expected", [("en", "no Household"), ("ko", "가구가 없습니다")])
def test_the_deployment_default_follows_dolbom_locale(make_gql, env_locale: str, expected: str) -> None:
    gql, _ = make_gql(Settings(locale=env_locale))
    r = gql(MISSING, "coordinator")
    assert expected in r.errors[0]["message"]


def test_an_unauthenticated_answer_is_localised_too(client) -> None:
    r = client.post("/graphql", json={"query": "{ __typename }"}, headers={"Authorization": "Bearer nobody"})
    assert r.status_code == 401 and r.json()["errors"][0]["message"].startswith("인증이 필요합니다")
    r = client.post("/graphql", json={"query": "{ __typename }"},
                    headers={"Authorization": "Bearer nobody", "Accept-Language": "en"})
    assert r.status_code == 401 and r.json()["errors"][0]["message"] == "unknown or malformed token"
