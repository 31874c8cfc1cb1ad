"""Audit appends that arrive together are committed together (graph.embedded.auditlog): fewer commits
than appends under concurrency, each append durable when it returns, one failing entry failing its own
append alone."""

from __future__ import annotations

import threading
import time

import pytest

from graph.embedded.auditlog import AuditLog
from graph.errors import StoreError

THREADS = 8
EACH = 25


@pytest.fixture
def log(tmp_path):
    opened = AuditLog(str(tmp_path / "x.db.audit"))
    yield opened
    opened.close()


def _slow_commits(log: AuditLog, monkeypatch, seconds: float = 0.004) -> list[int]:
    """Each commit takes ``seconds`` longer (a slow disk), so that appends arrive while one is under way;
    returns the sizes of the commits made."""
    sizes: list[int] = []
    real = log._write

    def slow(sql, params):
        params = list(params)
        time.sleep(seconds)
        real(sql, params)
        sizes.append(len(params))

    monkeypatch.setattr(log, "_write", slow)
    return sizes


def _in_threads(target, args) -> None:
    """``target(a)`` for each of ``args``, each in a thread of its own, all started, then all joined."""
    threads = [threading.Thread(target=target, args=(a,)) for a in args]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not any(th.is_alive() for th in threads), "an append never returned"


def test_concurrent_appends_share_commits_and_each_is_durable_when_it_returns(log, monkeypatch):
    sizes = _slow_commits(log, monkeypatch)
    missing: list[str] = []
    start = threading.Barrier(THREADS)

    def appender(t: int) -> None:
        start.wait()
        for i in range(EACH):
            key = f"k-{t:02d}-{i:03d}"
            log.append(key, f'{{"t": {t}, "i": {i}}}')
            if log.get(key) is None:  # returned before its commit
                missing.append(key)

    _in_threads(appender, range(THREADS))
    assert missing == []
    keys = [k for k, _ in log.list()]
    assert keys == sorted(f"k-{t:02d}-{i:03d}" for t in range(THREADS) for i in range(EACH))
    assert sum(sizes) == THREADS * EACH
    assert len(sizes) < THREADS * EACH / 2, sizes  # commits were shared
    assert max(sizes) > 1


def test_one_append_alone_is_one_commit(log, monkeypatch):
    sizes = _slow_commits(log, monkeypatch, 0)
    for i in range(3):
        log.append(f"alone-{i}", "{}")
    assert sizes == [1, 1, 1]


def test_a_key_already_there_fails_its_own_append_only(log, monkeypatch):
    log.append("taken", '{"first": true}')
    sizes = _slow_commits(log, monkeypatch, 0.02)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(6)

    def appender(key: str) -> None:
        start.wait()
        try:
            log.append(key, '{"second": true}')
            outcomes[key] = "ok"
        except StoreError as e:
            outcomes[key] = str(e)

    keys = ["taken", *(f"new-{i}" for i in range(5))]
    _in_threads(appender, keys)
    assert "already" in outcomes["taken"]
    assert all(outcomes[k] == "ok" for k in keys[1:]), outcomes
    assert log.get("taken") == '{"first": true}'  # never replaced
    assert all(log.get(k) == '{"second": true}' for k in keys[1:])
    assert len(sizes) >= 1


def test_an_interrupted_commit_fails_only_the_entries_it_did_not_write(log, monkeypatch):
    """Five appends wait behind a commit under way and are then written as one batch, which fails (a
    duplicate key); retried one by one, the retries are interrupted by something that is no StoreError
    after two of them: an entry written before that succeeds, the others fail, none waits for ever."""
    log.append("taken", "{}")
    real = log._write
    calls = {"n": 0}
    gate = threading.Event()

    def failing(sql, params):
        params = list(params)
        calls["n"] += 1
        if calls["n"] == 1:  # the first leader's commit: held until the five are waiting
            gate.wait(10)
        if calls["n"] == 5:  # 2: the batch of five; 3, 4: two retried entries; 5: interrupted
            raise MemoryError("simulated")
        real(sql, params)

    monkeypatch.setattr(log, "_write", failing)
    outcomes: dict[str, str] = {}

    def appender(key: str) -> None:
        try:
            log.append(key, "{}")
            outcomes[key] = "ok"
        except StoreError as e:
            outcomes[key] = "StoreError: " + str(e)
        except MemoryError:
            outcomes[key] = "MemoryError"

    first = threading.Thread(target=appender, args=("first",))
    first.start()
    while calls["n"] < 1:
        time.sleep(0.001)
    keys = ["taken", "a", "b", "c", "d"]
    threads = [threading.Thread(target=appender, args=(k,)) for k in keys]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 10
    while len(log._waiting) < 5 and time.monotonic() < deadline:
        time.sleep(0.001)
    gate.set()
    for th in [first, *threads]:
        th.join(10)
    assert not any(th.is_alive() for th in [first, *threads])
    assert outcomes["first"] == "ok" and calls["n"] == 5
    written = [k for k in keys[1:] if log.get(k) is not None]
    assert written, "an entry was written before the interruption"
    for key in keys:
        if key in written:
            assert outcomes[key] in ("ok", "MemoryError"), (key, outcomes)  # the leader sees its own error
        else:
            assert outcomes[key] != "ok", (key, outcomes)


# ONE_STATEMENT is 200: the last size takes the explicit transaction
@pytest.mark.parametrize("size", [1, 3, 450], ids=["one", "one-statement", "a-transaction"])
def test_a_commit_of_any_size_is_one_transaction_with_the_same_outcome(log, size):
    """Up to ONE_STATEMENT entries are one INSERT in SQLite's own transaction, more one explicit
    transaction of INSERTs: either way all or nothing, a key already there failing the whole commit
    (each append then gets its own outcome), INSERT OR IGNORE and OR REPLACE as their SQL says."""
    rows = [(f"k{i:04d}", f'{{"i": {i}}}') for i in range(size)]
    log._write("INSERT INTO audit (key, data) VALUES (?, ?)", rows)
    assert [k for k, _ in log.list()] == [k for k, _ in rows]
    with pytest.raises(StoreError, match="already"):  # one key taken: nothing of the commit is written
        taken = [*((f"n{i:04d}", "{}") for i in range(size)), rows[-1]]
        log._write("INSERT INTO audit (key, data) VALUES (?, ?)", taken)
    assert log.get("n0000") is None and len(log.list()) == size
    log.merge([(k, '{"again": true}') for k, _ in rows] + [("m", "{}")])  # OR IGNORE: the first ones kept
    assert log.get(rows[0][0]) == rows[0][1] and log.get("m") == "{}"
    log.put(rows[-1][0], '{"replaced": true}')
    assert log.get(rows[-1][0]) == '{"replaced": true}' and len(log.list()) == size + 1


def test_the_statement_path_is_the_one_taken_for_small_commits(log, monkeypatch):
    """A request's entry (and a small group) is written by one call into SQLite, not BEGIN, INSERT and
    COMMIT: what the issue 23 bench measured."""
    calls: list[str] = []

    class Spy:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            calls.append(sql.split()[0])
            return self.conn.execute(sql, *args)

        def executemany(self, sql, *args):
            calls.append("executemany")
            return self.conn.executemany(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    monkeypatch.setattr(log, "_conn", Spy(log._conn))
    log.append("a", "{}")
    assert calls == ["INSERT"]
    calls.clear()
    log._write("INSERT INTO audit (key, data) VALUES (?, ?)", [(f"b{i}", "{}") for i in range(201)])
    assert calls == ["BEGIN", "executemany", "COMMIT"]
