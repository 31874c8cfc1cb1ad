"""The coordinators' reports the pages show speak the request's language: overlap group
messages and allocate's unmet-need messages in Korean by default (DOLBOM_LOCALE), in English
for ?locale=en or Accept-Language; the codes never change. coverage and overdue carry codes and
numbers only (the page words them from the catalogue): the same answer in both languages."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7a3]")
C = "coordinator"
DUP = ('mutation { registerService(input: {id: "svc-dup-food", name: "무료 급식", '
       'providerId: "org-suwon-city", domains: [FOOD], regionIds: ["gg-suwon"], '
       'form: IN_KIND, tags: ["meal-delivery"]}) { id } }')
OVERLAPS = 'query { overlaps(regionId: "gg-suwon") { domain tag services { id } message } }'
ALLOCATE = ('query { allocate(householdIds: ["hh-0001", "hh-0002", "hh-0003"]) { '
            'unmetNeeds { need { id } reason message } } }')


def _ask(client, query: str, path: str = "/graphql", **headers: str) -> dict:
    r = client.post(path, json={"query": query}, headers={"Authorization": f"Bearer {C}", **headers})
    body = r.json()
    assert r.status_code == 200 and not body.get("errors"), body
    return body["data"]


def test_overlap_messages_follow_the_request_language(client) -> None:
    r = client.post("/graphql", json={"query": DUP}, headers={"Authorization": f"Bearer {C}"})
    assert not r.json().get("errors"), r.json()
    ko = _ask(client, OVERLAPS)["overlaps"]
    en = _ask(client, OVERLAPS, "/graphql?locale=en")["overlaps"]
    by_header = _ask(client, OVERLAPS, **{"Accept-Language": "en-GB,en;q=0.8"})["overlaps"]
    assert ko and len(ko) == len(en)
    assert [(g["domain"], g["tag"], g["services"]) for g in ko] == [
        (g["domain"], g["tag"], g["services"]) for g in en]
    assert all(HANGUL.search(g["message"]) for g in ko)
    # the English message may quote a Korean service name, but its own words are English
    assert all(re.search(r"\b(services?|places?|offer)\b", g["message"]) for g in en), en
    assert not any(re.search(r"\bservices?\b", g["message"]) for g in ko)
    assert by_header == en


def test_unmet_messages_follow_the_request_language(client) -> None:
    ko = _ask(client, ALLOCATE)["allocate"]["unmetNeeds"]
    en = _ask(client, ALLOCATE, "/graphql?locale=en")["allocate"]["unmetNeeds"]
    assert ko and [(u["need"], u["reason"]) for u in ko] == [(u["need"], u["reason"]) for u in en]
    assert all(HANGUL.search(u["message"]) for u in ko)
    # the English message may quote a Korean place name; its own words (domain first) are English
    assert all(re.match(r"[A-Z][a-z ]+: ", u["message"]) for u in en), en
    assert not any(re.match(r"[A-Za-z ]+: ", u["message"]) for u in ko), ko
    assert ko != en


def test_the_deployment_language_is_the_default(make_gql) -> None:
    from service.settings import Settings

    _, client = make_gql(Settings(locale="en"))
    en = _ask(client, ALLOCATE)["allocate"]["unmetNeeds"]
    assert en and all(re.match(r"[A-Z][a-z ]+: ", u["message"]) for u in en), en


def test_coverage_and_overdue_are_codes_and_numbers_alike_in_both_languages(client) -> None:
    cov = ('query { coverage(regionId: "gg-suwon") { region { id } domain openNeeds missingNeeds unmetNeeds '
           'shortOfPlaces } }')
    assert _ask(client, cov)["coverage"] == _ask(client, cov, "/graphql?locale=en")["coverage"]
    due = 'query { overdue(asOf: "2099-01-01T00:00:00+09:00") { householdId urgency clock daysLate } }'
    ko, en = _ask(client, due)["overdue"], _ask(client, due, "/graphql?locale=en")["overdue"]
    assert ko == en and all(o["clock"] in ("accepted", "delivered") for o in ko)
