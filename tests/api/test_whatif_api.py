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
