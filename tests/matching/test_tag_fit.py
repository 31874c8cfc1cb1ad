"""Type fit and duplicates in the package cost, on random small worlds with forms and tags.

matching_kit's random world with every service given a form and tags and every need tags
(often the same few): the package cost must be the documented one (matching_kit's oracle
plus tag_oracle's terms: a tagged need some candidate fits but no item does costs
tag_miss; each resource in play an item would duplicate costs duplicate_in_play), every
engine must agree with brute force, and a need goes to an item that fits it when the
package has one.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_kit import HID, ON, can_cover, facts, oracle_cost, random_world, view
from tag_oracle import need_tags, tag_terms

from graph.model import Need, Service, Volunteer, node_key
from matching import DEFAULT_POLICY, match

TAGS = {"HEALTH": ["medical-care", "home-health-visit"], "HOUSING": ["rent-support", "emergency-shelter"],
        "LEGAL": ["legal-aid", "legal-counselling"], "FOOD": ["free-meals", "food-parcel"]}
FORMS = ["CASH", "IN_KIND", "SERVICE"]


@st.composite
def tagged(draw):
    out = []
    for r in draw(random_world()):
        if isinstance(r, (Service, Volunteer)):
            domains = r.skills if isinstance(r, Volunteer) else r.domains
            pool = sorted({t for d in domains for t in TAGS[d.value]})
            r = dataclasses.replace(r, form=draw(st.sampled_from(FORMS)),
                                    tags=draw(st.lists(st.sampled_from(pool), max_size=2, unique=True)))
        elif isinstance(r, Need):
            r = dataclasses.replace(r, tags=draw(st.lists(st.sampled_from(TAGS[r.domain.value]), max_size=1)))
        out.append(r)
    return out


def _candidates(f):
    every = [node_key("Service", s) for s in f.services] + [node_key("Volunteer", v) for v in f.volunteers]
    return [k for k in every if any(can_cover(f, k, n.domain) for n in f.needs)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tagged(), st.integers(1, 3))
def test_the_cost_is_the_documented_one_and_every_engine_agrees(records, limit):
    f = facts(records)
    g = view(records)
    r = match(g, HID, on=ON, limit=limit)
    cands = _candidates(f)
    for p in r.packages:
        keys = [i.resource_key for i in p.items]
        want = round(oracle_cost(f, keys) + tag_terms(records, HID, keys, f.needs, cands), 2)
        assert abs(p.cost - want) < 1e-6, (p.cost, want, dict(p.cost_terms))
        # a tagged need goes to an item that fits it, when one in the package does
        for item in p.items:
            for nid in item.need_ids:
                n = next(x for x in f.needs if x.id == nid)
                fitting = [i for i in p.items if n.domain in i.domains or nid in i.need_ids]
                fits = [i for i in p.items if need_tags(n) & set(records_tags(records, i.resource_key))
                        and can_cover(f, i.resource_key, n.domain)]
                if fits:
                    assert item in fits, (nid, item.resource_id, [i.resource_id for i in fits], fitting)
    brute = match(g, HID, on=ON, limit=limit, policy=DEFAULT_POLICY.with_(solver="brute"))
    assert [p.cost for p in brute.packages] == [p.cost for p in r.packages]
    milp = match(g, HID, on=ON, limit=limit, policy=DEFAULT_POLICY.with_(solver="milp"))
    assert [p.cost for p in milp.packages] == [p.cost for p in r.packages]


def records_tags(records, key):
    label, _, rid = key.partition(":")
    return next(r.tags for r in records if label == r.LABEL and r.key == rid)
