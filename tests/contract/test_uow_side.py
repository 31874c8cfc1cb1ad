"""Side records written in a unit of work (service/conference.py's read-modify-write), on both
stores: with the unit's records or not at all, read back under its write lock, and serialised with
another unit of work on the same store."""

from __future__ import annotations

import threading

import pytest

from graph.model import Region


def test_a_side_record_lands_with_the_records_of_its_unit(store):
    with store.unit_of_work() as uow:
        assert uow.get_side("conference", "c1") is None
        uow.put(Region(id="r1", name="경기도", level="PROVINCE"))
        uow.put_side("conference", "c1", {"n": 1, "name": "사례회의"})
        assert uow.get_side("conference", "c1") == {"n": 1, "name": "사례회의"}  # as staged
        assert store.get_side("conference", "c1") is None  # not before the commit
    assert store.get_side("conference", "c1") == {"n": 1, "name": "사례회의"}
    assert store.get("Region", "r1") is not None


def test_a_unit_that_writes_only_a_side_record_commits_it(store):
    with store.unit_of_work() as uow:
        uow.put_side("conference", "c1", {"n": 2})
    assert store.get_side("conference", "c1") == {"n": 2}
    with store.unit_of_work() as uow:
        assert uow.get_side("conference", "c1") == {"n": 2}


def test_a_failed_unit_writes_neither(store):
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.put(Region(id="r1", name="경기도", level="PROVINCE"))
        uow.put_side("conference", "c1", {"n": 1})
        raise RuntimeError("boom")
    assert store.get_side("conference", "c1") is None and store.get("Region", "r1") is None


def test_audit_entries_are_not_staged(store):
    with pytest.raises(ValueError), store.unit_of_work() as uow:
        uow.put_side("audit", "k", {"x": 1})


def test_read_modify_write_in_units_of_work_loses_no_update(store):
    """Eight threads each add one to a counter kept in a side record, ten times: no lost update."""
    store.put_side("conference", "n", {"n": 0})

    def add() -> None:
        for _ in range(10):
            with store.unit_of_work() as uow:
                n = (uow.get_side("conference", "n") or {"n": 0})["n"]
                uow.put_side("conference", "n", {"n": n + 1})

    threads = [threading.Thread(target=add) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get_side("conference", "n") == {"n": 80}
