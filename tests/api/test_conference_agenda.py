"""A conference's agenda and the cases on it, on both stores: cancelling a conference, or taking a
household off its agenda, gives each case back the status it had before (and not where a case
worker would call that wrong: a case another live conference still holds, a case closed
meanwhile); and conference edits from two store handles on one database (as two server
processes have) lose no update."""

from __future__ import annotations

import threading

import pytest

from graph.model import Household
from service import cases
from service import conference as conf
from service.principal import Principal, Role

COORD = Principal(Role.COORDINATOR, token_id="t-coord")
AGENDA = ["hh-0001", "hh-0003"]


def status(store, hid: str) -> str:
    return store.get("Household", hid).case_status.value


def plan(store, cid: str = "conf-a", hids=AGENDA):
    return conf.create_conference(store, COORD, id=cid, date="2026-11-24", kind="REGULAR",
                                  region_id="gg-suwon", household_ids=hids)


def test_cancelling_gives_each_case_its_status_before(store):
    cases.set_case_status(store, COORD, "hh-0003", "MONITORING", reason="지난달 사례회의 후 점검 중")
    c = plan(store)
    assert c.prior_status == {"hh-0001": "OPEN", "hh-0003": "MONITORING"}
    assert [status(store, h) for h in AGENDA] == ["IN_CONFERENCE", "IN_CONFERENCE"]
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert [status(store, h) for h in AGENDA] == ["OPEN", "MONITORING"]
    last = cases.history(store, "hh-0003", "status")[-1]
    assert (last["from"], last["to"], last["reason"]) == ("IN_CONFERENCE", "MONITORING",
                                                          "conference conf-a cancelled")


def test_a_held_conference_cancelled_gives_them_back_too(store):
    plan(store)
    conf.update_conference(store, COORD, "conf-a", status="HELD")
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert [status(store, h) for h in AGENDA] == ["OPEN", "OPEN"]


def test_taking_a_household_off_the_agenda_gives_its_status_back_and_only_its(store):
    cases.set_case_status(store, COORD, "hh-0003", "MONITORING")
    plan(store)
    out = conf.update_conference(store, COORD, "conf-a", household_ids=["hh-0001"])
    assert out.household_ids == ("hh-0001",) and "hh-0003" not in out.prior_status
    assert (status(store, "hh-0001"), status(store, "hh-0003")) == ("IN_CONFERENCE", "MONITORING")
    # put back on: recorded again, and given back again on cancel
    conf.update_conference(store, COORD, "conf-a", household_ids=["hh-0001", "hh-0003"])
    assert status(store, "hh-0003") == "IN_CONFERENCE"
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert (status(store, "hh-0001"), status(store, "hh-0003")) == ("OPEN", "MONITORING")


def test_a_case_another_live_conference_holds_stays_in_conference(store):
    plan(store, "conf-a", ["hh-0001"])
    plan(store, "conf-b", ["hh-0001"])  # on two agendas: its status before both is OPEN
    assert conf.get(store, "conf-b").prior_status == {"hh-0001": "OPEN"}
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert status(store, "hh-0001") == "IN_CONFERENCE"  # conf-b still discusses it
    conf.update_conference(store, COORD, "conf-b", status="CANCELLED")
    assert status(store, "hh-0001") == "OPEN"  # not IN_CONFERENCE, what it was when conf-b began


def test_a_case_closed_meanwhile_stays_closed(store):
    plan(store)
    cases.close_case(store, COORD, "hh-0001", "MOVED", note="타 시로 전출")
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert (status(store, "hh-0001"), status(store, "hh-0003")) == ("CLOSED", "OPEN")


def test_a_conference_recorded_before_priors_were_kept_finds_them_in_the_history(store):
    cases.set_case_status(store, COORD, "hh-0003", "MONITORING")
    plan(store)
    data = store.get_side(conf.KIND, "conf-a")
    del data["prior_status"]  # as written before this change
    store.put_side(conf.KIND, "conf-a", data)
    conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert (status(store, "hh-0001"), status(store, "hh-0003")) == ("OPEN", "MONITORING")


def test_a_failed_cancel_changes_no_case(store):
    plan(store)
    conf.update_conference(store, COORD, "conf-a", status="HELD")
    conf.decide_household(store, COORD, "conf-a", "hh-0003", items=[])
    conf.adopt_plan(store, COORD, "conf-a", "hh-0003")
    with pytest.raises(Exception) as e:
        conf.update_conference(store, COORD, "conf-a", status="CANCELLED")
    assert getattr(e.value, "field", None) == "status"
    assert (status(store, "hh-0001"), status(store, "hh-0003")) == ("IN_CONFERENCE", "MONITORING")
    assert conf.get(store, "conf-a").status == "HELD"


# -- two handles on one database -----------------------------------------------------------------


@pytest.fixture
def other(store, request):
    """A second handle on the same database, as a second server process holds."""
    if hasattr(store, "path"):
        from graph.embedded import EmbeddedStore

        handle = EmbeddedStore(store.path)
    else:
        from graph.neo4j_store import Neo4jStore

        handle = Neo4jStore.from_env(request.getfixturevalue("neo4j_env"))
    try:
        yield handle
    finally:
        handle.close()


def test_decisions_from_two_handles_lose_no_update(store, other):
    """Four households on one agenda; four threads, two on each handle, each deciding its own
    household again and again: every decision lands, each the last one made."""
    hids = AGENDA + ["hh-x1", "hh-x2"]
    store.put(*[Household(id=h, region_id="gg-suwon-jowon", size=1, income_percent=40, traits=(),
                          urgency="GENERAL") for h in hids[2:]])
    plan(store, "conf-a", hids)
    conf.update_conference(store, COORD, "conf-a", status="HELD")
    rounds = 6
    start = threading.Barrier(len(hids))
    errors: list[BaseException] = []

    def decide(i: int, hid: str) -> None:
        handle = store if i % 2 == 0 else other
        start.wait()
        try:
            for r in range(rounds):
                conf.decide_household(handle, COORD, "conf-a", hid, items=[],
                                      review_on=f"2026-12-{r + 1:02d}")
                conf.update_conference(handle, COORD, "conf-a", minutes=f"{hid} {r}")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=decide, args=(i, h)) for i, h in enumerate(hids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for handle in (store, other):
        c = conf.get(handle, "conf-a")
        last = f"2026-12-{rounds:02d}"
        assert {h: c.decisions[h].review_on for h in c.decisions} == dict.fromkeys(hids, last)
        assert c.household_ids == tuple(hids) and set(c.prior_status) == set(hids)
