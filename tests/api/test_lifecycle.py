"""The referral lifecycle: every legal and illegal move, needs following, history with actor."""

from __future__ import annotations

import itertools

import pytest

from graph.model import Need, Referral, ReferralStatus
from service.capacity import MOVES

S = ReferralStatus
#: the shortest path from PROPOSED to each status
PATH = {S.PROPOSED: [], S.SENT: [S.SENT], S.ACCEPTED: [S.SENT, S.ACCEPTED],
        S.DELIVERED: [S.SENT, S.ACCEPTED, S.DELIVERED], S.CLOSED: [S.SENT, S.ACCEPTED, S.DELIVERED, S.CLOSED],
        S.DECLINED: [S.DECLINED]}

CREATE = ('mutation { createReferral(input: {id: "ref-t", householdId: "hh-0001", '
          'resourceId: "svc-suwon-jobs", needIds: ["need-0001-job"]}) { id status } }')
MOVE = ("mutation($s: ReferralStatus!, $r: String) { updateReferral(id: \"ref-t\", status: $s, reason: $r) "
        "{ status } }")


def to(gql, status: S, who: str = "caseworker"):
    """Move ref-t; a decline says why (without one it is BAD_USER_INPUT: tests/api/test_inbox.py)."""
    return gql(MOVE, who, s=status.value, r="가구가 다른 지원을 받기로 함" if status is S.DECLINED else None)


@pytest.mark.parametrize("start,goal", [(a, b) for a, b in itertools.product(S, S) if a != b])
def test_every_move_is_allowed_exactly_when_the_lifecycle_says(gql, start, goal):
    gql(CREATE, "caseworker").ok()
    for step in PATH[start]:
        to(gql, step).ok()
    r = to(gql, goal)
    if goal in MOVES[start]:
        assert r.ok()["updateReferral"]["status"] == goal.value
    else:
        assert r.code == "BAD_USER_INPUT", r.body
        assert "status" in r.errors[0]["message"] and start.value in r.errors[0]["message"]


def test_delivered_meets_the_needs_and_declined_reopens_them(gql, store):
    gql(CREATE, "caseworker").ok()
    for step in PATH[S.DELIVERED]:
        to(gql, step).ok()
    assert store.get("Need", "need-0001-job").status.value == "MET"
    # a second referral for the same need, declined: the need stays met (the first delivered it; it is
    # CLOSED first, as an open one for the same need and resource would make the second a duplicate)
    to(gql, S.CLOSED).ok()
    gql('mutation { createReferral(input: {id: "ref-u", householdId: "hh-0001", '
        'resourceId: "svc-suwon-jobs", needIds: ["need-0001-job"]}) { id } }', "caseworker").ok()
    gql('mutation { updateReferral(id: "ref-u", status: DECLINED, reason: "중복") { id } }',
        "caseworker").ok()
    assert store.get("Need", "need-0001-job").status.value == "MET"


def test_declining_reopens_a_met_need_nothing_else_covers(gql, store):
    gql(CREATE, "caseworker").ok()
    gql('mutation { setNeedStatus(id: "need-0001-job", status: MET) { id } }', "caseworker").ok()
    to(gql, S.DECLINED).ok()
    assert store.get("Need", "need-0001-job").status.value == "OPEN"


def test_retiring_a_service_reopens_the_needs_of_the_referrals_it_declines(gql, store):
    gql('mutation { setNeedStatus(id: "need-0001-legal", status: MET) { id } }', "coordinator").ok()
    gql('mutation { retireService(id: "svc-gg-legal") { id } }', "coordinator").ok()
    assert store.get("Referral", "ref-0001").status is S.DECLINED
    assert store.get("Need", "need-0001-legal").status.value == "OPEN"


def test_every_move_is_in_the_history_with_time_actor_and_role(gql):
    gql(CREATE, "caseworker").ok()
    to(gql, S.SENT).ok()
    to(gql, S.ACCEPTED, "coordinator").ok()
    to(gql, S.ACCEPTED, "coordinator").ok()  # the same status again: no move
    q = ('query { household(id: "hh-0001") { referrals { id '
         'history { at fromStatus toStatus actor role } } } }')
    refs = {r["id"]: r for r in gql(q, "coordinator").ok()["household"]["referrals"]}
    hist = refs["ref-t"]["history"]
    assert [(h["fromStatus"], h["toStatus"], h["actor"], h["role"]) for h in hist] == [
        (None, "PROPOSED", "t-cw", "caseworker"), ("PROPOSED", "SENT", "t-cw", "caseworker"),
        ("SENT", "ACCEPTED", "t-coord", "coordinator")]
    assert [h["at"] for h in hist] == sorted(h["at"] for h in hist)


def test_a_partner_sees_the_moves_of_its_referral_but_not_who_made_them(gql):
    gql('mutation { updateReferral(id: "ref-0001", status: ACCEPTED) { id } }', "partner-bar").ok()
    q = 'query { household(id: "hh-0001") { referrals { id history { toStatus actor role } } } }'
    (ref,) = gql(q, "partner-bar").ok()["household"]["referrals"]
    assert ref["history"] == [{"toStatus": "ACCEPTED", "actor": None, "role": "partner"}]


def test_the_store_keeps_moves_consistent_with_the_needs(store):
    """Unit level, without the API: the rule is in service.capacity."""
    from service import writes
    from service.principal import Principal, Role

    p = Principal(Role.COORDINATOR, token_id="t")
    writes.create_referral(store, p, id="r1", household_id="hh-0002", resource_id="svc-seongnam-care",
                           need_ids=["need-0002-care"])
    for s in ("SENT", "ACCEPTED", "DELIVERED"):
        writes.update_referral(store, p, "r1", s)
    need = store.get("Need", "need-0002-care")
    assert isinstance(need, Need) and need.status.value == "MET"
    assert isinstance(store.get("Referral", "r1"), Referral)


FOLLOW = 'mutation($on: Date) { setFollowUp(referralId: "ref-t", on: $on) { id followUpOn } }'
FOLLOW_UP_ON = 'query { household(id: "hh-0001") { referrals { id followUpOn } } }'


def follow_up_of(gql, who: str = "coordinator", ref: str = "ref-t"):
    refs = gql(FOLLOW_UP_ON, who).ok()["household"]["referrals"]
    return {r["id"]: r["followUpOn"] for r in refs}[ref]


def test_follow_up_dates_are_set_cleared_and_audited(gql, store):
    from service import audit

    gql(CREATE, "caseworker").ok()
    assert follow_up_of(gql) is None
    assert gql(FOLLOW, "caseworker", on="2030-03-01").ok()["setFollowUp"] == {"id": "ref-t",
                                                                           "followUpOn": "2030-03-01"}
    assert follow_up_of(gql) == "2030-03-01"
    (e,) = [d for _, d in store.list_side(audit.KIND) if d["action"] == "setFollowUp"]
    assert e["actor"] == "t-cw" and e["targetIds"] == ["ref-t"]
    assert e["detail"] == {"followUpOn": "2030-03-01"}
    gql(FOLLOW, "coordinator", on=None).ok()
    assert follow_up_of(gql) is None


def test_follow_up_refusals_name_the_field_and_change_nothing(gql, store):
    gql(CREATE, "caseworker").ok()
    gql(FOLLOW, "caseworker", on="2030-03-01").ok()
    r = gql(FOLLOW, "caseworker", on="2001-01-01")
    assert r.code == "BAD_USER_INPUT"
    assert r.errors[0]["extensions"]["field"] == "on" and "이전일 수 없습니다" in r.errors[0]["message"]
    assert gql(FOLLOW, "partner-bar", on="2030-04-01").code == "FORBIDDEN"
    assert gql(FOLLOW, "caseworker-sn", on="2030-04-01").code == "FORBIDDEN"
    r = gql('mutation { setFollowUp(referralId: "nope", on: "2030-04-01") { id } }', "coordinator")
    assert r.code == "NOT_FOUND" and "id" in r.errors[0]["message"]
    to(gql, S.DECLINED).ok()
    r = gql(FOLLOW, "caseworker", on="2030-04-01")
    assert r.code == "CONFLICT" and "거절" in r.errors[0]["message"]  # DECLINED, in Korean by default
    assert follow_up_of(gql) == "2030-03-01"


def test_delivery_sets_a_follow_up_unless_one_is_set(gql, store, make_gql):
    import datetime as dt

    from i18n.clock import local_now
    from service.settings import Settings

    gql(CREATE, "caseworker").ok()
    for step in PATH[S.DELIVERED]:
        to(gql, step).ok()
    # the offices' day of the delivery (Asia/Seoul): from 15:00 UTC on it is already tomorrow there
    delivered = local_now(None, dt.datetime.fromisoformat(store.get("Referral", "ref-t").updated_at)).date()
    assert follow_up_of(gql) == (delivered + dt.timedelta(days=7)).isoformat()
    # a chosen date stays when another referral is delivered; another setting gives another default
    gql(FOLLOW, "caseworker", on="2030-05-05").ok()
    gql2, _ = make_gql(Settings(follow_up_days=30))
    gql2('mutation { createReferral(input: {id: "ref-u", householdId: "hh-0001", '
         'resourceId: "svc-suwon-jobs", needIds: ["need-0001-rent"]}) { id } }', "caseworker").ok()
    for step in PATH[S.DELIVERED]:
        gql2(f'mutation {{ updateReferral(id: "ref-u", status: {step.value}) {{ id }} }}', "caseworker").ok()
    assert follow_up_of(gql) == "2030-05-05"
    delivered_u = local_now(None, dt.datetime.fromisoformat(store.get("Referral", "ref-u").updated_at)).date()
    assert follow_up_of(gql, ref="ref-u") == (delivered_u + dt.timedelta(days=30)).isoformat()


def test_follow_ups_due_on_a_hand_made_day_by_region_until_closed(gql):
    gql(CREATE, "caseworker").ok()
    gql(FOLLOW, "caseworker", on="2030-03-01").ok()
    gql('mutation { setFollowUp(referralId: "ref-0001", on: "2030-02-01") { id } }', "coordinator").ok()
    q = 'query($r: ID, $on: Date) { followUpsDue(regionId: $r, asOf: $on) { id } }'

    def due(who, on, r=None):
        return [x["id"] for x in gql(q, who, r=r, on=on).ok()["followUpsDue"]]

    assert due("coordinator", "2030-01-31") == []
    assert due("coordinator", "2030-02-01") == ["ref-0001"]
    assert due("caseworker", "2030-03-01") == ["ref-0001", "ref-t"]  # earliest first
    assert due("caseworker-sn", "2030-03-01") == []  # not its region's households
    assert due("coordinator", "2030-03-01", "gg-seongnam") == []
    to(gql, S.DECLINED).ok()  # a declined referral is not followed up any more
    assert due("coordinator", "2031-01-01") == ["ref-0001"]
    assert gql(q, "partner-bar", on="2030-03-01").code == "FORBIDDEN"
    assert gql(q, "coordinator", on="soon").code == "BAD_USER_INPUT"
