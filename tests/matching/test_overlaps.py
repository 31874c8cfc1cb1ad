"""Overlap groups on hand-made worlds and against a plain restatement of the definition:
services of different organizations giving the same benefit (form and tag) to the same people."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_kit import HID, REGION_POOL, chain_of, need, svc, world
from test_allocation_properties import crowded_world

from graph.errors import NotFoundError
from graph.model import Domain, Household, Need, Region, Service
from graph.view import build_graph
from matching import overlaps

TAG_POOL = ["rent-support", "emergency-shelter", "free-meals", "home-health-visit"]
FORM_POOL = ["CASH", "IN_KIND", "SERVICE"]


def rent(id, **kw):
    return svc(id, form=kw.pop("form", "CASH"), tags=kw.pop("tags", ["rent-support"]), **kw)


def _groups(g, region_id=None, **kw):
    return [(o.region_id, o.form.value, o.tag, o.service_ids) for o in overlaps(g, region_id, **kw)]


def test_two_organizations_giving_the_same_benefit_city_wide_overlap_once_at_the_city():
    recs = world(rent("s1", provider="org-npo"), rent("s2", provider="org-church"))
    g = build_graph(recs)
    assert _groups(g) == [("city-a", "CASH", "rent-support", ("s1", "s2"))]
    [o] = overlaps(g)
    assert o.domain == Domain.HOUSING and (o.capacity, o.demand, o.organizations) == (None, 1, 2)
    assert "2 services from 2 organizations" in o.message and "Church" in o.message
    assert o.message.startswith("Rent support (cash) in City A")
    # asked for one dong, the group shows there (the root of the report)
    assert _groups(g, "dong-a1") == [("dong-a1", "CASH", "rent-support", ("s1", "s2"))]
    assert overlaps(g, locale="ko")[0].message.startswith("City A 월세·주거비 지원(현금)")


def test_no_overlap_for_one_organization_other_people_inactive_other_form_other_tag_or_untagged():
    same_org = world(rent("s1"), rent("s2"))
    other_people = world(rent("s1", required_traits=["ELDERLY"]), rent("s2", provider="org-church",
                                                                     required_traits=["CHILDREN"]))
    inactive = world(rent("s1"), rent("s2", provider="org-church", active=False))
    other_form = world(rent("s1"), rent("s2", provider="org-church", form="VOUCHER"))
    other_tag = world(rent("s1"), rent("s2", provider="org-church", tags=["emergency-shelter"]))
    untagged = world(svc("s1"), svc("s2", provider="org-church"))
    elsewhere = world(rent("s1"), rent("s2", provider="org-church", regions=("city-b",)))
    for recs in (same_org, other_people, inactive, other_form, other_tag, untagged, elsewhere):
        assert overlaps(build_graph(recs)) == []


def test_nested_eligibility_overlaps_and_a_dong_service_overlaps_a_city_one_in_the_dong():
    recs = world(rent("s1", max_income_percent=100), rent("s2", provider="org-church", regions=("dong-a2",),
                                                          max_income_percent=60, required_traits=["ELDERLY"]))
    assert _groups(build_graph(recs)) == [("dong-a2", "CASH", "rent-support", ("s1", "s2"))]
    with pytest.raises(NotFoundError):
        overlaps(build_graph(recs), "nowhere")


def test_ranked_by_redundancy_combined_places_against_local_demand_and_short_by_default():
    # city A: 10 + 10 places of rent cash against 1 open rent need (20x); meals: 3 + 2 places against
    # 2 open needs that ask for free meals or nothing in particular (2.5x); shelter in city B: 4 + 4
    # places and no need there (8x)
    recs = world(rent("r1", capacity=10), rent("r2", provider="org-church", capacity=10),
                 svc("m1", ["FOOD"], form="IN_KIND", tags=["free-meals"], capacity=3),
                 svc("m2", ["FOOD"], form="IN_KIND", tags=["free-meals"], provider="org-church", capacity=2),
                 svc("h1", form="IN_KIND", tags=["emergency-shelter"], regions=("city-b",), capacity=4),
                 svc("h2", form="IN_KIND", tags=["emergency-shelter"], regions=("city-b",), capacity=4,
                     provider="org-church"),
                 needs=[need("HOUSING", detail="월세 체납"), need("FOOD", detail="결식 우려"),
                        need("FOOD", id="food-2")])
    g = build_graph(recs)
    got = [(o.tag, o.capacity, o.demand, o.redundancy) for o in overlaps(g)]
    assert got == [("rent-support", 20, 1, 20.0), ("emergency-shelter", 8, 0, 8.0), ("free-meals", 5, 2, 2.5)]
    assert [o.tag for o in overlaps(g, limit=2)] == ["rent-support", "emergency-shelter"]
    with pytest.raises(ValueError):
        overlaps(g, limit=0)


# -- against a plain restatement ------------------------------------------------------


@st.composite
def tagged_world(draw):
    """crowded_world with a form and up to two tags on every service (often the same ones)."""
    recs, ids = draw(crowded_world(max_services=8))
    out = []
    for r in recs:
        if isinstance(r, Service):
            r = dataclasses.replace(r, form=draw(st.sampled_from(FORM_POOL)),
                                    tags=draw(st.lists(st.sampled_from(TAG_POOL), max_size=2, unique=True)))
        out.append(r)
    return out, ids


def _expected(recs, region_id):
    regions = {r.id: r for r in recs if isinstance(r, Region)}
    scope = sorted(r for r in regions if region_id is None or region_id in chain_of(recs, r))
    services = [s for s in recs if isinstance(s, Service) and s.active]

    def contains(a, b):
        ceiling = a.max_income_percent is None or (
            b.max_income_percent is not None and b.max_income_percent <= a.max_income_percent)
        return ceiling and set(a.required_traits) <= set(b.required_traits)

    out = []
    for rid in scope:
        chain = chain_of(recs, rid)
        top = rid == region_id or regions[rid].parent_id is None
        for form in sorted({s.form.value for s in services}):
            for tag in sorted({t for s in services for t in s.tags}):
                avail = sorted((s for s in services if s.form.value == form and tag in s.tags
                                and set(s.region_ids) & set(chain)), key=lambda s: s.id)
                seen: set[str] = set()
                for s in avail:
                    if s.id in seen:
                        continue
                    comp, todo = {s.id}, [s]
                    while todo:
                        x = todo.pop()
                        for y in avail:
                            if y.id not in comp and (contains(x, y) or contains(y, x)):
                                comp.add(y.id)
                                todo.append(y)
                    seen |= comp
                    members = [y for y in avail if y.id in comp]
                    if len({y.provider_id for y in members}) >= 2 and (
                            top or any(rid in y.region_ids for y in members)):
                        out.append((rid, form, tag, tuple(sorted(comp))))
    return sorted(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tagged_world(), st.sampled_from([None, *REGION_POOL]))
def test_groups_equal_a_plain_restatement_and_come_most_redundant_first(world, region_id):
    recs, _ = world
    found = overlaps(build_graph(recs), region_id)
    got = [(o.region_id, o.form.value, o.tag, o.service_ids) for o in found]
    assert sorted(got) == _expected(recs, region_id)
    assert [o.redundancy for o in found] == sorted((o.redundancy for o in found), reverse=True)
    for o in found:
        assert o.redundancy >= 0 and o.demand >= 0 and o.organizations >= 2


def test_demand_counts_needs_below_the_region_of_the_tag_or_untagged():
    recs = world(rent("s1"), rent("s2", provider="org-church"),
                 Household(id="hh-2", region_id="dong-a2", size=1, income_percent=10, urgency="GENERAL"),
                 Need(id="n2", household_id="hh-2", domain="HOUSING", severity=2, detail="퇴거 위기"),
                 Need(id="n3", household_id="hh-2", domain="HOUSING", severity=2, tags=["rent-support"]),
                 needs=[need("HOUSING", detail="월세 체납"), need("HOUSING", id="plain")])
    [o] = overlaps(build_graph(recs))
    # hh-1: a rent need and an untagged one; hh-2: a rent need (tag given); the shelter need does not count
    assert o.demand == 3 and HID
