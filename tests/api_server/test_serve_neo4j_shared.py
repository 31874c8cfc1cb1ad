"""Two ``dolbom serve`` processes (docker-compose's command line, two workers
each) over one Neo4j: what one acknowledges, the other answers at once. One
of them opens Neo4j through a ``neo4j://`` routing URI, as it would an Aura
or Enterprise cluster."""

from __future__ import annotations

import subprocess
import sys

import pytest

from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records
from tests.api_server.compose_serve import ROOT, Server, cli_env, make_token, neo4j_env_of_compose

CREATE = """mutation($id: ID!) {
  createHousehold(input: {id: $id, regionId: "gg-suwon-maetan", size: 2, incomePercent: 40,
                          urgency: FOCUSED}) { id }
}"""
ADD_NEED = """mutation($hh: ID!, $id: ID!) {
  addNeed(householdId: $hh, input: {id: $id, domain: HOUSING, severity: 4, detail: "월세 체납"}) { id }
}"""
READ = """query($id: ID!) {
  household(id: $id) { id size needs { id domain } }
  matchPackages(householdId: $id) { coveredDomains missingDomains }
}"""
SET_STATUS = "mutation($id: ID!, $s: ReferralStatus!) { updateReferral(id: $id, status: $s) { id status } }"
STATUS = '{ household(id: "hh-0001") { referrals { id status } } }'


@pytest.fixture(scope="module")
def pair(neo4j_env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shared")
    with Neo4jStore.from_env(neo4j_env) as store:
        store.clear()
        store.put(*sample_records())
    routed = {**neo4j_env, "NEO4J_URI": neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://", 1)}
    token = make_token(cli_env(neo4j_env), "--role", "coordinator")
    with Server(neo4j_env_of_compose(neo4j_env), tmp / "a.log") as a, \
            Server(neo4j_env_of_compose(routed), tmp / "b.log") as b:
        yield a, b, token


def test_one_process_reads_what_the_other_just_wrote(pair):
    a, b, token = pair
    for i in range(8):
        write, read = (a, b) if i % 2 == 0 else (b, a)
        hid = f"hh-rw-{i}"
        write.data(CREATE, {"id": hid}, token)
        got = read.data(READ, {"id": hid}, token)
        assert got["household"] == {"id": hid, "size": 2, "needs": []}
        write.data(ADD_NEED, {"hh": hid, "id": f"need-rw-{i}"}, token)
        got = read.data(READ, {"id": hid}, token)  # at once: no view, cache or copy to catch up
        assert got["household"]["needs"] == [{"id": f"need-rw-{i}", "domain": "HOUSING"}]
        packages = got["matchPackages"]
        assert packages and all("HOUSING" in p["coveredDomains"] + p["missingDomains"] for p in packages)


def status_of(server: Server, token: str, referral: str) -> str:
    referrals = server.data(STATUS, token=token)["household"]["referrals"]
    return next(r["status"] for r in referrals if r["id"] == referral)


def test_a_referral_moved_on_one_process_is_moved_on_the_other(pair):
    a, b, token = pair
    assert status_of(b, token, "ref-0001") == "SENT"
    moved = a.data(SET_STATUS, {"id": "ref-0001", "s": "ACCEPTED"}, token)["updateReferral"]
    assert moved["status"] == "ACCEPTED" and status_of(b, token, "ref-0001") == "ACCEPTED"
    # b's unit of work reads the move a made: DELIVERED follows only ACCEPTED
    delivered = b.data(SET_STATUS, {"id": "ref-0001", "s": "DELIVERED"}, token)["updateReferral"]
    assert delivered["status"] == "DELIVERED"
    assert status_of(a, token, "ref-0001") == "DELIVERED"


def test_a_token_revoked_by_the_cli_is_refused_by_both_at_once(pair, neo4j_env):
    a, b, _ = pair
    token = make_token(cli_env(neo4j_env), "--role", "coordinator")
    for server in (a, b):
        server.data('{ household(id: "hh-0001") { id } }', token=token)
    listed = subprocess.run([sys.executable, "-m", "api.cli", "token", "list"], cwd=ROOT,
                            env=cli_env(neo4j_env), capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines()[1:]]
    for token_id in ids:  # revoke them all: which id is this token's is not shown
        done = subprocess.run([sys.executable, "-m", "api.cli", "token", "revoke", token_id], cwd=ROOT,
                              env=cli_env(neo4j_env), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    for server in (a, b):
        status, body = server.post('{ household(id: "hh-0001") { id } }', token=token)
        assert status == 401 and "폐기" in body["errors"][0]["message"], body  # "revoked", Korean by default
