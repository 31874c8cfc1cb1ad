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
