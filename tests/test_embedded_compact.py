"""The embedded store without its full graph copy (issue 23) gives exactly what the old one gave.

Until issue 23 the store kept a full networkx graph (every record's node and every edge, built
with :func:`graph.view.build_graph`'s rules) and cut views out of it with ``induced_copy``; the
old referrers were the owners of the edges at a node. Here the same computations run on a full
graph built from the store's records, and every view, report and referrer of the new store must
equal them, on a generated province, before and after writes of every kind.
"""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx
import pytest

from graph.embedded import EmbeddedStore
from graph.model import Need, NeedStatus, Receipt, Referral, receipt_key
from graph.view import build_graph, edge_owner, induced_copy, neighbourhood_nodes, subtree_nodes
from loaders.synthetic import generate
from matching import analytics, coverage, network, overlaps

ON = dt.date(2026, 6, 1)


def _old_full(store: EmbeddedStore) -> nx.MultiDiGraph:
    """The full graph the old store kept: every record, receipts as edges."""
    counts = store.counts()
    return build_graph(rec for label in counts for rec in store.list(label))


def _shape(g: nx.MultiDiGraph) -> tuple[dict, set]:
    return ({n: dict(a) for n, a in g.nodes(data=True)},
            {(u, v, k, tuple(sorted(d.items()))) for u, v, k, d in g.edges(keys=True, data=True)})


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return _shape(a) == _shape(b)


def _old_referrers(g: nx.MultiDiGraph, label: str, key: str) -> set[tuple[str, str]]:
    node = f"{label}:{key}"
    if label == "Receipt" or node not in g:
        return set()
    edges = (*g.in_edges(node, keys=True), *g.out_edges(node, keys=True))
    return {edge_owner(u, v, rel) for u, v, rel in edges}


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    db = tmp_path_factory.mktemp("compact") / "p.db"
    store = EmbeddedStore(db)
    recs = list(generate(400, 23, provinces=2, receipts=(0, 3)))
    with store.unit_of_work() as uow:
        uow.put_many(recs)
    yield store
    store.close()


def _check_everything(store: EmbeddedStore) -> None:
    full = _old_full(store)
    assert _same(store.graph(), full)
    for hid in sorted(store._records["Household"]):
        assert _same(store.neighbourhood(hid), induced_copy(full, neighbourhood_nodes(full, hid))), hid
    for rid in sorted(store._records["Region"]):
        assert _same(store.graph(rid), induced_copy(full, subtree_nodes(full, rid))), rid
    turn = store.begin_write()
    try:
        for label, recs in store._records.items():
            for key in recs:
                assert set(turn.referrers(label, key)) == _old_referrers(full, label, key), (label, key)
    finally:
        turn.close()
    for label, recs in store._records.items():
        assert store.counts()[label] == len(recs)
    for hid in itertools.islice(sorted(store._records["Household"]), 50):
        old = sorted((store.get("Receipt", receipt_key(hid, s.split(":", 1)[1])) for _, s, k
                      in full.out_edges(f"Household:{hid}", keys=True) if k == "RECEIVES"),
                     key=lambda r: r.service_id)
        assert store.receipts(hid) == old


def test_views_and_referrers_equal_the_full_graph_computation(province):
    _check_everything(province)


def test_reports_equal_those_over_the_old_full_graph(province):
    full = _old_full(province)
    root = sorted(r for r, rec in province._records["Region"].items() if rec.parent_id is None)[0]
    for rid in (None, root):
        old = full if rid is None else induced_copy(full, subtree_nodes(full, rid))
        new = province.graph(rid)
        assert coverage(new, rid, on=ON) == coverage(old, rid, on=ON)
        assert overlaps(new, rid) == overlaps(old, rid)
        assert analytics(new, rid) == analytics(old, rid)
        assert network(new, rid) == network(old, rid)


def test_still_equal_after_writes_of_every_kind(province):
    store = province
    households = sorted(store._records["Household"])
    gone, moved = households[0], households[1]
    need = next(n for n in store._records["Need"].values() if n.household_id == moved)
    receipt = next(r for r in store._records["Receipt"].values() if r.household_id not in (gone, moved))
    service = next(s for s in store._records["Service"].values() if s.active)
    with store.unit_of_work() as uow:
        uow.delete("Household", gone)  # takes its needs, referrals and receipts
        uow.put(Need(id=need.id, household_id=moved, domain=need.domain, severity=need.severity,
                     status=NeedStatus.CLOSED))
        uow.delete("Receipt", receipt.key)
        uow.put(Receipt(household_id=moved, service_id=service.id))
        uow.put(Referral(id="ref-compact-1", household_id=moved, resource_id=service.id,
                         resource_label="Service", need_ids=(need.id,)))
    assert gone not in store._records["Household"]
    _check_everything(store)
    # another process's commits are replayed into the index as well
    other = EmbeddedStore(store.path)
    try:
        with other.unit_of_work() as uow:
            uow.delete("Referral", "ref-compact-1")
            uow.delete("Household", households[2])
    finally:
        other.close()
    assert store.get("Referral", "ref-compact-1") is None
    _check_everything(store)


def test_the_comparison_sees_a_missing_edge_or_attribute(province):
    """A negative control: the helper the tests above rely on notices a one-edge or one-field change."""
    hid = sorted(province._records["Household"])[5]
    view = province.neighbourhood(hid)
    u, v, k = next(iter(view.edges(keys=True)))
    fewer = view.copy()
    fewer.remove_edge(u, v, key=k)
    assert not _same(view, fewer)
    changed = view.copy()
    changed.nodes[f"Household:{hid}"]["size"] = -1
    assert not _same(view, changed)
    assert _same(view, view.copy())


def test_a_store_closed_while_reading_in_the_background_stops_and_a_new_one_reads_all(province):
    bg = EmbeddedStore(province.path, background=True)
    assert bg.counts() == province.counts()  # a read waits for the records
    assert _same(bg.graph(), province.graph())
    bg.close()
    quick = EmbeddedStore(province.path, background=True)
    quick.ping()
    quick.close()  # does not wait for a whole read


def test_the_fast_first_read_gives_the_checked_records(province):
    """graph.embedded.rows.decode_trusted (the store's first read) equals the checked decode, row by row,
    field by field (types too: enums as enums, tuples as tuples, dates as dates)."""
    import sqlite3

    from graph.embedded import rows

    conn = sqlite3.connect(province.path)
    try:
        found = conn.execute("SELECT label, key, data FROM records").fetchall()
    finally:
        conn.close()
    assert {label for label, _, _ in found} == {label for label, recs in province._records.items() if recs}
    for label, key, data in found:
        fast, checked = rows.decode_trusted(label, key, data), rows.decode(label, key, data)
        assert fast == checked, (label, key)
        for name in checked.__dataclass_fields__:
            a, b = getattr(fast, name), getattr(checked, name)
            assert type(a) is type(b) and a == b, (label, key, name)
