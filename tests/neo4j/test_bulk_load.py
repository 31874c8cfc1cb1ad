"""Bundles into a real Neo4j: the streaming bulk load (``Neo4jStore.bulk_load``)
checks what the embedded one checks, writes the same records and
relationships, commits batch by batch, and takes back what it wrote when the
load is abandoned. A load whose process is killed leaves whole batches, and
running it again finishes it (docs/loaders.md, "Loading into Neo4j")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import graph.neo4j_store as neo4j_module
import loaders.csvbundle as csvbundle
from graph.embedded import EmbeddedStore
from graph.model import receipt_key
from graph.neo4j_store import Neo4jBulkLoad
from graph.view import edge_owner
from loaders.csvbundle import BundleInvalid, load_bundle, write_bundle
from loaders.csvfile import BundleError
from loaders.synthetic import generate
from tests.loaders.kit import TEMPLATES, dump
from tests.loaders.test_malformed import CASES, HH, NEEDS, write

ROOT = Path(__file__).resolve().parents[2]
#: the malformed cases that are also run a row per batch: those found across batches
ACROSS_BATCHES = [c for c in CASES if any(w in c for w in ("duplicate", "reference", "another household"))]


def views(store) -> tuple[list, list]:
    """The whole graph view's nodes (with attributes) and edges, comparable across stores."""
    g = store.graph()
    nodes = sorted((n, sorted((k, repr(v)) for k, v in attrs.items())) for n, attrs in g.nodes(data=True))
    return nodes, sorted(g.edges(keys=True))


def write_lock_count(store) -> int:
    """How many write transactions have taken the store's write lock so far."""
    with store._driver.session(database=store.database) as session:
        row = session.run("MATCH (l:WriteLock) RETURN l.count AS n").single()
    return row["n"] if row else 0


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bundle") / "gg"
    write_bundle(generate(150, seed=7), d)
    return d


@pytest.fixture(scope="module")
def embedded_answer(bundle, tmp_path_factory):
    """What the embedded store holds after loading ``bundle``: records and views."""
    with EmbeddedStore(tmp_path_factory.mktemp("emb") / "a.db") as store:
        load_bundle(store, bundle)
        return dump(store), views(store)


@pytest.fixture
def templated(neo4j_store):
    """The Neo4j store holding the shipped templates (something to leave unchanged)."""
    load_bundle(neo4j_store, TEMPLATES)
    return neo4j_store


def test_neo4j_takes_its_own_streaming_bulk_load(neo4j_store):
    from graph.bulk import bulk_load

    with bulk_load(neo4j_store, expected_rows=10) as load:
        assert type(load) is Neo4jBulkLoad and not load.takes_prepared("Household")


def test_the_same_records_and_relationships_as_the_embedded_store(neo4j_store, bundle, embedded_answer):
    records, graph = embedded_answer
    report = load_bundle(neo4j_store, bundle)
    assert report.committed and report.invalid == 0
    assert report.written == report.total_rows == sum(neo4j_store.counts().values())
    assert dump(neo4j_store) == records
    assert views(neo4j_store) == graph
    again = load_bundle(neo4j_store, bundle)
    assert again.written == 0 and again.unchanged == again.total_rows
    assert dump(neo4j_store) == records


def test_a_changed_row_is_rewritten_with_its_relationships(neo4j_store, bundle, tmp_path):
    """A reload that changes a household's dong, a need's household is refused,
    and a service's regions: the stored records are rewritten as a unit of work
    would, relationships included (the same as the embedded store)."""
    changed = tmp_path / "changed"
    recs = list(generate(150, seed=7))
    household = next(r for r in recs if r.LABEL == "Household")
    other_dong = next(r for r in recs if r.LABEL == "Region" and r.level.value == "DONG"
                      and r.id != household.region_id)
    service = next(r for r in recs if r.LABEL == "Service" and r.region_ids)
    edited = [household.replace(region_id=other_dong.id) if r is household
              else service.replace(region_ids=(other_dong.id,)) if r is service else r for r in recs]
    write_bundle(edited, changed)
    with EmbeddedStore(tmp_path / "e.db") as emb:
        load_bundle(emb, bundle)
        expected = load_bundle(emb, changed)
        records, graph = dump(emb), views(emb)
    load_bundle(neo4j_store, bundle)
    report = load_bundle(neo4j_store, changed)
    assert (report.written, report.unchanged) == (expected.written, expected.unchanged)
    assert report.written == 2
    assert dump(neo4j_store) == records and views(neo4j_store) == graph


@pytest.mark.parametrize("case", CASES)
def test_each_malformed_case_gets_its_precise_error_and_writes_nothing(case, templated, tmp_path):
    _malformed(case, csvbundle.BATCH, templated, tmp_path)


@pytest.mark.parametrize("case", ACROSS_BATCHES)
def test_a_malformed_case_found_across_batches_too(case, templated, tmp_path):
    _malformed(case, 1, templated, tmp_path)


def _malformed(case: str, batch: int, store, tmp_path: Path) -> None:
    files, where, message = CASES[case]
    d = write(tmp_path, files)
    before, graph = dump(store), views(store)
    with pytest.raises(BundleError) as info:
        load_bundle(store, d, batch=batch)
    text = str(info.value)
    assert text.startswith(where + ":") or text.startswith(where + " ("), text
    assert message in text, text
    assert dump(store) == before and views(store) == graph


SKIP_INVALID = {
    "duplicates": {"households.csv": HH + "h1,ex-suwon-d01,1,10,,\nh2,ex-suwon-d01,0,10,,\n"
                                          "h2,ex-suwon-d01,2,10,,\nh1,ex-suwon-d01,1,10,,\n"
                                          "h1,ex-suwon-d01,1,10,,\nh2,ex-suwon-d01,2,10,,\n",
                   "needs.csv": NEEDS + "n9,hh-nobody,CARE,3,,\nn8,h1,FOOD,2,,\nn9,h1,CARE,3,,\n"},
    "stored duplicates": {"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3,first,\nn8,ex-hh-1,FOOD,2,,\n"
                                               "n9,ex-hh-1,CARE,4,second,\nex-need-1,ex-hh-1,CARE,3,,\n"
                                               "ex-need-1,ex-hh-1,CARE,5,,\n"},
    "a need moves": {"needs.csv": NEEDS + "ex-need-1,ex-hh-2,HOUSING,5,,OPEN\n",
                     "households.csv": HH + "ex-hh-1,ex-suwon-d01,3,40,,EMERGENCY\n"
                                            "ex-hh-2,ex-suwon-d01,1,40,,\n"},
    "a referral's missing household": {
        "referrals.csv": "id,householdId,resourceLabel,resourceId,needIds,createdAt\n"
                         "r1,hh-nobody,Service,ex-svc-rent,ex-need-1,2026-11-20T09:00:00\n"
                         "r3,ex-hh-1,Service,ex-svc-rent,need-nobody,2026-11-20T09:00:00\n"
                         "r4,ex-hh-1,Volunteer,ex-svc-rent,ex-need-1,2026-11-20T09:00:00\n"
                         "r5,ex-hh-1,Service,ex-svc-rent,ex-need-1,2026-11-20T09:00:00\n"},
    "receipts": {"receipts.csv": "householdId,serviceId\nex-hh-1,ex-svc-rent\nex-hh-1,ex-svc-rent\n"
                                 "ex-hh-1,svc-nobody\nex-hh-1,ex-svc-legal\n"},
}


@pytest.mark.parametrize("batch", [csvbundle.BATCH, 2], ids=["one-batch", "two-a-batch"])
@pytest.mark.parametrize("case", SKIP_INVALID)
def test_skip_invalid_reports_and_keeps_what_the_embedded_store_does(case, batch, templated, tmp_path):
    d = write(tmp_path, SKIP_INVALID[case])
    with EmbeddedStore(tmp_path / "e.db") as emb:
        load_bundle(emb, TEMPLATES)
        expected = load_bundle(emb, d, skip_invalid=True, batch=batch)
        records, graph = dump(emb), views(emb)
    report = load_bundle(templated, d, skip_invalid=True, batch=batch)
    assert expected.invalid > 0
    assert [str(p) for p in report.problems] == [str(p) for p in expected.problems]
    assert (report.written, report.unchanged) == (expected.written, expected.unchanged)
    assert dump(templated) == records and views(templated) == graph


def test_a_load_streams_in_many_transactions(neo4j_store, bundle, monkeypatch):
    """Not one giant transaction: every batch of the big kinds commits on its own."""
    monkeypatch.setattr(neo4j_module, "LOAD_BATCH", 40)
    before = write_lock_count(neo4j_store)
    report = load_bundle(neo4j_store, bundle)
    big = sum(n for name, n in report.rows.items()
              if name in ("households.csv", "needs.csv", "referrals.csv", "receipts.csv"))
    assert write_lock_count(neo4j_store) - before >= big // 40


def test_an_abandoned_load_takes_back_what_it_wrote(templated, bundle, tmp_path):
    """The bundle changes stored records and adds many, in many batches; a bad
    row in its last file aborts it. Afterwards the store is as it was:
    created records gone, changed ones back, relationships too."""
    d = tmp_path / "bad"
    recs = [*generate(150, seed=7)]
    write_bundle(recs, d)
    dong = next(r.id for r in recs if r.LABEL == "Region" and r.level.value == "DONG")
    # the templates' household moves to a dong of this bundle, and its need is rewritten
    with open(d / "households.csv", "a", encoding="utf-8", newline="") as f:
        f.write(f"ex-hh-1,{dong},3,40,SINGLE_PARENT|UNEMPLOYED,EMERGENCY,,,\r\n")
    with open(d / "needs.csv", "a", encoding="utf-8", newline="") as f:
        f.write("ex-need-1,ex-hh-1,HOUSING,2,changed,OPEN,\r\n")
    with open(d / "receipts.csv", "a", encoding="utf-8", newline="") as f:
        f.write("ex-hh-1,svc-nobody\r\n")
    before, graph = dump(templated), views(templated)
    with pytest.raises(BundleInvalid, match=r"receipts\.csv:\d+:2 \(serviceId\): no Service"):
        load_bundle(templated, d, batch=50)
    assert dump(templated) == before and views(templated) == graph


#: a load of batches of 5 that, from its first batch of needs on, waits 0.1 s after each batch it
#: writes: the test's kill lands mid-load however fast the load has become (a load that finished
#: between two looks at the counts once failed this test)
LOADER = """
import sys, time
from graph.neo4j_store import Neo4jBulkLoad, Neo4jStore
from loaders.csvbundle import load_bundle
write_checked = Neo4jBulkLoad._write_checked
paced = []
def write_paced(self, session, checked):
    write_checked(self, session, checked)
    if paced or checked.label == "Need":
        paced.append(checked.label)
        time.sleep(0.1)
Neo4jBulkLoad._write_checked = write_paced
store = Neo4jStore.from_env()
load_bundle(store, sys.argv[1], batch=5)
print("loaded", flush=True)
"""


def test_a_killed_load_leaves_whole_batches_and_running_it_again_finishes_it(
        neo4j_store, neo4j_env, tmp_path, bundle, embedded_answer):
    """kill -9 in the middle of a load: what it committed is there and sound
    (whole batches, every relationship); the same load run again completes it
    to exactly what a clean load gives."""
    records, graph = embedded_answer
    env = {**os.environ, **neo4j_env, "DOLBOM_NEO4J_LOAD_BATCH": "5", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(bundle)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while neo4j_store.counts()["Need"] < 30:  # some needs are in: the kill lands mid-load
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the load wrote no needs in 120 s"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    counts = neo4j_store.counts()
    assert counts != {label: len(rows) for label, rows in records.items()}, "the load ended before the kill"
    assert counts["Household"] == len(records["Household"]) and counts["Need"] >= 30  # earlier kinds whole
    # whole batches: every record there is as loaded, with all its relationships
    there = dump(neo4j_store)
    assert all(rec in records[label] for label, recs in there.items() for rec in recs)
    present = {(label, receipt_key(r["household_id"], r["service_id"]) if label == "Receipt" else r["id"])
               for label, recs in there.items() for r in recs}
    assert set(views(neo4j_store)[1]) == {e for e in graph[1] if edge_owner(*e) in present}
    report = load_bundle(neo4j_store, bundle)
    assert report.written == report.total_rows - sum(counts.values())
    assert dump(neo4j_store) == records and views(neo4j_store) == graph


def _meddle_before_needs_are_written(monkeypatch, meddle, label: str = "Need") -> list[str]:
    """Run ``meddle()`` once, after the checker checked the first batch of needs
    (or ``label``) and before the writer writes it; returns a list the fallback
    path appends to."""
    fallbacks: list[str] = []
    write_checked, write_batch = Neo4jBulkLoad._write_checked, Neo4jBulkLoad._write_batch

    def wrapped(self, session, checked):
        if checked.label == label and not fallbacks and not getattr(self, "_meddled", False):
            self._meddled = True
            meddle()
        return write_checked(self, session, checked)

    def counted(self, session, label, batch):
        fallbacks.append(label)
        return write_batch(self, session, label, batch)

    monkeypatch.setattr(Neo4jBulkLoad, "_write_checked", wrapped)
    monkeypatch.setattr(Neo4jBulkLoad, "_write_batch", counted)
    return fallbacks


def test_a_record_gone_between_check_and_write_is_checked_again_under_the_lock(
        templated, neo4j_env, tmp_path, monkeypatch):
    """The checker reads without the write lock; if a household it found is
    deleted before the writer takes the lock, the batch is checked again."""
    d = write(tmp_path, {"needs.csv": NEEDS + "n-new,ex-hh-1,CARE,3,,\n"})
    other = neo4j_module.Neo4jStore.from_env(neo4j_env)
    try:
        def meddle() -> None:
            other.delete("Household", "ex-hh-1")

        fallbacks = _meddle_before_needs_are_written(monkeypatch, meddle)
        report = load_bundle(templated, d, skip_invalid=True)
    finally:
        other.close()
    assert fallbacks == ["Need"]
    # the need, and the template's referral and receipt that name the household too
    assert [str(p) for p in report.problems] == [
        f"{where} (householdId): no Household with id 'ex-hh-1'"
        for where in ("needs.csv:2:2", "referrals.csv:2:2", "receipts.csv:2:1")]
    assert templated.get("Need", "n-new") is None and templated.get("Household", "ex-hh-1") is None


def test_a_record_created_between_check_and_write_is_checked_again_under_the_lock(
        templated, neo4j_env, tmp_path, monkeypatch):
    """A key new when checked but created by someone else before the write
    clashes on the unique key; the batch is checked again and the load's row
    replaces that record, as a unit of work's put would."""
    from graph.model import Need

    d = write(tmp_path, {"needs.csv": NEEDS + "n-new,ex-hh-1,CARE,3,from the load,\n"})
    other = neo4j_module.Neo4jStore.from_env(neo4j_env)
    meddler = Need(id="n-new", household_id="ex-hh-1", domain="FOOD", severity=1)
    try:
        fallbacks = _meddle_before_needs_are_written(monkeypatch, lambda: other.put(meddler))
        report = load_bundle(templated, d)
    finally:
        other.close()
    assert fallbacks == ["Need"] and report.invalid == 0
    need = templated.get("Need", "n-new")
    assert (need.detail, need.domain.value) == ("from the load", "CARE")
    assert len(templated.neighbourhood("ex-hh-1").in_edges("Need:n-new")) == 1  # one HAS_NEED, not two


def test_a_household_the_load_wrote_and_gone_before_its_needs_are_written_is_caught(
        templated, neo4j_env, tmp_path, monkeypatch):
    """The checker takes the households this load wrote as there without
    reading them back; the writer counts them under the lock, so one deleted
    in between still sends the batch back to be checked under the lock."""
    d = write(tmp_path, {"households.csv": HH + "hh-new,ex-suwon-d01,2,40,,GENERAL\n",
                         "needs.csv": NEEDS + "n-new,hh-new,CARE,3,,\n"})
    other = neo4j_module.Neo4jStore.from_env(neo4j_env)
    try:
        fallbacks = _meddle_before_needs_are_written(monkeypatch, lambda: other.delete("Household", "hh-new"))
        report = load_bundle(templated, d, skip_invalid=True)
    finally:
        other.close()
    assert fallbacks == ["Need"]
    assert [str(p) for p in report.problems] == ["needs.csv:2:2 (householdId): no Household with id 'hh-new'"]
    assert templated.get("Need", "n-new") is None and templated.get("Household", "hh-new") is None


def test_the_checker_reads_back_only_what_its_checks_read(neo4j_store, tmp_path, monkeypatch):
    """The checker does not read back the records the load wrote that its
    references name, except the needs a referral covers (which must be its
    household's): that rule still fires, and only on the referral that breaks it."""
    read: list[tuple[str, str]] = []
    prefetch = neo4j_module._Neo4jUnitOfWork.prefetch

    def spy(self, keys):
        keys = list(keys)
        if threading.current_thread().name == "neo4j-load-checker":
            read.extend(keys)
        return prefetch(self, keys)

    monkeypatch.setattr(neo4j_module._Neo4jUnitOfWork, "prefetch", spy)
    d = write(tmp_path, {
        "households.csv": HH + "ex-hh-1,ex-suwon-d01,3,40,,EMERGENCY\nhh-2,ex-suwon-d01,1,20,,GENERAL\n",
        "needs.csv": NEEDS + "ex-need-1,ex-hh-1,HOUSING,5,,OPEN\nother-need,hh-2,CARE,2,,OPEN\n",
        "referrals.csv": ("id,householdId,resourceLabel,resourceId,needIds,status,createdAt\n"
                          "ok-ref,ex-hh-1,Service,ex-svc-rent,ex-need-1,SENT,2026-11-20T09:30:00+09:00\n"
                          "bad-ref,ex-hh-1,Service,ex-svc-rent,other-need,SENT,2026-11-20T09:30:00+09:00\n")})
    report = load_bundle(neo4j_store, d, skip_invalid=True)
    assert [(p.file, p.line, p.column) for p in report.problems] == [("referrals.csv", 3, 5)]
    assert "other-need" in str(report.problems[0])
    assert neo4j_store.get("Referral", "ok-ref") is not None
    assert neo4j_store.get("Referral", "bad-ref") is None
    assert {("Need", "ex-need-1"), ("Need", "other-need")} <= set(read)  # the referrals' needs
    assert not {("Household", "ex-hh-1"), ("Household", "hh-2"), ("Service", "ex-svc-rent"),
                ("Service", "ex-svc-legal"), ("Region", "ex-suwon-d01")} & set(read)


def test_a_need_gone_before_the_referral_covering_it_is_written_is_caught(
        templated, neo4j_env, tmp_path, monkeypatch):
    """A referral's create statement covers only the needs it finds; one fewer
    than the referral names (deleted since the check) sends the batch back to
    be checked under the lock, and the referral is reported, not half written."""
    d = write(tmp_path, {
        "needs.csv": NEEDS + "n-gone,ex-hh-1,CARE,3,,\n",
        "referrals.csv": ("id,householdId,resourceLabel,resourceId,needIds,status,createdAt\n"
                          "r-new,ex-hh-1,Service,ex-svc-rent,ex-need-1|n-gone,SENT,2026-11-20T09:30:00+09:00\n")})
    other = neo4j_module.Neo4jStore.from_env(neo4j_env)
    try:
        fallbacks = _meddle_before_needs_are_written(monkeypatch, lambda: other.delete("Need", "n-gone"),
                                                     "Referral")
        report = load_bundle(templated, d, skip_invalid=True)
    finally:
        other.close()
    assert fallbacks == ["Referral"]
    assert [(p.file, p.line, p.column) for p in report.problems] == [("referrals.csv", 2, 5)]
    assert "n-gone" in str(report.problems[0])
    assert templated.get("Referral", "r-new") is None and templated.get("Need", "ex-need-1") is not None


@pytest.mark.parametrize("kind", ["Need", "Receipt"])
def test_a_batchs_create_statement_takes_the_write_lock_before_it_reads(neo4j_store, kind):
    """The load's two writers send a batch's rows before its turn: the create statement takes
    the write lock itself, first. A household deleted by a unit of work holding the lock while
    the statement waits is not there when the statement reads: nothing is created (the writer
    then checks the batch again), not a need or receipt of a deleted household, nor an error."""
    from graph import cypher
    from graph.model import Need
    from graph.neo4j_store import node_props
    from loaders.sample import sample_records

    neo4j_store.put(*sample_records())
    household = next(r for r in sample_records() if r.LABEL == "Household")
    service = next(r for r in sample_records() if r.LABEL == "Service")
    if kind == "Need":
        rows = [node_props(Need(id="n-locked", household_id=household.id, domain="FOOD", severity=2))]
    else:
        rows = [{"household_id": household.id, "service_id": service.id}]
    answer: dict = {}
    with neo4j_store._driver.session(database=neo4j_store.database) as holder, \
            neo4j_store._driver.session(database=neo4j_store.database) as writer:
        holding = holder.begin_transaction()
        holding.run(cypher.LOCK_WRITES).consume()
        holding.run(cypher.DELETE_NODES, keys=[f"Household:{household.id}"]).consume()

        def write() -> None:
            try:
                with writer.begin_transaction() as tx:
                    answer["rows"] = tx.run(cypher.create_new_locked[kind], rows=rows).data()
                    tx.commit()
            except Exception as e:  # noqa: BLE001 - the test says what went wrong
                answer["error"] = e

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(1.0)
        waiting = thread.is_alive()
        holding.commit()
        thread.join(30)
    assert waiting, "the create statement did not wait for the write lock"
    assert "error" not in answer, answer.get("error")
    assert answer["rows"] == [{"created": 0}]
    assert neo4j_store.get("Household", household.id) is None and neo4j_store.get("Need", "n-locked") is None
