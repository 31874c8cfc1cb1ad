"""Opening a store: no silent empty stores, and a copy before any migration.

The ``dolbom`` commands and the server (:func:`graph.factory.open_store`)
open only a Dolbom database that exists: a missing file (a mistyped ``--db``,
``dolbom stats`` in a folder without ``dolbom.db``) or an empty (0-byte) one is
refused with a one-line error naming the path and is not created, unless
creation is asked for (``dolbom init``, ``--create``, the demo's own
database). A file that is not SQLite, or another application's SQLite file,
is refused untouched. An older file is copied aside with SQLite's backup API
before it is brought up to date. (``EmbeddedStore(path)`` in Python still
makes a missing file: ``create=False`` refuses it.)
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.embedded import SCHEMA_VERSION, EmbeddedStore
from graph.embedded.auditlog import path_for
from graph.errors import StoreError
from graph.factory import open_store
from graph.store import AUDIT
from loaders.sample import sample_records
from tests.clirun import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _embedded_only(monkeypatch):
    """The embedded store whatever the environment says (NEO4J_URI would choose Neo4j)."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("DOLBOM_DB", raising=False)


@pytest.fixture
def store_log():
    """The records of the ``dolbom.store`` logger (its own handler: another test may stop propagation)."""
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("dolbom.store")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def _one_line_error(capsys, path) -> str:
    err = capsys.readouterr().err
    assert err.startswith("dolbom: error: ") and err.count("\n") == 1, err
    assert str(path) in err and "Traceback" not in err, err
    return err


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --------------------------------------------------------------------------
# a missing file


READERS = [
    ("stats",),
    ("report", "coverage"),
    ("report", "overdue"),
    ("match", "hh-0001"),
    ("export", "out-bundle"),
    ("export-hsds", "out-hsds"),
    ("token", "list"),
    ("token", "create", "--role", "coordinator"),
    ("load", "some-bundle"),
    ("import-hsds", "some.json"),
]


@pytest.mark.parametrize("argv", READERS, ids=lambda a: " ".join(a))
def test_a_missing_db_is_refused_by_every_command_and_not_created(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # where the commands would write their output
    db = tmp_path / "typo.db"
    code, _ = run(*argv, "--db", str(db))
    assert code == 2
    err = _one_line_error(capsys, db)
    assert "no Dolbom database" in err and "dolbom init" in err
    assert _files(tmp_path) == set(), "nothing may be created"


def test_stats_without_db_does_not_create_dolbom_db_in_the_current_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("stats")[0] == 2
    _one_line_error(capsys, "dolbom.db")
    assert _files(tmp_path) == set()


def test_serve_refuses_a_missing_db_before_it_listens(tmp_path):
    db = tmp_path / "typo.db"
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "DOLBOM_DB")}
    done = subprocess.run([sys.executable, "-m", "api.cli", "serve", "--db", str(db), "--port", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("dolbom: error: there is no Dolbom database at") and str(db) in done.stderr
    assert "Traceback" not in done.stderr and _files(tmp_path) == set()


def test_the_server_app_refuses_a_missing_db_named_by_the_environment(tmp_path, monkeypatch):
    """What each uvicorn worker does (api.asgi.app_from_env): open the store in the lifespan."""
    from starlette.testclient import TestClient

    from api.app import create_app
    from service.settings import Settings

    db = tmp_path / "typo.db"
    monkeypatch.setenv("DOLBOM_DB", str(db))
    with pytest.raises(StoreError, match="no Dolbom database"), \
            TestClient(create_app(lambda: open_store(), Settings())) as client:
        client.get("/readyz")
    assert _files(tmp_path) == set()


def test_load_and_import_make_a_new_database_only_with_create(tmp_path, capsys):
    db = tmp_path / "new.db"
    sample = ROOT / "tests" / "data" / "hsds_sample" / "gyeonggi_services.json"
    assert run("import-hsds", str(sample), "--db", str(db))[0] == 2
    assert not db.exists()
    capsys.readouterr()
    code, _ = run("import-hsds", str(sample), "--db", str(db), "--create")
    assert code == 0, capsys.readouterr().err
    assert db.exists() and Path(path_for(str(db))).exists()


# --------------------------------------------------------------------------
# dolbom init


def test_init_makes_a_new_empty_database_and_refuses_an_existing_one(tmp_path, capsys):
    db = tmp_path / "d.db"
    code, text = run("init", "--db", str(db))
    assert code == 0 and str(db) in text and f"schema version {SCHEMA_VERSION}" in text
    assert db.stat().st_size > 0 and Path(path_for(str(db))).exists()
    code, text = run("stats", "--db", str(db))
    assert code == 0 and "Household" in text
    before = db.read_bytes()
    assert run("init", "--db", str(db))[0] == 2
    assert "already exists" in _one_line_error(capsys, db)
    assert db.read_bytes() == before


def test_init_without_db_makes_dolbom_db_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init")[0] == 0
    assert (tmp_path / "dolbom.db").stat().st_size > 0
    assert run("stats")[0] == 0


# --------------------------------------------------------------------------
# files that are there but are not a Dolbom database


def test_a_zero_length_file_is_refused_untouched_unless_creation_is_asked_for(tmp_path, capsys):
    db = tmp_path / "empty.db"
    db.touch()
    for argv in (("stats",), ("report", "coverage"), ("token", "list")):
        assert run(*argv, "--db", str(db))[0] == 2
        assert "empty file (0 bytes)" in _one_line_error(capsys, db)
    with pytest.raises(StoreError, match="0 bytes"):
        EmbeddedStore(db, create=False)
    assert db.stat().st_size == 0 and _files(tmp_path) == {"empty.db"}
    assert run("init", "--db", str(db))[0] == 0  # asked for: a new database in it
    with EmbeddedStore(db, create=False) as store:
        assert not any(store.counts().values())


def test_an_empty_sqlite_database_is_no_dolbom_database_unless_creation_is_asked_for(tmp_path, capsys):
    db = tmp_path / "blank.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")  # a valid SQLite file with no tables
    conn.close()
    assert db.stat().st_size > 0
    assert run("stats", "--db", str(db))[0] == 2
    assert "empty SQLite database" in _one_line_error(capsys, db)
    EmbeddedStore(db, create=True).close()
    assert run("stats", "--db", str(db))[0] == 0


@pytest.mark.parametrize("create", [False, True])
def test_a_file_that_is_not_sqlite_is_refused_untouched_even_with_create(tmp_path, capsys, create):
    db = tmp_path / "notes.db"
    data = "가계부 2026\n".encode() * 500
    db.write_bytes(data)
    code, _ = run("load", "x", "--db", str(db), *(["--create"] if create else []))
    assert code == 2
    assert "not a SQLite file" in _one_line_error(capsys, db)
    assert db.read_bytes() == data and _files(tmp_path) == {"notes.db"}


@pytest.mark.parametrize("create", [False, True])
def test_another_applications_sqlite_file_is_refused_untouched_even_with_create(tmp_path, capsys, create):
    db = tmp_path / "crm.db"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("CREATE TABLE customers (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO customers VALUES ('김', '010')")
    conn.close()
    data = db.read_bytes()
    code, _ = run("load", "x", "--db", str(db), *(["--create"] if create else []))
    assert code == 2
    assert "not a Dolbom database" in _one_line_error(capsys, db)
    assert db.read_bytes() == data and _files(tmp_path) == {"crm.db"}


def test_a_directory_is_refused(tmp_path, capsys):
    assert run("stats", "--db", str(tmp_path))[0] == 2
    assert "is a directory" in _one_line_error(capsys, tmp_path)


def test_a_lost_database_with_its_wal_left_is_not_started_over_even_with_create(tmp_path):
    db = tmp_path / "lost.db"
    Path(f"{db}-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(60))
    with pytest.raises(StoreError, match="write-ahead log"):
        EmbeddedStore(db, create=True)
    assert not db.exists()


def test_open_store_refuses_by_default_and_the_python_constructor_creates_by_default(tmp_path):
    with pytest.raises(StoreError, match="no Dolbom database"):
        open_store(str(tmp_path / "a.db"))
    open_store(str(tmp_path / "a.db"), create=True).close()
    EmbeddedStore(tmp_path / "b.db").close()
    assert {"a.db", "b.db"} <= _files(tmp_path)


# --------------------------------------------------------------------------
# a copy before a migration


def _as_version_3(db: Path, audit_entries: list[tuple[str, dict]]) -> None:
    """Make the file a version 3 one: its audit entries side records in the file itself, no audit file."""
    import json

    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO side (kind, key, data) VALUES ('audit', ?, ?)",
                         [(k, json.dumps(d)) for k, d in audit_entries])
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(path_for(str(db)) + suffix).unlink(missing_ok=True)


def _side(db, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_an_older_file_is_copied_aside_then_migrated_and_its_audit_entries_still_listed(tmp_path, store_log):
    db = tmp_path / "old.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
        store.put_side("token", "t1", {"role": "coordinator"})
    entries = [(f"2026-11-0{i}T09:00:00.000000+00:00/{i:012x}", {"action": "read", "n": i})
               for i in range(1, 6)]
    _as_version_3(db, list(reversed(entries)))
    with EmbeddedStore(db, create=False) as store:
        backup = store.backup_path
        assert backup is not None and Path(backup).name.startswith("old.db.bak-v3-")
        assert store.list_side(AUDIT) == entries  # in time order, from their new file
        assert store.get_side("token", "t1") == {"role": "coordinator"}
        assert store.counts()["Household"] == len([r for r in sample_records() if r.LABEL == "Household"])
        store.append_audit("2026-11-09T00:00:00.000000+00:00/new", {"action": "read", "n": 9})
        assert [d["n"] for _, d in store.list_side(AUDIT)] == [1, 2, 3, 4, 5, 9]
    (said,) = [r.getMessage() for r in store_log]
    assert backup in said and "schema version 3" in said
    # the copy is the file as it was: version 3, its audit entries inside
    assert _side(backup, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    assert len(_side(backup, "SELECT key FROM side WHERE kind = 'audit'")) == 5
    assert _side(backup, "PRAGMA integrity_check") == [("ok",)]
    # the file itself: today's version, no audit entry left in it
    assert _side(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert _side(db, "SELECT count(*) FROM side WHERE kind = 'audit'") == [(0,)]
    with EmbeddedStore(db, create=False) as again:  # once brought up to date, no more copies
        assert again.backup_path is None and len(again.list_side(AUDIT)) == 6
    assert len([p for p in tmp_path.iterdir() if ".bak-" in p.name]) == 1


def test_the_copy_holds_what_was_still_in_the_wal(tmp_path):
    """The copy is SQLite's backup, not a copy of the main file alone: a commit not yet
    checkpointed is in it."""
    db = tmp_path / "wal.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
    _as_version_3(db, [])
    keeper = sqlite3.connect(db)  # open: the last connection to close would checkpoint the WAL
    keeper.execute("PRAGMA journal_mode=WAL")
    keeper.execute("PRAGMA wal_autocheckpoint = 0")
    with keeper:
        keeper.execute("INSERT INTO side (kind, key, data) VALUES ('token', 'late', '{}')")
    main_only = tmp_path / "main-only.db"
    main_only.write_bytes(db.read_bytes())  # what copying the .db file alone would give
    assert _side(main_only, "SELECT key FROM side WHERE kind = 'token'") == []
    try:
        with EmbeddedStore(db, create=False) as store:
            backup = store.backup_path
    finally:
        keeper.close()
    assert backup is not None and _side(backup, "SELECT key FROM side WHERE kind = 'token'") == [("late",)]


def test_a_file_of_todays_version_is_not_copied_and_a_refused_one_leaves_no_copy(tmp_path):
    db = tmp_path / "now.db"
    EmbeddedStore(db).close()
    with EmbeddedStore(db, create=False) as store:
        assert store.backup_path is None
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    with pytest.raises(StoreError, match="schema version"):
        EmbeddedStore(db, create=False)
    assert not [p for p in tmp_path.iterdir() if ".bak-" in p.name]
