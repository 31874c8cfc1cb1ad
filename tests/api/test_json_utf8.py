"""/graphql answers in compact UTF-8 JSON: Hangul as itself, not as \\uXXXX escapes."""

from __future__ import annotations

import json


def test_hangul_is_sent_as_utf8_not_escaped(client):
    r = client.post("/graphql", json={"query": '{ region(id: "gg-suwon") { name } }'})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    name = r.json()["data"]["region"]["name"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in name), name  # the sample's region names are Korean
    assert name.encode("utf-8") in r.content and b"\\u" not in r.content
    assert r.content == json.dumps(r.json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_a_lone_surrogate_echoed_from_the_request_is_escaped_never_a_500(client):
    """JSON may carry "\\ud800"; UTF-8 cannot. An answer that echoes one (a refused enum value, an
    operation name) is sent as escaped ASCII JSON with its coded error."""
    cases = [
        ({"query": "query($d: Domain) { services(domain: $d) { totalCount } }", "variables": {"d": "\ud800"}},
         200),
        ({"query": '{ region(id: "gg") { id } }', "operationName": "\ud800"}, 200),
        ({"query": "query Q { region(id: \"gg\") { id } } query R { region(id: \"gg\") { id } }",
          "operationName": "\ud800"}, 200),
    ]
    for payload, status in cases:
        raw = json.dumps(payload).encode("ascii")  # \ud800 as an escape: valid JSON
        r = client.post("/graphql", content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code in (status, 400), (r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json")
        errors = r.json()["errors"]
        assert errors and errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
        assert r.content.isascii()
