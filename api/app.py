"""The Starlette application: ``/graphql``, ``/healthz``, ``/readyz``.

``create_app(store, settings)`` builds it over an open store (or a zero-argument
callable that opens one: it is then called in the app's lifespan, i.e. after
uvicorn forked its workers, and closed at shutdown; the Neo4j driver must be
created that way). The request path:

1. :class:`api.middleware.RequestIdMiddleware` — request id + one access log line;
2. :class:`api.middleware.SecurityHeadersMiddleware` — ``X-Content-Type-Options``,
   ``Content-Security-Policy`` with ``frame-ancestors 'none'``, ``Referrer-Policy``;
3. :class:`api.middleware.BodyLimitMiddleware` — 413 past ``max_body_bytes``,
   408 when the body does not arrive within ``body_timeout`` seconds;
4. CORS when ``cors_origins`` is set;
5. ``/network/``: the coordinators' network page (static files); ``/graphiql/``: GraphiQL's
   vendored files (the IDE page is GET ``/graphql`` in a browser; nothing from a CDN);
6. ``/graphql``: ``Authorization: Bearer <token>`` → :class:`Principal`
   (``service.tokens.authenticate``; a wrong token is HTTP 401 with a GraphQL
   error coded UNAUTHENTICATED), then strawberry's ASGI view (:mod:`api.view`, built in the
   background when the app starts, so ``/healthz`` does not wait for the schema) with a fresh
   :class:`schema.context.Context` (and DataLoaders) per request. The body is
   read by :mod:`api.body` (UTF-8, JSON, shape, depth, number size); a query
   runs within ``time_budget`` seconds. A query document answered once without
   errors is kept as prepared: its later requests skip strawberry's request
   handling and its extensions' parse, validation and guard hooks, whose outcome
   depends on the document alone (the cost limit is still checked per request).

Every refusal, at any level, is JSON with a GraphQL error and its
``extensions.code`` (never a plain-text body). The view is async; every
blocking store or solver call inside runs in a worker thread (starlette's
``run_in_threadpool``; the analytics in the bounded pool of :mod:`schema.pool`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from graph.errors import DolbomError
from graph.store import Store
from service import tokens
from service.principal import Principal
from service.settings import Settings

from .hsds import routes as hsds_routes
from .middleware import BodyLimitMiddleware, RequestIdMiddleware, SecurityHeadersMiddleware, json_error
from .pages import routes as page_routes

if TYPE_CHECKING:
    from .view import DolbomGraphQL

log = logging.getLogger("dolbom.api")

#: the coordinators' network page (issue 7): plain files, Cytoscape.js vendored
STATIC = Path(__file__).resolve().parent / "static"

Authenticate = Callable[[Store, str | None], Principal]


StoreOrFactory = Store | Callable[[], Store]


class _Holder:
    """The store of a running app (opened in the lifespan when given a factory)."""

    def __init__(self, store: StoreOrFactory) -> None:
        self.factory = None if hasattr(store, "unit_of_work") else store
        self.store: Store | None = None if self.factory else store  # type: ignore[assignment]

    def get(self) -> Store:
        if self.store is None:
            self.store = self.factory()  # type: ignore[misc]
        return self.store


class _LazyView:
    """The GraphQL view (:mod:`api.view`), built on first use: importing strawberry and building the
    schema is most of a second, which ``/healthz`` and ``/readyz`` need not wait for. The app's
    lifespan starts the build in a thread at once; a ``/graphql`` request that comes first builds it."""

    def __init__(self, holder: _Holder, settings: Settings) -> None:
        self.holder = holder
        self.settings = settings
        self.view: DolbomGraphQL | None = None
        self._lock = threading.Lock()

    def build(self) -> DolbomGraphQL:
        with self._lock:
            if self.view is None:
                from .view import DolbomGraphQL

                self.view = DolbomGraphQL(self.holder, self.settings)
            return self.view

    def build_quietly(self) -> None:
        """:meth:`build` in the background: a failure is logged, and raised again by the first request."""
        try:
            self.build()
        except Exception:
            log.exception("building the GraphQL schema failed")

    async def get(self) -> DolbomGraphQL:
        return self.view if self.view is not None else await run_in_threadpool(self.build)


class GraphQLEndpoint:
    """Authenticates, then hands the request to the strawberry view."""

    def __init__(self, view: _LazyView, holder: _Holder, authenticate: Authenticate) -> None:
        self.lazy = view
        self.holder = holder
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        header = request.headers.get("authorization")
        state = scope.setdefault("state", {})
        rid = state.get("request_id")
        try:
            store = self.holder.get()
            with store.side_at_once() as now:  # the token read in place when it waits for nothing
                principal = self.authenticate(store, header) if now else None
            if principal is None:
                principal = await run_in_threadpool(self.authenticate, store, header)
        except DolbomError as e:
            if e.code not in ("UNAUTHENTICATED", "BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN"):
                await self._unavailable(e, rid, scope, receive, send)
                return
            ext = {"code": "UNAUTHENTICATED", "requestId": rid}
            from .view import ViewRefusal, request_locale

            try:
                locale = request_locale(request, self.lazy.settings)
            except ViewRefusal:
                locale = self.lazy.settings.locale
            text = e.localized(locale) if e.code == "UNAUTHENTICATED" else e.message
            response = JSONResponse({"data": None, "errors": [{"message": text, "extensions": ext}]},
                                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="dolbom"'})
            await response(scope, receive, send)
            return
        except Exception as e:  # the token store is down or broken: not the caller's fault
            await self._unavailable(e, rid, scope, receive, send)
            return
        state["principal"] = principal
        await (await self.lazy.get())(scope, receive, send)

    @staticmethod
    async def _unavailable(e: BaseException, rid: str | None, scope: Scope, receive: Receive,
                           send: Send) -> None:
        """HTTP 503 with an INTERNAL error (and the request id); the cause goes to the log only."""
        from schema.errors import INTERNAL_MESSAGE

        log.error("authentication failed (request %s): %s", rid, e, exc_info=(type(e), e, e.__traceback__))
        body = {"data": None, "errors": [{"message": INTERNAL_MESSAGE,
                                          "extensions": {"code": "INTERNAL", "requestId": rid}}]}
        await JSONResponse(body, status_code=503)(scope, receive, send)


def create_app(store: StoreOrFactory, settings: Settings | None = None, *,
               authenticate: Authenticate | None = None) -> Starlette:
    """The API app over ``store`` (see the module docstring). ``settings``
    default to :meth:`Settings.from_env`; ``authenticate`` to :func:`service.tokens.authenticate`
    (tests may pass their own)."""
    settings = settings or Settings.from_env()
    holder = _Holder(store)
    view = _LazyView(holder, settings)
    endpoint = GraphQLEndpoint(view, holder, authenticate or tokens.authenticate)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await run_in_threadpool(holder.get().ping)
        except Exception as e:  # the store is down: not ready, and say why in the log only
            log.warning("readyz: store not reachable: %s", e)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        asyncio.get_running_loop().run_in_executor(None, view.build_quietly)  # /healthz does not wait for it
        if holder.factory is not None:
            await run_in_threadpool(holder.get)
        try:
            yield
        finally:
            if holder.factory is not None and holder.store is not None:
                await run_in_threadpool(holder.store.close)
                holder.store = None

    middleware = [Middleware(RequestIdMiddleware), Middleware(SecurityHeadersMiddleware),
                  Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                             timeout=settings.body_timeout)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                                     expose_headers=["X-Request-ID"]))
    async def refused(request: Request, exc: Exception) -> Response:
        """Starlette's own refusals (an unknown path, a method a route does not take) as JSON."""
        assert isinstance(exc, HTTPException)
        code = "NOT_FOUND" if exc.status_code == 404 else "BAD_USER_INPUT"
        rid = (request.scope.get("state") or {}).get("request_id")
        return json_error(exc.status_code, exc.detail, code, rid, headers=exc.headers)

    app = Starlette(
        routes=[
            # every method reaches the view, which answers all but GET and POST with a JSON 405
            Route("/graphql", endpoint),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *hsds_routes(holder.get, authenticate or tokens.authenticate, locale=settings.locale),  # /hsds/
            Mount("/network", StaticFiles(directory=STATIC / "network", html=True), name="network"),
            *page_routes(settings, str(STATIC / "app")),  # /app/: the pages (docs/pages.md)
            # GraphiQL's vendored scripts (the page itself is GET /graphql, also /graphiql/)
            *([Mount("/graphiql", StaticFiles(directory=STATIC / "graphiql", html=True), name="graphiql")]
              if settings.graphiql else []),
        ],
        middleware=middleware,
        exception_handlers={HTTPException: refused},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store_holder = holder
    return app
