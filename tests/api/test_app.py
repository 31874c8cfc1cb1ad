"""The app shell: access log with request id, a store opened in the lifespan
(after uvicorn forks its workers) and closed at shutdown."""

from __future__ import annotations

import logging

from starlette.testclient import TestClient

from api.app import create_app
from graph.embedded import EmbeddedStore
from loaders.sample import sample_records
from service.settings import Settings


def test_access_log_has_one_line_with_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="dolbom.access"):
        client.post("/graphql", json={"query": '{ region(id: "gg") { id } }'},
                    headers={"X-Request-ID": "acc-1"})
    lines = [r.getMessage() for r in caplog.records if r.name == "dolbom.access"]
    assert len(lines) == 1
    assert "POST /graphql 200" in lines[0] and "rid=acc-1" in lines[0]


def test_a_store_factory_is_opened_in_the_lifespan_and_closed_after(tmp_path, authenticator):
    path = tmp_path / "factory.db"
    with EmbeddedStore(path) as s:
        s.put(*sample_records())
    opened: list[EmbeddedStore] = []

    def factory() -> EmbeddedStore:
        opened.append(EmbeddedStore(path))
        return opened[-1]

    app = create_app(factory, Settings(), authenticate=authenticator)
    assert opened == []  # nothing opened before the server starts (or forks)
    with TestClient(app) as c:
        assert len(opened) == 1
        r = c.post("/graphql", json={"query": '{ region(id: "gg") { name } }'})
        assert r.json()["data"]["region"]["name"] == "경기도"
        assert c.get("/readyz").status_code == 200
    assert app.state.store_holder.store is None
    closed = opened[0]
    try:
        closed.ping()
    except Exception as e:  # the connection is closed: ping must fail
        assert "closed" in str(e).lower() or "does not answer" in str(e)
    else:
        raise AssertionError("the store was not closed at shutdown")
