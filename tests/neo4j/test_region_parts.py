"""A region's part of views on a real Neo4j (graph.region_parts): read once per
version of the network, left out of later answers, and never stale across
processes, whichever of them writes."""

from __future__ import annotations

import networkx as nx
import pytest

from graph import region_parts
from graph.model import Household, Need, Region, Volunteer
from graph.neo4j_store import Neo4jStore
from loaders.sample import sample_records
from service import writes
from service.principal import Principal, Role


def same_view(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))


@pytest.fixture
def stores(neo4j_store, neo4j_env):
    """The test's store, another app process's store, and a fresh one per call (no parts held)."""
    other = Neo4jStore.from_env(neo4j_env)
    opened: list[Neo4jStore] = [other]

    def fresh() -> Neo4jStore:
        opened.append(Neo4jStore.from_env(neo4j_env))
        return opened[-1]

    neo4j_store.put(*sample_records(),
                    Household(id="hh-next", region_id="gg-suwon-maetan", size=2, income_percent=40))
    try:
        yield neo4j_store, other, fresh
    finally:
        for s in opened:
            s.close()


def test_views_from_held_parts_are_those_of_a_store_holding_none(stores):
    store, _, fresh = stores
    store.neighbourhood("hh-0001")
    assert store._parts.held() == ["gg-suwon-maetan"]
    for hid in ("hh-next", "hh-0001", "hh-0002", "hh-0003"):
        same_view(store.neighbourhood(hid), fresh().neighbourhood(hid))
    assert sorted(store._parts.held()) == ["gg-seongnam-sinheung", "gg-suwon-jowon", "gg-suwon-maetan"]


def network_writes(other: Neo4jStore):
    """Writes of another process to what regions' parts are made of, each with what the next view shows."""
    yield (lambda: other.put(other.get("Service", "svc-suwon-rent").replace(active=False)),
           lambda v: "Service:svc-suwon-rent" not in v)
    yield (lambda: other.put(Volunteer(id="vol-new", name="새 봉사자", skills=["CARE"], region_ids=["gg"],
                                       hours_per_week=3)),
           lambda v: "Volunteer:vol-new" in v)
    yield (lambda: other.put(other.get("Region", "gg-suwon").replace(name="수원특례시")),
           lambda v: v.nodes["Region:gg-suwon"]["name"] == "수원특례시")
    used = other.get("Agreement", "mou-bar").used  # svc-gg-legal's, serving the whole province
    yield (lambda: other.put(other.get("Agreement", "mou-bar").replace(used=used + 5)),
           lambda v: v.nodes["Agreement:mou-bar"]["used"] == used + 5)
    yield (lambda: other.delete("Volunteer", "vol-new"), lambda v: "Volunteer:vol-new" not in v)


def test_every_write_to_the_network_by_another_process_reaches_the_next_view(stores):
    store, other, fresh = stores
    for write, shows in network_writes(other):
        store.neighbourhood("hh-0001")  # the part held, at the version before the write
        write()
        view = store.neighbourhood("hh-next")
        assert shows(view)
        same_view(view, fresh().neighbourhood("hh-next"))


def test_accepting_a_referral_elsewhere_shows_the_place_taken_in_the_next_view(stores):
    """A referral accepted takes a place of its service (a write to the network): a match in
    another process must not offer that place again from a part read before."""
    store, other, fresh = stores
    store.neighbourhood("hh-next")
    used = other.get("Service", "svc-gg-legal").used
    writes.update_referral(other, Principal(Role.COORDINATOR, token_id="t"), "ref-0001", "ACCEPTED")
    assert other.get("Service", "svc-gg-legal").used == used + 1
    view = store.neighbourhood("hh-next")
    assert view.nodes["Service:svc-gg-legal"]["used"] == used + 1
    same_view(view, fresh().neighbourhood("hh-next"))


def test_a_write_to_households_alone_keeps_the_part(stores):
    store, other, fresh = stores
    store.neighbourhood("hh-0001")
    parts = store._parts
    other.put(Need(id="need-next", household_id="hh-next", domain="FOOD", severity=2))
    view = store.neighbourhood("hh-next")
    assert store._parts is parts  # the same version: the part was left out of the answer
    assert "Need:need-next" in view
    same_view(view, fresh().neighbourhood("hh-next"))


def test_a_write_to_the_network_raises_the_version_once_committed_and_no_other_write_does(stores,
                                                                                        neo4j_store):
    store, other, _ = stores

    def version() -> int:
        return int(neo4j_store._rows("MATCH (l:WriteLock) RETURN l.network AS n")[0]["n"])

    before = version()
    other.put(other.get("Region", "gg").replace(name="경기"))
    assert version() == before + 1
    other.put(Need(id="need-x", household_id="hh-0001", domain="FOOD", severity=1))
    assert version() == before + 1


def test_a_lock_node_made_again_is_a_new_version_even_with_the_same_count(stores, neo4j_store):
    store, _, fresh = stores
    store.neighbourhood("hh-0001")
    count = neo4j_store._rows("MATCH (l:WriteLock) RETURN l.network AS n")[0]["n"]
    # by hand: the lock deleted, a service renamed, the count put back
    with neo4j_store._session() as session:
        session.run("MATCH (l:WriteLock) DELETE l").consume()
        session.run("MATCH (s:Service {id: 'svc-suwon-rent'}) SET s.name = '손으로 바꾼 이름'").consume()
        session.run("MERGE (l:WriteLock {name: 'units-of-work'}) "
                    "SET l.network = $n, l.epoch = randomUUID()", {"n": count}).consume()
    view = store.neighbourhood("hh-next")
    assert view.nodes["Service:svc-suwon-rent"]["name"] == "손으로 바꾼 이름"
    same_view(view, fresh().neighbourhood("hh-next"))


def test_a_change_made_by_hand_outside_dolbom_is_seen_once_the_part_ages_out(stores, neo4j_store,
                                                                            monkeypatch):
    """The documented bound: a write that does not go through the lock does not raise the
    version, so a process sees it when its part is older than MAX_AGE."""
    store, _, fresh = stores
    store.neighbourhood("hh-0001")
    with neo4j_store._session() as session:
        session.run("MATCH (s:Service {id: 'svc-suwon-rent'}) SET s.name = '손으로 바꾼 이름'").consume()
    assert store.neighbourhood("hh-next").nodes["Service:svc-suwon-rent"]["name"] != "손으로 바꾼 이름"
    monkeypatch.setattr(region_parts, "MAX_AGE", 0.0)
    view = store.neighbourhood("hh-next")
    assert view.nodes["Service:svc-suwon-rent"]["name"] == "손으로 바꾼 이름"
    same_view(view, fresh().neighbourhood("hh-next"))


def test_a_region_renamed_reaches_views_of_its_households_only_through_a_new_version(stores):
    store, other, _ = stores
    store.neighbourhood("hh-0001")
    other.put(Region(id="gg-suwon-maetan", name="매탄", level="DONG", parent_id="gg-suwon"))
    assert store.neighbourhood("hh-next").nodes["Region:gg-suwon-maetan"]["name"] == "매탄"
