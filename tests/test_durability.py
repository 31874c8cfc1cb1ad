"""An acknowledged write survives ``kill -9`` of the writer, and no unit of work
is ever half there.

A child process commits units of work in a loop and prints each unit's number
after its commit returns; the parent waits for some acknowledgements, kills the
child with SIGKILL while it is still writing, reopens the file and checks:

* every acknowledged unit is there, whole;
* no unit is there in part (every record of every unit found at all is there);
* the units found are 0..k without a gap, and at most one more than the child
  acknowledged (it may die between a commit and the print);
* a ledger record that each unit increments (read-modify-write inside the unit)
  equals the number of units found, and the file passes ``integrity_check``.

A SIGKILL is a process crash, not a power loss: it cannot tell
``synchronous=FULL`` from ``NORMAL`` or even ``OFF`` (all survive a process crash). What it
does catch is a unit applied in part, an acknowledged unit missing, or a file
that cannot be reopened or written after the crash.
``test_the_checker_sees_torn_and_missing_units`` shows the checker fails on such
a file. Against a writer that splits each unit into two commits, one kill
catches the split about half the time (it has to land between the two
commits); the seven kills of this module caught it in 10 runs out of 10. A
writer that acknowledges before it commits was caught in every run too.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from graph.embedded import EmbeddedStore
from graph.model import Agreement, Household, Need, node_key, receipt_key
from loaders.sample import sample_records

ROOT = Path(__file__).resolve().parent.parent
NEEDS = 3
SERVICES = 12  # the "batch" part of a unit
LEDGER = "mou-ledger"
ACK_TIMEOUT = 30.0  # seconds; only reached when something is broken

# One unit of work number i, written by the child (and by the parent after a reopen).
UNIT_SOURCE = textwrap.dedent(
    f'''
    from graph.model import Household, Need, Receipt, Referral, Service

    NEEDS = {NEEDS}
    SERVICES = {SERVICES}
    LEDGER = {LEDGER!r}


    def write_unit(uow, i):
        """A household with its needs, a receipt and a referral, a batch of
        services, and the ledger bumped by one: all or nothing."""
        hid = f"hh-k{{i}}"
        uow.put(Household(id=hid, region_id="gg-suwon-maetan", size=1 + i % 5, income_percent=i % 150))
        for k in range(NEEDS):
            uow.put(Need(id=f"{{hid}}-n{{k}}", household_id=hid, domain="FOOD", severity=1 + k))
        uow.put(Receipt(household_id=hid, service_id="svc-diocese-food"))
        uow.put(Referral(id=f"ref-k{{i}}", household_id=hid, resource_label="Service",
                         resource_id="svc-gg-legal", need_ids=[f"{{hid}}-n0", f"{{hid}}-n1"],
                         created_at="2026-11-02T09:00:00+09:00"))
        for j in range(SERVICES):
            uow.put(Service(id=f"svc-k{{i}}-{{j}}", name=f"unit {{i}} service {{j}}",
                            provider_id="org-suwon-city", domains=["CARE"],
                            region_ids=["gg-suwon-maetan"], capacity=10 + j))
        ledger = uow.require("Agreement", LEDGER)
        uow.put(ledger.replace(used=ledger.used + 1))
    '''
)

CHILD_SOURCE = textwrap.dedent(
    '''
    import sys, time
    from graph.embedded import EmbeddedStore
    from unit import write_unit

    path, start = sys.argv[1], int(sys.argv[2])
    store = EmbeddedStore(path)
    deadline = time.monotonic() + 60  # never outlive a broken parent for long
    i = start
    while time.monotonic() < deadline:
        with store.unit_of_work() as uow:
            write_unit(uow, i)
        print(i, flush=True)  # the acknowledgement: only after the commit returned
        i += 1
    '''
)


def _unit_module(tmp_path: Path):
    """Write the unit source next to the child script and import it here too."""
    (tmp_path / "unit.py").write_text(UNIT_SOURCE)
    (tmp_path / "child.py").write_text(CHILD_SOURCE)
    ns: dict = {}
    exec(compile(UNIT_SOURCE, str(tmp_path / "unit.py"), "exec"), ns)
    return ns["write_unit"]


def _seed(path: Path) -> None:
    with EmbeddedStore(path) as store:
        store.put(*sample_records())
        store.put(Agreement(id=LEDGER, partner_id="org-diocese", domains=["FOOD"], signed_on="2025-01-01"))


def _records_of_unit(i: int) -> list[tuple[str, str]]:
    hid = f"hh-k{i}"
    return [
        ("Household", hid),
        *[("Need", f"{hid}-n{k}") for k in range(NEEDS)],
        ("Receipt", receipt_key(hid, "svc-diocese-food")),
        ("Referral", f"ref-k{i}"),
        *[("Service", f"svc-k{i}-{j}") for j in range(SERVICES)],
    ]


def _unit_number(label: str, key: str) -> int | None:
    """Which unit a record belongs to (None for the seed data)."""
    if label == "Receipt":
        key = key.split("\x1f")[0]
    for prefix in ("hh-k", "ref-k", "svc-k"):
        if key.startswith(prefix):
            return int(key[len(prefix):].split("-")[0])
    return None


def check_units(store: EmbeddedStore, acked: set[int]) -> list[str]:
    """Everything wrong with the units in ``store`` given the acknowledged ones
    (an empty list when all is well)."""
    problems: list[str] = []
    found: dict[int, set[tuple[str, str]]] = {}
    for label in ("Household", "Need", "Referral", "Service", "Receipt"):
        for rec in store.list(label):
            n = _unit_number(label, rec.key)
            if n is not None:
                found.setdefault(n, set()).add((label, rec.key))
    for n in sorted(found):
        missing = sorted(set(_records_of_unit(n)) - found[n])
        if missing:
            problems.append(f"unit {n} is torn: {len(missing)} records missing, e.g. {missing[:2]}")
    for n in sorted(acked - found.keys()):
        problems.append(f"unit {n} was acknowledged but is not in the file")
    if found:
        top = max(found)
        gaps = sorted(set(range(top + 1)) - found.keys())
        if gaps:
            problems.append(f"units {gaps[:5]} are missing below unit {top}")
        if acked and top > max(acked) + 1:
            problems.append(f"unit {top} is there but only up to {max(acked)} was acknowledged")
    ledger = store.get("Agreement", LEDGER)
    if ledger is None or ledger.used != len(found):
        problems.append(f"the ledger says {getattr(ledger, 'used', None)} units, the file holds {len(found)}")
    # the graph view agrees with the records
    for n in sorted(found)[-3:]:
        hid = f"hh-k{n}"
        if store.get("Household", hid) is None:
            continue
        g = store.neighbourhood(hid)
        for k in range(NEEDS):
            if not g.has_edge(node_key("Household", hid), node_key("Need", f"{hid}-n{k}"), "HAS_NEED"):
                problems.append(f"the view of {hid} lacks need {k}")
    return problems


def _file_checks(path: Path, store: EmbeddedStore) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(conn.execute("SELECT label, count(*) FROM records GROUP BY label"))
    finally:
        conn.close()
    assert {k: v for k, v in store.counts().items() if v} == rows


class Child:
    """A writer process and a thread that collects its acknowledgements."""

    def __init__(self, tmp_path: Path, db: Path, start: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
        # open for the child's whole life (its stderr, read back when it exits early): kill() closes it
        self.stderr = open(tmp_path / f"child-{start}.err", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, str(tmp_path / "child.py"), str(db), str(start)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.acked: list[int] = []
        self.ack_times: list[float] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill is not an acknowledgement
                self.lines.put(line)
        self.lines.put(None)

    def _take(self, line: str | None) -> bool:
        if line is None:
            return False
        self.acked.append(int(line))
        self.ack_times.append(time.monotonic())
        return True

    def wait_for_acks(self, n: int) -> None:
        deadline = time.monotonic() + ACK_TIMEOUT
        while len(self.acked) < n:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(0.0, left))
            except queue.Empty:
                self.kill()
                pytest.fail(f"only {len(self.acked)} acknowledgements in {ACK_TIMEOUT} s")
            if not self._take(line):
                self.proc.wait(timeout=10)
                self.stderr.seek(0)
                pytest.fail(f"the writer exited ({self.proc.returncode}) early:\n{self.stderr.read()}")

    def kill(self) -> bool:
        """SIGKILL the writer; returns whether it was still running. Afterwards
        ``acked`` holds every acknowledgement it printed."""
        running = self.proc.poll() is None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            self._take(line)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()
        return running


def _crash_writer(tmp_path: Path, db: Path, start: int, acks: int) -> set[int]:
    """Run a writer from unit ``start``, SIGKILL it at a random point of its
    stream after ``acks`` acknowledgements; return every unit it acknowledged."""
    child = Child(tmp_path, db, start)
    try:
        child.wait_for_acks(acks)
        # kill at a random phase of the next two units (inside the unit, in the
        # commit, between commit and print), not always right after a print
        period = (child.ack_times[-1] - child.ack_times[0]) / max(1, len(child.ack_times) - 1)
        time.sleep(random.uniform(0, 2 * period))
    finally:
        was_running = child.kill()
    assert was_running, "the writer must be killed while it is still writing"
    assert child.proc.returncode == -signal.SIGKILL
    assert child.acked == list(range(start, start + len(child.acked))), "acknowledgements out of order"
    return set(child.acked)


def test_acknowledged_units_survive_kill_9_whole(tmp_path):
    _unit_module(tmp_path)
    db = tmp_path / "crash.db"
    _seed(db)
    acked = _crash_writer(tmp_path, db, start=0, acks=30)
    assert len(acked) >= 30
    with EmbeddedStore(db) as store:
        assert check_units(store, acked) == []
        counts = store.counts()
        units = store.get("Agreement", LEDGER).used
        assert units in (len(acked), len(acked) + 1)
        assert counts["Household"] == 3 + units
        assert counts["Need"] == 7 + NEEDS * units
        assert counts["Referral"] == 1 + units
        assert counts["Receipt"] == 2 + units
        assert counts["Service"] == 8 + SERVICES * units
        _file_checks(db, store)


def test_a_file_left_by_a_killed_writer_takes_new_writes(tmp_path):
    write_unit = _unit_module(tmp_path)
    db = tmp_path / "again.db"
    _seed(db)
    acked = _crash_writer(tmp_path, db, start=0, acks=10)

    # reopen in this process and write: a unit, an update and a delete
    with EmbeddedStore(db) as store:
        assert check_units(store, acked) == []
        nxt = store.get("Agreement", LEDGER).used
        with store.unit_of_work() as uow:
            write_unit(uow, nxt)
        acked |= set(range(nxt + 1))
        store.put(store.get("Service", "svc-k0-0").replace(used=5))
        store.delete("Volunteer", "vol-park")
        assert check_units(store, acked) == []

    # a second writer process crashes on the same file, while a reader here has it open
    watcher = EmbeddedStore(db)
    try:
        assert watcher.counts()["Household"] == 3 + nxt + 1
        acked |= _crash_writer(tmp_path, db, start=nxt + 1, acks=10)
        assert check_units(watcher, acked) == [], "an open store must see the killed writer's commits"
        seen = {label: [r.key for r in watcher.list(label)] for label in ("Household", "Service", "Receipt")}
    finally:
        watcher.close()

    with EmbeddedStore(db) as store:
        assert check_units(store, acked) == []
        assert {label: [r.key for r in store.list(label)] for label in seen} == seen
        assert store.get("Service", "svc-k0-0").used == 5
        assert store.get("Volunteer", "vol-park") is None
        _file_checks(db, store)
        # and it still takes writes
        store.put(Household(id="hh-after", region_id="gg-suwon-jowon", size=1, income_percent=10))
    with EmbeddedStore(db) as store:
        assert store.get("Household", "hh-after") is not None


def test_a_crash_loop_never_leaves_a_torn_unit(tmp_path):
    """Kill, reopen, check, restart: each kill lands at a random point of a
    unit, so several rounds cover the inside of a unit, its commit and the gap
    between commit and acknowledgement."""
    _unit_module(tmp_path)
    db = tmp_path / "loop.db"
    _seed(db)
    acked: set[int] = set()
    start = 0
    for _ in range(4):
        acked |= _crash_writer(tmp_path, db, start=start, acks=5)
        with EmbeddedStore(db) as store:
            assert check_units(store, acked) == []
            start = store.get("Agreement", LEDGER).used
    with EmbeddedStore(db) as store:
        _file_checks(db, store)


def test_the_checker_sees_torn_and_missing_units(tmp_path):
    """The negative control: the checks above do fail on a torn or short file."""
    write_unit = _unit_module(tmp_path)
    db = tmp_path / "torn.db"
    _seed(db)
    with EmbeddedStore(db) as store:
        with store.unit_of_work() as uow:
            write_unit(uow, 0)
        assert check_units(store, {0}) == []
        # unit 1 written in two parts, as a store without atomic units might leave it
        store.put(Household(id="hh-k1", region_id="gg-suwon-maetan", size=1, income_percent=1),
                  Need(id="hh-k1-n0", household_id="hh-k1", domain="FOOD", severity=1))
        problems = check_units(store, {0, 1, 2})
    text = "\n".join(problems)
    assert "unit 1 is torn" in text
    assert "unit 2 was acknowledged but is not in the file" in text
    assert "the ledger says 1 units, the file holds 2" in text
