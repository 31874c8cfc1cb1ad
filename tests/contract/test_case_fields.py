"""The case's fields on the Household record (issue 18) on both stores: kept, changed,
cleared and read back identically; and an embedded file written with the old field list
is brought up to date with every household OPEN."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from graph.model import CaseStatus, Household, Region


def test_case_fields_round_trip(loaded):
    hh = loaded.get("Household", "hh-0001")
    assert (hh.case_status, hh.case_manager_id, hh.review_on) == (CaseStatus.OPEN, None, None)
    changed = hh.replace(case_status=CaseStatus.MONITORING, case_manager_id="stf-kim",
                         review_on=dt.date(2026, 12, 1))
    with loaded.unit_of_work() as uow:
        uow.put(changed)
    assert loaded.get("Household", "hh-0001") == changed
    assert [h for h in loaded.list("Household") if h.id == "hh-0001"] == [changed]
    cleared = changed.replace(case_manager_id=None, review_on=None, case_status="REOPENED")
    loaded.put(cleared)
    assert loaded.get("Household", "hh-0001") == cleared
    assert loaded.get("Household", "hh-0002").case_status is CaseStatus.OPEN  # the others untouched


def test_an_embedded_file_of_the_old_household_fields_is_rewritten(tmp_path):
    from graph.embedded import EmbeddedStore

    path = tmp_path / "old.db"
    with EmbeddedStore(path) as s:
        s.put(Region(id="r", name="R", level="PROVINCE"),
              Household(id="hh-a", region_id="r", size=2, income_percent=40, urgency="EMERGENCY"))
    # the file as the model before issue 18 left it: households without the case's fields
    old = ["region_id", "size", "income_percent", "traits", "urgency"]
    c = sqlite3.connect(path)
    (data,) = c.execute("SELECT data FROM records WHERE label = 'Household' AND key = 'hh-a'").fetchone()
    c.execute("UPDATE records SET data = ? WHERE label = 'Household' AND key = 'hh-a'",
              (json.dumps(json.loads(data)[:len(old)], ensure_ascii=False),))
    c.execute("UPDATE meta SET value = ? WHERE key = 'fields:Household'", (json.dumps(old),))
    c.commit()
    c.close()
    with EmbeddedStore(path) as s:
        hh = s.get("Household", "hh-a")
        assert (hh.urgency.value, hh.size, hh.case_status, hh.case_manager_id, hh.review_on) == (
            "EMERGENCY", 2, CaseStatus.OPEN, None, None)
