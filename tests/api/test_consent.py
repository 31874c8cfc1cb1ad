"""Consent (issue 18 part 5): a referral to a non-public organization needs consent in scope or an
emergency override; revoking consent cuts the partner off the household at once, everywhere."""

from __future__ import annotations

import pytest

from graph.model import Need

CREATE = ("mutation($id: ID!, $h: ID!, $r: ID!, $n: [ID!]!) { createReferral(input: {id: $id, "
          "householdId: $h, resourceId: $r, needIds: $n}) { id } }")
CONSENT = ("mutation($h: ID!, $id: ID!, $d: [Domain!], $o: [ID!], $on: Date!, $m: ConsentMethod!) { "
           "recordConsent(householdId: $h, input: {id: $id, domains: $d, organizationIds: $o, givenOn: $on, "
           "method: $m}) { id active domains organizationIds givenOn method recordedBy } }")
REVOKE = ("mutation($h: ID!, $id: ID!) { revokeConsent(householdId: $h, consentId: $id) "
          "{ id active revokedAt revokedBy } }")
OVERRIDE = ("mutation($h: ID!, $o: ID!, $why: String!, $by: String!) { overrideConsent(householdId: $h, "
            "input: {organizationId: $o, reason: $why, approvedBy: $by}) "
            "{ id organizationId reason approvedBy } }")
CW = "caseworker"


@pytest.fixture
def legal(store):
    """hh-0003 (Suwon, no consent recorded) gets a legal need."""
    store.put(Need(id="need-0003-legal", household_id="hh-0003", domain="LEGAL", severity=4))


def refer(gql, rid="ref-l", who=CW):
    return gql(CREATE, who, id=rid, h="hh-0003", r="svc-gg-legal", n=["need-0003-legal"])


def consent(gql, cid="c-1", d=("LEGAL",), o=(), who=CW):
    return gql(CONSENT, who, h="hh-0003", id=cid, d=list(d), o=list(o), on="2026-11-20", m="WRITTEN")


def test_a_referral_to_a_non_public_partner_needs_consent(gql, store, legal):
    r = refer(gql)
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "resourceId", r.body
    assert "recordConsent" in r.errors[0]["message"] and store.get("Referral", "ref-l") is None
    c = consent(gql).ok()["recordConsent"]
    assert c["active"] and c["domains"] == ["LEGAL"] and c["recordedBy"] == "t-cw"
    assert refer(gql).ok()["createReferral"]["id"] == "ref-l"


def test_a_public_service_needs_no_consent(gql, store):
    store.put(Need(id="need-0003-job", household_id="hh-0003", domain="EMPLOYMENT", severity=2))
    gql(CREATE, CW, id="ref-p", h="hh-0003", r="svc-suwon-jobs", n=["need-0003-job"]).ok()


@pytest.mark.parametrize("d, o, fits", [
    (("HEALTH",), (), False),  # another domain
    ((), ("org-gg-medical",), False),  # another organization
    ((), ("org-gg-bar",), True),
    (("LEGAL", "HEALTH"), (), True),
    (("LEGAL",), ("org-gg-medical",), False),  # both named: both must hold
    (("LEGAL",), ("org-gg-bar",), True),
])
def test_consent_scope(gql, legal, d, o, fits):
    consent(gql, d=d, o=o).ok()
    r = refer(gql)
    if fits:
        r.ok()
    else:
        assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "resourceId"


def test_an_override_lets_one_organization_in_and_is_audited(gql, store, legal):
    gql(OVERRIDE, CW, h="hh-0003", o="org-gg-medical", why="응급 진료", by="센터장 박OO").ok()
    assert refer(gql).code == "CONFLICT"  # the override names another organization
    o = gql(OVERRIDE, CW, h="hh-0003", o="org-gg-bar", why="퇴거 소송 기한 임박", by="센터장 박OO").ok()
    refer(gql).ok()
    entry = [d for _, d in store.list_side("audit") if d["action"] == "overrideConsent"][-1]
    assert entry["detail"] == {"organizationId": "org-gg-bar", "reason": "퇴거 소송 기한 임박",
                               "approvedBy": "센터장 박OO"}
    assert o["overrideConsent"]["id"] in entry["targetIds"] and "hh-0003" in entry["targetIds"]


@pytest.mark.parametrize("field, variables", [
    ("reason", {"why": "  "}), ("approvedBy", {"by": ""}), ("organizationId", {"o": "org-none"}),
])
def test_an_override_without_reason_or_approver_is_refused(gql, legal, field, variables):
    args = {"h": "hh-0003", "o": "org-gg-bar", "why": "긴급", "by": "센터장", **variables}
    r = gql(OVERRIDE, CW, **args)
    assert r.errors[0]["extensions"]["field"] == field, r.body
    assert refer(gql).code == "CONFLICT"


@pytest.mark.parametrize("variables, field", [
    ({"d": [], "o": []}, "domains"), ({"o": ["org-none"]}, "organizationIds"),
    ({"on": "2999-01-01"}, "givenOn"),
])
def test_bad_consent_names_the_field(gql, variables, field):
    args = {"h": "hh-0003", "id": "c-x", "d": ["LEGAL"], "o": [], "on": "2026-11-20", "m": "ORAL",
            **variables}
    r = gql(CONSENT, CW, **args)
    assert r.errors[0]["extensions"]["field"] == field, r.body


def test_the_same_consent_again_is_a_replay_and_other_content_a_conflict(gql, legal):
    first = consent(gql).ok()
    assert consent(gql).ok() == first
    r = consent(gql, d=("HEALTH",))
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "id"


PARTNER_READS = [
    'query { household(id: "hh-0003") { id } }',
    'query { household(id: "hh-0003") { needs { id } referrals { id } } }',
]


def _partner_sees(gql) -> bool:
    inbox = gql("query { referrals { edges { node { id } } } }", "partner-bar").ok()["referrals"]["edges"]
    in_inbox = "ref-l" in [e["node"]["id"] for e in inbox]
    direct = [gql(doc, "partner-bar") for doc in PARTNER_READS]
    if in_inbox:
        assert all(not r.errors for r in direct), [r.body for r in direct]
        return True
    assert all(r.code == "FORBIDDEN" for r in direct), [r.body for r in direct]
    return False


def test_revoking_consent_cuts_the_partner_off_at_once(gql, store, legal):
    consent(gql).ok()
    refer(gql).ok()
    gql('mutation { updateReferral(id: "ref-l", status: SENT) { id } }', CW).ok()
    assert _partner_sees(gql)
    gql(REVOKE, CW, h="hh-0003", id="c-1").ok()
    assert not _partner_sees(gql)
    r = gql('mutation { updateReferral(id: "ref-l", status: ACCEPTED) { id household { id } } }',
            "partner-bar")
    assert r.code == "FORBIDDEN" and store.get("Referral", "ref-l").status.value == "SENT"
    # the case worker still sees it all, and the consent's history
    h = gql('query { household(id: "hh-0003") { consents { id active revokedBy } referrals { id } } }',
            CW).ok()["household"]
    assert h["consents"] == [{"id": "c-1", "active": False, "revokedBy": "t-cw"}]
    assert [x["id"] for x in h["referrals"]] == ["ref-l"]
    # a new consent lets the partner back in
    consent(gql, cid="c-2").ok()
    assert _partner_sees(gql)


def test_revocation_ends_the_overrides_made_before_it(gql, legal):
    consent(gql).ok()
    gql(OVERRIDE, CW, h="hh-0003", o="org-gg-bar", why="긴급", by="센터장").ok()
    refer(gql).ok()
    gql(REVOKE, CW, h="hh-0003", id="c-1").ok()
    assert not _partner_sees(gql)
    gql(OVERRIDE, CW, h="hh-0003", o="org-gg-bar", why="다시 긴급", by="센터장").ok()
    assert _partner_sees(gql)


def test_revoking_twice_changes_nothing_and_an_unknown_consent_is_not_found(gql, legal):
    consent(gql).ok()
    first = gql(REVOKE, CW, h="hh-0003", id="c-1").ok()
    assert gql(REVOKE, CW, h="hh-0003", id="c-1").ok() == first
    r = gql(REVOKE, CW, h="hh-0003", id="c-none")
    assert r.code == "NOT_FOUND" and r.errors[0]["extensions"]["field"] == "consentId"


def test_a_household_referred_before_consent_was_tracked_keeps_its_partner_until_consent_is_recorded(gql):
    # hh-0001 has no consent record: ref-0001 (sample) stays visible to the bar association
    assert not gql('query { household(id: "hh-0001") { id } }', "partner-bar").errors
    # a consent that does not cover legal needs puts the household under the rule: the bar is out
    gql(CONSENT, CW, h="hh-0001", id="c-h", d=["HEALTH"], o=[], on="2026-11-20", m="DIGITAL").ok()
    assert gql('query { household(id: "hh-0001") { id } }', "partner-bar").code == "FORBIDDEN"


def test_consents_are_for_staff_only(gql, legal):
    consent(gql).ok()
    refer(gql).ok()
    r = gql('query { household(id: "hh-0003") { consents { id } } }', "partner-bar")
    assert r.code == "FORBIDDEN" and r.errors[0]["extensions"]["field"] == "consents"
    assert gql('query { household(id: "hh-0003") { consents { id } } }', "coordinator").ok()
