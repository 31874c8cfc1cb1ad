"""Staff, the case and deadlines as promised (issue 18, parts 1, 2 and 6), at the service layer.

Every rule has a test that it fires and one that it does not fire where a case
worker would call it wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.errors import ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError
from graph.model import CaseStatus, Household, Need, Referral, Urgency
from service import actions, audit, cases, deadlines, staff, writes
from service.principal import Principal, Role
from service.settings import Settings
from service.tokens import authenticate, create_token, list_tokens

COORD = Principal(Role.COORDINATOR, token_id="t-coord")
CW = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")
CW_SN = Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-cw-sn")
PARTNER = Principal(Role.PARTNER, organization_id="org-gg-bar", token_id="t-bar")


@pytest.fixture
def store(sample_store):
    return sample_store


@pytest.fixture
def kim(store):
    return staff.add_staff(store, COORD, name="김민지", role="caseworker", region_id="gg-suwon",
                           staff_id="stf-kim")


# ---------------------------------------------------------------------------------------------
# staff


def test_staff_bind_like_tokens(store):
    with pytest.raises(ValidationError) as e:
        staff.add_staff(store, COORD, name="이수진", role="caseworker")
    assert e.value.field == "regionId"
    with pytest.raises(ValidationError) as e:
        staff.add_staff(store, COORD, name="이수진", role="partner")
    assert e.value.field == "organizationId"
    with pytest.raises(NotFoundError) as e:
        staff.add_staff(store, COORD, name="이수진", role="partner", organization_id="org-nowhere")
    assert e.value.field == "organizationId"
    with pytest.raises(ValidationError) as e:
        staff.add_staff(store, COORD, name="이수진", role="coordinator", region_id="gg-suwon")
    assert e.value.field == "regionId"
    with pytest.raises(ValidationError) as e:
        staff.add_staff(store, COORD, name="  ", role="coordinator")
    assert e.value.field == "name"
    with pytest.raises(ValidationError) as e:
        staff.add_staff(store, COORD, name="이수진", role="anonymous")
    assert e.value.field == "role"
    p = staff.add_staff(store, COORD, name="박변호사", role="PARTNER", organization_id="org-gg-bar")
    assert (p.role, p.organization_id, p.active) == (Role.PARTNER, "org-gg-bar", True)
    assert p.id.startswith("stf-")


def test_only_coordinators_add_or_disable_staff(store, kim):
    for who in (CW, PARTNER):
        with pytest.raises(ForbiddenError):
            staff.add_staff(store, who, name="x", role="coordinator")
        with pytest.raises(ForbiddenError):
            staff.disable_staff(store, who, "stf-kim")
    with pytest.raises(UnauthenticatedError):
        staff.add_staff(store, Principal.anonymous(), name="x", role="coordinator")
    with pytest.raises(ConflictError) as e:
        staff.add_staff(store, COORD, name="다른 김민지", role="coordinator", staff_id="stf-kim")
    assert e.value.field == "id"


def test_require_staff_names_the_field(store, kim):
    assert staff.require_staff(store, "stf-kim").name == "김민지"
    with pytest.raises(NotFoundError) as e:
        staff.require_staff(store, "stf-nobody", "leadCaseManagerId")
    assert e.value.field == "leadCaseManagerId"
    assert staff.get_staff(store, "stf-nobody") is None


def test_listing_staff_is_scoped_by_role(store, kim):
    staff.add_staff(store, COORD, name="최성남", role="caseworker", region_id="gg-seongnam",
                    staff_id="stf-choi")
    staff.add_staff(store, COORD, name="윤조원", role="caseworker", region_id="gg-suwon-jowon",
                    staff_id="stf-yoon")
    staff.add_staff(store, COORD, name="정코디", role="coordinator", staff_id="stf-jung")
    assert [s.id for s in staff.list_staff(store, COORD)] == ["stf-choi", "stf-jung", "stf-kim", "stf-yoon"]
    # a case worker: their region's subtree, by default and when asked for a place inside it
    assert [s.id for s in staff.list_staff(store, CW)] == ["stf-kim", "stf-yoon"]
    assert [s.id for s in staff.list_staff(store, CW, region_id="gg-suwon-jowon")] == ["stf-yoon"]
    for other in ("gg-seongnam", "no-such-region"):  # the same answer: nothing leaks
        with pytest.raises(ForbiddenError) as e:
            staff.list_staff(store, CW, region_id=other)
        assert e.value.field == "regionId"
    with pytest.raises(ForbiddenError):
        staff.list_staff(store, PARTNER)
    staff.disable_staff(store, COORD, "stf-yoon")
    assert [s.id for s in staff.list_staff(store, CW, active=True)] == ["stf-kim"]


def test_a_token_of_a_staff_member_takes_their_binding_and_names_them(store, kim):
    token = create_token(store, None, staff_id="stf-kim")
    p = authenticate(store, f"Bearer {token}")
    assert (p.role, p.region_id, p.staff_id, p.staff_name) == (
        Role.CASEWORKER, "gg-suwon", "stf-kim", "김민지")
    assert [t.staff_id for t in list_tokens(store)] == ["stf-kim"]
    assert staff.staff_of(store, p) == kim
    # the same binding given explicitly is fine; another is refused naming staffId
    create_token(store, "caseworker", region_id="gg-suwon", staff_id="stf-kim")
    for role, kw in (("caseworker", {"region_id": "gg-seongnam"}), ("coordinator", {}),
                     ("partner", {"organization_id": "org-gg-bar"})):
        with pytest.raises(ValidationError) as e:
            create_token(store, role, staff_id="stf-kim", **kw)
        assert e.value.field == "staffId"
    with pytest.raises(NotFoundError) as e:
        create_token(store, None, staff_id="stf-nobody")
    assert e.value.field == "staffId"
    with pytest.raises(ValidationError) as e:
        create_token(store, None)
    assert e.value.field == "role"
    # a token of nobody names nobody
    plain = authenticate(store, f"Bearer {create_token(store, 'coordinator')}")
    assert (plain.staff_id, plain.staff_name) == (None, None)
    assert staff.staff_of(store, plain) is None


def test_a_disabled_staff_members_tokens_stop_at_once(store, kim):
    t1 = create_token(store, None, staff_id="stf-kim")
    t2 = create_token(store, None, staff_id="stf-kim")
    other = create_token(store, "caseworker", region_id="gg-suwon")
    assert authenticate(store, f"Bearer {t1}").staff_id == "stf-kim"
    staff.disable_staff(store, COORD, "stf-kim")
    for t in (t1, t2):
        with pytest.raises(UnauthenticatedError):
            authenticate(store, f"Bearer {t}")
    assert authenticate(store, f"Bearer {other}").role is Role.CASEWORKER  # nobody else's token
    with pytest.raises(ValidationError) as e:  # and no new ones
        create_token(store, None, staff_id="stf-kim")
    assert e.value.field == "staffId"
    again = staff.disable_staff(store, COORD, "stf-kim")  # idempotent
    assert not again.active and again.disabled_at


def test_the_audit_trail_and_a_referrals_history_name_the_person(store, kim):
    p = authenticate(store, f"Bearer {create_token(store, None, staff_id='stf-kim')}")
    rec = actions.create_referral(store, p, "req-1", id="ref-new", household_id="hh-0001",
                                  resource_id="svc-suwon-jobs", need_ids=["need-0001-job"])
    entries = [d for _, d in store.list_side(audit.KIND) if d["action"] == "createReferral"]
    assert [(e["actor"], e["staffId"], e["staffName"]) for e in entries] == [
        (p.token_id, "stf-kim", "김민지")]
    moves = audit.referral_history(store, rec.id)
    assert [(m["actor"], m["staffName"]) for m in moves] == [(p.token_id, "김민지")]
    # a partner sees neither the token nor the person
    hidden = audit.referral_history_for(store, PARTNER, rec.id)
    assert [(m["actor"], m["staffId"], m["staffName"]) for m in hidden] == [(None, None, None)]
    # the CLI's entries name nobody
    staff.add_staff_audited(store, Principal.local(), None, name="정코디", role="coordinator")
    e = [d for _, d in store.list_side(audit.KIND) if d["action"] == "addStaff"][-1]
    assert (e["actor"], e["staffId"], e["staffName"]) == ("cli", None, None)


# ---------------------------------------------------------------------------------------------
# the case


def status_history(store, hid):
    return [(e["from"], e["to"]) for e in cases.history(store, hid, "status")]


def test_the_case_moves_as_allowed_and_keeps_its_status_history(store):
    assert store.get("Household", "hh-0001").case_status is CaseStatus.OPEN
    cases.set_case_status(store, CW, "hh-0001", "IN_CONFERENCE", reason="사례회의 안건")
    cases.set_case_status(store, CW, "hh-0001", "IN_CONFERENCE")  # again: no move, no event
    cases.set_case_status(store, CW, "hh-0001", "MONITORING")
    cases.close_case(store, CW, "hh-0001", "RESOLVED", "월세 지원 후 안정")
    cases.reopen_case(store, CW, "hh-0001", "다시 체납")
    cases.set_case_status(store, CW, "hh-0001", "MONITORING")
    assert store.get("Household", "hh-0001").case_status is CaseStatus.MONITORING
    assert status_history(store, "hh-0001") == [
        ("OPEN", "IN_CONFERENCE"), ("IN_CONFERENCE", "MONITORING"), ("MONITORING", "CLOSED"),
        ("CLOSED", "REOPENED"), ("REOPENED", "MONITORING")]
    closed = cases.history(store, "hh-0001", "status")[2]
    assert (closed["reason"], closed["note"], closed["actor"]) == ("RESOLVED", "월세 지원 후 안정", "t-cw")


def test_moves_that_are_not_allowed_are_coded_and_name_the_field(store):
    def refused(fn, *args, field="status", **kw):
        with pytest.raises(ValidationError) as e:
            fn(store, CW, *args, **kw)
        assert e.value.code == "BAD_USER_INPUT" and e.value.field == field, e.value
        return e.value

    refused(cases.set_case_status, "hh-0001", "CLOSED")  # closeCase does that, with a reason
    refused(cases.set_case_status, "hh-0001", "REOPENED")
    refused(cases.set_case_status, "hh-0001", "OPEN")
    refused(cases.set_case_status, "hh-0001", "DONE")
    refused(cases.reopen_case, "hh-0001", "왜", field="householdId")  # not closed
    refused(cases.close_case, "hh-0001", "FINISHED", field="reason")
    refused(cases.close_case, "hh-0001", "OTHER", field="note")  # OTHER needs a note
    refused(cases.reopen_case, "hh-0001", " ", field="reason")
    cases.close_case(store, CW, "hh-0001", "OTHER", "가족 돌봄으로 전환")
    refused(cases.close_case, "hh-0001", "RESOLVED", field="householdId")  # already closed
    refused(cases.set_case_status, "hh-0001", "MONITORING")  # reopen first
    with pytest.raises(ValidationError) as e:
        cases.reopen_case(store, CW, "hh-0001", None)
    assert e.value.field == "reason"
    assert store.get("Household", "hh-0001").case_status is CaseStatus.CLOSED
    assert status_history(store, "hh-0001") == [("OPEN", "CLOSED")]  # nothing half-written


def test_who_may_act_on_a_case(store):
    for fn, args in ((cases.set_case_status, ("hh-0002", "MONITORING")),
                     (cases.close_case, ("hh-0002", "RESOLVED")),
                     (cases.update_household, ("hh-0002",)),
                     (cases.assign_case_manager, ("hh-0002", None))):
        with pytest.raises(ForbiddenError) as e:
            fn(store, CW, *args)  # another region's household
        assert e.value.field == "householdId"
        with pytest.raises(ForbiddenError):
            fn(store, PARTNER, *args)
        with pytest.raises(UnauthenticatedError):
            fn(store, Principal.anonymous(), *args)
    cases.set_case_status(store, CW_SN, "hh-0002", "MONITORING")  # its own region's case worker may
    cases.close_case(store, COORD, "hh-0002", "MOVED")  # a coordinator anywhere
    with pytest.raises(NotFoundError) as e:
        cases.close_case(store, COORD, "hh-nowhere", "MOVED")
    assert e.value.field == "householdId"


def test_set_case_status_inside_a_callers_unit_of_work(store):
    events: list[cases.Event] = []
    with store.unit_of_work() as uow:
        cases.set_case_status(uow, CW, "hh-0001", "IN_CONFERENCE", store=store, events=events)
    assert store.get("Household", "hh-0001").case_status is CaseStatus.IN_CONFERENCE
    assert status_history(store, "hh-0001") == []  # written by the caller after its commit
    cases.record_events(store, CW, events)
    assert status_history(store, "hh-0001") == [("OPEN", "IN_CONFERENCE")]
    # a failed unit of work leaves nothing
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        cases.set_case_status(uow, CW, "hh-0003", "IN_CONFERENCE", store=store, events=[])
        raise RuntimeError("the conference's adoption failed")
    assert store.get("Household", "hh-0003").case_status is CaseStatus.OPEN


def test_urgency_changes_need_a_reason_and_are_kept_as_reclassifications(store):
    with pytest.raises(ValidationError) as e:
        cases.update_household(store, CW, "hh-0003", urgency="EMERGENCY")
    assert e.value.field == "reason"
    assert store.get("Household", "hh-0003").urgency is Urgency.GENERAL  # nothing half-written
    # other fields need no reason, and the same urgency again is no change
    out = cases.update_household(store, CW, "hh-0003", income_percent=55, size=4, urgency="GENERAL",
                                 traits=["SINGLE_PARENT"])
    assert (out.income_percent, out.size, out.traits) == (55, 4, ("SINGLE_PARENT",))
    cases.update_household(store, CW, "hh-0003", urgency="EMERGENCY", reason="단전 예고 통지")
    assert store.get("Household", "hh-0003").urgency is Urgency.EMERGENCY
    r = cases.history(store, "hh-0003", "urgency")
    assert [(e["from"], e["to"], e["reason"], e["actor"]) for e in r] == [
        ("GENERAL", "EMERGENCY", "단전 예고 통지", "t-cw")]
    for bad, field in (({"size": 0}, "size"), ({"income_percent": -1}, "incomePercent"),
                       ({"traits": ["RICH"]}, "traits"), ({"urgency": "PANIC", "reason": "x"}, "urgency"),
                       ({"review_on": "next week"}, "reviewOn")):
        with pytest.raises(ValidationError) as e:
            cases.update_household(store, CW, "hh-0003", **bad)
        assert e.value.field == field


def test_update_need_changes_what_it_is_given_and_the_domain_only_while_unreferred(store):
    n = cases.update_need(store, CW, "need-0001-rent", severity=3, tags=["rent-support"])
    assert (n.severity, n.detail, n.tags) == (3, "월세 3개월 체납", ("rent-support",))
    n = cases.update_need(store, CW, "need-0001-rent", detail=None)
    assert n.detail is None
    n = cases.update_need(store, CW, "need-0001-health", domain="MENTAL_HEALTH")
    assert n.domain.value == "MENTAL_HEALTH"
    with pytest.raises(ConflictError) as e:  # ref-0001 was made for it as LEGAL
        cases.update_need(store, CW, "need-0001-legal", domain="HOUSING")
    assert e.value.field == "domain" and "ref-0001" in e.value.message
    cases.update_need(store, CW, "need-0001-legal", severity=5)  # its other fields may change
    with pytest.raises(ValidationError) as e:
        cases.update_need(store, CW, "need-0001-legal", severity=9)
    assert e.value.field == "severity"
    with pytest.raises(ForbiddenError):
        cases.update_need(store, CW, "need-0002-care", severity=2)
    with pytest.raises(NotFoundError) as e:
        cases.update_need(store, CW, "need-nowhere", severity=2)
    assert e.value.field == "id"


def test_a_lead_case_manager_is_an_active_case_worker_of_the_region(store, kim):
    staff.add_staff(store, COORD, name="최성남", role="caseworker", region_id="gg-seongnam",
                    staff_id="stf-choi")
    staff.add_staff(store, COORD, name="박변호사", role="partner", organization_id="org-gg-bar",
                    staff_id="stf-bar")
    staff.add_staff(store, COORD, name="정코디", role="coordinator", staff_id="stf-jung")
    out = cases.assign_case_manager(store, CW, "hh-0001", "stf-kim", "2026-12-01")
    assert (out.case_manager_id, out.review_on) == ("stf-kim", dt.date(2026, 12, 1))
    for who, field in (("stf-choi", "staffId"), ("stf-bar", "staffId")):
        with pytest.raises(ValidationError) as e:
            cases.assign_case_manager(store, CW, "hh-0001", who)
        assert e.value.field == field
    with pytest.raises(NotFoundError) as e:
        cases.assign_case_manager(store, CW, "hh-0001", "stf-nobody")
    assert e.value.field == "staffId"
    cases.assign_case_manager(store, CW, "hh-0001", "stf-jung")  # a coordinator may lead
    staff.disable_staff(store, COORD, "stf-kim")
    with pytest.raises(ValidationError):
        cases.assign_case_manager(store, CW, "hh-0001", "stf-kim")
    cases.assign_case_manager(store, CW, "hh-0001", None)  # cleared
    assert store.get("Household", "hh-0001").case_manager_id is None
    mgr = [(e["from"], e["to"]) for e in cases.history(store, "hh-0001", "manager")]
    assert mgr == [(None, "stf-kim"), ("stf-kim", "stf-jung"), ("stf-jung", None)]


def test_sending_create_household_again_keeps_the_case(store):
    fields = {"id": "hh-new", "region_id": "gg-suwon-maetan", "size": 2, "income_percent": 40}
    writes.create_household(store, CW, **fields)
    cases.set_case_status(store, CW, "hh-new", "MONITORING")
    again = writes.create_household(store, CW, **fields)  # a retried request: no CONFLICT
    assert again.case_status is CaseStatus.MONITORING


def page_ids(store, p, **kw):
    return [h.id for h in cases.households_page(store, p, Settings(), **kw).households]


def test_the_households_list_is_scoped_and_filtered(store, kim):
    assert page_ids(store, COORD) == ["hh-0001", "hh-0002", "hh-0003"]
    assert page_ids(store, CW) == ["hh-0001", "hh-0003"]
    assert page_ids(store, CW, region_id="gg-suwon-jowon") == ["hh-0003"]
    assert page_ids(store, CW_SN) == ["hh-0002"]
    for other in ("gg-seongnam", "gg-nowhere"):  # one answer, known region or not
        with pytest.raises(ForbiddenError) as e:
            page_ids(store, CW, region_id=other)
        assert e.value.field == "regionId"
    with pytest.raises(NotFoundError):
        page_ids(store, COORD, region_id="gg-nowhere")
    with pytest.raises(ForbiddenError):
        page_ids(store, PARTNER)
    cases.set_case_status(store, CW, "hh-0003", "MONITORING")
    cases.assign_case_manager(store, CW, "hh-0001", "stf-kim")
    assert page_ids(store, COORD, status="MONITORING") == ["hh-0003"]
    assert page_ids(store, COORD, status="OPEN") == ["hh-0001", "hh-0002"]
    assert page_ids(store, COORD, urgency="FOCUSED") == ["hh-0002"]
    assert page_ids(store, COORD, case_manager_id="stf-kim") == ["hh-0001"]
    first = cases.households_page(store, COORD, Settings(), first=2)
    assert ([h.id for h in first.households], first.has_next, first.total) == (
        ["hh-0001", "hh-0002"], True, 3)
    rest = cases.households_page(store, COORD, Settings(), first=2,
                                 after=cases.encode_cursor(first.households[-1].id))
    assert ([h.id for h in rest.households], rest.has_next) == (["hh-0003"], False)
    for bad, field in (({"first": -1}, "first"), ({"first": 10_000}, "first"),
                       ({"after": "nonsense"}, "after"), ({"status": "SOLVED"}, "status"),
                       ({"urgency": "PANIC"}, "urgency")):
        with pytest.raises(ValidationError) as e:
            page_ids(store, COORD, **bad)
        assert e.value.field == field


# ---------------------------------------------------------------------------------------------
# deadlines as promised

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _open(store, hid, urgency="EMERGENCY", by=CW):
    hh = Household(id=hid, region_id="gg-suwon-maetan", size=1, income_percent=40, urgency=urgency)
    store.put(hh, Need(id=f"n-{hid}", household_id=hid, domain="EMPLOYMENT", severity=4))
    deadlines.note_opened(store, by, hh, at=T0)


def _move(store, ref_id, to, at):
    """A referral's move as the API records it: the record and its history entry, at ``at``."""
    ref = store.get("Referral", ref_id)
    old = ref.status.value if ref else None
    if ref is None:
        hid = ref_id.removeprefix("r-")
        ref = Referral(id=ref_id, household_id=hid, resource_label="Service", resource_id="svc-suwon-jobs",
                       need_ids=[f"n-{hid}"], created_at=at.isoformat())
    store.put(ref.replace(status=to, updated_at=at.isoformat()))
    audit.record_move(store, CW, ref_id, old, to, None, at.isoformat())


def late(store, at, clock="accepted"):
    return [o.household_id for o in deadlines.overdue(store, COORD, Settings(deadline_clock=clock), as_of=at)]


def test_accepted_in_time_is_not_overdue_sent_in_time_is(store):
    _open(store, "e-acc")
    _open(store, "e-sent")
    for hid in ("e-acc", "e-sent"):
        _move(store, f"r-{hid}", "PROPOSED", T0 + dt.timedelta(hours=1))
        _move(store, f"r-{hid}", "SENT", T0 + dt.timedelta(hours=2))
    _move(store, "r-e-acc", "ACCEPTED", T0 + dt.timedelta(days=2))
    at = T0 + dt.timedelta(days=5)
    assert late(store, at) == ["e-sent"]  # SENT in time but never started: late
    rows = deadlines.overdue(store, COORD, Settings(), as_of=at)
    assert [(o.clock, o.opened_by) for o in rows] == [("accepted", "t-cw")]
    # by the delivered clock, an acceptance is not yet a service
    assert late(store, at, "delivered") == ["e-acc", "e-sent"]
    _move(store, "r-e-acc", "DELIVERED", T0 + dt.timedelta(days=3) - dt.timedelta(minutes=1))
    assert late(store, at, "delivered") == ["e-sent"]


def test_a_start_after_the_moment_judged_does_not_count_and_a_decline_never_does(store):
    _open(store, "e1")
    _move(store, "r-e1", "SENT", T0)
    _move(store, "r-e1", "ACCEPTED", T0 + dt.timedelta(days=6))
    assert late(store, T0 + dt.timedelta(days=5)) == ["e1"]  # judged before it was accepted
    assert late(store, T0 + dt.timedelta(days=7)) == []  # started since (late): no longer waiting
    _open(store, "e2")
    _move(store, "r-e2", "SENT", T0)
    _move(store, "r-e2", "DECLINED", T0 + dt.timedelta(days=1))
    assert late(store, T0 + dt.timedelta(days=7)) == ["e2"]


def test_focused_households_have_their_own_period(store):
    _open(store, "f1", "FOCUSED")
    assert late(store, T0 + dt.timedelta(days=14)) == []
    assert late(store, T0 + dt.timedelta(days=15)) == ["f1"]
    _move(store, "r-f1", "ACCEPTED", T0 + dt.timedelta(days=13))
    assert late(store, T0 + dt.timedelta(days=15)) == []


def test_the_overdue_report_names_the_person_who_opened_the_case(store, kim):
    p = authenticate(store, f"Bearer {create_token(store, None, staff_id='stf-kim')}")
    _open(store, "e1", by=p)
    cases.assign_case_manager(store, COORD, "e1", "stf-kim")
    (o,) = deadlines.overdue(store, COORD, Settings(), as_of=T0 + dt.timedelta(days=4))
    assert (o.opened_by, o.opened_by_staff_id, o.opened_by_name, o.case_manager_id) == (
        p.token_id, "stf-kim", "김민지", "stf-kim")


def test_the_clock_setting(monkeypatch):
    assert Settings().deadline_clock == "accepted"
    assert Settings.from_env({"DOLBOM_DEADLINE_CLOCK": "Delivered"}).deadline_clock == "delivered"
    with pytest.raises(ValidationError) as e:
        Settings.from_env({"DOLBOM_DEADLINE_CLOCK": "sent"})
    assert e.value.field == "DOLBOM_DEADLINE_CLOCK"
