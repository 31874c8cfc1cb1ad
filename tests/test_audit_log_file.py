"""Reads are audited without waiting for the writer: the embedded store keeps
its audit log in a file of its own beside the database (``<db>.audit``), so a
household read stays fast while another process holds the database's write
lock, and its audit entry is durable and listed all the same."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from graph.embedded.auditlog import path_for
from graph.errors import StoreError
from graph.store import AUDIT
from service import audit
from service.principal import Principal

ROOT = Path(__file__).resolve().parent.parent
#: how long the other process holds the write lock; far longer than a read may take
HOLD = 8.0
FAST = 0.5

HOLDER = textwrap.dedent(
    """
    import sys, time
    from graph.embedded import EmbeddedStore
    from graph.model import Region

    store = EmbeddedStore(sys.argv[1], create=False)
    with store.unit_of_work() as uow:  # the write lock, held while this sleeps
        uow.put(Region(id="gg-held", name="held", level="DONG", parent_id="gg-suwon"))
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


@contextlib.contextmanager
def holding(path: str) -> Iterator[subprocess.Popen[str]]:
    """Another process inside a unit of work on the file at ``path``, holding its write lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, path, str(HOLD)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        probe = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # the lock is really held
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def holder(sample_store):
    with holding(sample_store.path) as proc:
        yield proc


def test_a_household_read_through_the_api_stays_fast_while_another_process_holds_the_write_lock(
        sample_store):
    from starlette.testclient import TestClient

    from api.app import create_app
    from service.settings import Settings
    from service.tokens import create_token

    token = create_token(sample_store, "coordinator")  # before the lock: a write
    with TestClient(create_app(sample_store, Settings())) as client, holding(sample_store.path) as holder:
        client.post("/graphql", json={"query": "{ __typename }"})  # warm up outside the timing
        t0 = time.perf_counter()
        r = client.post("/graphql", json={"query": '{ household(id: "hh-0001") { id needs { detail } } }'},
                        headers={"Authorization": f"Bearer {token}"})
        took = time.perf_counter() - t0
        still = holder.poll() is None
    assert r.status_code == 200 and r.json()["data"]["household"]["id"] == "hh-0001", r.text
    assert took < FAST, f"the read took {took:.2f} s while another process held the write lock"
    assert still, "the other process let the lock go too early for this test to mean anything"
    rid = r.headers["x-request-id"]
    # durable and listed: read from the audit file by a connection of its own, and by a new store
    conn = sqlite3.connect(path_for(sample_store.path))
    try:
        rows = conn.execute("SELECT data FROM audit").fetchall()
    finally:
        conn.close()
    assert any(rid in data and "hh-0001" in data for (data,) in rows), rows
    with EmbeddedStore(sample_store.path, create=False) as again:
        (e,) = [d for _, d in again.list_side(AUDIT) if d["requestId"] == rid]
    assert e["action"] == "read" and e["targetIds"] == ["hh-0001"] and e["role"] == "coordinator"


def test_the_service_layer_audits_a_read_while_another_process_holds_the_write_lock(sample_store, holder):
    from service import reads

    p = Principal.local()
    t0 = time.perf_counter()
    for i in range(20):
        assert reads.household_parts(sample_store, "hh-0001") is not None
        audit.record(sample_store, p, "read", "Household", ["hh-0001"], f"r-{i}")
    took = time.perf_counter() - t0
    assert took < FAST, f"20 audited reads took {took:.2f} s while another process held the write lock"
    listed = [d["requestId"] for _, d in sample_store.list_side(AUDIT)]
    assert listed == [f"r-{i}" for i in range(20)]  # in time order


def test_a_write_still_waits_for_the_writer(sample_store, holder):
    """The other side of the coin: the graph's writes stay one at a time (the holder is really holding)."""
    from graph.model import Region

    sample_store._wconn.execute("PRAGMA busy_timeout = 300")
    t0 = time.perf_counter()
    with pytest.raises(StoreError, match="busy"):
        sample_store.put(Region(id="gg-other", name="other", level="DONG", parent_id="gg-suwon"))
    assert time.perf_counter() - t0 >= 0.25


def test_entries_from_two_stores_on_one_file_list_in_time_order_and_are_never_replaced(sample_store):
    other = EmbeddedStore(sample_store.path, create=False)
    try:
        written = []
        for i in range(6):
            store = (sample_store, other)[i % 2]
            written.append(audit.record(store, Principal.local(), "read", "Household", [f"hh-{i}"], f"q{i}"))
        for s in (sample_store, other):
            assert [d for _, d in s.list_side(AUDIT)] == written
        page = audit.audit_log(other, Principal.local(), first=4, after=None, max_first=100)
        assert [d["requestId"] for _, d in page.entries] == ["q0", "q1", "q2", "q3"] and page.has_next
        key = sample_store.list_side(AUDIT, limit=1)[0][0]
        with pytest.raises(StoreError, match="never replaced"):
            sample_store.append_audit(key, {"action": "forged"})
        assert sample_store.get_side(AUDIT, key) == written[0]
    finally:
        other.close()


def test_the_service_and_the_store_name_the_same_kind():
    assert audit.KIND == AUDIT


def test_a_file_in_the_audit_logs_place_that_is_not_one_is_refused_by_name(tmp_path):
    db = tmp_path / "a.db"
    EmbeddedStore(db).close()
    log = Path(path_for(str(db)))
    for name in ("a.db.audit", "a.db.audit-wal", "a.db.audit-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    conn = sqlite3.connect(log)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        EmbeddedStore(db)
    assert str(log) in str(info.value) and "audit log" in str(info.value)


def test_a_missing_audit_log_beside_a_database_is_started_again_with_a_warning(tmp_path):
    import logging

    db = tmp_path / "a.db"
    EmbeddedStore(db).close()
    for name in ("a.db.audit", "a.db.audit-wal", "a.db.audit-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    said: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = said.append  # type: ignore[method-assign]
    logging.getLogger("dolbom.store").addHandler(handler)  # its own handler: propagation may be off
    try:
        with EmbeddedStore(db) as store:
            store.append_audit("k", {"x": 1})
            assert store.list_side(AUDIT) == [("k", {"x": 1})]
    finally:
        logging.getLogger("dolbom.store").removeHandler(handler)
    (record,) = said
    assert "audit log" in record.getMessage() and "missing" in record.getMessage()


# --------------------------------------------------------------------------
# an acknowledged audited read survives kill -9

READER = textwrap.dedent(
    """
    import sys
    from graph.embedded import EmbeddedStore
    from service import audit
    from service.principal import Principal

    store = EmbeddedStore(sys.argv[1], create=False)
    i = 0
    while i < 100000:
        audit.record(store, Principal.local(), "read", "Household", ["hh-0001"], f"ack-{i}")
        print(i, flush=True)  # the acknowledgement: only after the entry was written
        i += 1
    """
)


def test_an_acknowledged_audit_entry_survives_kill_9(tmp_path):
    """As in tests/test_durability.py: a process crash, not a power loss (see there)."""
    db = tmp_path / "k.db"
    EmbeddedStore(db).close()
    proc = subprocess.Popen([sys.executable, "-c", READER, str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    acked = -1
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while acked < 30 and time.monotonic() < deadline:
            acked = int(proc.stdout.readline())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert acked >= 30
    with EmbeddedStore(db, create=False) as store:
        found = [d["requestId"] for _, d in store.list_side(AUDIT)]
    assert found[: acked + 1] == [f"ack-{i}" for i in range(acked + 1)]
    assert len(found) <= acked + 2  # at most the one written but not yet printed


def test_a_full_disk_under_the_audit_log_is_a_store_error_the_api_reports_as_storage_full(tmp_path):
    from schema.errors import storage_full

    with EmbeddedStore(tmp_path / "f.db") as store:
        store.append_audit("a", {"n": 0})
        log = sqlite3.connect(path_for(store.path))
        pages = log.execute("PRAGMA page_count").fetchone()[0]
        log.close()
        store._audit._conn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        with pytest.raises(StoreError, match="nothing was written") as info:
            for i in range(1, 50):
                store.append_audit(f"b{i}", {"n": i, "pad": "가" * 2000})
        assert storage_full(info.value)
        assert [k for k, _ in store.list_side(AUDIT)][:1] == ["a"]
