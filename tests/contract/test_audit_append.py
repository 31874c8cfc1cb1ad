"""Store.append_audit on both stores: entries list under the audit kind in key (time) order,
beside the other side records and outside the graph, and clear() empties them."""

from graph.store import AUDIT


def test_appended_audit_entries_list_in_key_order_apart_from_other_side_records(store):
    keys = [f"2026-11-23T09:00:0{i}.000000+00:00/{i:012x}" for i in (3, 1, 2)]
    for n, key in enumerate(keys):
        store.append_audit(key, {"action": "read", "targetIds": [f"hh-{n}"], "n": n})
    store.put_side("token", "t", {"role": "coordinator"})
    listed = store.list_side(AUDIT)
    assert [k for k, _ in listed] == sorted(keys)
    assert listed[0][1] == {"action": "read", "targetIds": ["hh-1"], "n": 1}
    assert store.list_side(AUDIT, after=sorted(keys)[0], limit=1) == [(sorted(keys)[1], {
        "action": "read", "targetIds": ["hh-2"], "n": 2})]
    assert store.get_side(AUDIT, keys[0])["n"] == 0
    assert [k for k, _ in store.list_side("token")] == ["t"]
    assert not any(store.counts().values()) and store.graph().number_of_nodes() == 0
    store.clear()
    assert store.list_side(AUDIT) == [] and store.list_side("token") == []
