"""Store.network_parts (issue 23): what network analytics reads, on both stores.

The embedded store reads it from its records; Neo4j the whole graph's rows in one statement and a
region's from its view (the generic answer). Both must give the parts of the scope's view, for the
whole graph and every region, before and after writes, and the analytics from them must be those
over the view.
"""

import dataclasses

import pytest

from graph.errors import NotFoundError
from graph.model import Receipt, Referral, ReferralStatus
from graph.network_parts import parts_of_view
from graph.view import subtree_nodes
from matching.network import analytics, analytics_of

REGIONS = [None, "gg", "gg-suwon", "gg-suwon-maetan", "gg-seongnam", "gg-seongnam-sinheung"]


def _check(store) -> dict:
    out = {}
    for rid in REGIONS:
        g = store.graph(rid)
        parts = store.network_parts(rid)
        assert parts == parts_of_view(g if rid is None else g.subgraph(subtree_nodes(g, rid))), rid
        assert analytics_of(parts) == analytics(g, rid), rid
        out[rid] = parts
    return out


def test_parts_of_the_sample_on_both_stores(loaded):
    before = _check(loaded)
    whole = before[None]
    # hh-0001 (Suwon) receives the diocese's meals and is referred to the bar's legal advice
    assert whole.households == [("org-diocese", "org-gg-bar")] and "org-gg-medical" in whole.organizations
    assert "vol-kim" in whole.unreferred and "svc-gg-legal" not in whole.unreferred  # ref-0001 names it
    assert "svc-suwon-old-counsel" not in whole.unreferred  # retired: not active
    with loaded.unit_of_work() as uow:
        uow.put(Receipt(household_id="hh-0001", service_id="svc-suwon-rent"))
        uow.put(Receipt(household_id="hh-0002", service_id="svc-diocese-food"))
    after = _check(loaded)
    assert after[None].households == [("org-diocese", "org-gg-bar", "org-suwon-city"),
                                      ("org-diocese", "org-seongnam-city")]
    assert after["gg-suwon"].households == [("org-diocese", "org-gg-bar", "org-suwon-city")]
    ref = loaded.get("Referral", "ref-0001")
    assert isinstance(ref, Referral)
    with loaded.unit_of_work() as uow:  # a declined referral links nobody, but still counts as referred
        uow.put(dataclasses.replace(ref, status=ReferralStatus.DECLINED))
    declined = _check(loaded)
    assert declined[None].households == [("org-diocese", "org-suwon-city"),
                                         ("org-diocese", "org-seongnam-city")]
    assert "svc-gg-legal" not in declined[None].unreferred


def test_an_unknown_region_is_named(loaded):
    with pytest.raises(NotFoundError) as e:
        loaded.network_parts("nowhere")
    assert e.value.field == "regionId"
