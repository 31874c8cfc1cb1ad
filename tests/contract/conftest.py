"""One contract suite, two stores.

Every test here takes the ``store`` fixture and runs once per backend: the
embedded store in a fresh file, and Neo4j on the session's test server
(tests/neo4j_server.py: ``tools/neo4j-server`` started once, or ``NEO4J_URI``),
emptied before each test.
"""

import pytest

from graph.embedded import EmbeddedStore


@pytest.fixture(params=["embedded", "neo4j"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "contract.db")
        try:
            yield s
        finally:
            s.close()
    else:
        yield request.getfixturevalue("neo4j_store")


@pytest.fixture
def sample():
    from loaders.sample import sample_records

    return sample_records()


@pytest.fixture
def loaded(store, sample):
    store.put(*sample)
    return store
