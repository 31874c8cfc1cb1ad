"""The hand-made sample served from Neo4j answers exactly as from the embedded store.

Both servers run docker-compose.yml's own ``dolbom serve`` command line (two
workers; only the host becomes 127.0.0.1 and the port a free one): one with
the compose service's environment pointed at the test Neo4j, one over an
embedded file. Tokens come from ``dolbom token create`` run against each
store. Then ``matchPackages``, ``coverage`` and ``allocate`` (and what a case
worker may see) must give the same JSON, byte for byte.
"""

from __future__ import annotations

import json

import pytest

from graph.embedded import EmbeddedStore
from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records
from tests.api_server.compose_serve import (
    Server,
    cli_env,
    compose_argv,
    embedded_env,
    make_token,
    neo4j_env_of_compose,
)

HOUSEHOLDS = ["hh-0001", "hh-0002", "hh-0003"]
RESOURCE = "resource { __typename ... on Service { id name } ... on Volunteer { id name } }"

MATCH = f"""
query($id: ID!) {{
  matchPackages(householdId: $id, limit: 5) {{
    rank cost coveredDomains missingDomains providerCount
    items {{ reasons needs {{ id domain }} {RESOURCE} }}
    flags {{ kind domain needIds serviceIds message reason }}
  }}
}}"""

COVERAGE = """
query($region: ID) {
  coverage(regionId: $region) {
    region { id } domain openNeeds uncoveredNeeds services freeCapacity unmetNeeds missingNeeds shortOfPlaces
  }
}"""

ALLOCATE = f"""
query($ids: [ID!]!) {{
  allocate(householdIds: $ids) {{
    objective optimal
    assignments {{ household {{ id }} need {{ id }} {RESOURCE} }}
    unmet {{ id }}
    unmetNeeds {{ reason message need {{ id }} }}
  }}
}}"""


@pytest.fixture(scope="module")
def servers(neo4j_env, tmp_path_factory):
    """(Neo4j server, embedded server, {role: (neo4j token, embedded token)}), both holding the sample."""
    tmp = tmp_path_factory.mktemp("serve-neo4j")
    with Neo4jStore.from_env(neo4j_env) as store:
        store.clear()
        store.put(*sample_records())
    db = tmp / "sample.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
    neo_cli, emb_cli = cli_env(neo4j_env), embedded_env(db)
    tokens = {
        role: (make_token(neo_cli, *args), make_token(emb_cli, *args))
        for role, args in {"coordinator": ("--role", "coordinator"),
                           "caseworker": ("--role", "caseworker", "--region", "gg-suwon")}.items()
    }
    with Server(neo4j_env_of_compose(neo4j_env), tmp / "neo4j.log") as neo, \
            Server(embedded_env(db), tmp / "embedded.log") as emb:
        yield neo, emb, tokens


def both(servers, query: str, variables: dict, role: str = "coordinator") -> tuple[str, str]:
    """The same request to both servers, each with its own token for ``role``: (neo4j, embedded) JSON."""
    neo, emb, tokens = servers
    out = []
    for server, token in zip((neo, emb), tokens[role], strict=True):
        status, body = server.post(query, variables, token)
        for error in body.get("errors", ()):
            error.get("extensions", {}).pop("requestId", None)  # each request's own
        out.append(json.dumps({"status": status, **body}, ensure_ascii=False, sort_keys=True))
    return out[0], out[1]


def test_the_compose_command_line_serves_neo4j(servers):
    neo, _, tokens = servers
    assert neo.argv[-7:] == ["serve", "--host", "127.0.0.1", "--port", str(neo.port), "--workers", "2"]
    assert compose_argv(8000)[3:] == ["serve", "--host", "127.0.0.1", "--port", "8000", "--workers", "2"]
    assert "NEO4J_URI" not in embedded_env("x")
    query = '{ household(id: "hh-0001") { id urgency needs { id } } }'
    data = neo.data(query, token=tokens["coordinator"][0])
    assert data["household"]["id"] == "hh-0001" and len(data["household"]["needs"]) == 4
    status, body = neo.post('{ household(id: "hh-0001") { id } }', token="dlb_" + "x" * 43)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("household", HOUSEHOLDS)
def test_match_packages_answers_as_the_embedded_store(servers, household):
    neo, emb = both(servers, MATCH, {"id": household})
    assert neo == emb
    assert json.loads(neo)["data"]["matchPackages"], "the sample gives every household a package"


@pytest.mark.parametrize("region", [None, "gg", "gg-suwon", "gg-seongnam-sinheung"])
def test_coverage_answers_as_the_embedded_store(servers, region):
    neo, emb = both(servers, COVERAGE, {"region": region})
    assert neo == emb
    assert json.loads(neo)["data"]["coverage"]


@pytest.mark.parametrize("households", [HOUSEHOLDS, ["hh-0003", "hh-0001"], ["hh-0002"]], ids=str)
def test_allocate_answers_as_the_embedded_store(servers, households):
    neo, emb = both(servers, ALLOCATE, {"ids": households})
    assert neo == emb
    assert json.loads(neo)["data"]["allocate"]["assignments"]


@pytest.mark.parametrize("household", HOUSEHOLDS)
def test_a_case_workers_token_from_the_cli_sees_the_same(servers, household):
    """hh-0002 is outside the case worker's region: both stores refuse it alike."""
    neo, emb = both(servers, MATCH, {"id": household}, role="caseworker")
    assert neo == emb
    assert ('"errors"' in neo) == (household == "hh-0002")
