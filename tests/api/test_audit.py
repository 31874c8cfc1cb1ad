"""The audit trail: an entry after every write and every read of household data; only coordinators read it."""

from __future__ import annotations

import pytest
from test_roles import OPERATIONS, SETUP  # tests/api is on sys.path (rootdir conftest, prepend mode)

from service import audit

MUTATIONS = sorted(n for n, (doc, _, _) in OPERATIONS.items() if doc.lstrip().startswith("mutation"))
READS_OF_HOUSEHOLDS = {
    "household": ('query { household(id: "hh-0001") { id size } }', ["hh-0001"]),
    "matchPackages": ('query { matchPackages(householdId: "hh-0001") { rank } }', ["hh-0001"]),
    "allocate": ('query { allocate(householdIds: ["hh-0001", "hh-0003"]) { optimal } }',
                 ["hh-0001", "hh-0003"]),
    "network": ('query { network(kinds: [HOUSEHOLD, SERVICE]) { nodes { id } } }', ["hh-0001", "hh-0003"]),
    "referral's household": ('query { household(id: "hh-0001") { referrals { household { id } } } }',
                             ["hh-0001"]),
}


def entries(store) -> list[dict]:
    return [d for _, d in store.list_side(audit.KIND)]


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_write_leaves_one_entry_naming_who_what_and_the_request(gql, store, name):
    for setup in SETUP.get(name, ()):
        gql(setup, "coordinator").ok()
    before = len(entries(store))
    doc, variables, _ = OPERATIONS[name]
    r = gql(doc, "coordinator", **variables)
    data = r.ok()[name]
    new = entries(store)[before:]
    writes = [e for e in new if e["action"] == name]
    assert len(writes) == 1, new
    e = writes[0]
    assert e["actor"] == "t-coord" and e["role"] == "coordinator"
    assert e["requestId"] == r.headers["x-request-id"]
    # a write answers with its record, or (adoptPlan) with the referrals it created
    targets = [data["id"]] if "id" in data else data["created"]
    assert targets and set(targets) <= set(e["targetIds"])
    assert e["at"] and e["targetLabel"]


def test_a_refused_or_failed_write_leaves_no_write_entry(gql, store):
    before = entries(store)
    assert gql(OPERATIONS["upsertRegion"][0], "caseworker").code == "FORBIDDEN"
    assert gql('mutation { updateReferral(id: "ref-0001", status: CLOSED) { id } }', "coordinator").code \
        == "BAD_USER_INPUT"
    writes_before = [e for e in before if e["action"] != "read"]
    assert [e for e in entries(store) if e["action"] != "read"] == writes_before


@pytest.mark.parametrize("what", READS_OF_HOUSEHOLDS)
def test_reading_household_data_leaves_one_read_entry_per_request(gql, store, what):
    doc, ids = READS_OF_HOUSEHOLDS[what]
    r = gql(doc, "caseworker")
    r.ok()
    reads = [e for e in entries(store) if e["action"] == "read"]
    assert len(reads) == 1, reads
    assert reads[0]["targetIds"] == sorted(ids) and reads[0]["actor"] == "t-cw"
    assert reads[0]["requestId"] == r.headers["x-request-id"]


def test_a_partners_minimal_read_is_audited_too_and_the_directory_is_not(gql, store):
    gql('query { household(id: "hh-0001") { id } }', "partner-bar").ok()
    gql("query { services(first: 5) { totalCount } }", "partner-bar").ok()
    reads = [e for e in entries(store) if e["action"] == "read"]
    assert [(e["role"], e["organizationId"], e["targetIds"]) for e in reads] == [
        ("partner", "org-gg-bar", ["hh-0001"])]


Q = """query($actor: String, $action: String, $target: ID, $since: String, $until: String, $first: Int,
             $after: String) {
  auditLog(actor: $actor, action: $action, targetId: $target, since: $since, until: $until, first: $first,
           after: $after) {
    edges { cursor node { at actor role action targetLabel targetIds requestId detail } }
    pageInfo { hasNextPage endCursor } } }"""


def test_coordinators_query_the_log_with_filters_and_pages(gql, store):
    gql('mutation { setNeedStatus(id: "need-0001-job", status: MET) { id } }', "caseworker").ok()
    gql('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id } }', "partner-bar").ok()
    gql('query { household(id: "hh-0001") { id } }', "coordinator").ok()
    log = gql(Q, "coordinator", first=50).ok()["auditLog"]
    actions = [e["node"]["action"] for e in log["edges"]]
    assert actions == ["setNeedStatus", "updateReferral", "read"]
    assert '"status": "ACCEPTED"' in log["edges"][1]["node"]["detail"]
    by_actor = gql(Q, "coordinator", actor="t-bar").ok()["auditLog"]["edges"]
    assert [e["node"]["action"] for e in by_actor] == ["updateReferral"]
    by_target = gql(Q, "coordinator", target="need-0001-job").ok()["auditLog"]["edges"]
    assert [e["node"]["action"] for e in by_target] == ["setNeedStatus"]
    by_action = gql(Q, "coordinator", action="read").ok()["auditLog"]["edges"]
    assert len(by_action) == 1 and by_action[0]["node"]["targetIds"] == ["hh-0001"]
    # pages: one at a time, in order, no overlap
    seen, after = [], None
    while True:
        page = gql(Q, "coordinator", first=1, after=after).ok()["auditLog"]
        seen += [e["node"]["action"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == actions + ["read"] * (len(seen) - len(actions))  # the log's own reads don't add entries
    # a time window
    second = log["edges"][1]["node"]["at"]
    window = gql(Q, "coordinator", since=second, until="2999-01-01").ok()["auditLog"]["edges"]
    assert [e["node"]["action"] for e in window][:2] == ["updateReferral", "read"]
    assert gql(Q, "coordinator", since="yesterday").code == "BAD_USER_INPUT"


@pytest.mark.parametrize("who", ["caseworker", "partner-bar"])
def test_only_coordinators_read_the_log(gql, who):
    assert gql(Q, who).code == "FORBIDDEN"
    assert gql(Q).code == "UNAUTHENTICATED"


def test_nothing_in_the_api_can_change_the_log(gql, store):
    from schema.build import schema

    mutations = set(schema._schema.mutation_type.fields)
    assert not [m for m in mutations if "audit" in m.lower()]
    gql('mutation { setNeedStatus(id: "need-0001-job", status: MET) { id } }', "coordinator").ok()
    before = store.list_side(audit.KIND)
    for name in MUTATIONS:  # every write there is, as the most powerful caller
        doc, variables, _ = OPERATIONS[name]
        gql(doc, "coordinator", **variables)
    after = store.list_side(audit.KIND)
    assert after[:len(before)] == before  # entries are only ever added
