"""The embedded store under several threads: one writer at a time, and readers
never see half of a unit of work."""

import threading

from graph.embedded import EmbeddedStore
from graph.model import Household, Need
from loaders.sample import sample_records

NEEDS_PER_HOUSEHOLD = 3


def _unit(store, writer, i):
    hid = f"hh-w{writer}-{i}"
    with store.unit_of_work() as uow:
        uow.put(Household(id=hid, region_id="gg-suwon-jowon", size=2, income_percent=40))
        for k in range(NEEDS_PER_HOUSEHOLD):
            uow.put(Need(id=f"{hid}-n{k}", household_id=hid, domain="FOOD", severity=1 + k))


def test_concurrent_writers_and_readers(tmp_path):
    store = EmbeddedStore(tmp_path / "threads.db")
    store.put(*sample_records())
    base = store.counts()
    writers, units = 4, 25
    torn = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            c = store.counts()
            extra_h = c["Household"] - base["Household"]
            extra_n = c["Need"] - base["Need"]
            if extra_n != NEEDS_PER_HOUSEHOLD * extra_h:
                torn.append(c)
            g = store.graph("gg-suwon-jowon")
            for n, d in g.nodes(data=True):
                if (d["label"] == "Household" and n.startswith("Household:hh-w")
                        and g.out_degree(n) != 1 + NEEDS_PER_HOUSEHOLD):  # LIVES_IN + HAS_NEED
                    torn.append(n)

    def writer(w):
        for i in range(units):
            _unit(store, w, i)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stop.set()
    for t in readers:
        t.join(timeout=60)
    assert torn == []
    c = store.counts()
    assert c["Household"] == base["Household"] + writers * units
    assert c["Need"] == base["Need"] + writers * units * NEEDS_PER_HOUSEHOLD
    store.close()
    # and everything is in the file
    again = EmbeddedStore(tmp_path / "threads.db")
    assert again.counts() == c
    again.close()


def test_units_of_work_do_not_nest(tmp_path):
    import pytest

    store = EmbeddedStore(tmp_path / "nest.db")
    with pytest.raises(RuntimeError, match="do not nest"), store.unit_of_work(), store.unit_of_work():
        pass
    # the outer one was rolled back and the store is still usable
    store.put(*sample_records())
    assert store.counts()["Household"] == 3
    store.close()
