"""The networkx views, checked against hand-written expectations."""

import pytest

from graph.errors import NotFoundError
from graph.model import Service

HH1_NODES = {
    "Household:hh-0001",
    "Region:gg-suwon-maetan", "Region:gg-suwon", "Region:gg",
    "Need:need-0001-rent", "Need:need-0001-job", "Need:need-0001-legal", "Need:need-0001-health",
    "Referral:ref-0001",
    # active services serving maetan / suwon / gyeonggi (not the retired counselling, not Seongnam's)
    "Service:svc-suwon-rent", "Service:svc-suwon-shelter", "Service:svc-suwon-jobs",
    "Service:svc-gg-legal", "Service:svc-gg-clinic", "Service:svc-diocese-food",
    "Volunteer:vol-kim",  # serves maetan; vol-park serves Seongnam only
    "Organization:org-suwon-city", "Organization:org-suwon-job", "Organization:org-gg-bar",
    "Organization:org-gg-medical", "Organization:org-diocese",
    "Agreement:mou-bar", "Agreement:mou-medical", "Agreement:mou-diocese",
}

HH1_EDGES = {
    ("Household:hh-0001", "Region:gg-suwon-maetan", "LIVES_IN"),
    ("Region:gg-suwon-maetan", "Region:gg-suwon", "PART_OF"),
    ("Region:gg-suwon", "Region:gg", "PART_OF"),
    ("Household:hh-0001", "Need:need-0001-rent", "HAS_NEED"),
    ("Household:hh-0001", "Need:need-0001-job", "HAS_NEED"),
    ("Household:hh-0001", "Need:need-0001-legal", "HAS_NEED"),
    ("Household:hh-0001", "Need:need-0001-health", "HAS_NEED"),
    ("Household:hh-0001", "Service:svc-diocese-food", "RECEIVES"),
    ("Referral:ref-0001", "Household:hh-0001", "FOR"),
    ("Referral:ref-0001", "Service:svc-gg-legal", "TO"),
    ("Referral:ref-0001", "Need:need-0001-legal", "COVERS"),
    ("Service:svc-suwon-rent", "Region:gg-suwon", "SERVES"),
    ("Service:svc-suwon-shelter", "Region:gg-suwon", "SERVES"),
    ("Service:svc-suwon-jobs", "Region:gg-suwon", "SERVES"),
    ("Service:svc-diocese-food", "Region:gg-suwon", "SERVES"),
    ("Service:svc-gg-legal", "Region:gg", "SERVES"),
    ("Service:svc-gg-clinic", "Region:gg", "SERVES"),
    ("Volunteer:vol-kim", "Region:gg-suwon-maetan", "SERVES"),
    ("Service:svc-suwon-rent", "Service:svc-suwon-shelter", "EXCLUDES"),
    ("Organization:org-suwon-city", "Service:svc-suwon-rent", "OFFERS"),
    ("Organization:org-suwon-city", "Service:svc-suwon-shelter", "OFFERS"),
    ("Organization:org-suwon-job", "Service:svc-suwon-jobs", "OFFERS"),
    ("Organization:org-gg-bar", "Service:svc-gg-legal", "OFFERS"),
    ("Organization:org-gg-medical", "Service:svc-gg-clinic", "OFFERS"),
    ("Organization:org-diocese", "Service:svc-diocese-food", "OFFERS"),
    ("Service:svc-gg-legal", "Agreement:mou-bar", "UNDER"),
    ("Service:svc-gg-clinic", "Agreement:mou-medical", "UNDER"),
    ("Service:svc-diocese-food", "Agreement:mou-diocese", "UNDER"),
    ("Organization:org-gg-bar", "Agreement:mou-bar", "SIGNED"),
    ("Organization:org-gg-medical", "Agreement:mou-medical", "SIGNED"),
    ("Organization:org-diocese", "Agreement:mou-diocese", "SIGNED"),
    ("Organization:org-suwon-city", "Region:gg-suwon", "ACTIVE_IN"),
    ("Organization:org-suwon-job", "Region:gg-suwon", "ACTIVE_IN"),
    ("Organization:org-gg-bar", "Region:gg", "ACTIVE_IN"),
    ("Organization:org-gg-medical", "Region:gg", "ACTIVE_IN"),
    ("Organization:org-diocese", "Region:gg", "ACTIVE_IN"),
}


def test_neighbourhood_holds_exactly_the_expected_nodes_and_edges(loaded):
    g = loaded.neighbourhood("hh-0001")
    assert set(g.nodes) == HH1_NODES
    assert set(g.edges(keys=True)) == HH1_EDGES
    for _u, _v, k, data in g.edges(keys=True, data=True):
        assert data == {"type": k}


def test_neighbourhood_node_attributes_are_the_records_fields(loaded, sample):
    g = loaded.neighbourhood("hh-0001")
    rent = g.nodes["Service:svc-suwon-rent"]
    assert rent["label"] == "Service"
    assert rent["max_income_percent"] == 75 and rent["capacity"] == 40 and rent["used"] == 12
    assert [d.value for d in rent["domains"]] == ["HOUSING"]
    assert rent["excludes_ids"] == ("svc-suwon-shelter",)
    hh = g.nodes["Household:hh-0001"]
    assert hh["income_percent"] == 62 and hh["urgency"].value == "EMERGENCY"
    from graph.view import record_from_attrs

    for rec in sample:
        node = f"{rec.LABEL}:{rec.key}"
        if node in g:
            assert record_from_attrs(g.nodes[node]) == rec


def test_neighbourhood_follows_writes(loaded):
    # retiring a service takes it out of every neighbourhood it was a candidate in
    svc = loaded.get("Service", "svc-suwon-jobs")
    loaded.put(svc.replace(active=False))
    assert "Service:svc-suwon-jobs" not in loaded.neighbourhood("hh-0001")
    # a new service serving the province comes in, with its provider
    loaded.put(Service(id="svc-new", name="새 서비스", provider_id="org-samsung-vol",
                       domains=["EDUCATION"], region_ids=["gg"]))
    g = loaded.neighbourhood("hh-0003")
    assert "Service:svc-new" in g and "Organization:org-samsung-vol" in g
    assert g.has_edge("Organization:org-samsung-vol", "Service:svc-new", key="OFFERS")


def test_views_are_copies(loaded):
    g = loaded.neighbourhood("hh-0001")
    g.nodes["Household:hh-0001"]["size"] = 99
    g.remove_node("Need:need-0001-rent")
    assert loaded.neighbourhood("hh-0001").nodes["Household:hh-0001"]["size"] == 4
    assert "Need:need-0001-rent" in loaded.graph()


def test_unknown_household_or_region(loaded):
    with pytest.raises(NotFoundError) as info:
        loaded.neighbourhood("hh-nope")
    assert info.value.field == "householdId"
    with pytest.raises(NotFoundError) as info:
        loaded.graph("nowhere")
    assert info.value.field == "regionId"


def test_whole_graph(loaded, sample):
    g = loaded.graph()
    nodes = {f"{r.LABEL}:{r.key}" for r in sample if r.LABEL != "Receipt"}
    assert set(g.nodes) == nodes
    # 7 regions: 6 PART_OF; 7 orgs: 7 ACTIVE_IN; 8 services: 8 OFFERS, 9 SERVES, 1 EXCLUDES, 3 UNDER;
    # 3 agreements: 3 SIGNED; 2 volunteers: 2 SERVES; 3 households: 3 LIVES_IN; 7 needs: 7 HAS_NEED;
    # 1 referral: FOR, TO, COVERS; 2 receipts: 2 RECEIVES
    assert g.number_of_edges() == 6 + 7 + 8 + 9 + 1 + 3 + 3 + 2 + 3 + 7 + 3 + 2


def test_subtree_view(loaded):
    g = loaded.graph("gg-seongnam")
    assert {n for n in g if n.startswith("Region:")} == {
        "Region:gg-seongnam", "Region:gg-seongnam-sinheung", "Region:gg-seongnam-taepyeong", "Region:gg",
    }
    assert {n for n in g if n.startswith("Household:")} == {"Household:hh-0002"}
    assert {n for n in g if n.startswith("Service:")} == {
        "Service:svc-seongnam-care", "Service:svc-diocese-food", "Service:svc-gg-legal",
        "Service:svc-gg-clinic",
    }
    assert {n for n in g if n.startswith("Volunteer:")} == {"Volunteer:vol-park"}
    assert "Organization:org-suwon-city" not in g
    assert g.has_edge("Household:hh-0002", "Service:svc-seongnam-care", key="RECEIVES")
