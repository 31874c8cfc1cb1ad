"""GraphQL ``networkAnalytics`` (issue 23): the collaboration analytics, on both stores, equal to
the function over the store's view, for whoever may see the region's network and nobody else."""

from __future__ import annotations

from graph.model import Receipt
from matching.network import analytics

DOC = ("query($r: ID) { networkAnalytics(regionId: $r) { organizations { id name degree weightedDegree "
       "betweenness community } components communities unreferred sampledBetweenness } }")


def _expected(store, region_id):
    a = analytics(store.graph(region_id), region_id)
    return {
        "organizations": [{"id": o.id, "name": o.name, "degree": o.degree,
                           "weightedDegree": o.weighted_degree, "betweenness": o.betweenness,
                           "community": o.community} for o in a.organizations],
        "components": [list(c) for c in a.components], "communities": [list(c) for c in a.communities],
        "unreferred": list(a.unreferred), "sampledBetweenness": a.sampled_betweenness,
    }


def test_the_analytics_of_the_whole_graph_and_a_region(gql, store):
    # a third organization shares hh-0001 (diocese meals, the bar's legal advice): a bridge
    store.put(Receipt(household_id="hh-0001", service_id="svc-suwon-rent"),
              Receipt(household_id="hh-0002", service_id="svc-diocese-food"))
    whole = gql(DOC, "coordinator").ok()["networkAnalytics"]
    assert whole == _expected(store, None)
    assert whole["organizations"][0]["id"] == "org-diocese" and whole["organizations"][0]["betweenness"] > 0
    assert ["org-diocese", "org-gg-bar", "org-seongnam-city", "org-suwon-city"] in whole["components"]
    suwon = gql(DOC, "caseworker", r="gg-suwon").ok()["networkAnalytics"]
    assert suwon == _expected(store, "gg-suwon")
    assert "org-seongnam-city" not in {o["id"] for o in suwon["organizations"]}


def test_outside_ones_region_and_an_unknown_region_are_refused(gql):
    r = gql(DOC, "caseworker", r="gg-seongnam")
    assert r.code == "FORBIDDEN" and not (r.data or {}).get("networkAnalytics")
    r = gql(DOC, "coordinator", r="nowhere")
    assert r.code == "NOT_FOUND" and "regionId" in str(r.body)
