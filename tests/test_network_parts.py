"""Network analytics from the store's records (issue 23) equals the computation over a view.

:meth:`graph.store.Store.network_parts` reads what :func:`matching.network.analytics` needs
straight from the embedded store's records. On a generated province, for the whole graph and
for every province, city and some dongs, before and after writes of every kind that changes the
collaboration graph, the parts must equal those read from the scope's view (what the Neo4j store
answers: :meth:`graph.store.StoreMixin.network_parts`), and the analytics must equal the networkx
computation as it was (``tests/network_before.py``: the collaboration graph walked on the view,
``nx.betweenness_centrality``, ``nx.degree_centrality``, ``nx.connected_components``) in every
figure but the communities, which are Leiden's now: a partition at least as modular as Louvain's.
"""

from __future__ import annotations

import dataclasses
import math

import networkx as nx
import pytest

from graph.embedded import EmbeddedStore
from graph.model import Need, Organization, Receipt, Referral, ReferralStatus, Sector, Service
from graph.network_parts import parts_of_view
from graph.store import StoreMixin
from graph.view import subtree_nodes
from loaders.synthetic import generate
from matching.network import ROUND, SEED, analytics, analytics_of
from service.analysis import network_report
from service.principal import Principal, Role
from tests.network_before import analytics_before, collaboration_graph_before


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    db = tmp_path_factory.mktemp("network-parts") / "p.db"
    store = EmbeddedStore(db)
    recs = list(generate(900, 11, provinces=2, receipts=(0, 4), places=0.5, full=0.2))
    with store.unit_of_work() as uow:
        uow.put_many(recs)
    yield store
    store.close()


def _before(h: nx.MultiDiGraph):
    """The analytics as networkx computed them before issue 23 (tests/network_before.py), their
    organizations ordered as now (by betweenness rounded to ROUND decimals), and the graph."""
    old = analytics_before(h)
    rows = sorted(((o.id, o.name, o.degree, o.weighted_degree, o.betweenness) for o in old.organizations),
                  key=lambda r: (-round(r[4], ROUND), -r[2], r[0]))
    return collaboration_graph_before(h), rows, old.components, old.unreferred, old.sampled_betweenness


def _scoped(store: EmbeddedStore, rid: str | None) -> nx.MultiDiGraph:
    g = store.graph(rid)
    return g if rid is None else g.subgraph(subtree_nodes(g, rid))


def _regions(store: EmbeddedStore) -> list[str | None]:
    regions = store._records["Region"]
    parents = {getattr(r, "parent_id", None) for r in regions.values()}
    dongs = sorted(r for r in regions if r not in parents)
    return [None, *sorted(r for r in regions if r in parents), *dongs[::7]]


def _check(store: EmbeddedStore) -> dict:
    answers = {}
    for rid in _regions(store):
        h = _scoped(store, rid)
        parts = store.network_parts(rid)
        assert parts == parts_of_view(h), rid
        assert parts == StoreMixin.network_parts(store, rid), rid  # what the Neo4j store answers
        a = analytics_of(parts)
        assert a == analytics(store.graph(rid), rid)
        c, rows, comps, unreferred, sampled = _before(h)
        got = [(o.id, o.name, o.degree, o.weighted_degree, o.betweenness) for o in a.organizations]
        assert [r[:4] for r in got] == [r[:4] for r in rows], rid
        assert all(math.isclose(x[4], y[4], rel_tol=1e-9, abs_tol=1e-12)
                   for x, y in zip(got, rows, strict=True)), rid
        assert (a.components, a.unreferred, a.sampled_betweenness) == (comps, unreferred, sampled), rid
        assert sorted(o for grp in a.communities for o in grp) == sorted(c.nodes)
        assert all(a.communities[o.community].count(o.id) == 1 for o in a.organizations)
        if c.number_of_edges():
            ours = nx.community.modularity(c, [set(x) for x in a.communities], weight="weight")
            louvain = nx.community.modularity(
                c, nx.community.louvain_communities(c, weight="weight", seed=SEED), weight="weight")
            assert ours >= louvain - 0.02, (rid, ours, louvain)
        answers[rid] = a
    return answers


def test_the_province_makes_a_real_collaboration_graph(province):
    """The comparisons below mean something only if organizations do share households, with
    intermediaries, several components and resources nobody was referred to."""
    c, rows, comps, unreferred, _ = _before(province.graph())
    assert c.number_of_edges() > 100 and len(comps) > 1 and unreferred
    assert sum(1 for r in rows if r[4] > 0) > 10
    assert any(a["status"] == ReferralStatus.DECLINED for _, a in province.graph().nodes(data=True)
               if a.get("label") == "Referral")


def test_parts_and_analytics_equal_the_view_computation(province):
    _check(province)


def test_still_equal_after_writes(province):
    store = province
    before = _check(store)
    recs = store._records
    households = sorted(recs["Household"])
    services = sorted((s for s in recs["Service"].values() if isinstance(s, Service)), key=lambda s: s.id)
    lonely = next(s for s in services if s.active and all(
        getattr(r, "resource_id", None) != s.id for r in recs["Referral"].values()))
    declined = next(r for r in recs["Referral"].values() if isinstance(r, Referral)
                    and r.status != ReferralStatus.DECLINED and r.resource_label == "Service")
    need = sorted((n for n in recs["Need"].values()
                   if isinstance(n, Need) and n.household_id != households[0]), key=lambda n: n.id)[0]
    with store.unit_of_work() as uow:
        uow.delete("Household", households[0])  # takes its referrals and receipts
        uow.put(Organization(id="org-parts-new", name="새 협력기관", sector=Sector.NONPROFIT))
        uow.put(dataclasses.replace(services[1], provider_id="org-parts-new"))
        uow.put(Receipt(household_id=households[2], service_id=services[1].id))
        uow.put(Receipt(household_id=households[2], service_id=services[2].id))
        uow.put(dataclasses.replace(declined, status=ReferralStatus.DECLINED))
        uow.put(Referral(id="ref-parts-new", household_id=need.household_id, resource_label="Service",
                         resource_id=lonely.id, need_ids=(need.id,), status=ReferralStatus.DECLINED))
        uow.put(dataclasses.replace(services[5], active=False))
    after = _check(store)
    assert after[None] != before[None]  # the writes changed the analytics: fresh figures were compared
    assert lonely.id in before[None].unreferred and lonely.id not in after[None].unreferred
    assert any(o.id == "org-parts-new" for o in after[None].organizations)
    other = EmbeddedStore(store.path)  # another process's commits are read as well
    try:
        with other.unit_of_work() as uow:
            uow.delete("Referral", "ref-parts-new")
    finally:
        other.close()
    assert lonely.id in _check(store)[None].unreferred


def test_the_service_answers_from_the_parts_and_keeps_the_answer_until_a_commit(province, monkeypatch):
    from service import report_cache

    store = province
    coordinator = Principal(Role.COORDINATOR)
    report_cache.forget(store)
    read: list[str | None] = []
    real = store.network_parts

    def counting(region_id=None):
        read.append(region_id)
        return real(region_id)

    monkeypatch.setattr(store, "network_parts", counting)
    monkeypatch.setattr(store, "graph", lambda *a, **k: pytest.fail("no view is built for the analytics"))
    picture, first = network_report(store, coordinator, None, picture=False)
    assert picture is None and read == [None]
    assert network_report(store, coordinator, None, picture=False)[1] == first and read == [None]
    root = sorted(r for r, rec in store._records["Region"].items() if rec.parent_id is None)[0]
    network_report(store, coordinator, root, picture=False)
    assert read == [None, root]
    hh = sorted(store._records["Household"])[5]
    orgs = [o.id for o in first.organizations]
    extra = next(s for s in store._records["Service"].values()
                 if isinstance(s, Service) and s.provider_id == orgs[-1])
    with store.unit_of_work() as uow:
        uow.put(Receipt(household_id=hh, service_id=extra.id))
    again = network_report(store, coordinator, None, picture=False)[1]
    assert read == [None, root, None]  # computed afresh after the commit
    monkeypatch.undo()
    assert again == analytics(store.graph())


@pytest.mark.slow
def test_bench_coverage_times_the_analytics_every_way_at_a_tiny_size(tmp_path):
    """bench/bench_coverage.py's issue 23 lines: parts, analytics from them, kept, and as before."""
    import io

    from bench import bench_coverage

    out = io.StringIO()
    r = bench_coverage.main(["--households", "400", "--services", "300", "--volunteers", "50",
                             "--repeat", "1", "--analytics-before", "1", "--db", str(tmp_path / "c.db")],
                            out=out)
    text = out.getvalue()
    assert "network analytics from the parts" in text and "as before issue 23" in text
    m = r["measure"]
    assert m["parts_organizations"] == m["organizations"] > 0 and m["parts_households"] > 0
    assert m["kept_analytics"]["median_s"] < m["served_analytics"]["median_s"]
    assert m["modularity"] >= m["modularity_before"] - 0.02
