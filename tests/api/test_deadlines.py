"""Response deadlines on hand-made clocks: the query, the CLI report, who may see them."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from api.cli import main
from graph.model import Household, Need, Referral
from service import deadlines
from service.principal import Principal, Role
from service.settings import Settings

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CW = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")
COORD = Principal(Role.COORDINATOR, token_id="t-coord")


def open_household(store, hid: str, urgency: str, region: str = "gg-suwon-maetan", at: dt.datetime = T0,
                   by: Principal = CW) -> None:
    hh = Household(id=hid, region_id=region, size=1, income_percent=40, urgency=urgency)
    store.put(hh)
    deadlines.note_opened(store, by, hh, at=at)


def late_from_kst(opened: dt.datetime, days: int) -> str:
    """When a case opened at ``opened`` with ``days`` becomes late: the Seoul midnight after its last day."""
    kst = dt.timezone(dt.timedelta(hours=9))
    day = opened.astimezone(kst).date() + dt.timedelta(days=days + 1)
    return dt.datetime.combine(day, dt.time(), kst).astimezone(dt.UTC).isoformat()


def late(store, *, at: dt.datetime, region: str | None = None, settings: Settings | None = None, p=COORD):
    return [(o.household_id, o.days_late) for o in
            deadlines.overdue(store, p, settings or Settings(), region_id=region, as_of=at)]


def test_emergency_is_late_after_three_days_focused_after_fourteen_general_never(store):
    open_household(store, "e1", "EMERGENCY")
    open_household(store, "f1", "FOCUSED")
    open_household(store, "g1", "GENERAL")
    assert late(store, at=T0 + dt.timedelta(days=3)) == []  # on the deadline: not yet late
    # days are Seoul's calendar days: opened 18:00 KST on 2 Nov, due by the end of 5 Nov KST
    assert late(store, at=T0 + dt.timedelta(days=3, hours=6, seconds=-1)) == []  # 23:59:59 KST, 5 Nov
    assert late(store, at=T0 + dt.timedelta(days=3, hours=6)) == [("e1", 1)]  # 00:00 KST, 6 Nov
    assert late(store, at=T0 + dt.timedelta(days=6)) == [("e1", 3)]
    assert late(store, at=T0 + dt.timedelta(days=15)) == [("e1", 12), ("f1", 1)]
    assert late(store, at=T0 + dt.timedelta(days=15), settings=Settings(focused_days=30)) == [("e1", 12)]


def test_a_referral_accepted_in_time_clears_the_household_a_proposed_or_sent_one_does_not(store):
    # the promise is a service started within 3 days (issue 18): SENT no longer stops the clock
    open_household(store, "e1", "EMERGENCY")
    store.put(Need(id="n-e1", household_id="e1", domain="EMPLOYMENT", severity=4))
    store.put(Referral(id="r-e1", household_id="e1", resource_label="Service", resource_id="svc-suwon-jobs",
                       need_ids=["n-e1"], status="PROPOSED", created_at=T0.isoformat()))
    assert late(store, at=T0 + dt.timedelta(days=5)) == [("e1", 2)]
    store.put(store.get("Referral", "r-e1").replace(status="SENT", updated_at=T0.isoformat()))
    assert late(store, at=T0 + dt.timedelta(days=5)) == [("e1", 2)]
    store.put(store.get("Referral", "r-e1").replace(status="ACCEPTED",
                                                    updated_at=(T0 + dt.timedelta(days=1)).isoformat()))
    assert late(store, at=T0 + dt.timedelta(days=5)) == []


def test_households_without_an_opening_are_not_judged(store):
    # the sample's households were loaded, not opened through the API
    assert late(store, at=T0 + dt.timedelta(days=365)) == []


def test_create_household_notes_the_opening_and_its_case_worker(gql, store):
    gql('mutation { createHousehold(input: {id: "hh-new", regionId: "gg-suwon-jowon", size: 2, '
        'incomePercent: 50, urgency: EMERGENCY}) { id } }', "caseworker").ok()
    from service import audit

    def reads():
        return [d for _, d in store.list_side(audit.KIND) if d["action"] == "read"]

    before = len(reads())  # the household the mutation returned
    opened = store.get_side(deadlines.OPENED, "hh-new")
    assert opened["by"] == "t-cw" and opened["regionId"] == "gg-suwon-jowon"
    at = dt.datetime.fromisoformat(opened["at"])
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 60
    in_four_days = (at + dt.timedelta(days=4)).isoformat()
    q = 'query($at: String) { overdue(asOf: $at) { householdId regionId urgency daysLate openedBy dueAt } }'
    rows = gql(q, "caseworker", at=in_four_days).ok()["overdue"]
    assert rows == [{"householdId": "hh-new", "regionId": "gg-suwon-jowon", "urgency": "EMERGENCY",
                     "daysLate": 1, "openedBy": "t-cw", "dueAt": late_from_kst(at, 3)}]
    assert gql(q, "caseworker", at=(at + dt.timedelta(days=2)).isoformat()).ok()["overdue"] == []
    # the late household's urgency was shown: that overdue request (only) is audited as a read of it
    assert [(e["actor"], e["targetIds"]) for e in reads()[before:]] == [("t-cw", ["hh-new"])]


def test_scope_by_region_and_role(gql, store):
    open_household(store, "e-suwon", "EMERGENCY")
    open_household(store, "e-sn", "EMERGENCY", region="gg-seongnam-sinheung",
                   by=Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-cw-sn"))
    at = (T0 + dt.timedelta(days=10)).isoformat()
    q = 'query($r: ID, $at: String) { overdue(regionId: $r, asOf: $at) { householdId } }'

    def ids(who, r=None):
        return [x["householdId"] for x in gql(q, who, r=r, at=at).ok()["overdue"]]

    assert ids("coordinator") == ["e-sn", "e-suwon"]  # by region id
    assert ids("coordinator", "gg-suwon") == ["e-suwon"]
    assert ids("caseworker") == ["e-suwon"]  # a case worker's default is its own region
    assert gql(q, "caseworker", r="gg-seongnam", at=at).code == "FORBIDDEN"
    assert gql(q, "partner-bar", at=at).code == "FORBIDDEN"
    assert gql(q, None, at=at).code == "UNAUTHENTICATED"
    assert gql(q, "coordinator", r="nowhere", at=at).code == "NOT_FOUND"
    assert gql(q, "coordinator", at="next tuesday").code == "BAD_USER_INPUT"


def test_cli_report_overdue_groups_by_region_and_case_worker(tmp_path):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records

    db = tmp_path / "d.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
        open_household(store, "e1", "EMERGENCY")
        open_household(store, "e2", "EMERGENCY", region="gg-seongnam-sinheung",
                       by=Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-cw-sn"))
    out = io.StringIO()
    argv = ["report", "overdue", "--db", str(db), "--as-of", "2026-11-10", "--format", "json"]
    assert main(argv, out=out) == 0
    rows = json.loads(out.getvalue())
    # opened 2 Nov KST, due by the end of 5 Nov; on 10 Nov (KST) 5 days late
    assert [(r["regionId"], r["openedBy"], r["householdId"], r["daysLate"]) for r in rows] == [
        ("gg-seongnam-sinheung", "t-cw-sn", "e2", 5), ("gg-suwon-maetan", "t-cw", "e1", 5)]
    out = io.StringIO()
    assert main(["report", "overdue", "--db", str(db), "--as-of", "2026-11-10", "--region", "gg-suwon",
                 "--lang", "en"],
                out=out) == 0
    text = out.getvalue()
    assert "case worker" in text and "e1" in text and "e2" not in text
    with pytest.raises(SystemExit):
        main(["report", "overdue", "--db", str(db), "--format", "xml"])
