"""Open the configured store.

The rule, in order: an explicit embedded path (``--db``) opens the embedded
store; otherwise ``NEO4J_URI`` set in the environment opens Neo4j; otherwise
the embedded store at ``DOLBOM_DB`` (default ``dolbom.db``).

This is how the ``dolbom`` commands and the server open a store, so an
embedded file that is missing or empty (0 bytes) is refused unless ``create``
is asked for (``dolbom init``, ``--create``, the demo's own database): a
mistyped ``--db`` is an error that names the path, never a new empty store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .embedded import EmbeddedStore
from .store import Store

DEFAULT_DB = "dolbom.db"


def embedded_path(db: str | None = None, env: Mapping[str, str] | None = None,
                  default: str = DEFAULT_DB) -> str | None:
    """The embedded file :func:`open_store` would open, or None when it would open Neo4j."""
    env = os.environ if env is None else env
    if db is None and env.get("NEO4J_URI"):
        return None
    return db or env.get("DOLBOM_DB") or default


def open_store(db: str | None = None, env: Mapping[str, str] | None = None,
               default: str = DEFAULT_DB, *, create: bool = False, background: bool = False) -> Store:
    """The store the rule above chooses. ``create``: make a new embedded database
    when the file is missing or empty (no effect on Neo4j). ``background``: an
    embedded store reads its file into memory in a thread, so the server answers
    its health check at once and reads wait for the records (no effect on Neo4j)."""
    env = os.environ if env is None else env
    path = embedded_path(db, env, default)
    if path is None:
        from .neo4j_store import Neo4jStore  # here: the neo4j driver is imported only when used

        return Neo4jStore.from_env(env)
    return EmbeddedStore(path, create=create, background=background)
