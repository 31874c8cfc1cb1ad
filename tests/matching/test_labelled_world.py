"""A hand-made, labelled world: each household is a case a case worker knows the answer to.

Every household lives in its own dong and only that dong's services (plus the province's
volunteers, where said) can serve it, so the cases do not leak into each other. For each
household the labels say which flags its best package must carry (kind, reason code and
the services it names) and the test checks that exactly those fire: each flag where a case
worker expects it and nowhere else. OVERLAP's precision and recall over the whole world
must be 1.0; a few cases also pin what the package picks (the type of help that fits).
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.model import (
    Household,
    Need,
    Organization,
    Receipt,
    Record,
    Referral,
    Region,
    Service,
    Volunteer,
)
from graph.view import build_graph, neighbourhood_nodes
from matching import FlagKind, match

ON = dt.date(2026, 6, 1)

ORGS = [
    Organization(id="city", name="시청 무한돌봄센터", sector="PUBLIC"),
    Organization(id="chest", name="사회복지공동모금회", sector="NONPROFIT"),
    Organization(id="welfare", name="종합사회복지관", sector="NONPROFIT"),
    Organization(id="church", name="교회", sector="RELIGIOUS"),
    Organization(id="health", name="보건소", sector="PUBLIC"),
    Organization(id="jobs", name="고용센터", sector="PUBLIC"),
    Organization(id="family", name="가족센터", sector="NONPROFIT"),
    Organization(id="rehab", name="장애인복지관", sector="NONPROFIT"),
]


def S(id, dong, domains, form, tags, provider, **kw) -> Service:
    return Service(id=id, name=kw.pop("name", id), provider_id=provider, domains=domains, region_ids=[dong],
                   form=form, tags=tags, **kw)


def H(id, dong, **kw) -> Household:
    return Household(id=id, region_id=dong, size=kw.pop("size", 3), income_percent=kw.pop("income", 40),
                     traits=kw.pop("traits", []), urgency=kw.pop("urgency", "GENERAL"))


def N(hid, domain, detail=None, id=None, **kw) -> Need:
    return Need(id=id or f"{hid}-{domain.lower()}", household_id=hid, domain=domain, severity=3,
                detail=detail, **kw)


def R(hid, sid) -> Receipt:
    return Receipt(household_id=hid, service_id=sid)


def Ref(id, hid, sid, needs, status="SENT") -> Referral:
    return Referral(id=id, household_id=hid, resource_label="Service", resource_id=sid, need_ids=needs,
                    status=status, created_at="2026-05-01T09:00:00+09:00")


# (household, [records], {(kind, reason, service ids)}, what the package must use for a need)
CASES: list[tuple[str, list[Record], set[tuple[str, str, tuple[str, ...]]], dict[str, str]]] = [
    # complementary help is not an overlap: counselling beside cash, a nurse and rehabilitation beside
    # medical-cost cash, a job-training voucher beside a child allowance
    ("h-complement", [
        H("h-complement", "d01", traits=["SINGLE_PARENT", "CHILDREN", "DISABLED"]),
        S("c-counsel", "d01", ["INCOME", "MENTAL_HEALTH"], "SERVICE", ["counselling"], "welfare"),
        S("c-voucher", "d01", ["EMPLOYMENT", "EDUCATION"], "VOUCHER", ["job-training"], "jobs"),
        S("c-nurse", "d01", ["HEALTH"], "SERVICE", ["home-health-visit"], "health"),
        S("c-rehab", "d01", ["HEALTH", "CARE"], "SERVICE", ["rehabilitation"], "rehab"),
        S("c-cash", "d01", ["INCOME"], "CASH", ["livelihood-cash"], "city"),
        S("c-medical", "d01", ["HEALTH"], "CASH", ["emergency-medical-cost"], "health"),
        S("c-allowance", "d01", ["INCOME", "EDUCATION"], "CASH", ["child-allowance"], "city",
          required_traits=["SINGLE_PARENT"]),
        R("h-complement", "c-counsel"), R("h-complement", "c-voucher"), R("h-complement", "c-nurse"),
        R("h-complement", "c-rehab"),
        N("h-complement", "HEALTH", "의료비 부담"), N("h-complement", "EDUCATION", "양육비 부족"),
    ], set(), {"h-complement-health": "c-medical"}),
    # the same cash benefit from a second agency: the package can only duplicate it
    ("h-cash-twice", [
        H("h-cash-twice", "d02"),
        S("k-hall", "d02", ["INCOME"], "CASH", ["livelihood-cash"], "city"),
        S("k-chest", "d02", ["INCOME"], "CASH", ["livelihood-cash"], "chest"),
        R("h-cash-twice", "k-hall"), N("h-cash-twice", "INCOME", "생계비 부족"),
    ], {("OVERLAP", "DUPLICATE_BENEFIT", ("k-chest", "k-hall"))}, {}),
    # two cash benefits for one income need, of different types: still a duplicate
    ("h-two-cash", [
        H("h-two-cash", "d03", traits=["SINGLE_PARENT", "CHILDREN"]),
        S("t-allowance", "d03", ["INCOME"], "CASH", ["child-allowance"], "city",
          required_traits=["SINGLE_PARENT"]),
        S("t-living", "d03", ["INCOME"], "CASH", ["livelihood-cash"], "chest"),
        R("h-two-cash", "t-allowance"), N("h-two-cash", "INCOME", "생계 곤란"),
    ], {("OVERLAP", "DUPLICATE_BENEFIT", ("t-allowance", "t-living"))}, {}),
    # improper receipt: free meals from two agencies, whatever the needs
    ("h-receipts", [
        H("h-receipts", "d04"),
        S("r-church", "d04", ["FOOD"], "IN_KIND", ["free-meals"], "church"),
        S("r-welfare", "d04", ["FOOD", "CARE"], "IN_KIND", ["free-meals"], "welfare"),
        S("r-box", "d04", ["FOOD"], "IN_KIND", ["meal-delivery"], "city"),
        R("h-receipts", "r-church"), R("h-receipts", "r-welfare"), R("h-receipts", "r-box"),
    ], {("OVERLAP", "DUPLICATE_RECEIPT", ("r-church", "r-welfare"))}, {}),
    # a referral in progress and the package would give the same voucher twice
    ("h-referred", [
        H("h-referred", "d05"),
        S("v-full", "d05", ["EMPLOYMENT"], "VOUCHER", ["job-training"], "jobs", capacity=3, used=3),
        S("v-other", "d05", ["EMPLOYMENT"], "VOUCHER", ["job-training"], "welfare"),
        Ref("ref-v", "h-referred", "v-full", ["h-referred-employment"]),
        N("h-referred", "EMPLOYMENT", "직업훈련 희망"),
    ], {("OVERLAP", "DUPLICATE_BENEFIT", ("v-full", "v-other"))}, {}),
    # a voucher already received and a mentor in the package: complementary
    ("h-mentor", [
        H("h-mentor", "d06"),
        S("m-voucher", "d06", ["EDUCATION"], "VOUCHER", ["job-training"], "jobs"),
        Volunteer(id="m-mentor", name="멘토", skills=["EDUCATION"], region_ids=["d06"], hours_per_week=3,
                  tags=["mentoring"]),
        R("h-mentor", "m-voucher"), N("h-mentor", "EDUCATION", "자녀 학습 지원 필요"),
    ], set(), {"h-mentor-education": "m-mentor"}),
    # income 7 points over a 75% ceiling: a near miss the case conference may approve
    ("h-income", [
        H("h-income", "d07", income=82),
        S("i-rent", "d07", ["HOUSING"], "CASH", ["rent-support"], "city", max_income_percent=75),
        N("h-income", "HOUSING", "월세 체납"),
    ], {("MISSING", "NOT_ELIGIBLE_INCOME", ("i-rent",)),
        ("NEAR_MISS", "NOT_ELIGIBLE_INCOME", ("i-rent",))}, {}),
    # a two-parent household and a single-parent program: statutory, no one may approve it
    ("h-two-parent", [
        H("h-two-parent", "d08", traits=["CHILDREN"]),
        S("p-single", "d08", ["INCOME"], "CASH", ["child-allowance"], "city",
          required_traits=["SINGLE_PARENT", "CHILDREN"]),
        N("h-two-parent", "INCOME", "양육비 부족"),
    ], {("MISSING", "NOT_ELIGIBLE_TRAIT", ("p-single",))}, {}),
    # every eligible service is full: a wait list
    ("h-full", [
        H("h-full", "d09"),
        S("f-care", "d09", ["CARE"], "SERVICE", ["safety-check"], "welfare", capacity=2, used=2),
        N("h-full", "CARE", "독거 어르신 안부 확인 필요"),
    ], {("CAPACITY", "FULL", ("f-care",))}, {}),
    # rent support rules out the shelter the household is in
    ("h-exclusive", [
        H("h-exclusive", "d10"),
        S("x-shelter", "d10", ["HOUSING"], "SERVICE", ["emergency-shelter"], "city"),
        S("x-rent", "d10", ["HOUSING"], "CASH", ["rent-support"], "city", excludes_ids=["x-shelter"]),
        R("h-exclusive", "x-shelter"), N("h-exclusive", "HOUSING", "월세 3개월 체납"),
    ], {("EXCLUSIVE", "EXCLUDED", ("x-rent", "x-shelter"))}, {"h-exclusive-housing": "x-rent"}),
    # nothing at all for a legal need here
    ("h-nothing", [
        H("h-nothing", "d11"), N("h-nothing", "LEGAL", "임금 체불 분쟁"),
    ], {("MISSING", "NOTHING_IN_REGION", ())}, {}),
    # "한국어 교육 필요": the Korean class, not the job-training voucher that also covers employment
    ("h-korean", [
        H("h-korean", "d12", traits=["MULTICULTURAL", "CHILDREN"]),
        S("e-voucher", "d12", ["EMPLOYMENT", "EDUCATION"], "VOUCHER", ["job-training"], "jobs"),
        S("e-korean", "d12", ["EDUCATION"], "SERVICE", ["korean-class"], "family",
          required_traits=["MULTICULTURAL"]),
        N("h-korean", "EDUCATION", "한국어 교육 필요"), N("h-korean", "EMPLOYMENT", "구직 지원 필요"),
    ], set(), {"h-korean-education": "e-korean", "h-korean-employment": "e-voucher"}),
    # "간병 부담": caregiver relief, not the free meal kitchen that also offers care
    ("h-caregiver", [
        H("h-caregiver", "d13", traits=["DISABLED"]),
        S("g-kitchen", "d13", ["FOOD", "CARE"], "IN_KIND", ["free-meals"], "church"),
        S("g-relief", "d13", ["CARE"], "VOUCHER", ["caregiver-relief"], "city", required_traits=["DISABLED"]),
        N("h-caregiver", "CARE", "간병 부담"),
    ], set(), {"h-caregiver-care": "g-relief"}),
    # two receipts of one form and tag from one agency are that agency's business, not a double receipt
    ("h-one-agency", [
        H("h-one-agency", "d14"),
        S("o-box", "d14", ["FOOD"], "IN_KIND", ["meal-delivery"], "welfare"),
        S("o-side", "d14", ["FOOD"], "IN_KIND", ["meal-delivery"], "welfare"),
        R("h-one-agency", "o-box"), R("h-one-agency", "o-side"),
    ], set(), {}),
]


def world() -> list[Record]:
    regions: list[Record] = [Region(id="prov", name="도", level="PROVINCE"),
                             Region(id="city", name="시", level="CITY", parent_id="prov")]
    regions += [Region(id=f"d{i:02}", name=f"제{i}동", level="DONG", parent_id="city") for i in range(1, 15)]
    return [*regions, *ORGS, *(r for _, recs, _, _ in CASES for r in recs)]


@pytest.fixture(scope="module")
def results():
    g = build_graph(world())
    out = {}
    for hid, _, _, _ in CASES:
        view = g.subgraph(neighbourhood_nodes(g, hid)).copy()
        out[hid] = match(view, hid, on=ON, limit=1).packages[0]
    return out


@pytest.mark.parametrize("hid", [c[0] for c in CASES])
def test_each_flag_fires_where_a_case_worker_expects_and_nowhere_else(results, hid):
    _, _, expected, picks = next(c for c in CASES if c[0] == hid)
    p = results[hid]
    got = {(f.kind.value, f.reason.value, f.service_ids) for f in p.flags}
    assert got == expected, [f.message for f in p.flags]
    for need_id, resource_id in picks.items():
        item = next(i for i in p.items if need_id in i.need_ids)
        assert item.resource_id == resource_id, (need_id, [i.resource_id for i in p.items])


def test_overlap_precision_and_recall_are_one(results):
    expected = {(hid, svcs) for hid, _, exp, _ in CASES for kind, _, svcs in exp if kind == "OVERLAP"}
    got = {(hid, f.service_ids) for hid, p in results.items() for f in p.flags if f.kind == FlagKind.OVERLAP}
    true = expected & got
    precision = len(true) / len(got)
    recall = len(true) / len(expected)
    assert (precision, recall) == (1.0, 1.0), (expected - got, got - expected)
    assert len(expected) == 4


def test_the_reasons_say_what_fits_and_what_does_not(results):
    korean = next(i for i in results["h-korean"].items if i.resource_id == "e-korean")
    assert "fits the need: Korean language class" in korean.reasons
    relief = next(i for i in results["h-caregiver"].items if i.resource_id == "g-relief")
    assert "fits the need: caregiver relief" in relief.reasons
    twice = next(i for i in results["h-cash-twice"].items if i.resource_id == "k-chest")
    assert "would duplicate k-hall, already in play (the same cash benefit)" in twice.reasons
