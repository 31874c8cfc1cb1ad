"""Open the configured store.

The rule, in order: an explicit embedded path (``--db``) opens the embedded
store; otherwise ``NEO4J_URI`` set in the environment opens Neo4j; otherwise
the embedded store at ``DOLBOM_DB`` (default ``dolbom.db``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .embedded import EmbeddedStore
from .store import Store

DEFAULT_DB = "dolbom.db"


def open_store(db: str | None = None, env: Mapping[str, str] | None = None,
               default: str = DEFAULT_DB) -> Store:
    env = os.environ if env is None else env
    if db is None and env.get("NEO4J_URI"):
        from .neo4j_store import Neo4jStore  # here: the neo4j driver is imported only when used

        return Neo4jStore.from_env(env)
    return EmbeddedStore(db or env.get("DOLBOM_DB") or default)
