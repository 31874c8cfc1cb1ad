"""The capacity rule under threads, at the service layer: many callers accept
referrals to a service with few places at once; exactly that many succeed."""

from __future__ import annotations

import threading

from graph.errors import ConflictError
from graph.model import Need, Referral, Service
from service import writes
from service.principal import Principal, Role

COORD = Principal(Role.COORDINATOR, token_id="t")


def test_parallel_accepts_never_overbook(store):
    store.put(Service(id="svc-few", name="세 자리", provider_id="org-suwon-city", domains=["HOUSING"],
                      region_ids=["gg-suwon"], capacity=3))
    n = 16
    store.put(*[Need(id=f"need-p{i}", household_id="hh-0003", domain="HOUSING", severity=3)
                for i in range(n)])
    store.put(*[Referral(id=f"ref-p{i}", household_id="hh-0003", resource_label="Service",
                         resource_id="svc-few", need_ids=[f"need-p{i}"], status="SENT") for i in range(n)])
    start = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(i: int) -> None:
        start.wait()
        try:
            writes.update_referral(store, COORD, f"ref-p{i}", "ACCEPTED")
            result = "ok"
        except ConflictError as e:
            result = "conflict" if e.field == "status" else repr(e)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * (n - 3) + ["ok"] * 3
    assert store.get("Service", "svc-few").used == 3
    accepted = [r for r in store.list("Referral")
                if r.resource_id == "svc-few" and r.status.value == "ACCEPTED"]
    assert len(accepted) == 3
