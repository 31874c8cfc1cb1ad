"""Every mutation: what it writes, its idempotence and conflicts, and the
capacity rule (a place taken on ACCEPTED, given back on DECLINED or retire)."""

from __future__ import annotations

import pytest

C = "coordinator"

ACCEPT = ('mutation($id: ID!, $s: ReferralStatus!) { updateReferral(id: $id, status: $s) '
          '{ id status updatedAt } }')
ACCEPT_WHY = ('mutation($id: ID!, $s: ReferralStatus!, $r: String) { updateReferral(id: $id, status: $s, '
              'reason: $r) { id status updatedAt } }')


def _service(store, sid):
    return store.get("Service", sid)


def test_upsert_region_creates_then_updates(gql, store):
    doc = "mutation($r: RegionInput!) { upsertRegion(input: $r) { id name level parent { id } } }"
    r = gql(doc, C, r={"id": "gg-suwon-new", "name": "새동", "level": "DONG", "parentId": "gg-suwon"}).ok()
    assert r["upsertRegion"] == {"id": "gg-suwon-new", "name": "새동", "level": "DONG",
                                 "parent": {"id": "gg-suwon"}}
    gql(doc, C, r={"id": "gg-suwon-new", "name": "새이름동", "level": "DONG", "parentId": "gg-suwon"}).ok()
    assert store.get("Region", "gg-suwon-new").name == "새이름동"


def test_register_organization_is_idempotent_and_conflicts_on_other_content(gql, store):
    doc = "mutation($o: OrganizationInput!) { registerOrganization(input: $o) { id name regions { id } } }"
    o = {"id": "org-new", "name": "새 단체", "sector": "NONPROFIT", "regionIds": ["gg"]}
    assert gql(doc, C, o=o).ok()["registerOrganization"]["regions"] == [{"id": "gg"}]
    assert gql(doc, C, o=o).ok()["registerOrganization"]["id"] == "org-new"
    r = gql(doc, C, o={**o, "name": "다른 이름"})
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "id"
    assert store.get("Organization", "org-new").name == "새 단체"


def test_register_service_by_its_partner(gql, store):
    doc = ("mutation($s: ServiceInput!) { registerService(input: $s) { id capacity available active "
           "eligibility { maxIncomePercent requiredTraits } provider { id } agreement { id } "
           "excludes { id } } }")
    s = {"id": "svc-bar-night", "name": "야간 법률 상담", "providerId": "org-gg-bar", "domains": ["LEGAL"],
         "regionIds": ["gg-suwon"], "capacity": 10, "agreementId": "mou-bar",
         "eligibility": {"maxIncomePercent": 80, "requiredTraits": ["ELDERLY"]},
         "excludesIds": ["svc-gg-legal"]}
    out = gql(doc, "partner-bar", s=s).ok()["registerService"]
    assert out == {"id": "svc-bar-night", "capacity": 10, "available": 10, "active": True,
                   "eligibility": {"maxIncomePercent": 80, "requiredTraits": ["ELDERLY"]},
                   "provider": {"id": "org-gg-bar"}, "agreement": {"id": "mou-bar"},
                   "excludes": [{"id": "svc-gg-legal"}]}
    assert _service(store, "svc-bar-night").max_income_percent == 80


def test_register_service_with_an_agreement_of_another_partner_names_the_field(gql):
    r = gql('mutation { registerService(input: {id: "svc-x", name: "x", providerId: "org-gg-bar", '
            'domains: [LEGAL], regionIds: ["gg"], agreementId: "mou-medical"}) { id } }', C)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "agreementId"


def test_sign_agreement_and_register_volunteer(gql, store):
    a = gql('mutation { signAgreement(input: {id: "mou-new", partnerId: "org-diocese", '
            'domains: [FOOD, CARE], signedOn: "2026-01-01", expiresOn: "2027-01-01", annualQuota: 50}) '
            "{ id partner { id } domains signedOn expiresOn annualQuota used } }", C).ok()["signAgreement"]
    assert a == {"id": "mou-new", "partner": {"id": "org-diocese"}, "domains": ["CARE", "FOOD"],
                 "signedOn": "2026-01-01", "expiresOn": "2027-01-01", "annualQuota": 50, "used": 0}
    v = gql('mutation { registerVolunteer(input: {id: "vol-lee", name: "이수진", skills: [CARE], '
            'regionIds: ["gg-suwon-maetan"], languages: ["ko", "en"], hoursPerWeek: 3}) '
            "{ id skills languages hoursPerWeek regions { id } } }", "caseworker").ok()["registerVolunteer"]
    assert v == {"id": "vol-lee", "skills": ["CARE"], "languages": ["en", "ko"], "hoursPerWeek": 3,
                 "regions": [{"id": "gg-suwon-maetan"}]}


def test_household_need_receipt_lifecycle(gql, store):
    h = gql('mutation { createHousehold(input: {id: "hh-new", regionId: "gg-suwon-jowon", size: 2, '
            'incomePercent: 50, traits: [ELDERLY], urgency: FOCUSED}) '
            '{ id size traits urgency region { id } } }',
            "caseworker").ok()["createHousehold"]
    assert h == {"id": "hh-new", "size": 2, "traits": ["ELDERLY"], "urgency": "FOCUSED",
                 "region": {"id": "gg-suwon-jowon"}}
    n = gql('mutation { addNeed(householdId: "hh-new", input: {id: "need-new", domain: FOOD, severity: 3, '
            'detail: "끼니 거름"}) { id status detail household { id } } }', "caseworker").ok()["addNeed"]
    assert n == {"id": "need-new", "status": "OPEN", "detail": "끼니 거름", "household": {"id": "hh-new"}}
    s = gql('mutation { setNeedStatus(id: "need-new", status: MET) { status } }', "caseworker").ok()
    assert s["setNeedStatus"]["status"] == "MET"
    rr = gql('mutation { recordReceipt(householdId: "hh-new", serviceId: "svc-diocese-food") '
             "{ receipts { id } } }", "caseworker").ok()
    assert rr["recordReceipt"]["receipts"] == [{"id": "svc-diocese-food"}]
    assert store.receipts("hh-new")[0].service_id == "svc-diocese-food"


def test_create_referral_then_walk_the_lifecycle(gql, store):
    doc = ('mutation { createReferral(input: {id: "ref-new", householdId: "hh-0001", '
           'resourceId: "svc-suwon-rent", needIds: ["need-0001-rent"]}) '
           '{ id status household { id } resource { ... on Service { id } } '
           "needs { id } createdAt } }")
    ref = gql(doc, "caseworker").ok()["createReferral"]
    assert ref["status"] == "PROPOSED" and ref["resource"] == {"id": "svc-suwon-rent"}
    # replay: same record
    assert gql(doc, "caseworker").ok()["createReferral"]["createdAt"] == ref["createdAt"]
    used = _service(store, "svc-suwon-rent").used
    for status in ("SENT", "ACCEPTED", "DELIVERED", "CLOSED"):
        assert gql(ACCEPT, "caseworker", id="ref-new", s=status).ok()["updateReferral"]["status"] == status
    assert _service(store, "svc-suwon-rent").used == used + 1


def test_referral_to_a_volunteer(gql):
    r = gql('mutation { createReferral(input: {id: "ref-vol", householdId: "hh-0003", resourceId: "vol-kim", '
            'needIds: ["need-0003-edu"]}) { resource { __typename ... on Volunteer { id name } } } }', C).ok()
    assert r["createReferral"]["resource"] == {"__typename": "Volunteer", "id": "vol-kim", "name": "김민지"}


def test_referral_with_another_households_need_names_the_field(gql, store):
    r = gql('mutation { createReferral(input: {id: "ref-bad", householdId: "hh-0001", '
            'resourceId: "svc-gg-legal", needIds: ["need-0002-care"]}) { id } }', C)
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "needIds"
    assert store.get("Referral", "ref-bad") is None


def test_referral_to_a_full_or_retired_service_is_a_conflict(gql):
    full = gql('mutation { createReferral(input: {id: "ref-f", householdId: "hh-0001", '
               'resourceId: "svc-suwon-shelter", needIds: ["need-0001-rent"]}) { id } }', C)
    assert full.code == "CONFLICT" and full.errors[0]["extensions"]["field"] == "resourceId"
    retired = gql('mutation { createReferral(input: {id: "ref-r", householdId: "hh-0001", '
                  'resourceId: "svc-suwon-old-counsel", needIds: ["need-0001-rent"]}) { id } }', C)
    assert retired.code == "CONFLICT"
    quota = gql('mutation { createReferral(input: {id: "ref-q", householdId: "hh-0001", '
                'resourceId: "svc-gg-clinic", needIds: ["need-0001-health"]}) { id } }', C)
    assert quota.code == "CONFLICT" and "할당량" in quota.errors[0]["message"]


def test_an_illegal_move_is_bad_input_naming_status(gql, store):
    r = gql(ACCEPT, C, id="ref-0001", s="CLOSED")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "status"
    assert store.get("Referral", "ref-0001").status.value == "SENT"


def test_accept_takes_a_place_and_decline_gives_it_back(gql, store):
    quota0 = store.get("Agreement", "mou-bar").used
    gql(ACCEPT, "partner-bar", id="ref-0001", s="ACCEPTED").ok()
    assert store.get("Agreement", "mou-bar").used == quota0 + 1
    gql(ACCEPT, "partner-bar", id="ref-0001", s="ACCEPTED").ok()  # the same status again changes nothing
    assert store.get("Agreement", "mou-bar").used == quota0 + 1
    gql(ACCEPT_WHY, "partner-bar", id="ref-0001", s="DECLINED", r="상담 인력 부족").ok()
    assert store.get("Agreement", "mou-bar").used == quota0


def test_accepting_on_a_full_service_is_a_conflict_naming_status(gql, store):
    gql('mutation { registerService(input: {id: "svc-one", name: "한 자리", providerId: "org-suwon-city", '
        'domains: [HOUSING], regionIds: ["gg-suwon"], capacity: 1}) { id } }', C).ok()
    for i, need in ((1, "need-0001-rent"), (2, "need-0001-job")):  # one open referral per need and resource
        gql(f'mutation {{ createReferral(input: {{id: "r{i}", householdId: "hh-0001", resourceId: "svc-one", '
            f'needIds: ["{need}"]}}) {{ id }} }}', C).ok()
        gql(ACCEPT, C, id=f"r{i}", s="SENT").ok()
    gql(ACCEPT, C, id="r1", s="ACCEPTED").ok()
    r = gql(ACCEPT, C, id="r2", s="ACCEPTED")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "status"
    assert store.get("Referral", "r2").status.value == "SENT"
    assert _service(store, "svc-one").used == 1
    assert gql('query { service(id: "svc-one") { available } }').ok()["service"]["available"] == 0


def test_retire_declines_open_referrals_and_gives_places_back(gql, store):
    gql(ACCEPT, C, id="ref-0001", s="ACCEPTED").ok()
    used = store.get("Agreement", "mou-bar").used
    out = gql('mutation { retireService(id: "svc-gg-legal") { id active } }', "partner-bar").ok()
    assert out["retireService"] == {"id": "svc-gg-legal", "active": False}
    assert store.get("Referral", "ref-0001").status.value == "DECLINED"
    assert store.get("Agreement", "mou-bar").used == used - 1
    again = gql('mutation { retireService(id: "svc-gg-legal") { active } }', C).ok()
    assert again["retireService"]["active"] is False
    assert store.get("Agreement", "mou-bar").used == used - 1


def test_delivered_referrals_keep_their_place_on_retire(gql, store):
    for s in ("ACCEPTED", "DELIVERED"):
        gql(ACCEPT, C, id="ref-0001", s=s).ok()
    used = store.get("Agreement", "mou-bar").used
    gql('mutation { retireService(id: "svc-gg-legal") { id } }', C).ok()
    assert store.get("Referral", "ref-0001").status.value == "DELIVERED"
    assert store.get("Agreement", "mou-bar").used == used


@pytest.mark.parametrize("doc, field", [
    ('mutation { createHousehold(input: {id: "hh-x", regionId: "nowhere", size: 1, incomePercent: 1, '
     'urgency: GENERAL}) { id } }', "regionId"),
    ('mutation { addNeed(householdId: "hh-none", input: {id: "n", domain: FOOD, severity: 1}) { id } }',
     "householdId"),
    ('mutation { setNeedStatus(id: "need-none", status: MET) { id } }', "id"),
    ('mutation { recordReceipt(householdId: "hh-0001", serviceId: "svc-none") { id } }', "serviceId"),
    ('mutation { createReferral(input: {id: "r", householdId: "hh-0001", resourceId: "svc-none", '
     'needIds: ["need-0001-rent"]}) { id } }', "resourceId"),
    ('mutation { updateReferral(id: "ref-none", status: SENT) { id } }', "id"),
    ('mutation { retireService(id: "svc-none") { id } }', "id"),
    ('mutation { registerService(input: {id: "svc-x", name: "x", providerId: "org-none", domains: [LEGAL], '
     'regionIds: ["gg"]}) { id } }', "providerId"),
])
def test_unknown_ids_are_not_found_naming_the_field(gql, store, doc, field):
    before = store.counts()
    r = gql(doc, C)
    assert r.code == "NOT_FOUND", r.body
    assert r.errors[0]["extensions"]["field"] == field
    assert store.counts() == before
