"""Issue 17 at the API: support forms and tags, need tags, reason codes on flags and unmet
needs, coverage's two kinds of blind spot, ranked overlap groups. Every test runs on both
stores (the ``store`` fixture)."""

from __future__ import annotations

from i18n import clock
from matching import allocate, coverage

C = "coordinator"


def test_services_and_volunteers_say_how_they_help(gql):
    s = gql('query { service(id: "svc-suwon-rent") { form tags } }').ok()["service"]
    assert s == {"form": "CASH", "tags": ["rent-support"]}
    got = gql('mutation { registerService(input: {id: "svc-new", name: "식품 꾸러미", '
              'providerId: "org-diocese", domains: [FOOD], regionIds: ["gg-suwon"], form: IN_KIND, '
              'tags: ["food-parcel", "food-parcel"]}) { id form tags } }', C).ok()["registerService"]
    assert got == {"id": "svc-new", "form": "IN_KIND", "tags": ["food-parcel"]}
    plain = gql('mutation { registerService(input: {id: "svc-plain", name: "상담", '
                'providerId: "org-diocese", domains: [CARE], regionIds: ["gg-suwon"]}) { form tags } }',
                C).ok()["registerService"]
    assert plain == {"form": "SERVICE", "tags": []}
    v = gql('mutation { registerVolunteer(input: {id: "vol-new", name: "이수진", skills: [EDUCATION], '
            'regionIds: ["gg-suwon"], hoursPerWeek: 3, tags: ["korean-class"]}) { form tags } }',
            C).ok()["registerVolunteer"]
    assert v == {"form": "SERVICE", "tags": ["korean-class"]}


def test_an_unknown_tag_or_form_is_bad_input_naming_the_field(gql):
    r = gql('mutation { registerService(input: {id: "svc-x", name: "x", providerId: "org-diocese", '
            'domains: [FOOD], regionIds: ["gg-suwon"], tags: ["free-lunch"]}) { id } }', C)
    assert r.code == "BAD_USER_INPUT" and "free-lunch" in r.errors[0]["message"]
    assert "tags" in r.errors[0]["message"]
    r = gql('mutation { registerService(input: {id: "svc-x", name: "x", providerId: "org-diocese", '
            'domains: [FOOD], regionIds: ["gg-suwon"], form: MONEY}) { id } }', C)
    assert r.errors and r.code in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
    assert gql('query { service(id: "svc-x") { id } }', C).codes == ["NOT_FOUND"]  # nothing written


def test_need_tags_given_or_derived_from_the_detail(gql):
    given = gql('mutation { addNeed(householdId: "hh-0001", input: {id: "need-t1", domain: EDUCATION, '
                'severity: 2, detail: "아이 공부", tags: ["mentoring"]}) { tags } }',
                "caseworker").ok()["addNeed"]
    assert given == {"tags": ["mentoring"]}
    derived = gql('mutation { addNeed(householdId: "hh-0001", input: {id: "need-t2", domain: EDUCATION, '
                  'severity: 2, detail: "한국어 교육 필요"}) { tags } }', "caseworker").ok()["addNeed"]
    assert derived == {"tags": ["korean-class"]}
    # the sample's legal need is "임금 체불 분쟁": derived for the case worker, not for the partner,
    # who never reads the detail it comes from
    q = 'query { household(id: "hh-0001") { needs { id tags } } }'
    cw = {n["id"]: n["tags"] for n in gql(q, "caseworker").ok()["household"]["needs"]}
    assert cw["need-0001-legal"] == ["wage-claim"] and cw["need-0001-rent"] == ["rent-support"]
    partner = {n["id"]: n["tags"] for n in gql(q, "partner-bar").ok()["household"]["needs"]}
    assert partner == {"need-0001-legal": []}


def test_flags_carry_reason_codes(gql):
    p = gql('query { matchPackages(householdId: "hh-0001", limit: 1) { flags { kind reason serviceIds } '
            'items { reasons } } }', C).ok()["matchPackages"][0]
    assert p["flags"] == [{"kind": "CAPACITY", "reason": "QUOTA_USED", "serviceIds": ["svc-gg-clinic"]}]
    # in the deployment's language, Korean by default (English: tests/api/test_match_locale.py)
    assert any("욕구 유형에 맞음" in r for i in p["items"] for r in i["reasons"])
    p3 = gql('query { matchPackages(householdId: "hh-0003", limit: 1) { flags { kind reason } } }',
             C).ok()["matchPackages"][0]
    assert p3["flags"] == [{"kind": "MISSING", "reason": "NOTHING_IN_REGION"}]


def test_coverage_shows_both_kinds_of_blind_spot(gql, store):
    got = gql('query { coverage(regionId: "gg-suwon") { region { id } domain openNeeds uncoveredNeeds '
              'missingNeeds unmetNeeds shortOfPlaces } }', C).ok()["coverage"]
    want = coverage(store.graph("gg-suwon"), "gg-suwon", on=clock.today())
    assert [(c["region"]["id"], c["domain"], c["missingNeeds"], c["unmetNeeds"], c["shortOfPlaces"])
            for c in got] == [(w.region_id, w.domain.value, w.missing_needs, w.unmet_needs, w.short_of_places)
                              for w in want]
    health = next(c for c in got if c["region"]["id"] == "gg-suwon" and c["domain"] == "HEALTH")
    # the medical MOU's quota is spent: not enough places, not "nothing exists"
    assert (health["uncoveredNeeds"], health["missingNeeds"], health["shortOfPlaces"]) == (1, 0, 1)


def test_allocation_unmet_needs_have_reason_codes(gql, store):
    ids = ["hh-0001", "hh-0002", "hh-0003"]
    a = gql('query($ids: [ID!]!) { allocate(householdIds: $ids) { unmet { id } '
            'unmetNeeds { need { id } reason message } } }', C, ids=ids).ok()["allocate"]
    plan = allocate(store.graph(), ids, on=clock.today())
    assert [(u["need"]["id"], u["reason"]) for u in a["unmetNeeds"]] == [
        (u.need_id, u.reason) for u in plan.unmet]
    assert [u["id"] for u in a["unmet"]] == [u["need"]["id"] for u in a["unmetNeeds"]]
    reasons = {u["need"]["id"]: u["reason"] for u in a["unmetNeeds"]}
    assert reasons["need-0001-health"] == "QUOTA_USED" and reasons["need-0003-edu"] == "NOTHING_IN_REGION"
    assert all(u["message"] for u in a["unmetNeeds"])


def test_overlap_groups_say_form_tag_and_redundancy(gql):
    gql('mutation { registerService(input: {id: "svc-dup-food", name: "반찬 배달", '
        'providerId: "org-suwon-city", domains: [FOOD], regionIds: ["gg-suwon"], form: IN_KIND, '
        'tags: ["meal-delivery"], capacity: 10}) { id } }', C).ok()
    groups = gql('query { overlaps(regionId: "gg-suwon") { region { id } domain form tag capacity demand '
                 'redundancy services { id } } }', C).ok()["overlaps"]
    [g] = [g for g in groups if g["tag"] == "meal-delivery"]
    assert (g["domain"], g["form"], g["capacity"]) == ("FOOD", "IN_KIND", None)  # the diocese's is unlimited
    assert {s["id"] for s in g["services"]} == {"svc-dup-food", "svc-diocese-food"}
    assert g["redundancy"] > 0 and g["demand"] >= 0
    assert [x["redundancy"] for x in groups] == sorted((x["redundancy"] for x in groups), reverse=True)
