"""Limits: depth, aliases, tokens, page size, allocate size, match limit, body
size; and the app's other knobs (GraphiQL, CORS, health)."""

from __future__ import annotations

import pytest

from graph.errors import ValidationError
from service.settings import Settings

C = "coordinator"
DEEP = 'query { region(id: "gg-suwon-maetan") { parent { parent { parent { id } } } } }'


def test_depth_limit(make_gql):
    gql, _ = make_gql(Settings(max_depth=3))
    assert gql('query { region(id: "gg") { parent { id } } }').ok()
    r = gql(DEEP)
    assert r.code == "BAD_USER_INPUT" and "depth" in r.errors[0]["message"]


def test_depth_limit_counts_fragments(make_gql):
    gql, _ = make_gql(Settings(max_depth=3))
    r = gql('query { region(id: "gg") { ...A } } '
            'fragment A on Region { parent { parent { parent { id } } } }')
    assert r.code == "BAD_USER_INPUT"


def test_alias_limit(make_gql):
    gql, _ = make_gql(Settings(max_aliases=2))
    assert gql('query { a: region(id: "gg") { id } b: region(id: "gg") { id } }').ok()
    r = gql('query { a: region(id: "gg") { id } b: region(id: "gg") { id } c: region(id: "gg") { id } }')
    assert r.code == "BAD_USER_INPUT" and "aliases" in r.errors[0]["message"].lower()


def test_token_limit(make_gql):
    gql, _ = make_gql(Settings(max_tokens=20))
    assert gql('{ region(id: "gg") { id } }').ok()
    r = gql('{ region(id: "gg") { id name level parent { id name level parent { id name level } } } }')
    assert r.code == "BAD_USER_INPUT" and "token" in r.errors[0]["message"].lower()


def test_first_is_capped_at_500_by_default(gql):
    assert gql("{ services(first: 500) { totalCount } }").ok()
    r = gql("{ services(first: 501) { totalCount } }")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "first"
    assert gql("{ services(first: -1) { totalCount } }").code == "BAD_USER_INPUT"


def test_first_cap_is_configurable(make_gql):
    gql, _ = make_gql(Settings(max_first=2))
    assert gql("{ services(first: 3) { totalCount } }").code == "BAD_USER_INPUT"


def test_allocate_is_capped_at_5000_households_by_default(gql):
    ids = [f"hh-{i}" for i in range(5001)]
    r = gql("query($ids: [ID!]!) { allocate(householdIds: $ids) { optimal } }", C, ids=ids)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "householdIds"


def test_allocate_cap_is_configurable(make_gql):
    gql, _ = make_gql(Settings(max_allocate=2))
    r = gql('query { allocate(householdIds: ["hh-0001", "hh-0002", "hh-0003"]) { optimal } }', C)
    assert r.code == "BAD_USER_INPUT"
    assert gql('query { allocate(householdIds: ["hh-0001", "hh-0003"]) { optimal } }', C).ok()


@pytest.mark.parametrize("limit", [0, 21])
def test_match_limit(gql, limit):
    r = gql(f'query {{ matchPackages(householdId: "hh-0001", limit: {limit}) {{ rank }} }}', C)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "limit"


def test_body_cap_by_content_length(make_gql):
    _, client = make_gql(Settings(max_body_bytes=200))
    r = client.post("/graphql", json={"query": "{ services { totalCount } }", "pad": "x" * 300})
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert client.post("/graphql", json={"query": "{ services { totalCount } }"}).status_code == 200


def test_body_cap_while_streaming(make_gql):
    _, client = make_gql(Settings(max_body_bytes=200))

    def chunks():
        yield b'{"query": "{ services { totalCount } }", "pad": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}'

    r = client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_graphiql_on_and_off(make_gql):
    _, on = make_gql(Settings(graphiql=True))
    _, off = make_gql(Settings(graphiql=False))
    html = {"accept": "text/html"}
    assert "graphiql" in on.get("/graphql", headers=html).text.lower()
    assert off.get("/graphql", headers=html).status_code != 200


def test_cors(make_gql):
    _, client = make_gql(Settings(cors_origins=("https://hub.example",)))
    pre = client.options("/graphql", headers={"Origin": "https://hub.example",
                                              "Access-Control-Request-Method": "POST"})
    assert pre.headers.get("access-control-allow-origin") == "https://hub.example"
    other = client.options("/graphql", headers={"Origin": "https://evil.example",
                                                "Access-Control-Request-Method": "POST"})
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"


def test_health_and_readiness(client, store, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200

    def down():
        raise ValidationError(None, "down")

    monkeypatch.setattr(store, "ping", down)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_settings_from_env():
    s = Settings.from_env({"DOLBOM_MAX_DEPTH": "7", "DOLBOM_CORS_ORIGINS": "https://a, https://b",
                           "DOLBOM_GRAPHIQL": "off", "DOLBOM_MAX_BODY_BYTES": "2048"})
    assert (s.max_depth, s.cors_origins, s.graphiql) == (7, ("https://a", "https://b"), False)
    assert s.max_body_bytes == 2048
    assert Settings.from_env({}) == Settings()
    with pytest.raises(ValidationError) as e:
        Settings.from_env({"DOLBOM_MAX_FIRST": "many"})
    assert e.value.field == "DOLBOM_MAX_FIRST"
    with pytest.raises(ValidationError):
        Settings.from_env({"DOLBOM_MAX_ALLOCATE": "0"})


def _run_body_limit(chunks: list[dict], timeout: float, after_body: float | None = None) -> list[dict]:
    """Drive BodyLimitMiddleware with ``chunks`` (then silence) in front of an app that reads
    the whole body, then (``after_body``) waits for the disconnect; returns what was sent."""
    import asyncio

    from api.middleware import BodyLimitMiddleware

    sent: list[dict] = []

    async def app(scope, receive, send):
        msg = await receive()
        while msg.get("more_body"):
            msg = await receive()
        if after_body is not None:
            assert (await receive())["type"] == "http.disconnect"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        if chunks:
            return chunks.pop(0)
        await asyncio.sleep(after_body if after_body is not None else 3600)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": [],
             "state": {"request_id": "r1"}}
    limited = BodyLimitMiddleware(app, max_bytes=1000, timeout=timeout)
    asyncio.run(asyncio.wait_for(limited(scope, receive, send), 5))
    return sent


def test_a_half_sent_body_is_refused_with_408_at_the_read_timeout():
    import json
    import time

    t = time.perf_counter()
    sent = _run_body_limit([{"type": "http.request", "body": b'{"query": "{ ser', "more_body": True}], 0.3)
    assert time.perf_counter() - t < 2
    start = sent[0]
    assert start["status"] == 408 and (b"connection", b"close") in start["headers"]
    err = json.loads(sent[1]["body"])["errors"][0]
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "requestId": "r1"} and "0.3 s" in err["message"]


def test_the_read_timeout_spares_a_body_that_arrived_and_a_wait_for_the_disconnect():
    chunks = [{"type": "http.request", "body": b"ab", "more_body": True},
              {"type": "http.request", "body": b"cd", "more_body": False}]
    sent = _run_body_limit(chunks, 0.2, after_body=0.5)
    assert sent[0]["status"] == 200


def test_the_new_limits_come_from_the_environment():
    s = Settings.from_env({"DOLBOM_BODY_TIMEOUT": "2.5", "DOLBOM_TIME_BUDGET": "9",
                           "DOLBOM_HEAVY_WORKERS": "3", "DOLBOM_MAX_COST_ANONYMOUS": "123",
                           "DOLBOM_MAX_COST_CASEWORKER": "456", "DOLBOM_MAX_COST_COORDINATOR": "789"})
    assert (s.body_timeout, s.time_budget, s.heavy_workers) == (2.5, 9.0, 3)
    assert [s.max_cost(r) for r in ("anonymous", "caseworker", "coordinator")] == [123, 456, 789]
    with pytest.raises(ValidationError) as e:
        Settings.from_env({"DOLBOM_HEAVY_WORKERS": "0"})
    assert e.value.field == "DOLBOM_HEAVY_WORKERS"
