"""The ASGI application as uvicorn's worker processes build it.

``dolbom serve`` runs ``uvicorn api.asgi:app_from_env --factory``: each
worker calls :func:`app_from_env` after it has started, so every worker opens
its own store in the app's lifespan (its own SQLite connections and in-memory
records of an embedded file, read in a background thread so /healthz answers
at once, kept in step with the other workers' commits through SQLite; or its
own Neo4j driver, created after the fork as the driver requires). The store
and the settings come from the environment: ``DOLBOM_DB`` / ``NEO4J_*`` (see
:func:`graph.factory.open_store`) and ``DOLBOM_*`` (see
:class:`service.settings.Settings`).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from graph.factory import open_store
from service.settings import Settings

from .app import create_app


def app_from_env() -> Starlette:
    """A new app over the store the environment names (opened in the lifespan). (The GIL switches
    every millisecond while an analytics request runs: schema.pool.quick_switches.)"""
    log = logging.getLogger("dolbom")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return create_app(lambda: open_store(background=True), Settings.from_env())
