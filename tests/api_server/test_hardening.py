"""``dolbom serve`` under the outside run's probes, on loopback: a real uvicorn
over the 2,000-household synthetic province.

* /healthz and directory reads stay fast (p99 under 200 ms) while clients loop
  network, coverage and overlaps (they waited 1.7 s and 18 s);
* a half-sent body is answered 408 and the connection closed (it was held open
  for ever);
* a token sent in the URL never reaches the log, and each request is logged
  once (uvicorn's access line logged the query string, and twice in all).

Every loop here is bounded in requests and seconds.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from graph.embedded import EmbeddedStore
from loaders import synthetic
from service.principal import Role
from service.tokens import create_token
from tests.spawn import Spawned, free_port, serve_argv

HOUSEHOLDS = 2000
LOAD_SECONDS = 12
HEAVY = [
    "{ network { nodes { id kind label group weight } edges { source target kind weight } } }",
    "{ coverage { domain openNeeds uncoveredNeeds services freeCapacity region { id name } } }",
    "{ overlaps { domain message region { id } services { id } } }",
]
DIRECTORY = "{ services(first: 20) { totalCount edges { node { id name provider { name } } } } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("hardening") / "province.db"
    with EmbeddedStore(db) as store:
        synthetic.populate(store, HOUSEHOLDS, seed=1)
        token = create_token(store, Role.COORDINATOR)
    env = dict(os.environ, DOLBOM_BODY_TIMEOUT="1")
    log = db.parent / "serve.log"
    with Spawned(serve_argv(db, free_port()), env=env, log_path=log) as spawned:
        yield {"base": spawned.base, "port": spawned.port, "token": token, "log": log}


def _post(server, query: str, token: str | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    h = {"Content-Type": "application/json", **(headers or {})}
    if token:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(server["base"] + "/graphql", data=json.dumps({"query": query}).encode(),
                                 headers=h)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def test_health_and_directory_reads_stay_fast_while_analytics_run(server):
    stop = time.monotonic() + LOAD_SECONDS
    answered = []
    lock = threading.Lock()

    def load(i: int) -> None:
        for n in range(60):
            if time.monotonic() > stop:
                return
            status, body = _post(server, HEAVY[(i + n) % len(HEAVY)], server["token"])
            with lock:
                answered.append(status == 200 and b'"errors"' not in body)

    loaders = [threading.Thread(target=load, args=(i,)) for i in range(3)]
    for t in loaders:
        t.start()
    time.sleep(1)  # the analytics are under way
    health: list[float] = []
    reads: list[float] = []
    while time.monotonic() < stop - 0.5 and len(health) < 1000:
        t0 = time.perf_counter()
        with urllib.request.urlopen(server["base"] + "/healthz", timeout=30) as r:
            assert r.status == 200
        health.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        status, body = _post(server, DIRECTORY)
        reads.append(time.perf_counter() - t0)
        assert status == 200 and b'"errors"' not in body, body
        time.sleep(0.05)
    for t in loaders:
        t.join(120)
    assert sum(answered) >= 3 and all(answered), answered  # the analytics ran, and were answered
    assert len(health) >= 50
    report = (f"healthz p99 {_p99(health) * 1000:.0f} ms, directory read p99 {_p99(reads) * 1000:.0f} ms "
              f"({len(health)} samples, {len(answered)} analytics answered)")
    print(report)
    assert _p99(health) < 0.2, report
    assert _p99(reads) < 0.2, report


def test_a_half_sent_body_is_answered_408_and_closed(server):
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=10) as s:
        s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 200\r\n\r\n" + b'{"query": "{ servi')
        t0 = time.monotonic()
        got = b""
        while True:  # the server answers, then closes
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        took = time.monotonic() - t0
    head, _, body = got.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), got
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert 0.5 < took < 5, took


def test_a_token_in_the_url_never_reaches_the_log_and_each_request_is_logged_once(server):
    secret = server["token"]
    rid = "probe-log-once-1"
    q = urllib.parse.quote("{ services(first: 1) { totalCount } }")
    for url in (f"/graphql?query={q}&token={secret}", f"/graphql?access_token={secret}&query={q}"):
        req = urllib.request.Request(server["base"] + url, headers={"Accept": "application/json",
                                                                   "X-Request-ID": rid})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200
    _post(server, "{ services(first: 1) { totalCount } }", secret, headers={"X-Request-ID": rid})
    time.sleep(0.5)  # the log line is written after the response
    log = server["log"].read_text(errors="replace")
    assert secret not in log
    assert sum(rid in line for line in log.splitlines()) == 3, [ln for ln in log.splitlines() if rid in ln]
    assert '"GET /graphql' not in log  # uvicorn's own access line is off
    line = next(ln for ln in log.splitlines() if rid in ln and "POST" in ln)
    assert "role=coordinator actor=" in line and " 200 " in line
