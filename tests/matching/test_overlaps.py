"""Overlap groups on hand-made worlds and against a plain restatement of the definition."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_kit import REGION_POOL, chain_of, svc, world
from test_allocation_properties import crowded_world

from graph.errors import NotFoundError
from graph.model import Domain, Region, Service
from graph.view import build_graph
from matching import overlaps


def _groups(g, region_id=None):
    return [(o.region_id, o.domain.value, o.service_ids) for o in overlaps(g, region_id)]


def test_two_organizations_offering_the_same_thing_city_wide_overlap_once_at_the_city():
    recs = world(svc("s1", provider="org-npo"), svc("s2", provider="org-church"))
    g = build_graph(recs)
    assert _groups(g) == [("city-a", "HOUSING", ("s1", "s2"))]
    [o] = overlaps(g)
    assert "2 services from 2 organizations" in o.message and "Church" in o.message
    # asked for one dong, the group shows there (the root of the report)
    assert _groups(g, "dong-a1") == [("dong-a1", "HOUSING", ("s1", "s2"))]
    assert "주거" in overlaps(g, locale="ko")[0].message


def test_no_overlap_for_one_organization_different_people_inactive_or_other_domain():
    same_org = world(svc("s1"), svc("s2"))
    other_people = world(svc("s1", required_traits=["ELDERLY"]), svc("s2", provider="org-church",
                                                                   required_traits=["CHILDREN"]))
    inactive = world(svc("s1"), svc("s2", provider="org-church", active=False))
    other_domain = world(svc("s1"), svc("s2", ("FOOD",), provider="org-church"))
    elsewhere = world(svc("s1"), svc("s2", provider="org-church", regions=("city-b",)))
    for recs in (same_org, other_people, inactive, other_domain, elsewhere):
        assert overlaps(build_graph(recs)) == []


def test_nested_eligibility_overlaps_and_a_dong_service_overlaps_a_city_one_in_the_dong():
    recs = world(svc("s1", max_income_percent=100), svc("s2", provider="org-church", regions=("dong-a2",),
                                                        max_income_percent=60, required_traits=["ELDERLY"]))
    assert _groups(build_graph(recs)) == [("dong-a2", "HOUSING", ("s1", "s2"))]
    with pytest.raises(NotFoundError):
        overlaps(build_graph(recs), "nowhere")


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
        for d in Domain:
            avail = sorted((s for s in services if d in s.domains and set(s.region_ids) & set(chain)),
                           key=lambda s: s.id)
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
                    out.append((rid, d.value, tuple(sorted(comp))))
    return sorted(out, key=lambda t: (t[0], list(Domain).index(Domain(t[1])), t[2]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_world(max_services=8), st.sampled_from([None, *REGION_POOL]))
def test_groups_equal_a_plain_restatement(world, region_id):
    recs, _ = world
    got = _groups(build_graph(recs), region_id)
    assert sorted(got, key=lambda t: (t[0], list(Domain).index(Domain(t[1])), t[2])) == got
    assert got == _expected(recs, region_id)
