"""matchPackages speaks the request's language: reasons and flag messages in Korean by
default (DOLBOM_LOCALE), in English for ?locale=en; the codes never change."""

from __future__ import annotations

Q = ('query { matchPackages(householdId: "hh-0001", limit: 1) { items { reasons } '
     'flags { kind reason message } } }')


def _match(client, path: str, **headers: str) -> dict:
    r = client.post(path, json={"query": Q}, headers={"Authorization": "Bearer caseworker", **headers})
    body = r.json()
    assert r.status_code == 200 and not body.get("errors"), body
    return body["data"]["matchPackages"][0]


def test_reasons_and_flags_follow_the_request_language(client) -> None:
    ko = _match(client, "/graphql")
    en = _match(client, "/graphql?locale=en")
    by_header = _match(client, "/graphql", **{"Accept-Language": "en-US,en;q=0.9"})
    ko_reasons = [r for i in ko["items"] for r in i["reasons"]]
    en_reasons = [r for i in en["items"] for r in i["reasons"]]
    assert any("욕구 유형에 맞음" in r for r in ko_reasons)
    assert not any("fits the need" in r for r in ko_reasons)
    assert any("fits the need" in r for r in en_reasons) and by_header == en
    assert len(ko_reasons) == len(en_reasons)
    assert [(f["kind"], f["reason"]) for f in ko["flags"]] == [(f["kind"], f["reason"]) for f in en["flags"]]
    assert all(f["message"] for f in ko["flags"]) and ko["flags"] != en["flags"]


def test_the_deployment_language_is_the_default(make_gql) -> None:
    from service.settings import Settings

    _, client = make_gql(Settings(locale="en"))
    en = _match(client, "/graphql")
    assert any("fits the need" in r for i in en["items"] for r in i["reasons"])
