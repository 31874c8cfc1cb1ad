"""``dolbom serve``: the API under uvicorn.

Each worker process builds the app with :func:`api.asgi.app_from_env` and
opens the store itself, after the fork. With several workers over one
embedded file each holds its own records in memory and catches up with the
others' commits before it reads (SQLite's ``PRAGMA data_version``); writes
stay one at a time across processes (SQLite's write lock).
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from api.terminal import DB_HELP
from graph.factory import open_store


def serve(host: str, port: int, db: str | None, workers: int = 1, log_level: str = "info") -> None:
    """Check the store opens, then run uvicorn until interrupted."""
    import uvicorn

    if db is not None:
        os.environ["DOLBOM_DB"] = db
        os.environ.pop("NEO4J_URI", None)  # --db means the embedded store, as everywhere else
    # fail here, once, with a clear message, not in every worker (the file's header and version are
    # checked at once; closing stops the reading of its records)
    with open_store(db, background=True):
        pass
    from service.settings import Settings

    Settings.from_env()  # the same for bad DOLBOM_* settings
    # uvicorn's own access line is off: it would log every request a second time, in another
    # format, with the query string (where a client may have put a token); ours is
    # api.middleware.RequestIdMiddleware's, without it
    uvicorn.run("api.asgi:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, proxy_headers=False, server_header=False, access_log=False)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.workers < 1:
        raise SystemExit("dolbom serve: --workers must be at least 1")
    out.write(f"Dolbom API on http://{args.host}:{args.port}/graphql "
              f"(network page: http://{args.host}:{args.port}/network/)\n")
    out.flush()
    serve(args.host, args.port, args.db, args.workers, args.log_level)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("serve", help="serve the GraphQL API (and the network page) under uvicorn")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)
