"""Every query and mutation of the contract, for every role: allowed or refused.

Each operation is stated once with the roles that may run it; every other
role must be refused with UNAUTHENTICATED (no token) or FORBIDDEN. A second
table checks the scope rules: a case worker outside its region, a partner
touching another organization's things.
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "coordinator", "caseworker", "partner-bar")
ALL = frozenset(ROLES)
STAFF = frozenset({"coordinator", "caseworker"})

SVC_INPUT = {"id": "svc-bar-new", "name": "야간 법률 상담", "providerId": "org-gg-bar", "domains": ["LEGAL"],
             "regionIds": ["gg"], "agreementId": "mou-bar"}

#: name -> (document, variables, roles allowed)
OPERATIONS: dict[str, tuple[str, dict, frozenset[str]]] = {
    "region": ('query { region(id: "gg") { id name level } }', {}, ALL),
    "organization": ('query { organization(id: "org-gg-bar") { id sector services { id } } }', {}, ALL),
    "service": ('query { service(id: "svc-gg-legal") { id available provider { id } } }', {}, ALL),
    "services": ("query { services(first: 3) { totalCount edges { node { id } } } }", {}, ALL),
    "household": ('query { household(id: "hh-0001") { id region { id } } }', {},
                  STAFF | {"partner-bar"}),
    "matchPackages": ('query { matchPackages(householdId: "hh-0001") { rank } }', {}, STAFF),
    "coverage": ('query { coverage(regionId: "gg-suwon") { domain openNeeds } }', {}, STAFF),
    "overlaps": ('query { overlaps(regionId: "gg-suwon") { domain } }', {}, STAFF),
    "network": ('query { network(regionId: "gg-suwon") { nodes { id } } }', {}, STAFF),
    "networkAnalytics": ('query { networkAnalytics(regionId: "gg-suwon") { components } }', {}, STAFF),
    "allocate": ('query { allocate(householdIds: ["hh-0001"]) { optimal } }', {}, STAFF),
    "whatWouldItTake": ('query { whatWouldItTake(householdId: "hh-0001") { reruns } }', {}, STAFF),
    "whatWouldItTakeForPlan": ('query { whatWouldItTakeForPlan(householdIds: ["hh-0001"]) '
                               '{ takes { reruns } } }', {}, STAFF),
    "recruitment": ('query { recruitment(regionId: "gg-suwon") { candidates } }', {}, STAFF),
    "whatIf": ('query { whatIf(regionId: "gg-suwon", changes: [{kind: RETIRE, serviceId: "svc-gg-clinic"}]) '
               '{ households } }', {}, STAFF),
    "fairness": ('query { fairness(regionId: "gg-suwon") { regionId coverage } }', {}, STAFF),
    "burnDown": ('query { burnDown(regionId: "gg-suwon") { id left } }', {}, STAFF),
    "upsertRegion": ('mutation { upsertRegion(input: {id: "gg-suwon-new", name: "새동", level: DONG, '
                     'parentId: "gg-suwon"}) { id } }', {}, frozenset({"coordinator"})),
    "registerOrganization": ('mutation { registerOrganization(input: {id: "org-new", name: "새 단체", '
                             'sector: NONPROFIT, regionIds: ["gg"]}) { id } }', {},
                             frozenset({"coordinator"})),
    "registerService": ("mutation($s: ServiceInput!) { registerService(input: $s) { id } }", {"s": SVC_INPUT},
                        frozenset({"coordinator", "partner-bar"})),
    "retireService": ('mutation { retireService(id: "svc-gg-legal") { id active } }', {},
                      frozenset({"coordinator", "partner-bar"})),
    "signAgreement": ('mutation { signAgreement(input: {id: "mou-new", partnerId: "org-diocese", '
                      'domains: [FOOD], signedOn: "2026-01-01"}) { id } }', {}, frozenset({"coordinator"})),
    "registerVolunteer": ('mutation { registerVolunteer(input: {id: "vol-new", name: "이수진", '
                          'skills: [CARE], regionIds: ["gg-suwon-maetan"], hoursPerWeek: 3}) { id } }', {},
                          STAFF),
    "createHousehold": ('mutation { createHousehold(input: {id: "hh-new", regionId: "gg-suwon-jowon", '
                        'size: 2, incomePercent: 50, urgency: FOCUSED}) { id } }', {}, STAFF),
    "addNeed": ('mutation { addNeed(householdId: "hh-0001", '
                'input: {id: "need-new", domain: FOOD, severity: 3}) { id } }', {}, STAFF),
    "setNeedStatus": ('mutation { setNeedStatus(id: "need-0001-rent", status: MET) { id status } }', {},
                      STAFF),
    "recordReceipt": ('mutation { recordReceipt(householdId: "hh-0001", serviceId: "svc-gg-clinic") '
                      '{ id } }', {}, STAFF),
    "createReferral": ('mutation { createReferral(input: {id: "ref-new", householdId: "hh-0001", '
                       'resourceId: "svc-suwon-jobs", needIds: ["need-0001-job"]}) { id status } }', {},
                       STAFF),
    "updateReferral": ('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id status } }', {},
                       STAFF | {"partner-bar"}),
    "setFollowUp": ('mutation { setFollowUp(referralId: "ref-0001", on: "2030-01-01") '
                    '{ id followUpOn } }', {}, STAFF),
    "followUpsDue": ('query { followUpsDue(regionId: "gg-suwon") { id } }', {}, STAFF),
    "viewer": ("query { viewer { role regionId organizationId } }", {}, ALL),
    "auditLog": ("query { auditLog(first: 5) { edges { node { action } } } }", {},
                 frozenset({"coordinator"})),
    "overdue": ('query { overdue(regionId: "gg-suwon") { householdId } }', {}, STAFF),
    "anonymizeHousehold": ('mutation { anonymizeHousehold(id: "hh-0003") { id } }', {},
                           frozenset({"coordinator"})),
    "conference": ('query { conference(id: "conf-roles") { id status } }', {}, STAFF),
    "conferences": ('query { conferences(regionId: "gg-suwon") { totalCount } }', {}, STAFF),
    "createConference": ('mutation { createConference(input: {id: "conf-new", date: "2026-11-24", '
                         'kind: EMERGENCY, regionId: "gg-suwon", householdIds: ["hh-0001"]}) { id } }', {},
                         STAFF),
    "updateConference": ('mutation { updateConference(id: "conf-roles", input: {minutes: "회의록"}) '
                         '{ id } }', {}, STAFF),
    "decideHousehold": ('mutation { decideHousehold(conferenceId: "conf-roles", householdId: "hh-0001", '
                        'input: {items: [{resourceId: "svc-suwon-jobs", needIds: ["need-0001-job"]}]}) '
                        '{ id } }', {}, STAFF),
    "adoptPlan": ('mutation { adoptPlan(conferenceId: "conf-roles") { created conference { id } } }', {},
                  STAFF),
    # staff and the case (issue 18 parts 1, 2)
    "staff": ("query { staff { id name role } }", {}, STAFF),
    "addStaff": ('mutation { addStaff(input: {name: "이수진", role: CASEWORKER, regionId: "gg-suwon"}) '
                 '{ id } }', {}, frozenset({"coordinator"})),
    "disableStaff": ('mutation { disableStaff(id: "stf-roles") { id active } }', {},
                     frozenset({"coordinator"})),
    "households": ("query { households(first: 5) { totalCount edges { node { id caseStatus } } } }", {},
                   STAFF),
    "updateHousehold": ('mutation { updateHousehold(id: "hh-0001", input: {size: 5}) { id size } }', {},
                        STAFF),
    "updateNeed": ('mutation { updateNeed(id: "need-0001-rent", input: {severity: 4}) { id severity } }', {},
                   STAFF),
    "assignCaseManager": ('mutation { assignCaseManager(householdId: "hh-0001", staffId: "stf-roles") '
                          '{ id caseManagerId } }', {}, STAFF),
    "setCaseStatus": ('mutation { setCaseStatus(householdId: "hh-0001", status: MONITORING) '
                      '{ id caseStatus } }', {}, STAFF),
    "closeCase": ('mutation { closeCase(householdId: "hh-0001", reason: RESOLVED) { id caseStatus } }', {},
                  STAFF),
    "reopenCase": ('mutation { reopenCase(householdId: "hh-0001", reason: "재위기") { id caseStatus } }', {},
                   STAFF),
    # the inbox, consent, capacity and directory updates (issue 18 parts 4, 5, 7, 8)
    "referrals": ("query { referrals(first: 5) { totalCount edges { node { id household { id } } } } }", {},
                  STAFF | {"partner-bar"}),
    "capacityReport": ("query { capacityReport { kind id used left nextReset } }", {},
                       STAFF | {"partner-bar"}),
    "recordConsent": ('mutation { recordConsent(householdId: "hh-0001", input: {id: "c-new", '
                      'domains: [LEGAL], givenOn: "2026-11-01", method: WRITTEN}) { id active } }', {},
                      STAFF),
    "revokeConsent": ('mutation { revokeConsent(householdId: "hh-0001", consentId: "c-roles") '
                      '{ id active } }', {}, STAFF),
    "overrideConsent": ('mutation { overrideConsent(householdId: "hh-0001", input: {organizationId: '
                        '"org-gg-bar", reason: "긴급 법률 지원", approvedBy: "센터장"}) { id } }', {}, STAFF),
    "updateService": ('mutation { updateService(id: "svc-gg-legal", input: {leadTimeDays: 3}) '
                      '{ id leadTimeDays } }', {}, frozenset({"coordinator", "partner-bar"})),
}
#: name -> documents a coordinator runs first (anonymising needs a household whose needs are met)
SETUP = {"anonymizeHousehold": ['mutation { setNeedStatus(id: "need-0003-edu", status: MET) { id } }']}
#: a conference of gg-suwon with hh-0001 on its agenda, held, and a decision for it (conference rows)
_CONF = ['mutation { createConference(input: {id: "conf-roles", date: "2026-11-24", kind: EMERGENCY, '
         'regionId: "gg-suwon", householdIds: ["hh-0001"]}) { id } }']
_DECIDED = _CONF + ['mutation { updateConference(id: "conf-roles", input: {status: HELD}) { id } }',
                    'mutation { decideHousehold(conferenceId: "conf-roles", householdId: "hh-0001", input: '
                    '{items: [{resourceId: "svc-suwon-jobs", needIds: ["need-0001-job"]}]}) { id } }']
SETUP.update({"conference": _CONF, "updateConference": _CONF, "decideHousehold": _CONF,
              "adoptPlan": _DECIDED})
#: a case worker of gg-suwon on the staff, and a closed case to reopen (staff and case rows)
_STAFF = ['mutation { addStaff(input: {id: "stf-roles", name: "김민지", role: CASEWORKER, '
          'regionId: "gg-suwon"}) { id } }']
SETUP["revokeConsent"] = ['mutation { recordConsent(householdId: "hh-0001", input: {id: "c-roles", '
                          'domains: [LEGAL], givenOn: "2026-11-01", method: WRITTEN}) { id } }']
SETUP.update({"disableStaff": _STAFF, "assignCaseManager": _STAFF,
              "reopenCase": ['mutation { closeCase(householdId: "hh-0001", reason: MOVED) { id } }']})


def test_the_table_covers_the_whole_contract():
    from schema.build import schema

    s = schema._schema
    served = set(s.query_type.fields) | set(s.mutation_type.fields)
    assert served == set(OPERATIONS)


def test_every_served_operation_is_in_the_table_and_each_row_is_served():
    """The served schema (the contract plus every addition), not only the contract file's
    operations: an operation added without a row here fails, naming it."""
    from schema.build import schema

    s = schema._schema
    served = set(s.query_type.fields) | set(s.mutation_type.fields)
    assert sorted(served - set(OPERATIONS)) == [], "operations served without a row in OPERATIONS"
    assert sorted(set(OPERATIONS) - served) == [], "rows of OPERATIONS the schema does not serve"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_role(gql, name, who):
    doc, variables, allowed = OPERATIONS[name]
    for setup in SETUP.get(name, ()):
        gql(setup, "coordinator").ok()
    r = gql(doc, None if who == "anonymous" else who, **variables)
    if who in allowed:
        data = r.ok()
        assert data[name] is not None
    else:
        assert r.status == 200
        assert r.code == ("UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"), r.body
        assert not (r.data or {}).get(name)


#: (operation, caller, expected code): allowed roles acting outside their scope
OUT_OF_SCOPE = [
    ('query { household(id: "hh-0002") { id } }', "caseworker", "FORBIDDEN"),
    ('query { household(id: "hh-0001") { id } }', "caseworker-sn", "FORBIDDEN"),
    ('query { household(id: "hh-0001") { id } }', "partner-medical", "FORBIDDEN"),
    ('query { household(id: "hh-0002") { id } }', "partner-bar", "FORBIDDEN"),
    ('query { matchPackages(householdId: "hh-0002") { rank } }', "caseworker", "FORBIDDEN"),
    ('query { coverage(regionId: "gg-seongnam") { domain } }', "caseworker", "FORBIDDEN"),
    ('query { coverage(regionId: "gg") { domain } }', "caseworker", "FORBIDDEN"),
    ('query { overlaps(regionId: "gg-seongnam") { domain } }', "caseworker", "FORBIDDEN"),
    ('query { network(regionId: "gg-seongnam") { nodes { id } } }', "caseworker", "FORBIDDEN"),
    ('query { allocate(householdIds: ["hh-0001", "hh-0002"]) { optimal } }', "caseworker", "FORBIDDEN"),
    ('mutation { createHousehold(input: {id: "hh-x", regionId: "gg-seongnam-sinheung", size: 1, '
     'incomePercent: 50, urgency: GENERAL}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { registerVolunteer(input: {id: "vol-x", name: "x", skills: [CARE], regionIds: ["gg"], '
     'hoursPerWeek: 1}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { addNeed(householdId: "hh-0002", input: {id: "n-x", domain: FOOD, severity: 1}) { id } }',
     "caseworker", "FORBIDDEN"),
    ('mutation { setNeedStatus(id: "need-0002-care", status: MET) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { recordReceipt(householdId: "hh-0002", serviceId: "svc-gg-clinic") { id } }', "caseworker",
     "FORBIDDEN"),
    ('mutation { createReferral(input: {id: "r-x", householdId: "hh-0002", resourceId: "svc-gg-clinic", '
     'needIds: ["need-0002-care"]}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id } }', "partner-medical", "FORBIDDEN"),
    ('mutation { updateReferral(id: "ref-0001", status: CLOSED) { id } }', "partner-bar", "FORBIDDEN"),
    ('mutation { retireService(id: "svc-gg-legal") { id } }', "partner-medical", "FORBIDDEN"),
    ('mutation { setFollowUp(referralId: "ref-0001", on: "2030-01-01") { id } }', "caseworker-sn",
     "FORBIDDEN"),
    ('query { followUpsDue(regionId: "gg-suwon") { id } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { registerService(input: {id: "svc-x", name: "x", providerId: "org-gg-bar", domains: [LEGAL], '
     'regionIds: ["gg"]}) { id } }', "partner-medical", "FORBIDDEN"),
    ('mutation { registerService(input: {id: "svc-gg-clinic", name: "x", providerId: "org-gg-bar", '
     'domains: [LEGAL], regionIds: ["gg"]}) { id } }', "partner-bar", "FORBIDDEN"),
    # the case: another region's households, known region or not
    ('query { households(regionId: "gg-seongnam") { totalCount } }', "caseworker", "FORBIDDEN"),
    ('query { households(regionId: "gg-nowhere") { totalCount } }', "caseworker", "FORBIDDEN"),
    ('query { households(regionId: "gg-suwon") { totalCount } }', "caseworker-sn", "FORBIDDEN"),
    ('query { staff(regionId: "gg-seongnam") { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { updateHousehold(id: "hh-0002", input: {size: 2}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { updateNeed(id: "need-0002-care", input: {severity: 1}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { assignCaseManager(householdId: "hh-0002", staffId: "stf-x") { id } }', "caseworker",
     "FORBIDDEN"),
    ('mutation { setCaseStatus(householdId: "hh-0002", status: MONITORING) { id } }', "caseworker",
     "FORBIDDEN"),
    ('mutation { closeCase(householdId: "hh-0002", reason: RESOLVED) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { closeCase(householdId: "hh-0001", reason: RESOLVED) { id } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { reopenCase(householdId: "hh-0001", reason: "x") { id } }', "caseworker-sn", "FORBIDDEN"),
    ('query { referrals(serviceId: "svc-gg-clinic") { totalCount } }', "partner-bar", "FORBIDDEN"),
    ('mutation { recordConsent(householdId: "hh-0002", input: {id: "c-x", domains: [CARE], '
     'givenOn: "2026-11-01", method: ORAL}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { revokeConsent(householdId: "hh-0001", consentId: "c-x") { id } }', "caseworker-sn",
     "FORBIDDEN"),
    ('mutation { overrideConsent(householdId: "hh-0002", input: {organizationId: "org-gg-bar", reason: "x", '
     'approvedBy: "x"}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { updateService(id: "svc-gg-legal", input: {capacity: 9}) { id } }', "partner-medical",
     "FORBIDDEN"),
    ('mutation { updateService(id: "svc-gg-clinic", input: {name: "x"}) { id } }', "partner-bar",
     "FORBIDDEN"),
    ('mutation { updateReferral(id: "ref-0001", status: DECLINED, reason: "x") { id } }', "partner-medical",
     "FORBIDDEN"),
    ('query { referrals(serviceId: "svc-gg-legal") { totalCount } }', "partner-medical", "FORBIDDEN"),
    # conferences of another region (conf-roles: gg-suwon, hh-0001 on its agenda, a decision for it)
    ('query { conference(id: "conf-roles") { id } }', "caseworker-sn", "FORBIDDEN"),
    ('query { conferences(regionId: "gg-suwon") { totalCount } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { createConference(input: {id: "conf-x", date: "2026-11-24", kind: REGULAR, '
     'regionId: "gg-suwon", householdIds: ["hh-0001"]}) { id } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { createConference(input: {id: "conf-x", date: "2026-11-24", kind: REGULAR, '
     'regionId: "gg-suwon", householdIds: ["hh-0002"]}) { id } }', "caseworker", "FORBIDDEN"),
    ('mutation { updateConference(id: "conf-roles", input: {status: CANCELLED}) { id } }', "caseworker-sn",
     "FORBIDDEN"),
    ('mutation { decideHousehold(conferenceId: "conf-roles", householdId: "hh-0001", input: {items: []}) '
     '{ id } }', "caseworker-sn", "FORBIDDEN"),
    ('mutation { adoptPlan(conferenceId: "conf-roles") { created } }', "caseworker-sn", "FORBIDDEN"),
]


@pytest.mark.parametrize("doc, who, code", OUT_OF_SCOPE)
def test_out_of_scope_is_refused(gql, store, doc, who, code):
    if "conf-roles" in doc:
        for setup in _DECIDED:
            gql(setup, "coordinator").ok()
    before = store.counts()
    conf = store.get_side("conference", "conf-roles")
    r = gql(doc, who)
    assert r.code == code, r.body
    assert store.counts() == before
    assert store.get_side("conference", "conf-roles") == conf  # nothing of a conference changed either
    assert store.get_side("conference", "conf-x") is None


def test_partner_sees_only_what_it_needs(gql):
    r = gql('query { household(id: "hh-0001") { id region { id } needs { id } '
            "referrals { id resource { ... on Service { id } } } } }", "partner-bar")
    h = r.ok()["household"]
    assert [n["id"] for n in h["needs"]] == ["need-0001-legal"]
    assert [x["id"] for x in h["referrals"]] == ["ref-0001"]
    for field in ("size", "incomePercent", "traits", "urgency", "receipts { id }"):
        r = gql(f'query {{ household(id: "hh-0001") {{ id {field} }} }}', "partner-bar")
        assert r.code == "FORBIDDEN", (field, r.body)
        assert r.errors[0]["extensions"]["field"] == field.split()[0]


def test_caseworker_sees_whole_households_of_its_region(gql):
    h = gql('query { household(id: "hh-0001") { size incomePercent traits urgency needs { id } '
            "receipts { id } } }", "caseworker").ok()["household"]
    assert h["size"] == 4 and h["incomePercent"] == 62 and len(h["needs"]) == 4
    assert [s["id"] for s in h["receipts"]] == ["svc-diocese-food"]


def test_caseworker_without_region_argument_sees_its_own_region(gql):
    cells = gql("query { coverage { region { id } } }", "caseworker").ok()["coverage"]
    assert cells and all(c["region"]["id"].startswith("gg-suwon") for c in cells)


def test_a_wrong_token_is_refused_even_for_the_directory(gql):
    r = gql('query { region(id: "gg") { id } }', "forged")
    assert r.status == 401 and r.code == "UNAUTHENTICATED"
    assert r.headers["www-authenticate"].startswith("Bearer")
