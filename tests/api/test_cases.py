"""Staff and the case through the API, on both stores: the households list, case moves,
reclassifications, what partners may not see, the read audit, tokens of people."""

from __future__ import annotations

import pytest

from service import audit
from service.settings import Settings

HH = ("query($id: ID!) { household(id: $id) { id caseStatus caseManagerId reviewOn urgency "
      "caseHistory { kind from to reason note actor staffName } reclassifications { from to reason } } }")


def reads(store):
    return [d for _, d in store.list_side(audit.KIND) if d["action"] == "read"]


def test_households_lists_a_page_and_audits_every_household_listed(gql, store):
    q = ("query($r: ID, $s: CaseStatus, $after: String) { households(regionId: $r, status: $s, "
         "first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } "
         "edges { node { id caseStatus } } } }")
    before = len(reads(store))
    page = gql(q, "caseworker").ok()["households"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"]
    assert [e["node"] for e in page["edges"]] == [{"id": "hh-0001", "caseStatus": "OPEN"}]
    rest = gql(q, "caseworker", after=page["pageInfo"]["endCursor"]).ok()["households"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["hh-0003"] and not rest["pageInfo"]["hasNextPage"]
    assert [(e["actor"], e["targetIds"]) for e in reads(store)[before:]] == [
        ("t-cw", ["hh-0001"]), ("t-cw", ["hh-0003"])]
    all_ = gql(q, "coordinator").ok()["households"]
    assert all_["totalCount"] == 3
    # refused: nothing listed, nothing audited
    n = len(reads(store))
    assert gql(q, "caseworker", r="gg-seongnam").code == "FORBIDDEN"
    assert gql(q, "partner-bar").code == "FORBIDDEN"
    assert gql(q, None).code == "UNAUTHENTICATED"
    assert gql(q, "coordinator", after="bogus").code == "BAD_USER_INPUT"
    assert len(reads(store)) == n


def test_a_case_closes_reopens_and_keeps_its_history(gql):
    gql('mutation { setCaseStatus(householdId: "hh-0001", status: IN_CONFERENCE, reason: "긴급 사례회의") '
        "{ id } }", "caseworker").ok()
    r = gql('mutation { setCaseStatus(householdId: "hh-0001", status: CLOSED) { id } }', "caseworker")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "status"
    r = gql('mutation { closeCase(householdId: "hh-0001", reason: OTHER) { id } }', "caseworker")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "note"
    done = gql('mutation { closeCase(householdId: "hh-0001", reason: RESOLVED, note: "주거 안정") '
               "{ caseStatus } }", "caseworker").ok()["closeCase"]
    assert done == {"caseStatus": "CLOSED"}
    r = gql('mutation { setCaseStatus(householdId: "hh-0001", status: MONITORING) { id } }', "caseworker")
    assert r.code == "BAD_USER_INPUT"
    gql('mutation { reopenCase(householdId: "hh-0001", reason: "재체납") { id } }', "caseworker").ok()
    h = gql(HH, "caseworker", id="hh-0001").ok()["household"]
    assert h["caseStatus"] == "REOPENED"
    got = [(e["kind"], e["from"], e["to"], e["reason"], e["note"], e["actor"]) for e in h["caseHistory"]]
    assert got == [
        ("status", "OPEN", "IN_CONFERENCE", "긴급 사례회의", None, "t-cw"),
        ("status", "IN_CONFERENCE", "CLOSED", "RESOLVED", "주거 안정", "t-cw"),
        ("status", "CLOSED", "REOPENED", "재체납", None, "t-cw")]


def test_reclassification_needs_a_reason_and_is_kept(gql, store):
    upd = 'mutation($i: HouseholdUpdateInput!) { updateHousehold(id: "hh-0003", input: $i) { urgency size } }'
    r = gql(upd, "caseworker", i={"urgency": "EMERGENCY"})
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "reason"
    assert gql(upd, "caseworker", i={"size": 4}).ok()["updateHousehold"] == {"urgency": "GENERAL", "size": 4}
    out = gql(upd, "caseworker", i={"urgency": "EMERGENCY", "reason": "단전 통보"}).ok()["updateHousehold"]
    assert out["urgency"] == "EMERGENCY"
    h = gql(HH, "coordinator", id="hh-0003").ok()["household"]
    assert h["reclassifications"] == [{"from": "GENERAL", "to": "EMERGENCY", "reason": "단전 통보"}]
    assert gql(upd, "caseworker", i={"size": 0}).errors[0]["extensions"]["field"] == "size"
    actions = [d["action"] for _, d in store.list_side(audit.KIND) if d["action"] != "read"]
    assert actions.count("updateHousehold") == 2  # the two that changed something were audited


def test_update_need_keeps_what_is_not_sent_and_clears_a_null_detail(gql):
    q = 'mutation($i: NeedUpdateInput!) { updateNeed(id: "need-0001-rent", input: $i) { severity detail } }'
    assert gql(q, "caseworker", i={"severity": 2}).ok()["updateNeed"] == {
        "severity": 2, "detail": "월세 3개월 체납"}
    assert gql(q, "caseworker", i={"detail": None}).ok()["updateNeed"] == {"severity": 2, "detail": None}
    r = gql('mutation { updateNeed(id: "need-0001-legal", input: {domain: HOUSING}) { id } }', "caseworker")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "domain"


def test_partners_see_nothing_of_the_case(gql):
    for field in ("caseStatus", "caseManagerId", "reviewOn", "caseHistory { at }",
                  "reclassifications { at }", "caseManager { id }"):
        r = gql(f'query {{ household(id: "hh-0001") {{ id {field} }} }}', "partner-bar")
        assert r.code == "FORBIDDEN", (field, r.body)
        assert r.errors[0]["extensions"]["field"] == field.split()[0]


def test_staff_through_the_api(gql):
    add = "mutation($i: StaffInput!) { addStaff(input: $i) { id name role regionId organizationId active } }"
    s = gql(add, "coordinator", i={"id": "stf-kim", "name": "김민지", "role": "CASEWORKER",
                                   "regionId": "gg-suwon"}).ok()["addStaff"]
    assert s == {"id": "stf-kim", "name": "김민지", "role": "CASEWORKER", "regionId": "gg-suwon",
                 "organizationId": None, "active": True}
    r = gql(add, "coordinator", i={"name": "x", "role": "PARTNER"})
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "organizationId"
    gql(add, "coordinator", i={"id": "stf-choi", "name": "최성남", "role": "CASEWORKER",
                               "regionId": "gg-seongnam"}).ok()
    names = "query { staff { id } }"
    assert [x["id"] for x in gql(names, "coordinator").ok()["staff"]] == ["stf-choi", "stf-kim"]
    assert [x["id"] for x in gql(names, "caseworker").ok()["staff"]] == ["stf-kim"]
    a = gql('mutation { assignCaseManager(householdId: "hh-0001", staffId: "stf-kim", '
            'reviewOn: "2026-12-01") { caseManagerId reviewOn caseManager { name } } }',
            "caseworker").ok()["assignCaseManager"]
    assert a == {"caseManagerId": "stf-kim", "reviewOn": "2026-12-01", "caseManager": {"name": "김민지"}}
    r = gql('mutation { assignCaseManager(householdId: "hh-0001", staffId: "stf-choi") { id } }',
            "caseworker")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "staffId"
    q = 'query { households(caseManagerId: "stf-kim") { edges { node { id } } } }'
    assert [e["node"]["id"] for e in gql(q, "coordinator").ok()["households"]["edges"]] == ["hh-0001"]
    off = gql('mutation { disableStaff(id: "stf-kim") { active disabledAt } }', "coordinator").ok()
    assert off["disableStaff"]["active"] is False and off["disableStaff"]["disabledAt"]


@pytest.fixture
def real_client(store):
    from starlette.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(store, Settings())) as c:
        yield c


def _post(client, query, token):
    return client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})


def test_a_persons_token_is_audited_by_name_and_stops_when_they_are_disabled(real_client, store):
    from service.principal import Principal
    from service.staff import add_staff
    from service.tokens import create_token

    add_staff(store, Principal.local(), name="김민지", role="caseworker", region_id="gg-suwon",
              staff_id="stf-kim")
    token = create_token(store, None, staff_id="stf-kim")
    coord = create_token(store, "coordinator")
    r = _post(real_client, 'mutation { setCaseStatus(householdId: "hh-0001", status: MONITORING) { id } }',
              token)
    assert r.status_code == 200 and not r.json().get("errors"), r.json()
    log = _post(real_client, 'query { auditLog(action: "setCaseStatus") { edges { node { actor staffId '
                             "staffName } } } }", coord).json()["data"]["auditLog"]["edges"]
    assert [(e["node"]["staffId"], e["node"]["staffName"]) for e in log] == [("stf-kim", "김민지")]
    assert log[0]["node"]["actor"] and log[0]["node"]["actor"] != "stf-kim"  # the token id stays
    hist = _post(real_client, '{ household(id: "hh-0001") { caseHistory { staffName actor } } }',
                 coord).json()["data"]["household"]["caseHistory"]
    assert [h["staffName"] for h in hist] == ["김민지"]
    off = _post(real_client, 'mutation { disableStaff(id: "stf-kim") { active } }', coord)
    assert off.json()["data"]["disableStaff"]["active"] is False
    r = _post(real_client, '{ household(id: "hh-0001") { id } }', token)
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _post(real_client, '{ household(id: "hh-0001") { id } }', coord).status_code == 200


def test_the_overdue_query_says_which_clock(make_gql, store):
    import datetime as dt

    from graph.model import Household
    from service import deadlines
    from service.principal import Principal, Role

    hh = Household(id="e1", region_id="gg-suwon-maetan", size=1, income_percent=40, urgency="EMERGENCY")
    store.put(hh)
    at = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    deadlines.note_opened(store, Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw",
                                           staff_id="stf-kim", staff_name="김민지"), hh, at=at)
    q = 'query { overdue(asOf: "2026-11-10") { householdId clock openedBy openedByName openedByStaffId } }'
    for clock in ("accepted", "delivered"):
        gql, _ = make_gql(Settings(deadline_clock=clock))
        assert gql(q, "coordinator").ok()["overdue"] == [
            {"householdId": "e1", "clock": clock, "openedBy": "t-cw", "openedByName": "김민지",
             "openedByStaffId": "stf-kim"}]
    gql, _ = make_gql(Settings())
    late = 'query { households(overdue: true, asOf: "2026-11-10") { edges { node { id } } } }'
    assert [e["node"]["id"] for e in gql(late, "coordinator").ok()["households"]["edges"]] == ["e1"]
    on_time = 'query { households(overdue: false, asOf: "2026-11-10") { edges { node { id } } } }'
    assert "e1" not in [e["node"]["id"] for e in gql(on_time, "coordinator").ok()["households"]["edges"]]
