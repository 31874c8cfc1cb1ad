"""``dolbom serve`` as users run it: a real uvicorn on a loopback port, in a
subprocess, with two worker processes over one embedded file."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from graph.model import Need, Referral, Service
from service.principal import Role
from service.tokens import create_token
from tests.spawn import Spawned, free_port, serve_argv

ROOT = Path(__file__).resolve().parents[2]
CAPACITY = 10
CLIENTS = 40


@pytest.fixture(scope="module")
def server(sample_db):
    db = Path(sample_db)
    with EmbeddedStore(db) as store:
        store.put(Service(id="svc-ten", name="열 자리 주거 상담", provider_id="org-suwon-city",
                          domains=["HOUSING"], region_ids=["gg-suwon"], capacity=CAPACITY))
        store.put(*[Need(id=f"need-c{i}", household_id="hh-0003", domain="HOUSING", severity=3)
                    for i in range(CLIENTS)])
        store.put(*[Referral(id=f"ref-c{i}", household_id="hh-0003", resource_label="Service",
                             resource_id="svc-ten", need_ids=[f"need-c{i}"], status="SENT")
                    for i in range(CLIENTS)])
        token = create_token(store, Role.COORDINATOR)
    port = free_port()
    # a server that dies or never answers fails the setup with its log tail (SpawnError)
    with Spawned(serve_argv(db, port, "--workers", "2"), log_path=db.parent / "serve.log") as spawned:
        yield {"base": spawned.base, "token": token, "db": db}


def _post(server, query: str, variables: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"{server['base']}/graphql", headers=headers,
                                 data=json.dumps({"query": query, "variables": variables or {}}).encode())
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_health_readiness_and_the_network_page(server):
    for path in ("/healthz", "/readyz"):
        with urllib.request.urlopen(server["base"] + path, timeout=5) as r:
            assert r.status == 200 and json.load(r) == {"status": "ok"}
    with urllib.request.urlopen(server["base"] + "/network/", timeout=5) as r:
        page = r.read().decode()
    assert "Dolbom network" in page and "vendor/cytoscape.min.js" in page


def test_a_token_made_by_the_cli_works_and_a_wrong_one_is_401(server):
    made = subprocess.run([sys.executable, "-m", "api.cli", "token", "create", "--role", "caseworker",
                           "--region", "gg-suwon", "--db", str(server["db"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    status, body = _post(server, '{ household(id: "hh-0001") { id urgency } }', token=token)
    assert status == 200 and body["data"]["household"]["id"] == "hh-0001", body
    status, body = _post(server, '{ household(id: "hh-0001") { id } }', token="dlb_" + "x" * 43)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    status, body = _post(server, '{ region(id: "gg") { name } }')
    assert status == 200 and body["data"]["region"]["name"]


def test_parallel_clients_never_overbook_a_service_across_workers(server):
    mutation = "mutation($id: ID!) { updateReferral(id: $id, status: ACCEPTED) { id status } }"
    start = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(i: int) -> None:
        start.wait()
        status, body = _post(server, mutation, {"id": f"ref-c{i}"}, token=server["token"])
        if body.get("errors"):
            result = body["errors"][0]["extensions"]["code"]
        else:
            result = body["data"]["updateReferral"]["status"]
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ACCEPTED"] * CAPACITY + ["CONFLICT"] * (CLIENTS - CAPACITY)
    with EmbeddedStore(server["db"]) as store:
        assert store.get("Service", "svc-ten").used == CAPACITY
        accepted = [r for r in store.list("Referral")
                    if r.resource_id == "svc-ten" and r.status.value == "ACCEPTED"]
        assert len(accepted) == CAPACITY
