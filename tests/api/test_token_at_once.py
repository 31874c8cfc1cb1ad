"""The token check on the server's event loop when the store can read it at once
(``Store.side_at_once``), in a worker thread otherwise: the same principal either way, and never a
wait on the loop. Reads of records (``Store.at_once``) are checked the same way."""

from __future__ import annotations

import contextlib
import threading

from starlette.testclient import TestClient

from api.app import create_app
from graph.embedded import EmbeddedStore
from service.principal import Role
from service.settings import Settings
from service.tokens import authenticate, create_token
from tests.api.locks import held_elsewhere

WORKER = "AnyIO worker thread"  # anyio's name for starlette's run_in_threadpool threads
QUERY = "{ viewer { role } }"


def test_the_embedded_store_reads_at_once_only_when_no_other_thread_holds_it(sample_store: EmbeddedStore):
    token = create_token(sample_store, Role.COORDINATOR)
    with sample_store.at_once() as now:
        assert now
        assert authenticate(sample_store, f"Bearer {token}").role is Role.COORDINATOR  # re-entrant
    with held_elsewhere(sample_store._vlock), sample_store.at_once() as now:
        assert not now
    with sample_store.at_once() as now:
        assert now


def _threads_of_token_checks(store, monkeypatch_at_once: bool, monkeypatch) -> tuple[list[str], list[str]]:
    names: list[str] = []

    def recording(s, header):
        names.append(threading.current_thread().name)
        return authenticate(s, header)

    if monkeypatch_at_once:
        monkeypatch.setattr(EmbeddedStore, "side_at_once", lambda self: contextlib.nullcontext(False))
    token = create_token(store, Role.CASEWORKER, region_id="gg-suwon")
    roles = []
    with TestClient(create_app(store, Settings(), authenticate=recording)) as client:
        for header in (f"Bearer {token}", "Bearer dolbom_not-a-token", None):
            r = client.post("/graphql", json={"query": QUERY},
                            headers={"Authorization": header} if header else {})
            roles.append(r.json()["data"]["viewer"]["role"] if r.status_code == 200 else str(r.status_code))
    return names, roles


def test_a_token_is_checked_on_the_loop_when_the_store_can_read_it_at_once(sample_store, monkeypatch):
    names, roles = _threads_of_token_checks(sample_store, False, monkeypatch)
    assert len(names) == 3 and WORKER not in names, names
    assert roles == ["caseworker", "401", "anonymous"]


def test_a_token_is_checked_in_a_worker_thread_when_the_store_cannot(sample_store, monkeypatch):
    names, roles = _threads_of_token_checks(sample_store, True, monkeypatch)
    assert names == [WORKER] * 3, names
    assert roles == ["caseworker", "401", "anonymous"]


def test_not_at_once_while_another_process_has_committed_something_to_replay(sample_store, tmp_path):
    """A read first replays what other connections committed (``_sync``): that is no short read."""
    from graph.model import Region

    sample_store.get("Region", "gg")  # in step
    with sample_store.at_once() as now:
        assert now
    with EmbeddedStore(sample_store.path) as other:  # another process's connection
        other.put(Region(id="gg-at-once", name="시험", level="CITY", parent_id="gg"))
    with sample_store.at_once() as now:
        assert not now
    assert sample_store.get("Region", "gg-at-once") is not None  # the read replays it
    with sample_store.at_once() as now:
        assert now


def test_a_directory_page_is_read_in_place_when_the_store_can_and_in_a_thread_when_it_cannot(
        sample_store, monkeypatch):
    from service import reads

    names: list[str] = []
    real = reads.services_page

    def recording(*a, **k):
        names.append(threading.current_thread().name)
        return real(*a, **k)

    monkeypatch.setattr(reads, "services_page", recording)
    query = "{ services(first: 2) { totalCount edges { node { id name } } } }"
    with TestClient(create_app(sample_store, Settings(), authenticate=authenticate)) as client:
        first = client.post("/graphql", json={"query": query}).json()
        monkeypatch.setattr(EmbeddedStore, "at_once", lambda self: contextlib.nullcontext(False))
        second = client.post("/graphql", json={"query": query}).json()
    assert first == second and first["data"]["services"]["totalCount"] > 2
    assert len(names) == 2 and names[0] != WORKER and names[1] == WORKER, names


def test_a_token_is_read_at_once_while_another_thread_reads_the_records(sample_store):
    """A match holds the records' read lock while it builds its view; the token check reads the
    side records through a connection of their own, so it neither waits for that lock nor hops to
    a thread, and a revocation committed meanwhile (here by another process) is seen at once."""
    from graph.errors import UnauthenticatedError
    from service.tokens import list_tokens, revoke_token

    before = {t.id for t in list_tokens(sample_store)}
    token = create_token(sample_store, Role.COORDINATOR)
    (token_id,) = {t.id for t in list_tokens(sample_store)} - before

    def checked() -> list:
        got: list = []

        def check() -> None:
            with sample_store.side_at_once() as now:
                try:
                    got.append((now, authenticate(sample_store, f"Bearer {token}").role))
                except UnauthenticatedError as e:
                    got.append((now, e.code))

        t = threading.Thread(target=check)
        t.start()
        t.join(5)  # a check that waited for the records' lock would still be waiting
        assert not t.is_alive(), "the token check waited for the records' read lock"
        return got

    with held_elsewhere(sample_store._vlock):  # a match's read of the records in progress
        with sample_store.at_once() as records_now:
            assert not records_now
        assert checked() == [(True, Role.COORDINATOR)]
        with EmbeddedStore(sample_store.path) as elsewhere:  # another process revokes it
            revoke_token(elsewhere, token_id)
        assert checked() == [(True, "UNAUTHENTICATED")]


def test_a_side_read_in_another_thread_makes_the_token_check_hop(sample_store):
    with held_elsewhere(sample_store._slock), sample_store.side_at_once() as now:  # a side read elsewhere
        assert not now
    with sample_store.side_at_once() as now:
        assert now
