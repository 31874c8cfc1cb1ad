"""Fixtures for the API tests: an app over an embedded store in tmp_path
loaded with the sample graph, and a ``gql`` helper that calls /graphql as a
given caller.

Callers are named by the bearer token the fake authenticator accepts:

==================  =============================================================
token               principal
==================  =============================================================
(none)              anonymous
coordinator         COORDINATOR
caseworker          CASEWORKER of gg-suwon (households hh-0001, hh-0003)
caseworker-sn       CASEWORKER of gg-seongnam (household hh-0002)
partner-bar         PARTNER org-gg-bar (svc-gg-legal; ref-0001 goes to it)
partner-medical     PARTNER org-gg-medical (svc-gg-clinic; no referrals)
==================  =============================================================

Any other token is refused (HTTP 401, UNAUTHENTICATED), as the real
``service.tokens.authenticate`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from loaders.sample import sample_records
from service.principal import Principal, Role
from service.settings import Settings

PRINCIPALS: dict[str, Principal] = {
    "coordinator": Principal(Role.COORDINATOR, token_id="t-coord"),
    "caseworker": Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw"),
    "caseworker-sn": Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-cw-sn"),
    "partner-bar": Principal(Role.PARTNER, organization_id="org-gg-bar", token_id="t-bar"),
    "partner-medical": Principal(Role.PARTNER, organization_id="org-gg-medical", token_id="t-med"),
}


def fake_authenticate(store: Any, header: str | None) -> Principal:
    """Bearer <name> for the names above; no header → anonymous; else UNAUTHENTICATED."""
    from service.permissions import unauthenticated

    if header is None or not header.strip():
        return Principal.anonymous()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or token.strip() not in PRINCIPALS:
        raise unauthenticated("unknown or malformed token")
    return PRINCIPALS[token.strip()]


@pytest.fixture(scope="session")
def authenticator():
    """The fake authenticator, for fixtures that build their own app."""
    return fake_authenticate


@dataclass
class Result:
    status: int
    body: dict[str, Any]
    headers: Any = None
    data: Any = field(init=False)
    errors: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.body.get("data")
        self.errors = self.body.get("errors") or []

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    @property
    def code(self) -> str | None:
        """The one error code of a failed call (asserts there is exactly one error)."""
        assert len(self.errors) == 1, self.body
        return self.codes[0]

    def ok(self) -> Any:
        assert self.status == 200 and not self.errors, self.body
        return self.data


def ask_report(client, field: str, query: str, who: str, region_id: str | None, lang: str) -> Any:
    """A region report (``coverage``, ``overlaps``) for ``regionId`` as ``who`` in language ``lang``:
    its data, asserting it came without errors."""
    r = client.post("/graphql", json={"query": query, "variables": {"regionId": region_id}},
                    headers={"Authorization": f"Bearer {who}", "Accept-Language": lang})
    body = r.json()
    assert r.status_code == 200 and "errors" not in body, body
    return body["data"][field]


@pytest.fixture(params=["embedded", "neo4j"])
def store(request):
    """The sample graph in each store: every API test runs on both (Neo4j: the
    session's test server, emptied first; see tests/neo4j_server.py)."""
    if request.param == "neo4j":
        s = request.getfixturevalue("neo4j_store")
        s.put(*sample_records())
        yield s
        return
    yield request.getfixturevalue("sample_store")


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def client(store, settings):
    from starlette.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(store, settings, authenticate=fake_authenticate)) as c:
        yield c


@pytest.fixture
def gql(client):
    """``gql(query, who=None, **variables) -> Result``."""

    def call(query: str, who: str | None = None, **variables: Any) -> Result:
        headers = {"Authorization": f"Bearer {who}"} if who else {}
        r = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        return Result(r.status_code, r.json(), r.headers)

    return call


@pytest.fixture
def make_gql(store):
    """``make_gql(settings) -> (gql, client)`` over the same store with other settings."""
    from starlette.testclient import TestClient

    from api.app import create_app

    clients = []

    def make(settings: Settings):
        c = TestClient(create_app(store, settings, authenticate=fake_authenticate))
        clients.append(c)

        def call(query: str, who: str | None = None, **variables: Any) -> Result:
            headers = {"Authorization": f"Bearer {who}"} if who else {}
            r = c.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
            return Result(r.status_code, r.json(), r.headers)

        return call, c

    yield make
    for c in clients:
        c.close()
