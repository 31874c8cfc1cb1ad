"""One contract suite, two stores.

Every test here takes the ``store`` fixture and runs once per backend. The
embedded leg always runs. The Neo4j leg runs when ``NEO4J_URI`` is set (and
empties that database first: point it at a throwaway one, e.g. the
``docker compose`` service); otherwise it is skipped and says why.
"""

import os

import pytest

from graph.embedded import EmbeddedStore

NEO4J_SKIP = (
    "Neo4j leg skipped: NEO4J_URI is not set (start a server with `docker compose up neo4j` "
    "and export NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... to run it)"
)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "contract.db")
    else:
        if not os.environ.get("NEO4J_URI"):
            pytest.skip(NEO4J_SKIP)
        from graph.neo4j_store import Neo4jStore

        s = Neo4jStore.from_env(os.environ)
        s.clear()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def sample():
    from loaders.sample import sample_records

    return sample_records()


@pytest.fixture
def loaded(store, sample):
    store.put(*sample)
    return store
