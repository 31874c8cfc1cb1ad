"""Every query: what it returns, paging, nested links, and the matching family
(matchPackages, coverage, overlaps, network, allocate) against the functions
they wrap."""

from __future__ import annotations

import pytest

from i18n import clock

C = "coordinator"


def test_region_with_parent_chain(gql):
    r = gql('query { region(id: "gg-suwon-maetan") '
            '{ id name level parent { id level parent { id } } } }').ok()
    assert r["region"] == {"id": "gg-suwon-maetan", "name": "매탄1동", "level": "DONG",
                           "parent": {"id": "gg-suwon", "level": "CITY", "parent": {"id": "gg"}}}


def test_organization_lists_its_services_and_agreements(gql, store):
    o = gql('query { organization(id: "org-suwon-city") { id name sector regions { id } services { id } '
            "agreements { id } } }").ok()["organization"]
    want = sorted(s.id for s in store.list("Service") if s.provider_id == "org-suwon-city")
    assert sorted(s["id"] for s in o["services"]) == want and len(want) == 3
    assert o["sector"] == "PUBLIC" and o["regions"] == [{"id": "gg-suwon"}] and o["agreements"] == []
    bar = gql('query { organization(id: "org-gg-bar") { agreements { id annualQuota used } } }').ok()
    assert bar["organization"]["agreements"] == [{"id": "mou-bar", "annualQuota": 120, "used": 37}]


def test_service_fields(gql):
    s = gql('query { service(id: "svc-suwon-rent") { id name domains capacity available leadTimeDays '
            "cost active eligibility { maxIncomePercent requiredTraits } excludes { id } agreement { id } "
            "provider { id } regions { id } } }").ok()["service"]
    assert s == {"id": "svc-suwon-rent", "name": "긴급 주거비 지원", "domains": ["HOUSING"], "capacity": 40,
                 "available": 28, "leadTimeDays": 2, "cost": 0, "active": True,
                 "eligibility": {"maxIncomePercent": 75, "requiredTraits": []},
                 "excludes": [{"id": "svc-suwon-shelter"}], "agreement": None,
                 "provider": {"id": "org-suwon-city"}, "regions": [{"id": "gg-suwon"}]}


def test_services_pages_through_everything_once(gql, store):
    seen, after = [], None
    while True:
        page = gql("query($a: String) { services(first: 3, after: $a) { totalCount "
                   "edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
                   a=after).ok()["services"]
        assert page["totalCount"] == len(store.list("Service"))
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(s.id for s in store.list("Service"))


def test_services_filters_by_domain_and_region(gql):
    legal = gql("query { services(domain: LEGAL) { edges { node { id } } } }").ok()["services"]["edges"]
    assert [e["node"]["id"] for e in legal] == ["svc-gg-legal"]
    sn = gql('query { services(regionId: "gg-seongnam-sinheung") { edges { node { id } } } }').ok()
    ids = [e["node"]["id"] for e in sn["services"]["edges"]]
    assert ids == ["svc-diocese-food", "svc-gg-clinic", "svc-gg-legal", "svc-seongnam-care"]
    city = gql('query { services(regionId: "gg-suwon", domain: HOUSING) { totalCount } }').ok()
    assert city["services"]["totalCount"] == 2


def test_services_first_zero_and_bad_cursor(gql):
    empty = gql("query { services(first: 0) { edges { cursor } pageInfo { hasNextPage } } }").ok()["services"]
    assert empty == {"edges": [], "pageInfo": {"hasNextPage": True}}
    r = gql('query { services(after: "not-a-cursor") { totalCount } }')
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "after"


def test_household_whole(gql):
    h = gql('query { household(id: "hh-0002") { id size incomePercent traits urgency region { id } '
            "needs { id domain severity status household { id } } receipts { id } "
            "referrals { id } } }", C).ok()["household"]
    assert h["traits"] == ["ELDERLY", "CHRONIC_ILLNESS"] and h["urgency"] == "FOCUSED"
    assert [n["id"] for n in h["needs"]] == ["need-0002-care", "need-0002-food"]
    assert h["needs"][0]["household"] == {"id": "hh-0002"} and h["referrals"] == []


def test_match_packages_equals_the_matching_function(gql, store):
    from matching import match

    got = gql('query { matchPackages(householdId: "hh-0001", limit: 2) { rank cost providerCount '
              "coveredDomains missingDomains items { resource { ... on Service { id } "
              "... on Volunteer { id } } needs { id } reasons } "
              "flags { kind domain needIds serviceIds message } } }",
              C).ok()["matchPackages"]
    want = match(store.neighbourhood("hh-0001"), "hh-0001", on=clock.today(), limit=2, locale="ko").packages
    assert [p["rank"] for p in got] == [p.rank for p in want]
    assert [p["cost"] for p in got] == pytest.approx([p.cost for p in want])
    assert [[i["resource"]["id"] for i in p["items"]] for p in got] == [
        [i.resource_id for i in p.items] for p in want]
    assert [[f["kind"] for f in p["flags"]] for p in got] == [[f.kind.value for f in p.flags] for p in want]
    assert got[0]["items"][0]["reasons"] == list(want[0].items[0].reasons)


def test_coverage_equals_the_function(gql, store):
    from matching import coverage

    got = gql('query { coverage(regionId: "gg-suwon") { region { id } domain openNeeds uncoveredNeeds '
              "services freeCapacity } }", C).ok()["coverage"]
    want = coverage(store.graph("gg-suwon"), "gg-suwon")
    assert len(got) == len(want) > 0
    assert [(c["region"]["id"], c["domain"], c["openNeeds"], c["uncoveredNeeds"], c["services"],
             c["freeCapacity"]) for c in got] == [
        (w.region_id, w.domain.value, w.open_needs, w.uncovered_needs, w.services, w.free_capacity)
        for w in want]


def test_overlaps_find_a_planted_duplicate(gql):
    gql('mutation { registerService(input: {id: "svc-dup-food", name: "무료 급식", '
        'providerId: "org-suwon-city", domains: [FOOD], regionIds: ["gg-suwon"], form: IN_KIND, '
        'tags: ["meal-delivery"]}) { id } }', C).ok()
    groups = gql('query { overlaps(regionId: "gg-suwon") { region { id } domain services { id } message } }',
                 C).ok()["overlaps"]
    food = [g for g in groups if g["domain"] == "FOOD"]
    assert food and {"svc-dup-food", "svc-diocese-food"} <= {s["id"] for s in food[0]["services"]}
    assert food[0]["message"]


def test_network_kinds_filter(gql):
    g = gql("query { network(kinds: [REGION, SERVICE]) { nodes { id kind label group weight } "
            "edges { source target kind weight } } }", C).ok()["network"]
    assert {n["kind"] for n in g["nodes"]} == {"REGION", "SERVICE"}
    ids = {n["id"] for n in g["nodes"]}
    assert g["edges"] and all(e["source"] in ids and e["target"] in ids for e in g["edges"])
    assert any(e["kind"] == "SERVES" for e in g["edges"])


def test_allocate_gives_a_consistent_plan(gql):
    a = gql('query { allocate(householdIds: ["hh-0001", "hh-0002", "hh-0003"]) { objective optimal '
            "assignments { household { id } need { id household { id } } resource { __typename } } "
            "unmet { id } } }", C).ok()["allocate"]
    assert a["optimal"] is True and a["objective"] > 0
    for x in a["assignments"]:
        assert x["need"]["household"]["id"] == x["household"]["id"]
    planned = {x["need"]["id"] for x in a["assignments"]} | {u["id"] for u in a["unmet"]}
    assert planned == {"need-0001-rent", "need-0001-job", "need-0001-legal", "need-0001-health",
                       "need-0002-care", "need-0002-food", "need-0003-edu"}


def test_nested_lists_batch_their_store_reads(gql, store, monkeypatch):
    """A page of services with providers and regions reads each kind in one batch."""
    calls: list[tuple] = []
    batches: list[str] = []
    real = type(store).get

    def counting(self, label, key):
        calls.append((label, key))
        return real(self, label, key)

    monkeypatch.setattr(type(store), "get", counting)
    real_many = getattr(type(store), "get_many", None)
    if real_many is not None:  # a backend's batch read (the embedded store's)
        def counting_many(self, label, keys):
            batches.append(label)
            calls.extend((label, k) for k in keys)
            return real_many(self, label, keys)

        monkeypatch.setattr(type(store), "get_many", counting_many)
    gql("query { services(first: 50) { edges { node { provider { id } regions { id } } } } }").ok()
    providers = [k for label, k in calls if label == "Organization"]
    assert providers and len(providers) == len(set(providers)), "each provider read once"
    assert batches.count("Organization") <= 1, batches


def test_allocate_on_neighbourhoods_equals_allocate_on_the_whole_graph(gql, store):
    """The resolver plans on the union of the households' neighbourhoods; that
    must give the plan the whole graph gives."""
    from matching import allocate

    ids = ["hh-0001", "hh-0002", "hh-0003"]
    got = gql('query($ids: [ID!]!) { allocate(householdIds: $ids) { objective '
              "assignments { need { id } resource { ... on Service { id } ... on Volunteer { id } } } } }",
              C, ids=ids).ok()["allocate"]
    want = allocate(store.graph(), ids, on=clock.today())
    assert got["objective"] == pytest.approx(want.objective)
    assert sorted((a["need"]["id"], a["resource"]["id"]) for a in got["assignments"]) == sorted(
        (a.need_id, a.resource_id) for a in want.assignments)


def test_no_read_is_cached_across_requests(gql, store):
    """DataLoaders live one request: a change between two requests is seen."""
    q = 'query { service(id: "svc-suwon-rent") { available provider { name } } }'
    assert gql(q).ok()["service"]["available"] == 28
    store.put(store.get("Service", "svc-suwon-rent").replace(used=30))
    store.put(store.get("Organization", "org-suwon-city").replace(name="수원시 돌봄센터"))
    assert gql(q).ok()["service"] == {"available": 10, "provider": {"name": "수원시 돌봄센터"}}
