"""The referral lifecycle: every legal and illegal move, needs following, history with actor."""

from __future__ import annotations

import itertools

import pytest

from graph.model import Need, Referral, ReferralStatus
from schema.ops.capacity import MOVES

S = ReferralStatus
#: the shortest path from PROPOSED to each status
PATH = {S.PROPOSED: [], S.SENT: [S.SENT], S.ACCEPTED: [S.SENT, S.ACCEPTED],
        S.DELIVERED: [S.SENT, S.ACCEPTED, S.DELIVERED], S.CLOSED: [S.SENT, S.ACCEPTED, S.DELIVERED, S.CLOSED],
        S.DECLINED: [S.DECLINED]}

CREATE = ('mutation { createReferral(input: {id: "ref-t", householdId: "hh-0001", resourceId: "svc-suwon-jobs", '
          'needIds: ["need-0001-job"]}) { id status } }')
MOVE = "mutation($s: ReferralStatus!) { updateReferral(id: \"ref-t\", status: $s) { status } }"


def to(gql, status: S, who: str = "caseworker"):
    return gql(MOVE, who, s=status.value)


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
    # a second referral for the same need, declined: the need stays met (the first delivered it)
    gql('mutation { createReferral(input: {id: "ref-u", householdId: "hh-0001", resourceId: "svc-suwon-jobs", '
        'needIds: ["need-0001-job"]}) { id } }', "caseworker").ok()
    gql('mutation { updateReferral(id: "ref-u", status: DECLINED) { id } }', "caseworker").ok()
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
    q = 'query { household(id: "hh-0001") { referrals { id history { at fromStatus toStatus actor role } } } }'
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
    """Unit level, without the API: the rule is in schema.ops.capacity."""
    from api.principal import Principal, Role
    from schema.ops import writes

    p = Principal(Role.COORDINATOR, token_id="t")
    writes.create_referral(store, p, id="r1", household_id="hh-0002", resource_id="svc-seongnam-care",
                           need_ids=["need-0002-care"])
    for s in ("SENT", "ACCEPTED", "DELIVERED"):
        writes.update_referral(store, p, "r1", s)
    need = store.get("Need", "need-0002-care")
    assert isinstance(need, Need) and need.status.value == "MET"
    assert isinstance(store.get("Referral", "r1"), Referral)
