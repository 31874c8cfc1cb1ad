"""service/paging: the list cursors and the side-table scans the use cases share."""

from __future__ import annotations

import base64

import pytest

from graph.errors import ValidationError
from service import paging


@pytest.fixture
def store(tmp_path):
    from graph.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "p.db") as s:
        # keys around the prefix "hh-1/": one before it, seven in it, "hh-10/..." and "hh-2/" after
        for key in ["hh-0/a", *(f"hh-1/{i}" for i in range(7)), "hh-10/x", "hh-2/a"]:
            s.put_side("events", key, {"key": key})
        yield s


@pytest.mark.parametrize("batch", [1, 3, 7, 8, 200])
def test_the_prefix_scan_reads_exactly_the_prefix_across_batches(store, batch):
    got = [k for k, _ in paging.side_by_prefix(store, "events", "hh-1/", batch=batch)]
    assert got == [f"hh-1/{i}" for i in range(7)]  # not hh-0/a, not hh-10/x (another household)
    assert paging.side_by_prefix(store, "events", "hh-9/", batch=batch) == []


@pytest.mark.parametrize("batch", [1, 4, 10, 11])
def test_side_records_reads_every_record_in_key_order(store, batch):
    keys = [k for k, _ in paging.side_records(store, "events", batch=batch)]
    assert keys == sorted(keys) and len(keys) == 10
    assert [k for k, _ in paging.side_records(store, "events", after="hh-10/x", batch=batch)] == ["hh-2/a"]


def test_a_cursor_round_trips_only_in_its_own_list():
    c = paging.encode_cursor("hh", "hh-0001")
    assert paging.decode_cursor("hh", c) == "hh-0001"
    with pytest.raises(ValidationError) as e:
        paging.decode_cursor("svc", c)  # a households cursor is not a services one
    assert e.value.field == "after"


@pytest.mark.parametrize("bad", ["!!", "bm9wZQ==", base64.urlsafe_b64encode(b"hhx").decode(), ""])
def test_a_cursor_this_api_did_not_give_out_names_after(bad):
    with pytest.raises(ValidationError) as e:
        paging.decode_cursor("hh", bad)
    assert e.value.field == "after" and "cursor" in str(e.value)
