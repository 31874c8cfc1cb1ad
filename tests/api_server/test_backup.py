"""docs/operations.md's backup advice, checked: copying a live store's file
loses what is still in its write-ahead log; SQLite's online backup keeps it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

from graph.embedded import EmbeddedStore
from graph.model import Region
from loaders.sample import sample_records


def test_a_copy_of_the_file_loses_wal_writes_and_the_online_backup_keeps_them(tmp_path):
    live = tmp_path / "dolbom.db"
    with EmbeddedStore(live) as store:  # the server's store, open, with its writes in the WAL
        store.put(*sample_records())
        store.put(Region(id="gg-late", name="늦은동", level="DONG", parent_id="gg-suwon"))
        shutil.copy(live, tmp_path / "copy.db")
        src, dst = sqlite3.connect(live), sqlite3.connect(tmp_path / "backup.db")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        shell = shutil.which("sqlite3")
        if shell:
            subprocess.run([shell, str(live), f".backup '{tmp_path / 'shell.db'}'"], check=True, timeout=60)
        else:
            print("the sqlite3 shell is not installed: checking the Python backup API only")
        households = store.counts()["Household"]
    with EmbeddedStore(tmp_path / "copy.db") as copy:
        assert copy.get("Region", "gg-late") is None and copy.counts()["Household"] < households
    for name in ["backup.db"] + (["shell.db"] if shell else []):
        with EmbeddedStore(tmp_path / name) as backup:
            assert backup.get("Region", "gg-late") is not None
            assert backup.counts()["Household"] == households
        ok = sqlite3.connect(tmp_path / name).execute("PRAGMA integrity_check").fetchone()[0]
        assert ok == "ok"
