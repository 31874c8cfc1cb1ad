"""Side records (API tokens, later the audit log): on both stores, outside the graph."""

from graph.model import node_key


def test_side_records_round_trip_in_key_order_per_kind(store):
    store.put_side("token", "b", {"role": "partner", "organization_id": "org-1", "n": 1})
    store.put_side("token", "a", {"role": "coordinator", "name": "조정자"})
    store.put_side("audit", "a", {"what": "read"})
    assert store.get_side("token", "a") == {"role": "coordinator", "name": "조정자"}
    assert store.get_side("audit", "a") == {"what": "read"}
    assert store.get_side("token", "c") is None
    assert [k for k, _ in store.list_side("token")] == ["a", "b"]
    assert store.list_side("token", after="a") == [
        ("b", {"role": "partner", "organization_id": "org-1", "n": 1}),
    ]
    assert [k for k, _ in store.list_side("token", limit=1)] == ["a"]
    assert store.list_side("nothing") == []


def test_putting_again_replaces(store):
    store.put_side("token", "a", {"revoked_at": None})
    store.put_side("token", "a", {"revoked_at": "2026-11-23T00:00:00+00:00"})
    assert store.list_side("token") == [("a", {"revoked_at": "2026-11-23T00:00:00+00:00"})]


def test_side_records_stay_out_of_views_and_counts(loaded):
    before = loaded.counts()
    loaded.put_side("token", "x", {"role": "coordinator"})
    assert loaded.counts() == before
    g = loaded.graph()
    assert all(not str(n).startswith(("token", "Side")) for n in g)
    assert node_key("Household", "hh-0001") in loaded.neighbourhood("hh-0001")


def test_clear_empties_side_records_too(store):
    store.put_side("token", "a", {"role": "coordinator"})
    store.clear()
    assert store.get_side("token", "a") is None
