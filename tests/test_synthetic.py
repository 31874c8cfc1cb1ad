"""The synthetic province: deterministic, loadable, shaped like the source documents, scarce."""

from __future__ import annotations

import collections
import datetime as dt
import re
import tracemalloc

import pytest

from graph.embedded import EmbeddedStore
from graph.errors import ValidationError
from graph.model import Domain, HouseholdTrait, NeedStatus, ReferralStatus
from loaders import synthetic
from loaders.synthetic import PROVINCE_ID, generate
from matching.coverage import coverage
from matching.overlaps import overlaps

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def records():
    return list(generate(1_500, seed=11))


@pytest.fixture(scope="module")
def store(records, tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("syn") / "syn.db")
    with s.unit_of_work() as uow:  # validates every reference, region level and cycle
        uow.put_many(records)
    yield s
    s.close()


def by_label(records):
    out = collections.defaultdict(list)
    for r in records:
        out[r.LABEL].append(r)
    return out


def test_same_seed_same_records_other_seed_other_records():
    a, b, c = (list(generate(300, seed=s)) for s in (5, 5, 6))
    assert a == b
    assert a != c


@pytest.mark.parametrize("n", [1, 100, 777, 5_000])
def test_exactly_the_households_asked_for(n):
    assert sum(1 for r in generate(n, seed=2) if r.LABEL == "Household") == n


@pytest.mark.parametrize("bad", [0, -5, 1_000_001, 2.5, True, "100"])
def test_sizes_outside_the_range_are_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as e:
        next(generate(bad))
    assert e.value.field == "households"


def test_every_record_comes_after_what_it_names(records):
    seen: set[tuple[str, str]] = set()
    for rec in records:
        for _, label, target in rec.refs():
            assert (label, target) in seen, f"{rec.LABEL} {rec.key} names {label} {target} before it exists"
        seen.add((rec.LABEL, rec.key))


def test_the_store_takes_it_whole(store, records):
    counts = collections.Counter(r.LABEL for r in records)
    assert store.counts() == {label: counts.get(label, 0) for label in store.counts()}


def test_a_province_of_31_cities_and_counties_with_their_dongs(records):
    regions = by_label(records)["Region"]
    provinces = [r for r in regions if r.level.value == "PROVINCE"]
    cities = [r for r in regions if r.level.value == "CITY"]
    dongs = [r for r in regions if r.level.value == "DONG"]
    assert [p.id for p in provinces] == [PROVINCE_ID] and provinces[0].name == "경기도"
    assert len(cities) == 31 and {c.parent_id for c in cities} == {PROVINCE_ID}
    assert {"수원시", "성남시", "연천군", "가평군", "양평군"} <= {c.name for c in cities}
    city_ids = {c.id for c in cities}
    assert all(d.parent_id in city_ids and d.name.endswith("동") for d in dongs)
    per_city = collections.Counter(d.parent_id for d in dongs)
    assert per_city[f"{PROVINCE_ID}-suwon"] > per_city[f"{PROVINCE_ID}-yeoncheon"] >= 4
    assert len({(d.parent_id, d.name) for d in dongs}) == len(dongs)


def test_names_are_hangul(records):
    for label in ("Region", "Organization", "Service", "Volunteer"):
        for r in by_label(records)[label]:
            assert HANGUL.search(r.name), (label, r.name)


def test_the_agencies_and_partners_of_the_source_documents(records):
    orgs = {o.id: o for o in by_label(records)["Organization"]}
    names = " ".join(o.name for o in orgs.values())
    for word in ("무한돌봄센터", "보건소", "고용복지플러스센터", "경기주택도시공사", "변호사회", "의사회",
                 "약사회", "천주교", "봉사단", "종합사회복지관", "지역자활센터", "교회"):
        assert word in names, word
    assert {o.sector.value for o in orgs.values()} == {
        "PUBLIC", "NONPROFIT", "RELIGIOUS", "CORPORATE", "ASSOCIATION"}
    agreements = by_label(records)["Agreement"]
    assert {orgs[a.partner_id].sector.value for a in agreements} >= {"ASSOCIATION", "RELIGIOUS", "CORPORATE"}
    assert any(a.annual_quota is not None and a.used == a.annual_quota for a in agreements), "a quota is spent"
    assert any(a.annual_quota is not None and a.used < a.annual_quota for a in agreements)
    assert any(not a.in_force(synthetic.ON) for a in agreements), "some MOU has lapsed"
    under = [s for s in by_label(records)["Service"] if s.agreement_id]
    assert under and all(orgs[s.provider_id].id == next(
        a.partner_id for a in agreements if a.id == s.agreement_id) for s in under)


def test_volunteers_have_skills_hours_and_languages(records):
    vols = by_label(records)["Volunteer"]
    assert len(vols) == 1_500 // 12
    assert all("ko" in v.languages for v in vols)
    assert any(len(v.languages) > 1 for v in vols), "some speak a migrant family's language"
    assert len({s for v in vols for s in v.skills}) >= 6


def test_households_follow_the_cases_of_the_source_documents(records):
    groups = by_label(records)
    households = groups["Household"]
    needs = collections.defaultdict(list)
    for n in groups["Need"]:
        needs[n.household_id].append(n)
    assert all(needs[h.id] for h in households), "every household comes with a need"
    urgency = collections.Counter(h.urgency.value for h in households)
    assert urgency["GENERAL"] > urgency["FOCUSED"] > urgency["EMERGENCY"] > 0
    traits = collections.Counter(t for h in households for t in h.traits)
    assert all(traits[t] > 0 for t in HouseholdTrait)
    details = {n.detail for n in groups["Need"]}
    for case in ("폐업 후 실직", "월세 3개월 체납", "임금 체불 분쟁", "독거 어르신 안부 확인 필요"):
        assert case in details, case
    # an elderly person living alone needs care; an unemployed household needs work
    elderly_alone = [h for h in households if HouseholdTrait.ELDERLY in h.traits and h.size == 1]
    share_care = sum(any(n.domain is Domain.CARE for n in needs[h.id]) for h in elderly_alone) / len(elderly_alone)
    assert share_care > 0.6
    # emergencies are more severe than general cases on average
    sev = {u: [n.severity for h in households if h.urgency.value == u for n in needs[h.id]]
           for u in ("EMERGENCY", "GENERAL")}
    assert sum(sev["EMERGENCY"]) / len(sev["EMERGENCY"]) > sum(sev["GENERAL"]) / len(sev["GENERAL"]) + 1


def test_referrals_at_every_stage_and_delivered_needs_are_met(records):
    groups = by_label(records)
    referrals = groups["Referral"]
    needs = {n.id: n for n in groups["Need"]}
    services = {s.id: s for s in groups["Service"]}
    assert {r.status for r in referrals} == set(ReferralStatus) - {ReferralStatus.CLOSED}
    for r in referrals:
        for nid in r.need_ids:
            assert needs[nid].household_id == r.household_id
            assert (needs[nid].status is NeedStatus.MET) == (r.status is ReferralStatus.DELIVERED)
        s = services[r.resource_id]
        assert s.active
        if r.status is ReferralStatus.ACCEPTED:
            assert s.capacity is None or s.used >= 1, "an accepted referral holds a place"
        assert dt.datetime.fromisoformat(r.created_at) <= dt.datetime.fromisoformat(r.updated_at)


def test_scarcity_blind_spots_full_services_exclusions_duplicates(store, records):
    services = by_label(records)["Service"]
    assert any(s.capacity is not None and s.used == s.capacity for s in services), "some services are full"
    ids = {s.id: s for s in services}
    excl = [(s, ids[x]) for s in services for x in s.excludes_ids]
    assert excl and all(a.provider_id == b.provider_id for a, b in excl)
    cells = coverage(store.graph(), None)
    blind = [(c.region_id, c.domain) for c in cells
             if c.region_id.count("-") == 1 and c.services == 0 and c.open_needs > 0]
    assert blind, "some city x domain has needs and nothing at all to meet them"
    assert all(rid.removeprefix(f"{PROVINCE_ID}-") in {"yeoncheon", "gapyeong", "yangpyeong", "dongducheon",
                                                       "gwacheon"} for rid, _ in blind)
    groups = overlaps(store.graph(), None)
    assert any(len({ids[s].provider_id for s in g.service_ids}) >= 2 for g in groups), "duplicated help"


@pytest.mark.slow
def test_memory_stays_flat_in_the_number_of_households():
    """Streaming: ten times the households must not take ten times the memory."""
    def peak(n: int) -> int:
        tracemalloc.start()
        for _ in generate(n, seed=3):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(1_000), peak(8_000)
    assert large < 1.5 * small, (small, large)
