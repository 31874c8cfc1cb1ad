"""``kill -9`` of ``dolbom serve`` over Neo4j in the middle of a burst of writes
loses no acknowledged write and leaves no unit of work in part.

The server runs docker-compose's command line (two workers) on loopback.
Client threads send a burst of mutations: accepting referrals (each accept
writes the referral's status and the service's count of used places in one
unit of work) and creating households. Once enough are acknowledged, the
whole process group is killed at a random moment. Then, read from Neo4j
directly:

* every acknowledged household exists and every acknowledged accept is there;
* the service's used places equal its accepted referrals (no accept in part);
* at most one unacknowledged write per client thread landed (those in flight);
* a new server on the same database takes writes.

The embedded store's version is tests/test_durability.py.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from graph.model import Need, Referral, Service
from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records
from tests.api_server.compose_serve import Server, cli_env, make_token, neo4j_env_of_compose

REFERRALS = 400
CLIENTS = 4
ACKS = 40  # acknowledged writes before the kill
ACK_TIMEOUT = 60.0

ACCEPT = "mutation($id: ID!) { updateReferral(id: $id, status: ACCEPTED) { id status } }"
CREATE = """mutation($id: ID!) {
  createHousehold(input: {id: $id, regionId: "gg-suwon-jowon", size: 1, incomePercent: 30,
                          urgency: GENERAL}) { id }
}"""


def seed(store: Neo4jStore) -> None:
    store.clear()
    store.put(*sample_records())
    store.put(Service(id="svc-burst", name="집중 주거 상담", provider_id="org-suwon-city",
                      domains=["HOUSING"], region_ids=["gg-suwon"], capacity=10 * REFERRALS))
    store.put(*[Need(id=f"need-b{i}", household_id="hh-0003", domain="HOUSING", severity=3)
                for i in range(REFERRALS)])
    store.put(*[Referral(id=f"ref-b{i}", household_id="hh-0003", resource_label="Service",
                         resource_id="svc-burst", need_ids=[f"need-b{i}"], status="SENT")
                for i in range(REFERRALS)])


class Burst:
    """Client threads writing until told to stop or the server goes away."""

    def __init__(self, server: Server, token: str, round_: int) -> None:
        self.server, self.token, self.round = server, token, round_
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.accepted: set[str] = set()
        self.created: set[str] = set()
        self.sent = {"accept": 0, "create": 0}
        self.threads = [threading.Thread(target=self._client, args=(t,), daemon=True) for t in range(CLIENTS)]

    def _client(self, t: int) -> None:
        for i in range(t, REFERRALS, CLIENTS):  # bounded: each client's share of the referrals
            if self.stop.is_set():
                return
            if i % 2 == 0:
                kind, name, query, var = "accept", f"ref-b{i}", ACCEPT, {"id": f"ref-b{i}"}
            else:
                kind, name = "create", f"hh-r{self.round}-{i}"
                query, var = CREATE, {"id": name}
            with self.lock:
                self.sent[kind] += 1
            try:
                status, body = self.server.post(query, var, self.token, timeout=30)
            except OSError:  # the server was killed: this write is not acknowledged
                return
            if status == 200 and not body.get("errors"):
                with self.lock:
                    (self.accepted if kind == "accept" else self.created).add(name)

    def acks(self) -> int:
        with self.lock:
            return len(self.accepted) + len(self.created)

    def start(self) -> None:
        for th in self.threads:
            th.start()

    def join(self) -> None:
        self.stop.set()
        for th in self.threads:
            th.join(timeout=60)
            assert not th.is_alive(), "a client thread hung"


def crash_round(neo4j_env, tmp_path, token: str, round_: int) -> Burst:
    """A burst against a fresh server, killed with SIGKILL mid-burst."""
    server = Server(neo4j_env_of_compose(neo4j_env), tmp_path / f"serve-{round_}.log")
    burst = Burst(server, token, round_)
    try:
        burst.start()
        deadline = time.monotonic() + ACK_TIMEOUT
        while burst.acks() < ACKS:
            assert time.monotonic() < deadline, f"only {burst.acks()} acknowledged writes in {ACK_TIMEOUT} s"
            assert any(th.is_alive() for th in burst.threads), "the burst ended before the kill"
            time.sleep(0.01)
        time.sleep(random.uniform(0, 0.3))  # a random phase: in a unit, in a commit, before a reply
        assert server.proc.poll() is None, "the server must be killed while it is serving"
    finally:
        server.kill()
        burst.join()
    return burst


def check(store: Neo4jStore, bursts: list[Burst]) -> None:
    accepted = {r.key for r in store.list("Referral") if r.status.value == "ACCEPTED"}
    households = {r.key for r in store.list("Household")}
    acked_accepts = set().union(*(b.accepted for b in bursts))
    acked_creates = set().union(*(b.created for b in bursts))
    lost = sorted(acked_accepts - accepted)[:5]
    assert not lost, f"acknowledged accepts lost: {lost}"
    lost = sorted(acked_creates - households)[:5]
    assert not lost, f"acknowledged households lost: {lost}"
    assert store.get("Service", "svc-burst").used == len(accepted), "an accept landed in part"
    in_flight = CLIENTS * len(bursts)
    assert len(accepted - acked_accepts) + len(
        {h for h in households if h.startswith("hh-r")} - acked_creates) <= in_flight


def test_acknowledged_writes_survive_kill_9_of_the_server(neo4j_env, tmp_path):
    with Neo4jStore.from_env(neo4j_env) as store:
        seed(store)
    token = make_token(cli_env(neo4j_env), "--role", "coordinator")
    bursts = []
    for round_ in range(2):
        bursts.append(crash_round(neo4j_env, tmp_path, token, round_))
        with Neo4jStore.from_env(neo4j_env) as store:
            check(store, bursts)
    assert sum(len(b.accepted) for b in bursts) > 0 and sum(len(b.created) for b in bursts) > 0
    # the database takes writes after the crashes: a new server, a write, a read
    with Server(neo4j_env_of_compose(neo4j_env), tmp_path / "after.log") as server:
        server.data(CREATE, {"id": "hh-after"}, token)
        read = server.data('{ household(id: "hh-after") { id } }', token=token)
        assert read["household"]["id"] == "hh-after"


def test_the_checker_sees_a_lost_write_and_an_accept_in_part(neo4j_store):
    """The negative control: the checks above fail on a store that lost an
    acknowledged write or holds an accept without its place taken."""
    seed(neo4j_store)
    burst = Burst.__new__(Burst)
    burst.accepted, burst.created = {"ref-b0"}, {"hh-r0-1"}
    with pytest.raises(AssertionError, match="acknowledged accepts lost"):
        check(neo4j_store, [burst])
    neo4j_store.put(neo4j_store.get("Referral", "ref-b0").replace(status="ACCEPTED"))
    with pytest.raises(AssertionError, match="acknowledged households lost"):
        check(neo4j_store, [burst])
    burst.created = set()
    with pytest.raises(AssertionError, match="an accept landed in part"):
        check(neo4j_store, [burst])
