"""Coverage cells against a straightforward count from the records, and against match()."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_kit import ON, REGION_POOL, can_cover, chain_of, facts, need, svc, world
from test_allocation_properties import crowded_world

from graph.errors import NotFoundError
from graph.model import Domain, Household, Need, Region, Service, Volunteer, node_key
from graph.view import build_graph
from matching import coverage, match


def _descendants(recs, region_id):
    out = {region_id}
    changed = True
    while changed:
        changed = False
        for r in recs:
            if isinstance(r, Region) and r.parent_id in out and r.id not in out:
                out.add(r.id)
                changed = True
    return out


def expected_cells(recs, region_id):
    """Every cell counted the plain way: loop over regions, domains, households, resources."""
    regions = sorted(_descendants(recs, region_id)) if region_id else sorted(r.id for r in recs
                                                                             if isinstance(r, Region))
    homes = [r for r in recs if isinstance(r, Household)]
    services = [r for r in recs if isinstance(r, Service)]
    keys = [node_key("Service", s.id) for s in services] + [
        node_key("Volunteer", v.id) for v in recs if isinstance(v, Volunteer)]
    out = []
    for rid in regions:
        area = set(chain_of(recs, rid)) | _descendants(recs, rid)
        for d in Domain:
            open_ = uncovered = 0
            for hh in homes:
                if rid not in chain_of(recs, hh.region_id):
                    continue
                f = facts(recs, hh.id)
                for n in f.needs:
                    if n.domain == d:
                        open_ += 1
                        uncovered += not any(can_cover(f, k, d) for k in keys)
            offering = [s for s in services if s.active and d in s.domains and set(s.region_ids) & area]
            free = None if any(s.capacity is None for s in offering) else sum(
                max(0, s.capacity - s.used) for s in offering)
            out.append((rid, d, open_, uncovered, len(offering), free))
    return out


def _cells(g, region_id=None):
    return [(c.region_id, c.domain, c.open_needs, c.uncovered_needs, c.services, c.free_capacity)
            for c in coverage(g, region_id, on=ON)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_world(max_services=8, max_volunteers=3), st.sampled_from([None, *REGION_POOL]))
def test_cells_equal_a_plain_count(world, region_id):
    recs, _ = world
    g = build_graph(recs)
    assert _cells(g, region_id) == expected_cells(recs, region_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_world(max_services=8, max_volunteers=3))
def test_uncovered_needs_are_the_needs_match_cannot_cover(world):
    recs, ids = world
    g = build_graph(recs)
    per_dong: dict[tuple[str, Domain], int] = {}
    for hid in ids:
        r = match(g, hid, on=ON, limit=1)
        for n in facts(recs, hid).needs:
            if n.domain in r.packages[0].missing_domains:
                key = (facts(recs, hid).hh.region_id, n.domain)
                per_dong[key] = per_dong.get(key, 0) + 1
    got = {(c.region_id, c.domain): c.uncovered_needs for c in coverage(g, on=ON) if c.uncovered_needs
           and c.region_id.startswith("dong")}
    assert got == per_dong


def test_a_blind_spot_and_a_wait_list_in_a_hand_made_world():
    recs = world(svc("s-city", ("HOUSING",), regions=("city-a",), capacity=5, used=5),
                 svc("s-dong", ("HOUSING",), regions=("dong-a2",), capacity=4, used=1),
                 svc("s-old", ("HOUSING",), regions=("city-a",), active=False),
                 needs=[need("HOUSING"), need("LEGAL"), need("LEGAL", id="legal-2")])
    g = build_graph(recs)
    cells = {(c.region_id, c.domain.value): c for c in coverage(g, "city-a", on=ON)}
    assert sorted({r for r, _ in cells}) == ["city-a", "dong-a1", "dong-a2"] and len(cells) == 27
    a1_housing = cells["dong-a1", "HOUSING"]  # s-city is full: a wait list counts as uncovered
    assert (a1_housing.open_needs, a1_housing.uncovered_needs, a1_housing.services,
            a1_housing.free_capacity) == (1, 1, 1, 0)
    city = cells["city-a", "HOUSING"]  # the city sees its dongs' services too
    assert (city.open_needs, city.services, city.free_capacity) == (1, 2, 3)
    legal = cells["dong-a1", "LEGAL"]
    assert (legal.open_needs, legal.uncovered_needs, legal.services, legal.free_capacity) == (2, 2, 0, 0)
    assert cells["dong-a2", "HOUSING"].open_needs == 0


def test_unlimited_capacity_makes_free_capacity_null_and_unknown_region_is_not_found():
    recs = world(svc("s1", regions=("prov",)), svc("s2", regions=("city-a",), capacity=3))
    g = build_graph(recs)
    cell = next(c for c in coverage(g, "dong-a1", on=ON) if c.domain == Domain.HOUSING)
    assert (cell.services, cell.free_capacity, cell.uncovered_needs) == (2, None, 0)
    with pytest.raises(NotFoundError) as e:
        coverage(g, "nowhere", on=ON)
    assert e.value.field == "regionId"


def test_only_households_below_the_region_count():
    recs = world(Household(id="hh-b", region_id="dong-b1", size=1, income_percent=10, urgency="GENERAL"),
                 Need(id="nb", household_id="hh-b", domain="HOUSING", severity=2))
    g = build_graph(recs)
    by = {(c.region_id, c.domain): c.open_needs for c in coverage(g, on=ON)}
    assert by["prov", Domain.HOUSING] == 2 and by["city-a", Domain.HOUSING] == 1
    assert by["city-b", Domain.HOUSING] == 1 and by["dong-a2", Domain.HOUSING] == 0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_world(max_services=8, max_volunteers=3))
def test_the_boolean_rules_coverage_uses_are_the_rules_of_match(world):
    from matching.eligibility import assess, can_serve
    from matching.neighbourhood import read
    from matching.policy import DEFAULT_POLICY

    recs, ids = world
    g = build_graph(recs)
    for hid in ids:
        nb = read(g, hid)
        chain = [r.id for r in nb.chain]
        for r in nb.in_reach:
            assert can_serve(r, nb.household, chain, nb.received, ON) == assess(r, nb, ON, DEFAULT_POLICY).ok
