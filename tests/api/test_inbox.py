"""The partner inbox (issue 18 part 4): referrals(...) scoped by role and audited, decline reasons,
outcome notes, respondedAt, and the duplicate rule. Consent is in tests/api/test_consent.py,
hours, quotas and periods in tests/api/test_quotas.py."""

from __future__ import annotations

import pytest

from graph.model import Need

INBOX = ("query($s: ReferralStatus, $svc: ID, $since: String, $first: Int, $after: String) { "
         "referrals(status: $s, serviceId: $svc, since: $since, first: $first, after: $after) { totalCount "
         "pageInfo { hasNextPage endCursor } edges { cursor node { id status reason declineReason "
         "outcomeNote respondedAt household { id } } } } }")
CREATE = ("mutation($id: ID!, $h: ID!, $r: ID!, $n: [ID!]!, $why: String) { createReferral(input: {id: $id, "
          "householdId: $h, resourceId: $r, needIds: $n, reason: $why}) { id status reason } }")
MOVE = ("mutation($id: ID!, $s: ReferralStatus!, $r: String, $n: String) { updateReferral(id: $id, "
        "status: $s, reason: $r, note: $n) { id status declineReason outcomeNote respondedAt } }")


def ids(gql, who, **variables):
    return [e["node"]["id"] for e in gql(INBOX, who, **variables).ok()["referrals"]["edges"]]


def reads(store):
    return [d for _, d in store.list_side("audit") if d["action"] == "read"]


@pytest.fixture
def world(gql, store):
    """ref-0001 (hh-0001 → bar, SENT) from the sample; ref-sn (hh-0002 in Seongnam → a public care
    service); ref-job (hh-0001 → the public job centre, with a reason)."""
    gql(CREATE, "coordinator", id="ref-sn", h="hh-0002", r="svc-seongnam-care", n=["need-0002-care"]).ok()
    gql(CREATE, "caseworker", id="ref-job", h="hh-0001", r="svc-suwon-jobs", n=["need-0001-job"],
        why="폐업 후 실직: 재취업 상담 요청").ok()


def test_each_role_sees_its_own_referrals(gql, world):
    assert ids(gql, "coordinator") == ["ref-0001", "ref-job", "ref-sn"]
    assert ids(gql, "caseworker") == ["ref-0001", "ref-job"]
    assert ids(gql, "caseworker-sn") == ["ref-sn"]
    assert ids(gql, "partner-bar") == ["ref-0001"]
    assert ids(gql, "partner-medical") == []
    r = gql(INBOX, None)
    assert r.code == "UNAUTHENTICATED"


def test_the_reason_for_referral_and_the_partner_view_of_the_household(gql, world):
    node = gql(INBOX, "caseworker", svc="svc-suwon-jobs").ok()["referrals"]["edges"][0]["node"]
    assert node["reason"] == "폐업 후 실직: 재취업 상담 요청"
    partner = gql("query { referrals { edges { node { household { id needs { id } } } } } }",
                  "partner-bar").ok()["referrals"]["edges"][0]["node"]["household"]
    assert partner == {"id": "hh-0001", "needs": [{"id": "need-0001-legal"}]}  # the partner's minimum
    r = gql("query { referrals { edges { node { household { incomePercent } } } } }", "partner-bar")
    assert r.codes == ["FORBIDDEN"] and r.errors[0]["extensions"]["field"] == "incomePercent"


def test_filters_and_pages(gql, world):
    assert ids(gql, "coordinator", s="SENT") == ["ref-0001"]
    assert ids(gql, "coordinator", svc="svc-seongnam-care") == ["ref-sn"]
    # ref-0001 was created and moved on 2026-11-02 (sample); the others just now
    assert ids(gql, "coordinator", since="2026-11-03T00:00:00+09:00") == ["ref-job", "ref-sn"]
    assert ids(gql, "coordinator", since="2026-11-02T10:30:00+09:00") == ["ref-0001", "ref-job", "ref-sn"]
    assert ids(gql, "coordinator", since="2026-11-02T10:30:01+09:00") == ["ref-job", "ref-sn"]
    page = gql(INBOX, "coordinator", first=2).ok()["referrals"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = gql(INBOX, "coordinator", first=2, after=page["pageInfo"]["endCursor"]).ok()["referrals"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["ref-sn"] and not rest["pageInfo"]["hasNextPage"]
    for variables, field in (({"after": "bm9wZQ=="}, "after"), ({"since": "어제"}, "since"),
                             ({"first": -1}, "first"), ({"first": 10_000}, "first")):
        r = gql(INBOX, "coordinator", **variables)
        assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == field, r.body


def test_a_partner_naming_another_organizations_service_is_forbidden(gql, world):
    r = gql(INBOX, "partner-bar", svc="svc-suwon-jobs")
    assert r.code == "FORBIDDEN" and r.errors[0]["extensions"]["field"] == "serviceId"
    assert ids(gql, "partner-bar", svc="svc-gg-legal") == ["ref-0001"]


@pytest.mark.parametrize("who, households", [("caseworker", ["hh-0001"]), ("partner-bar", ["hh-0001"]),
                                             ("coordinator", ["hh-0001", "hh-0002"])])
def test_every_referral_listed_is_an_audited_read_of_its_household(gql, store, world, who, households):
    before = len(reads(store))
    gql("query { referrals { edges { node { id } } } }", who).ok()
    new = reads(store)[before:]
    assert len(new) == 1 and new[0]["targetIds"] == households, new


def test_an_empty_inbox_reads_no_household(gql, store):
    before = len(reads(store))
    assert ids(gql, "partner-medical") == []
    assert len(reads(store)) == before


# -- answering -----------------------------------------------------------------------------------


def test_a_decline_needs_a_reason_and_keeps_it(gql, store):
    r = gql(MOVE, "partner-bar", id="ref-0001", s="DECLINED")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "reason"
    assert store.get("Referral", "ref-0001").status.value == "SENT"
    r = gql(MOVE, "partner-bar", id="ref-0001", s="DECLINED", r="   ")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "reason"
    out = gql(MOVE, "partner-bar", id="ref-0001", s="DECLINED", r="상담 변호사 일정 없음").ok()
    out = out["updateReferral"]
    assert out["declineReason"] == "상담 변호사 일정 없음" and out["respondedAt"]
    # declining it again changes nothing and needs no reason
    assert gql(MOVE, "partner-bar", id="ref-0001", s="DECLINED").ok()["updateReferral"]["declineReason"] == \
        "상담 변호사 일정 없음"
    assert ids(gql, "caseworker", s="DECLINED") == ["ref-0001"]


def test_staff_may_decline_without_a_reason_as_the_contract_allows(gql, store):
    """Only a partner's decline needs a reason: a contract-only staff client that sends
    updateReferral(id, status: DECLINED) keeps working, and its decline has no reason."""
    out = gql('mutation { updateReferral(id: "ref-0001", status: DECLINED) { id status declineReason } }',
              "caseworker").ok()["updateReferral"]
    assert out == {"id": "ref-0001", "status": "DECLINED", "declineReason": None}
    assert store.get("Referral", "ref-0001").status.value == "DECLINED"


def test_staff_may_still_give_a_decline_reason(gql, store):
    out = gql(MOVE, "coordinator", id="ref-0001", s="DECLINED", r="가구가 서비스를 거절함").ok()
    assert out["updateReferral"]["declineReason"] == "가구가 서비스를 거절함"
    assert out["updateReferral"]["respondedAt"] is None  # staff moves are not the partner's answer


def test_a_reason_or_note_on_the_wrong_move_is_bad_input(gql, store):
    r = gql(MOVE, "partner-bar", id="ref-0001", s="ACCEPTED", r="좋아요")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "reason"
    r = gql(MOVE, "partner-bar", id="ref-0001", s="ACCEPTED", n="메모")
    assert r.code == "BAD_USER_INPUT" and r.errors[0]["extensions"]["field"] == "note"
    assert store.get("Referral", "ref-0001").status.value == "SENT"


def test_responded_at_is_the_partners_first_answer_and_the_note_the_outcome(gql, store):
    first = gql(MOVE, "partner-bar", id="ref-0001", s="ACCEPTED").ok()["updateReferral"]
    assert first["respondedAt"]
    out = gql(MOVE, "partner-bar", id="ref-0001", s="DELIVERED", n="임금체불 진정서 제출 완료").ok()
    out = out["updateReferral"]
    assert out["respondedAt"] == first["respondedAt"] and out["outcomeNote"] == "임금체불 진정서 제출 완료"
    closed = gql(MOVE, "caseworker", id="ref-0001", s="CLOSED", n="체불임금 전액 회수").ok()
    closed = closed["updateReferral"]
    assert closed["outcomeNote"] == "체불임금 전액 회수"
    # a note may be added to a closed referral later (same status again)
    again = gql(MOVE, "caseworker", id="ref-0001", s="CLOSED", n="6개월 후 재확인: 안정").ok()
    again = again["updateReferral"]
    assert again["status"] == "CLOSED" and again["outcomeNote"] == "6개월 후 재확인: 안정"


def test_staff_moves_are_not_the_partners_answer(gql):
    out = gql(MOVE, "caseworker", id="ref-0001", s="ACCEPTED").ok()["updateReferral"]
    assert out["respondedAt"] is None


def test_the_old_call_without_reason_or_note_still_works(gql):
    out = gql('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id status } }',
              "partner-bar").ok()
    assert out["updateReferral"]["status"] == "ACCEPTED"


# -- duplicates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["PROPOSED", "SENT", "ACCEPTED", "DELIVERED"])
def test_an_open_referral_for_the_same_need_and_resource_is_a_conflict_naming_it(gql, store, status):
    gql(CREATE, "caseworker", id="ref-a", h="hh-0001", r="svc-suwon-jobs", n=["need-0001-job"]).ok()
    order = ["PROPOSED", "SENT", "ACCEPTED", "DELIVERED"]
    for step in order[1:order.index(status) + 1]:
        gql(MOVE, "caseworker", id="ref-a", s=step).ok()
    r = gql(CREATE, "caseworker", id="ref-b", h="hh-0001", r="svc-suwon-jobs",
            n=["need-0001-job", "need-0001-rent"])
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "needIds"
    assert "ref-a" in r.errors[0]["message"]
    assert store.get("Referral", "ref-b") is None


@pytest.mark.parametrize("status", ["DECLINED", "CLOSED"])
def test_no_conflict_once_the_earlier_one_is_declined_or_closed(gql, status):
    gql(CREATE, "caseworker", id="ref-a", h="hh-0001", r="svc-suwon-jobs", n=["need-0001-job"]).ok()
    path = ["DECLINED"] if status == "DECLINED" else ["SENT", "ACCEPTED", "DELIVERED", "CLOSED"]
    for step in path:
        gql(MOVE, "caseworker", id="ref-a", s=step, r="본인 거절" if step == "DECLINED" else None).ok()
    assert gql(CREATE, "caseworker", id="ref-b", h="hh-0001", r="svc-suwon-jobs",
               n=["need-0001-job"]).ok()["createReferral"]["id"] == "ref-b"


def test_no_conflict_for_another_need_or_another_resource_or_household(gql, store):
    gql(CREATE, "caseworker", id="ref-a", h="hh-0001", r="svc-suwon-jobs", n=["need-0001-job"]).ok()
    gql(CREATE, "caseworker", id="ref-b", h="hh-0001", r="svc-suwon-jobs", n=["need-0001-rent"]).ok()
    gql(CREATE, "caseworker", id="ref-c", h="hh-0001", r="svc-suwon-rent", n=["need-0001-job"]).ok()
    store.put(Need(id="need-0003-job", household_id="hh-0003", domain="EMPLOYMENT", severity=2))
    gql(CREATE, "caseworker", id="ref-d", h="hh-0003", r="svc-suwon-jobs", n=["need-0003-job"]).ok()
    # and sending the same referral again is a replay, not a duplicate
    assert gql(CREATE, "caseworker", id="ref-a", h="hh-0001", r="svc-suwon-jobs",
               n=["need-0001-job"]).ok()["createReferral"]["id"] == "ref-a"
