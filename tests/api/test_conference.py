"""Case conferences over the API, on both stores: who may, what a decision may
hold, and adoptPlan's rules (all or nothing, the item named, exceptions waive
one near miss only, a retry adds nothing, the case follows)."""

from __future__ import annotations

import pytest

from graph.model import Service
from service import audit
from service.principal import Principal
from service.staff import add_staff

CREATE = """mutation($i: ConferenceInput!) { createConference(input: $i) {
  id status kind date region { id } agenda { id caseStatus } staff { id name role }
  organizations { id } } }"""
UPDATE = """mutation($id: ID!, $i: ConferenceUpdateInput!) { updateConference(id: $id, input: $i) {
  id status minutes agenda { id } } }"""
DECIDE = """mutation($c: ID!, $h: ID!, $i: DecisionInput!) {
  decideHousehold(conferenceId: $c, householdId: $h, input: $i) {
  id decisions { household { id } reviewOn leadManager { id name }
  items { index referralId resource { ... on Service { id } } needs { id } }
  exceptions { resourceId reason note approver { id name } } } } }"""
ADOPT = """mutation($c: ID!, $h: ID) { adoptPlan(conferenceId: $c, householdId: $h) {
  created referrals { id status household { id } resource { ... on Service { id } } }
  conference { status decisions { household { id } adoptedAt referrals { id } } } } }"""
READ = """query($id: ID!) { conference(id: $id) { id status agenda { id }
  decisions { household { id } } } }"""


@pytest.fixture
def people(store):
    local = Principal.local()
    add_staff(store, local, name="김민지", role="caseworker", region_id="gg-suwon", staff_id="stf-kim")
    add_staff(store, local, name="이정호", role="coordinator", staff_id="stf-lee")
    add_staff(store, local, name="박서연", role="caseworker", region_id="gg-seongnam", staff_id="stf-park")
    return store


def conf_input(**over):
    base = {"id": "conf-1", "date": "2026-11-24", "kind": "EMERGENCY", "regionId": "gg-suwon",
            "staffIds": ["stf-kim"], "organizationIds": ["org-gg-bar"],
            "householdIds": ["hh-0001", "hh-0003"]}
    return {**base, **over}


def held(gql, who="caseworker", **over):
    gql(CREATE, who, i=conf_input(**over)).ok()
    gql(UPDATE, who, id=over.get("id", "conf-1"), i={"status": "HELD", "minutes": "긴급 사례회의"}).ok()


def referral_ids(store, prefix="ref-conf-1-"):
    return sorted(r.id for r in store.list("Referral") if r.id.startswith(prefix))


def test_create_puts_cases_in_conference_and_is_an_audited_read(gql, people, store):
    c = gql(CREATE, "caseworker", i=conf_input()).ok()["createConference"]
    assert c["status"] == "PLANNED" and c["kind"] == "EMERGENCY" and c["region"]["id"] == "gg-suwon"
    assert [(h["id"], h["caseStatus"]) for h in c["agenda"]] == [("hh-0001", "IN_CONFERENCE"),
                                                                ("hh-0003", "IN_CONFERENCE")]
    assert c["staff"] == [{"id": "stf-kim", "name": "김민지", "role": "CASEWORKER"}]
    assert store.get("Household", "hh-0002").case_status.value == "OPEN"  # not on the agenda: untouched
    reads = [e for _, e in store.list_side(audit.KIND) if e["action"] == "read"]
    assert reads and set(reads[-1]["targetIds"]) >= {"hh-0001", "hh-0003"}
    listed = gql("query { conferences(regionId: \"gg-suwon\") { totalCount edges { node { id } } } }",
                 "coordinator").ok()["conferences"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["id"] == "conf-1"


def test_scope_other_region_and_partners_see_nothing(gql, people):
    gql(CREATE, "caseworker", i=conf_input()).ok()
    assert gql(READ, "caseworker-sn", id="conf-1").code == "FORBIDDEN"
    assert gql(READ, "partner-bar", id="conf-1").code == "FORBIDDEN"
    assert gql(READ, None, id="conf-1").code == "UNAUTHENTICATED"
    assert gql(READ, "caseworker", id="conf-nope").code == "NOT_FOUND"
    r = gql(CREATE, "caseworker-sn", i=conf_input(id="conf-2"))
    assert r.code == "FORBIDDEN" and r.errors[0]["extensions"]["field"] == "regionId"
    # a household of another region: FORBIDDEN for the case worker (never where it lives) ...
    r = gql(CREATE, "caseworker", i=conf_input(id="conf-3", householdIds=["hh-0002"]))
    assert r.code == "FORBIDDEN" and r.errors[0]["extensions"]["field"] == "householdIds[0]"
    # ... and outside the conference's region for a coordinator
    r = gql(CREATE, "coordinator", i=conf_input(id="conf-4", householdIds=["hh-0001", "hh-0002"]))
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "householdIds[1]"
    seen = gql("query { conferences { totalCount } }", "caseworker-sn").ok()["conferences"]
    assert seen["totalCount"] == 0  # the case worker of Seongnam lists only its own region


def test_status_moves(gql, people):
    gql(CREATE, "caseworker", i=conf_input()).ok()
    r = gql(UPDATE, "caseworker", id="conf-1", i={"status": "ADOPTED"})
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "status"
    moved = gql(UPDATE, "caseworker", id="conf-1", i={"status": "HELD"}).ok()
    assert moved["updateConference"]["status"] == "HELD"
    assert gql(ADOPT, "caseworker", c="conf-1").code == "BAD_USER_INPUT"  # nothing decided yet


def test_decision_checks(gql, people):
    held(gql)
    ok_item = [{"resourceId": "svc-suwon-jobs", "needIds": ["need-0001-job"]}]

    def field(r):
        assert r.errors, r.body
        return r.code, r.errors[0]["extensions"].get("field")

    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0002", i={"items": ok_item})) == (
        "BAD_USER_INPUT", "householdId")  # not on the agenda
    bad_domain = [{"resourceId": "svc-suwon-jobs", "needIds": ["need-0001-legal"]}]
    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0001", i={"items": bad_domain})) == (
        "BAD_USER_INPUT", "items[0].needIds")
    other = [{"resourceId": "svc-suwon-jobs", "needIds": ["need-0003-edu"]}]
    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0001", i={"items": other})) == (
        "BAD_USER_INPUT", "items[0].needIds")
    # hh-0001 (62%) passes the jobs programme's income ceiling (100%): nothing to waive
    waive = [{"resourceId": "svc-suwon-jobs", "reason": "NOT_ELIGIBLE_INCOME", "note": "x",
              "approverId": "stf-lee"}]
    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
                     i={"items": ok_item, "exceptions": waive})) == ("BAD_USER_INPUT", "exceptions[0].reason")
    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
                     i={"items": ok_item, "leadManagerId": "stf-park"})) == ("BAD_USER_INPUT",
                                                                             "leadManagerId")
    assert field(gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
                     i={"items": ok_item, "reviewOn": "2026-11-01"})) == ("BAD_USER_INPUT", "reviewOn")
    d = gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
            i={"items": ok_item, "leadManagerId": "stf-kim", "reviewOn": "2026-12-08"}).ok()
    [dec] = d["decideHousehold"]["decisions"]
    assert dec["leadManager"] == {"id": "stf-kim", "name": "김민지"} and dec["reviewOn"] == "2026-12-08"
    assert dec["items"][0]["referralId"] == "ref-conf-1-hh-0001-1"


def test_adoption_all_or_nothing_names_the_item_and_retry_adds_nothing(gql, people, store):
    store.put(Service(id="svc-one", name="긴급 생계비 (한 자리)", provider_id="org-suwon-city",
                      domains=["HOUSING"], region_ids=["gg-suwon"], capacity=1))
    from graph.model import Need

    store.put(Need(id="need-0003-house", household_id="hh-0003", domain="HOUSING", severity=4))
    held(gql)
    jobs = {"resourceId": "svc-suwon-jobs", "needIds": ["need-0001-job"]}
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
        i={"items": [jobs, {"resourceId": "svc-one", "needIds": ["need-0001-rent"]}],
           "leadManagerId": "stf-kim", "reviewOn": "2026-12-08"}).ok()
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0003",
        i={"items": [{"resourceId": "svc-one", "needIds": ["need-0003-house"]}]}).ok()
    r = gql(ADOPT, "caseworker", c="conf-1")
    assert r.code == "CONFLICT", r.body
    assert r.errors[0]["extensions"]["field"] == "items[0]"
    assert "hh-0003" in r.errors[0]["message"] and "svc-one" in r.errors[0]["message"]
    assert referral_ids(store) == []  # nothing written, not even hh-0001's jobs referral
    assert store.get("Household", "hh-0001").case_status.value == "IN_CONFERENCE"
    # one household alone fits
    a = gql(ADOPT, "caseworker", c="conf-1", h="hh-0001").ok()["adoptPlan"]
    assert a["created"] == ["ref-conf-1-hh-0001-1", "ref-conf-1-hh-0001-2"]
    assert a["conference"]["status"] == "HELD"  # hh-0003's plan is not adopted
    hh = store.get("Household", "hh-0001")
    assert (hh.case_status.value, hh.case_manager_id, str(hh.review_on)) == ("MONITORING", "stf-kim",
                                                                             "2026-12-08")
    again = gql(ADOPT, "caseworker", c="conf-1", h="hh-0001").ok()["adoptPlan"]
    assert again["created"] == [] and [x["id"] for x in again["referrals"]] == a["created"]
    assert referral_ids(store) == a["created"]
    # the decision no longer changes once adopted
    r = gql(DECIDE, "caseworker", c="conf-1", h="hh-0001", i={"items": [jobs]})
    assert r.code == "CONFLICT"
    # places are counted per adoption against the places held (ACCEPTED and on): hh-0001's referral
    # is PROPOSED and holds none, so hh-0003's one item fits svc-one's one free place on its own
    b = gql(ADOPT, "caseworker", c="conf-1", h="hh-0003").ok()["adoptPlan"]
    assert b["created"] == ["ref-conf-1-hh-0003-1"] and b["conference"]["status"] == "ADOPTED"


def test_a_place_taken_since_the_decision_fails_the_adoption(gql, people, store):
    store.put(Service(id="svc-one", name="한 자리", provider_id="org-suwon-city", domains=["EMPLOYMENT"],
                      region_ids=["gg-suwon"], capacity=1, used=1))
    held(gql)
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
        i={"items": [{"resourceId": "svc-one", "needIds": ["need-0001-job"]}]}).ok()
    r = gql(ADOPT, "caseworker", c="conf-1")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "items[0]"
    assert "svc-one" in r.errors[0]["message"]
    assert referral_ids(store) == []


def test_an_exception_waives_its_near_miss_only(gql, people, store):
    # hh-0003 has 80% of median income: 5 points over a 75% ceiling (a near miss, margin 10)
    store.put(Service(id="svc-rent75", name="주거비", provider_id="org-suwon-city", domains=["EDUCATION"],
                      region_ids=["gg-suwon"], max_income_percent=75),
              Service(id="svc-old75", name="노인 교육", provider_id="org-suwon-city", domains=["EDUCATION"],
                      region_ids=["gg-suwon"], max_income_percent=75, required_traits=["ELDERLY"]),
              Service(id="svc-rent60", name="저소득 교육", provider_id="org-suwon-city",
                      domains=["EDUCATION"], region_ids=["gg-suwon"], max_income_percent=60))
    held(gql)
    item = {"resourceId": "svc-rent75", "needIds": ["need-0003-edu"]}
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0003", i={"items": [item]}).ok()
    r = gql(ADOPT, "caseworker", c="conf-1", h="hh-0003")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "items[0]"
    assert "NOT_ELIGIBLE_INCOME" in r.errors[0]["message"]
    # 20 points over is no near miss: the conference may not approve it
    far = {"resourceId": "svc-rent60", "needIds": ["need-0003-edu"]}
    r = gql(DECIDE, "caseworker", c="conf-1", h="hh-0003",
            i={"items": [far], "exceptions": [{"resourceId": "svc-rent60", "reason": "NOT_ELIGIBLE_INCOME",
                                               "note": "위원회 승인", "approverId": "stf-lee"}]})
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "exceptions[0].reason"
    # the income exception does not let a missing trait through
    old = {"resourceId": "svc-old75", "needIds": ["need-0003-edu"]}
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0003",
        i={"items": [old], "exceptions": [{"resourceId": "svc-old75", "reason": "NOT_ELIGIBLE_INCOME",
                                           "note": "소득 5%p 초과, 위원회 승인",
                                           "approverId": "stf-lee"}]}).ok()
    r = gql(ADOPT, "caseworker", c="conf-1", h="hh-0003")
    assert r.code == "CONFLICT" and "NOT_ELIGIBLE_TRAIT" in r.errors[0]["message"]
    assert referral_ids(store) == []
    # the approved income near miss goes through, and the trail says so
    d = gql(DECIDE, "caseworker", c="conf-1", h="hh-0003",
            i={"items": [item], "exceptions": [{"resourceId": "svc-rent75", "reason": "NOT_ELIGIBLE_INCOME",
                                                "note": "소득 5%p 초과, 위원회 승인",
                                                "approverId": "stf-lee"}]}).ok()
    exc = d["decideHousehold"]["decisions"][0]["exceptions"]
    assert exc == [{"resourceId": "svc-rent75", "reason": "NOT_ELIGIBLE_INCOME",
                    "note": "소득 5%p 초과, 위원회 승인", "approver": {"id": "stf-lee", "name": "이정호"}}]
    a = gql(ADOPT, "caseworker", c="conf-1", h="hh-0003").ok()["adoptPlan"]
    assert a["created"] == ["ref-conf-1-hh-0003-1"]
    [entry] = [e for _, e in store.list_side(audit.KIND) if e["action"] == "adoptPlan"]
    assert entry["detail"]["exceptions"][0]["waives"] == "NOT_ELIGIBLE_INCOME"
    assert entry["detail"]["exceptions"][0]["referralId"] == "ref-conf-1-hh-0003-1"


def test_an_open_referral_for_the_same_need_fails_the_item(gql, people, store):
    # hh-0001 has ref-0001 (SENT) to svc-gg-legal for need-0001-legal: the duplicate rule of new referrals
    held(gql)
    gql(DECIDE, "caseworker", c="conf-1", h="hh-0001",
        i={"items": [{"resourceId": "svc-suwon-jobs", "needIds": ["need-0001-job"]},
                     {"resourceId": "svc-gg-legal", "needIds": ["need-0001-legal"]}]}).ok()
    r = gql(ADOPT, "caseworker", c="conf-1")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "items[1]", r.body
    assert referral_ids(store) == []
