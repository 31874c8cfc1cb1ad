"""Store.report_parts on both stores: what coverage and overlaps read, without a view of every household.

The embedded store reads the parts from its records, Neo4j with two statements of one read
transaction (the supply side's records, then a row per region of its households): both must
give the supply side of the scope's view, its households and their open needs, for the whole
graph and every region, before and after writes; and the reports from them must be the reports
over the view.
"""

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from graph.errors import NotFoundError
from graph.model import Need, NeedStatus, Receipt
from graph.reports import SUPPLY_LABELS
from graph.view import subtree_nodes
from matching import coverage, overlaps
from matching.coverage import homes_in_view

REGIONS = [None, "gg", "gg-suwon", "gg-suwon-maetan", "gg-seongnam", "gg-seongnam-sinheung"]
ON = dt.date(2026, 6, 1)


def _scope_view(store, rid):
    g = store.graph(rid)
    return g if rid is None else g.subgraph(subtree_nodes(g, rid))


def _homes(g) -> dict:
    """The view's households by region as the parts give them, the domains as a multiset (the
    view holds a household's needs in no set order) and receipts only where a need is open
    (coverage reads no other)."""
    out = {}
    for rkey, a in g.nodes(data=True):
        if a.get("label") == "Region":
            rows = [(hid, income, tuple(traits), urgency, Counter(domains),
                     received if domains else frozenset())
                    for hid, income, traits, urgency, domains, received in homes_in_view(g, rkey)]
            if rows:
                out[a["id"]] = rows
    return out


def _needs(g) -> Counter:
    return Counter((a["region_id"], n["domain"], tuple(n.get("tags", ())), n.get("detail"))
                   for h, a in g.nodes(data=True) if a.get("label") == "Household"
                   for v in g.successors(h) if (n := g.nodes[v]).get("label") == "Need"
                   and n["status"] == NeedStatus.OPEN)


def _split_free(cells, rid):
    """The cells but for how ``unmet`` splits below the report's region (which optimal assignment
    of the places is found depends on the order of the needs: matching.coverage)."""
    top = {c.region_id for c in cells if rid is None or c.region_id == rid}
    totals = Counter()
    for c in cells:
        if c.region_id in top:
            totals[c.region_id] += c.unmet_needs
    return [dataclasses.replace(c, unmet_needs=0) for c in cells], totals


def _supply(g) -> dict:
    return {n: a for n, a in g.nodes(data=True) if a.get("label") in SUPPLY_LABELS}


def _check(store) -> dict:
    out = {}
    every = _supply(store.graph())
    for rid in REGIONS:
        g = _scope_view(store, rid)
        parts = store.report_parts(rid)
        assert parts.homes is not None and parts.needs is not None, rid  # no view of the households
        supply, held = _supply(g), dict(parts.view.nodes(data=True))
        # the scope's supply side, each node as its view holds it; a region's parts may hold more of
        # the whole graph's (the embedded store gives every report the whole graph's, kept: the
        # reports read only the regions in reach of theirs), and nothing else
        assert {n: held.get(n) for n in supply} == supply, rid
        assert all(every.get(n) == a for n, a in held.items()), rid
        assert parts.view.number_of_edges() == 0
        got = {region: [(hid, income, tuple(traits), urgency, Counter(domains), received)
                        for hid, income, traits, urgency, domains, received in rows]
               for region, rows in parts.homes.items()}
        assert got == _homes(g), rid
        assert Counter(parts.needs) == _needs(g), rid
        whole = store.graph(rid)
        cells = coverage(parts.view, rid, on=ON, homes=parts.homes)
        assert _split_free(cells, rid) == _split_free(coverage(whole, rid, on=ON), rid), rid
        assert overlaps(parts.view, rid, needs=parts.needs) == overlaps(whole, rid), rid
        out[rid] = (got, cells)
    return out


def test_parts_of_the_sample_on_both_stores(loaded):
    before = _check(loaded)
    homes, _ = before[None]
    assert sum(len(rows) for rows in homes.values()) == len(loaded.list("Household"))
    assert any(received for rows in homes.values() for *_, received in rows)  # hh-0001 receives meals
    needs = [n for n in loaded.list("Need") if isinstance(n, Need) and n.status == NeedStatus.OPEN]
    assert needs
    with loaded.unit_of_work() as uow:  # a need met, another opened, a service received
        uow.put(dataclasses.replace(needs[0], status=NeedStatus.MET))
        uow.put(dataclasses.replace(needs[1], id="need-new", detail="새로 생긴 필요"))
        uow.put(Receipt(household_id="hh-0002", service_id="svc-diocese-food"))
    after = _check(loaded)
    assert after[None] != before[None]


def test_the_whole_report_reads_no_view(loaded, monkeypatch):
    def refused(*_args, **_kwargs):
        raise AssertionError("report_parts built a view")

    monkeypatch.setattr(loaded, "graph", refused)
    monkeypatch.setattr(loaded, "neighbourhood", refused)
    for rid in REGIONS:
        assert loaded.report_parts(rid).homes is not None


def test_an_unknown_region_is_named(loaded):
    with pytest.raises(NotFoundError) as e:
        loaded.report_parts("nowhere")
    assert e.value.field == "regionId"
