"""The what-would-it-take queries through the API: coded errors naming the field, scope, the read audit,
and nothing written."""

from __future__ import annotations

from service import audit


def _reads(store) -> list[dict]:
    return [d for _, d in store.list_side(audit.KIND) if d["action"] == "read"]


def test_what_would_it_take_is_audited_as_a_read_of_the_household(gql, store):
    before = store.counts()
    r = gql('query { whatWouldItTake(householdId: "hh-0001") { needs { needId reason suggestions { kind } } '
            "reruns } }", "caseworker")
    r.ok()
    reads = _reads(store)
    assert len(reads) == 1 and reads[0]["targetIds"] == ["hh-0001"]
    assert store.counts() == before


def test_what_would_it_take_outside_the_region_is_forbidden_and_unknown_is_not_found(gql):
    r = gql('query { whatWouldItTake(householdId: "hh-0001") { reruns } }', "caseworker-sn")
    assert r.code == "FORBIDDEN"
    r = gql('query { whatWouldItTake(householdId: "hh-nope") { reruns } }', "coordinator")
    assert r.code == "NOT_FOUND" and r.errors[0]["extensions"]["field"] == "householdId"


def test_whatif_bad_changes_are_coded_errors_naming_changes_and_nothing_is_written(gql, store):
    before = store.counts()
    r = gql('query { whatIf(regionId: "gg-suwon", changes: [{kind: RETIRE, serviceId: "svc-nope"}]) '
            "{ households } }", "coordinator")
    assert r.code == "NOT_FOUND" and r.errors[0]["extensions"]["field"] == "changes"
    r = gql('query { whatIf(regionId: "gg-suwon", changes: [{kind: RETIRE}]) { households } }', "coordinator")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "changes"
    r = gql('query { whatIf(regionId: "gg-suwon", changes: [{kind: ADD_PLACES, serviceId: "svc-gg-clinic", '
            "places: -1}]) { households } }", "coordinator")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "changes"
    r = gql('query { whatIf(regionId: "gg-suwon", changes: [{kind: RETIRE, serviceId: "svc-gg-clinic"}]) '
            "{ noDifference cover { householdId lost } } }", "coordinator")
    data = r.ok()["whatIf"]
    assert store.counts() == before
    assert store.get("Service", "svc-gg-clinic").active  # a copy was changed, not the store
    none = gql('query { whatIf(regionId: "gg-suwon") { noDifference cover { householdId } } }', "coordinator")
    assert none.ok()["whatIf"] == {"noDifference": True, "cover": []}
    assert isinstance(data["noDifference"], bool)


def test_recruitment_new_service_outside_the_region_is_refused(gql):
    r = gql('query { recruitment(regionId: "gg-suwon", '
            'newService: [{domain: LEGAL, regionId: "gg-seongnam"}]) { candidates } }', "coordinator")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "newService"
    r = gql('query { recruitment(regionId: "gg-suwon", top: 0) { candidates } }', "coordinator")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "top"


def test_a_huge_whatif_change_list_is_refused_by_the_cost_limit_before_anything_runs(gql, store):
    from schema.cost import PER_ITEM, WEIGHTS
    from service.settings import Settings

    changes = [{"kind": "RETIRE", "serviceId": "svc-gg-clinic"}] * 2_000
    q = "query($c: [WhatIfChange!]) { whatIf(regionId: \"gg-suwon\", changes: $c) { households } }"
    r = gql(q, "coordinator", c=changes)
    ext = r.errors[0]["extensions"]
    assert r.code == "BAD_USER_INPUT" and ext["limit"] == Settings().max_cost_coordinator
    assert ext["cost"] >= WEIGHTS[("Query", "whatIf")] + PER_ITEM[("Query", "whatIf")][1] * 2_000
    # past the input limit but within the cost limit: refused by the input limit, naming the field
    r = gql(q, "coordinator", c=changes[:51])
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "changes"
    assert "cost" not in r.errors[0]["extensions"]
    # a few changes cost what they cost and run
    r = gql(q, "coordinator", c=changes[:2])
    assert isinstance(r.ok()["whatIf"]["households"], int)


def test_a_huge_plan_household_list_is_refused_by_cost_or_by_the_allocate_limit(gql):
    from service.settings import Settings

    q = "query($h: [ID!]!) { whatWouldItTakeForPlan(householdIds: $h) { takes { reruns } } }"
    many = [f"hh-{i:07d}" for i in range(Settings().max_allocate + 1)]
    r = gql(q, "caseworker", h=many)  # a case worker's limit is lower: the estimate refuses it
    ext = r.errors[0]["extensions"]
    assert r.code == "BAD_USER_INPUT" and ext["cost"] > ext["limit"]
    r = gql(q, "coordinator", h=many)  # within a coordinator's cost: the allocate limit names the field
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "householdIds"
    programs = ", ".join(['{domain: LEGAL, regionId: "gg-suwon"}'] * 21)
    r = gql('query { recruitment(regionId: "gg-suwon", newService: [' + programs + "]) { candidates } }",
            "coordinator")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "newService"


def test_the_cost_of_the_what_would_it_take_queries_grows_with_their_lists():
    from graphql import parse

    from schema.build import schema as app_schema
    from schema.cost import estimate

    def cost(q: str) -> int:
        return estimate(app_schema._schema, parse(q))

    one = cost('query { whatIf(changes: [{kind: RETIRE, serviceId: "a"}]) { households } }')
    three = cost('query { whatIf(changes: [{kind: RETIRE, serviceId: "a"}, {kind: RETIRE, serviceId: "b"}, '
                 '{kind: RETIRE, serviceId: "c"}]) { households } }')
    assert three - one == 400 and one >= 10_000
    assert cost('query { whatWouldItTakeForPlan(householdIds: ["a", "b"]) { takes { reruns } } }') > \
        cost('query { allocate(householdIds: ["a", "b"]) { needsCovered } }')
    assert cost('query { burnDown { id } }') < cost('query { fairness { regionId } }') < \
        cost('query { recruitment { candidates } }')
