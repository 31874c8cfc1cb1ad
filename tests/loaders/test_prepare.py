"""Reading the big files in a worker process gives exactly what reading them here gives."""

from __future__ import annotations

import io
import pickle
import shutil

import pytest

from graph.embedded import EmbeddedStore
from loaders.bundle import SHEET_BY_LABEL
from loaders.csvbundle import BundleInvalid, load_bundle, write_bundle
from loaders.csvfile import BundleError
from loaders.prepare import Worker
from loaders.synthetic import generate

from .kit import TEMPLATES, dump

NEEDS = "id,householdId,domain,severity,detail,status\n"


def test_a_worker_load_equals_a_load_here(bundle, tmp_path):
    got = {}
    for workers in (False, True):
        with EmbeddedStore(tmp_path / f"{workers}.db") as store:
            seen = []
            report = load_bundle(store, bundle, workers=workers, batch=97,
                                 progress=lambda done, total, seen=seen: seen.append(done))
            assert report.invalid == 0 and report.written == report.total_rows
            assert seen == sorted(seen) and seen[-1] == sum(p.stat().st_size for p in bundle.iterdir())
            got[workers] = (dump(store), report.rows, report.encodings)
            again = load_bundle(store, bundle, workers=workers)
            assert again.written == 0
    assert got[True] == got[False]


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_bad_rows_read_by_a_worker_are_reported_the_same(tmp_path, skip_invalid):
    d = tmp_path / "bundle"
    shutil.copytree(TEMPLATES, d)
    rows = ("n1,ex-hh-1,CARE,9,,\nn2,ex-hh-1,NOPE,3,,\nn3,zz,CARE,3,,\nn4,ex-hh-1,CARE,3,,\n"
            "n4,ex-hh-1,CARE,2,,\nex-need-1,ex-hh-1,HOUSING,4,,\n")
    (d / "needs.csv").write_text(NEEDS + rows, encoding="utf-8")
    reports = {}
    for workers in (False, True):
        with EmbeddedStore(tmp_path / f"{workers}.db") as store:
            if skip_invalid:
                report = load_bundle(store, d, workers=workers, skip_invalid=True, batch=1)
            else:
                with pytest.raises(BundleInvalid) as info:
                    load_bundle(store, d, workers=workers, batch=1)
                report = info.value.report
                assert not any(store.counts().values())
            reports[workers] = [str(p) for p in report.problems]
    assert reports[True] == reports[False]
    assert reports[True] == [
        "needs.csv:2:4 (severity): must be between 1 and 5 (got 9)",
        ("needs.csv:3:3 (domain): must be one of HEALTH, HOUSING, EMPLOYMENT, LEGAL, INCOME, EDUCATION, "
         "CARE, MENTAL_HEALTH, FOOD (got 'NOPE')"),
        "needs.csv:4:2 (householdId): no Household with id 'zz'",
        "needs.csv:6:1 (id): duplicate id 'n4' (first on line 5)",
    ]


def test_a_file_wide_problem_in_the_worker_stops_the_load(tmp_path):
    d = tmp_path / "bundle"
    shutil.copytree(TEMPLATES, d)
    (d / "needs.csv").write_bytes(NEEDS.encode() + b"n9,ex-hh-1,CARE,3,\xff\xfe,\n")
    with EmbeddedStore(tmp_path / "a.db") as store:
        with pytest.raises(BundleError, match=r"^needs\.csv:2: byte 0xff is not valid cp949"):
            load_bundle(store, d, workers=True)
        assert not any(store.counts().values())


def test_a_worker_that_fails_says_why(tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text(NEEDS, encoding="utf-8")
    with Worker([("NoSuchKind", path)], None, 10) as worker, \
            pytest.raises(RuntimeError, match="(?s)failed.*KeyError: 'NoSuchKind'"):
        list(worker.events("NoSuchKind"))


def test_a_worker_left_behind_is_stopped(tmp_path):
    write_bundle(generate(300, seed=1), tmp_path)
    sheet = SHEET_BY_LABEL["Need"]
    worker = Worker([("Need", tmp_path / sheet.filename)], None, 1)
    events = worker.events("Need")
    assert next(events)[0] == "rows"
    worker.close()  # mid-file, as when a load gives up early
    assert worker._proc.poll() is not None


def test_a_worker_ignores_modules_in_the_callers_folder(bundle, tmp_path, monkeypatch):
    (tmp_path / "graph.py").write_text("raise SystemExit('the caller\\'s graph.py was imported')\n")
    monkeypatch.chdir(tmp_path)
    with EmbeddedStore(tmp_path / "a.db") as store:
        report = load_bundle(store, bundle, workers=True)
        assert report.written == report.total_rows


def test_a_worker_killed_mid_load_is_a_clear_error(tmp_path):
    # more rows than the pipe holds (a message each), so the worker cannot be done before it is killed
    needs = tmp_path / SHEET_BY_LABEL["Need"].filename
    needs.write_text(NEEDS + "".join(f"n-{i},hh-1,CARE,3,,\n" for i in range(20_000)), encoding="utf-8")
    worker = Worker([("Need", needs)], None, 1)
    try:
        events = worker.events("Need")
        assert next(events)[0] == "rows"
        worker._proc.kill()
        with pytest.raises(RuntimeError, match=r"stopped early \(exit code -9\)"):
            list(events)
        # killed in the middle of a message: what is left of it does not unpickle
        worker._in.close()
        worker._in = io.BytesIO(pickle.dumps(("rows", [2], [("k",)], 10))[:-3])
        with pytest.raises(RuntimeError, match=r"stopped early \(exit code -9\)"):
            list(worker.events("Need"))
    finally:
        worker.close()
