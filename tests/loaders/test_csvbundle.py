"""CSV bundles: round trip, idempotence, encodings, --skip-invalid, templates, the CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

import loaders.csvbundle as csvbundle
from api.cli import main
from graph.bulk import UnitOfWorkLoad
from graph.embedded import EmbeddedBulkLoad, EmbeddedStore
from loaders.bundle import SHEETS
from loaders.csvbundle import BundleInvalid, export_bundle, load_bundle, write_bundle
from loaders.synthetic import generate

from .kit import TEMPLATES, dump


def rows_of(directory: Path) -> dict[str, list[list[str]]]:
    """Every file's header and its rows, sorted (a bundle's meaning does not depend on row order)."""
    out = {}
    for sheet in SHEETS:
        with open(directory / sheet.filename, encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        out[sheet.filename] = [header, *sorted(rows)]
    return out


def test_generate_load_export_gives_back_the_same_bundle(bundle, tmp_path):
    with EmbeddedStore(tmp_path / "a.db") as store:
        report = load_bundle(store, bundle)
        assert report.committed and report.invalid == 0
        assert report.written == report.total_rows == sum(store.counts().values())
        export_bundle(store, tmp_path / "out")
    assert rows_of(tmp_path / "out") == rows_of(bundle)
    # and the records are the generator's, field for field
    with EmbeddedStore(tmp_path / "a.db") as store:
        loaded = dump(store)
    expected: dict[str, list[dict]] = {s.label: [] for s in SHEETS}
    for rec in generate(150, seed=7):
        expected[rec.LABEL].append(rec.to_dict())
    for label in expected:
        key = "id" if label != "Receipt" else "household_id"
        assert loaded[label] == sorted(expected[label], key=lambda d: (d[key], d.get("service_id", "")))


def test_loading_twice_changes_nothing(bundle, tmp_path):
    with EmbeddedStore(tmp_path / "a.db") as store:
        load_bundle(store, bundle)
        counts, before = store.counts(), dump(store)
        seq = store._wconn.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0]
        again = load_bundle(store, bundle)
        assert again.written == 0 and again.unchanged == again.total_rows
        assert store.counts() == counts and dump(store) == before
        assert store._wconn.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0] == seq


def test_a_changed_row_is_the_only_thing_rewritten(bundle, tmp_path):
    d = tmp_path / "b"
    shutil.copytree(bundle, d)
    with EmbeddedStore(tmp_path / "a.db") as store:
        load_bundle(store, d)
        text = (d / "households.csv").read_text(encoding="utf-8-sig").splitlines()
        first = next(csv.reader([text[1]]))
        first[3] = str(int(first[3]) + 1)  # incomePercent
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(first)
        text[1] = buf.getvalue()
        (d / "households.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
        report = load_bundle(store, d)
        assert report.written == 1
        assert store.get("Household", first[0]).income_percent == int(first[3])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_each_encoding_loads_the_same_records(bundle, tmp_path, encoding):
    with EmbeddedStore(tmp_path / "ref.db") as store:
        load_bundle(store, bundle)
        reference = dump(store)
        export_bundle(store, tmp_path / encoding, encoding=encoding)
    raw = (tmp_path / encoding / "services.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    with EmbeddedStore(tmp_path / "x.db") as store:
        report = load_bundle(store, tmp_path / encoding)
        assert dump(store) == reference
    assert report.encodings["services.csv"] == encoding


def test_cp949_after_a_long_ascii_start_is_still_recognised(tmp_path):
    """The encoding is decided by the first non-ASCII bytes, wherever they are."""
    d = tmp_path / "b"
    d.mkdir()
    lines = ["id,name,level,parentId", "gg,Gyeonggi,PROVINCE,"]
    lines += [f"c{i:05d},City {i},CITY,gg" for i in range(5000)]  # > 64 KiB of ASCII
    lines.append("c-suwon,수원시,CITY,gg")
    (d / "regions.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    with EmbeddedStore(tmp_path / "a.db") as store:
        report = load_bundle(store, d)
        assert report.encodings["regions.csv"] == "cp949"
        assert store.get("Region", "c-suwon").name == "수원시"


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(tmp_path):
    d = tmp_path / "b"
    shutil.copytree(TEMPLATES, d)
    with open(d / "households.csv", "a", encoding="utf-8", newline="") as f:
        f.write("ex-hh-2,ex-suwon-d01,2,30,,URGENT,,,\r\n")  # bad urgency
        f.write("ex-hh-3,ex-suwon-d01,1,20,ELDERLY,FOCUSED,,,\r\n")
    with open(d / "needs.csv", "a", encoding="utf-8", newline="") as f:
        f.write("ex-need-3,ex-hh-2,CARE,2,,OPEN,\r\n")  # names the bad household
        f.write("ex-need-4,ex-hh-3,CARE,2,,OPEN,\r\n")
    with EmbeddedStore(tmp_path / "a.db") as store:
        with pytest.raises(BundleInvalid):
            load_bundle(store, d)
        assert sum(store.counts().values()) == 0
        report = load_bundle(store, d, skip_invalid=True)
        assert report.invalid == 2
        assert [(p.file, p.line, p.header) for p in report.problems] == [
            ("households.csv", 3, "urgency"), ("needs.csv", 4, "householdId")]
        assert store.get("Household", "ex-hh-3") is not None and store.get("Household", "ex-hh-2") is None
        assert store.get("Need", "ex-need-4") is not None and store.get("Need", "ex-need-3") is None
        assert report.written == report.total_rows - 2


def test_the_templates_load_and_match_the_format():
    for sheet in SHEETS:
        with open(TEMPLATES / sheet.filename, encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        assert tuple(header) == sheet.headers, sheet.filename
        assert rows, f"{sheet.filename} has no example row"


def test_the_generic_unit_of_work_load_gives_the_same_result(bundle, tmp_path, monkeypatch):
    """Stores without a bulk path (Neo4j) load through one unit of work: same records, same errors."""
    with EmbeddedStore(tmp_path / "fast.db") as store:
        load_bundle(store, bundle)
        fast = dump(store)

    @contextlib.contextmanager
    def generic(store, **_):
        with UnitOfWorkLoad(store) as load:
            yield load

    monkeypatch.setattr(csvbundle, "bulk_load", generic)
    with EmbeddedStore(tmp_path / "slow.db") as store:
        report = load_bundle(store, bundle)
        assert dump(store) == fast and report.written == report.total_rows
        assert load_bundle(store, bundle).written == 0
        d = tmp_path / "bad"
        shutil.copytree(TEMPLATES, d)
        (d / "regions.csv").write_text("id,name,level,parentId\nx,X,CITY,y\ny,Y,CITY,x\n", encoding="utf-8")
        with pytest.raises(BundleInvalid, match=r"regions\.csv:\d:4 \(parentId\)"):
            load_bundle(store, d)
        assert dump(store) == fast


def test_bulk_load_takes_the_stores_own_and_a_unit_of_work_otherwise(tmp_path):
    from graph.bulk import bulk_load
    from graph.model import Region

    class Plain:
        """A store offering only the Store protocol's unit of work, as Neo4j does."""

        def __init__(self, store):
            self.unit_of_work = store.unit_of_work

    with EmbeddedStore(tmp_path / "a.db") as store:
        with bulk_load(store, expected_rows=10) as load:
            assert type(load) is EmbeddedBulkLoad and load.takes_prepared("Household")
        with bulk_load(Plain(store)) as load:
            assert type(load) is UnitOfWorkLoad and not load.takes_prepared("Household")
        store.put(Region(id="gg", name="경기도", level="PROVINCE"))  # neither kept the writer's turn
        assert store.get("Region", "gg") is not None


def run_cli(*argv):
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_generate_load_export(tmp_path, capsys):
    code, text = run_cli("generate", str(tmp_path / "gen"), "--households", "120", "--seed", "3")
    assert code == 0 and "120 households, seed 3" in text
    db = str(tmp_path / "c.db")
    code, _ = run_cli("load", str(tmp_path / "gen"), "--db", db)
    assert code == 2 and "no Dolbom database" in capsys.readouterr().err  # a new file only when asked
    code, text = run_cli("load", str(tmp_path / "gen"), "--db", db, "--create")
    assert code == 0 and "0 unchanged" in text
    code, text = run_cli("load", str(tmp_path / "gen"), "--db", db, "--format", "json")
    report = json.loads(text)
    assert code == 0 and report["written"] == 0 and report["unchanged"] == sum(report["rows"].values())
    code, text = run_cli("export", str(tmp_path / "exp"), "--db", db)
    assert code == 0
    assert rows_of(tmp_path / "exp") == rows_of(tmp_path / "gen")
    assert not list((tmp_path / "exp").glob(".dolbom-bundle-*")), "temporary folder left behind"


def test_cli_load_of_a_bad_bundle_lists_the_problems_and_exits_2(tmp_path, capsys):
    d = tmp_path / "b"
    shutil.copytree(TEMPLATES, d)
    (d / "needs.csv").write_text("id,householdId,domain,severity\nn1,ex-hh-1,HEALTH,9\nn2,nobody,HEALTH,2\n",
                                 encoding="utf-8")
    db = tmp_path / "c.db"
    code, text = run_cli("load", str(d), "--db", str(db), "--create")
    err = capsys.readouterr().err
    assert code == 2
    assert "needs.csv:2:4 (severity): must be between 1 and 5 (got 9)" in err
    assert "needs.csv:3:2 (householdId): no Household with id 'nobody'" in err
    assert "nothing was written" in err
    with EmbeddedStore(db) as store:
        assert sum(store.counts().values()) == 0


def test_generate_refuses_a_bad_size_before_writing(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "g"), "--households", "0"]) == 2
    assert "households" in capsys.readouterr().err
    assert not (tmp_path / "g").exists()


def _copies(src: Path, dst: Path, k: int) -> None:
    """``src`` with its households, needs, referrals and receipts repeated ``k``
    times under new ids: the rows grow k-fold, the regions and services do not."""
    shutil.copytree(src, dst)
    prefixed = {"households.csv": ("id",), "needs.csv": ("id", "householdId"),
                "referrals.csv": ("id", "householdId", "needIds"), "receipts.csv": ("householdId",)}
    for name, cols in prefixed.items():
        with open(src / name, encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        idx = [header.index(c) for c in cols]
        with open(dst / name, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for copy in range(k):
                for row in rows:
                    row = list(row)
                    for i in idx:
                        row[i] = "|".join(f"c{copy}-{x}" for x in row[i].split("|"))
                    w.writerow(row)


@pytest.mark.slow
def test_memory_of_a_load_does_not_grow_with_the_rows(tmp_path):
    """Python allocations while loading 8x the households, needs, referrals and
    receipts stay within a small margin of 1x: those rows stream (a batch at a
    time: 500 here, so both sizes fill whole batches); only the regions,
    organizations, services and volunteers are held."""
    write_bundle(generate(1_000, seed=1), tmp_path / "src")
    peaks, rows = {}, {}
    for k in (1, 8):
        _copies(tmp_path / "src", tmp_path / f"x{k}", k)
        with EmbeddedStore(tmp_path / f"{k}.db") as store:
            tracemalloc.start()
            report = load_bundle(store, tmp_path / f"x{k}", batch=500)
            peaks[k] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert report.invalid == 0
            rows[k] = report.total_rows
    assert rows[8] > 5 * rows[1]
    assert peaks[8] < peaks[1] * 1.25, peaks


def test_a_bulk_load_that_fails_to_start_leaves_the_store_usable(tmp_path, monkeypatch):
    from graph.model import Region

    with EmbeddedStore(tmp_path / "a.db") as store:
        def broken():
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store, "_sync", broken)
        with pytest.raises(RuntimeError, match="disk on fire"), EmbeddedBulkLoad(store):
            pass
        monkeypatch.undo()
        assert store._wlock.acquire(timeout=5), "the failed bulk load kept the writer lock"
        store._wlock.release()
        store.put(Region(id="gg", name="경기도", level="PROVINCE"))
        assert store.get("Region", "gg") is not None



def test_an_unwritable_place_is_a_clear_error_and_leaves_nothing(tmp_path):
    from graph.errors import ValidationError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ValidationError, match="cannot write to .*out"):
        write_bundle(generate(100, seed=1), blocker / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_big_load_rebuilds_the_seq_index_and_a_failed_one_keeps_it(bundle, tmp_path, monkeypatch):
    """A load expected to bring at least as many rows as the store holds drops
    the seq index and builds it at the end; rolled back, the index is back."""
    import sqlite3

    import graph.embedded.bulk

    monkeypatch.setattr(graph.embedded.bulk, "_REINDEX_MIN", 1)
    monkeypatch.setattr(csvbundle, "BYTES_PER_ROW", 1)  # every byte a row: always "big"
    dropped = []
    real = EmbeddedBulkLoad.__enter__

    def enter(self):
        out = real(self)
        dropped.append(self._reindex)
        return out

    monkeypatch.setattr(EmbeddedBulkLoad, "__enter__", enter)

    def indexes(db) -> list[str]:
        conn = sqlite3.connect(db)
        try:
            return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                               " AND name = 'records_seq'")]
        finally:
            conn.close()

    db = tmp_path / "a.db"
    with EmbeddedStore(db) as store:
        report = load_bundle(store, bundle)
        assert indexes(db) == ["records_seq"]
        with EmbeddedStore(db) as other:  # catches up through the index
            assert other.counts() == store.counts() and sum(other.counts().values()) == report.total_rows
        d = tmp_path / "bad"
        shutil.copytree(bundle, d)
        with open(d / "needs.csv", "a", encoding="utf-8") as f:
            f.write("n-bad,hh-nobody,CARE,3,,\n")
        with pytest.raises(BundleInvalid):
            load_bundle(store, d)
        assert indexes(db) == ["records_seq"]
    assert dropped == [True, True]
