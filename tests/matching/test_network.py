"""The network picture and the coordinator's analytics on hand-made worlds."""

from __future__ import annotations

import pytest
from matching_kit import HID, household, need, svc, world

from graph.errors import NotFoundError, ValidationError
from graph.model import Household, Receipt, Referral, Volunteer
from graph.view import build_graph
from matching import analytics, network


def _world():
    """Three organizations; hh-1 receives s-npo and is referred to s-church (twice) and s-pub
    (declined); hh-2 receives s-npo and s-church; s-bar and v1 nobody is referred to."""
    return world(
        svc("s-npo", provider="org-npo", capacity=5, used=2),
        svc("s-church", ("FOOD",), provider="org-church"),
        svc("s-pub", ("HEALTH",), provider="org-pub", regions=("prov",)),
        svc("s-bar", ("LEGAL",), provider="org-bar", regions=("city-b",)),
        Volunteer(id="v1", name="Volunteer One", skills=["CARE"], region_ids=["dong-a1"], hours_per_week=2),
        Household(id="hh-2", region_id="dong-a2", size=2, income_percent=40, urgency="EMERGENCY"),
        Receipt(household_id=HID, service_id="s-npo"), Receipt(household_id="hh-2", service_id="s-npo"),
        Receipt(household_id="hh-2", service_id="s-church"),
        Referral(id="r1", household_id=HID, resource_label="Service", resource_id="s-church",
                 need_ids=["need-food"], status="SENT"),
        Referral(id="r2", household_id=HID, resource_label="Service", resource_id="s-church",
                 need_ids=["need-food"], status="ACCEPTED"),
        Referral(id="r3", household_id=HID, resource_label="Service", resource_id="s-pub",
                 need_ids=["need-health"], status="DECLINED"),
        hh=household(urgency="FOCUSED"), needs=[need("HOUSING"), need("FOOD", severity=5), need("HEALTH")],
    )


def test_nodes_of_the_chosen_kinds_and_only_edges_among_them():
    g = build_graph(_world())
    ng = network(g, kinds=["ORGANIZATION", "SERVICE"])
    assert {n.kind for n in ng.nodes} == {"ORGANIZATION", "SERVICE"}
    ids = {n.id for n in ng.nodes}
    assert all(e.source in ids and e.target in ids for e in ng.edges)
    assert {(e.source, e.target, e.kind) for e in ng.edges} == {
        ("org-npo", "s-npo", "OFFERS"), ("org-church", "s-church", "OFFERS"), ("org-pub", "s-pub", "OFFERS"),
        ("org-bar", "s-bar", "OFFERS")}
    weights = {n.id: (n.group, n.weight) for n in ng.nodes}
    # two live referrals to the church's service; the declined one to s-pub does not count
    assert weights["s-church"] == ("RELIGIOUS", 2.0) and weights["org-church"] == ("RELIGIOUS", 2.0)
    assert weights["s-pub"] == ("PUBLIC", 0.0)


def test_referrals_become_weighted_edges_and_households_needs_carry_their_weights():
    g = build_graph(_world())
    ng = network(g, kinds=["HOUSEHOLD", "SERVICE", "NEED", "REGION"])
    edges = {(e.source, e.target, e.kind): e.weight for e in ng.edges}
    assert edges[HID, "s-church", "REFERRED"] == 2.0 and (HID, "s-pub", "REFERRED") not in edges
    assert edges[HID, "s-npo", "RECEIVES"] == 1.0 and edges[HID, "need-food", "HAS_NEED"] == 1.0
    assert edges["s-npo", "city-a", "SERVES"] == 3.0  # free places
    nodes = {n.id: n for n in ng.nodes}
    assert (nodes[HID].group, nodes[HID].weight) == ("FOCUSED", 3.0)
    assert (nodes["need-food"].label, nodes["need-food"].weight) == ("FOOD (5)", 5.0)
    assert (nodes["dong-a1"].group, nodes["dong-a1"].weight) == ("DONG", 1.0)
    assert network(g) == network(g)  # deterministic
    assert len(network(g).nodes) == len(g.nodes) - 3  # every node but the three referrals


def test_a_region_subtree_and_bad_arguments():
    g = build_graph(_world())
    ids = {n.id for n in network(g, "city-b", kinds=["SERVICE", "REGION"]).nodes}
    assert "s-bar" in ids and "s-pub" in ids and "s-npo" not in ids and "dong-a1" not in ids
    with pytest.raises(ValidationError) as e:
        network(g, kinds=["PLANET"])
    assert e.value.field == "kinds"
    with pytest.raises(NotFoundError) as e:
        network(g, "nowhere")
    assert e.value.field == "regionId"


def test_analytics_centralities_components_communities_and_unreferred():
    g = build_graph(_world())
    a = analytics(g)
    stats = {o.id: o for o in a.organizations}
    assert set(stats) == {"org-npo", "org-church", "org-pub", "org-bar"}
    # npo and church share two households (hh-1 by receipt + referral, hh-2 by receipts)
    assert stats["org-npo"].weighted_degree == 2.0 and stats["org-church"].degree == pytest.approx(1 / 3)
    assert stats["org-pub"].degree == 0.0 and all(o.betweenness == 0.0 for o in a.organizations)
    assert a.components[0] == ("org-church", "org-npo") and len(a.components) == 3
    assert a.communities[0] == ("org-church", "org-npo")
    assert stats["org-npo"].community == stats["org-church"].community != stats["org-bar"].community
    # s-pub was referred to (declined) so it is not "unreferred"; s-npo only received
    assert a.unreferred == ("s-bar", "s-npo", "v1")


def test_betweenness_marks_the_bridge_organization():
    recs = _world() + [
        Household(id="hh-3", region_id="dong-a1", size=1, income_percent=10, urgency="GENERAL"),
        Receipt(household_id="hh-3", service_id="s-npo"), Receipt(household_id="hh-3", service_id="s-bar"),
    ]
    a = analytics(build_graph(recs))
    assert a.organizations[0].id == "org-npo" and a.organizations[0].betweenness > 0
    assert a.components[0] == ("org-bar", "org-church", "org-npo")
