"""The Starlette application: ``/graphql``, ``/healthz``, ``/readyz``.

``create_app(store, settings)`` builds it over an open store (or a zero-argument
callable that opens one: it is then called in the app's lifespan, i.e. after
uvicorn forked its workers, and closed at shutdown; the Neo4j driver must be
created that way). The request path:

1. :class:`api.middleware.RequestIdMiddleware` — request id + access log;
2. :class:`api.middleware.BodyLimitMiddleware` — 413 past ``max_body_bytes``;
3. CORS when ``cors_origins`` is set;
4. ``/network/``: the coordinators' network page (static files);
5. ``/graphql``: ``Authorization: Bearer <token>`` → :class:`Principal`
   (``service.tokens.authenticate``; a wrong token is HTTP 401 with a GraphQL
   error coded UNAUTHENTICATED), then strawberry's ASGI view with a fresh
   :class:`schema.context.Context` (and DataLoaders) per request.

The view is async; every blocking store or solver call inside runs in a worker
thread (starlette's ``run_in_threadpool``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Union

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from graph.errors import DolbomError
from graph.store import Store
from schema.build import build_schema
from schema.context import Context
from schema.errors import INTERNAL_MESSAGE, map_errors
from service import audit, tokens
from service.principal import Principal
from service.settings import Settings

from .middleware import BodyLimitMiddleware, RequestIdMiddleware

log = logging.getLogger("dolbom.api")

#: the coordinators' network page (issue 7): plain files, Cytoscape.js vendored
STATIC = Path(__file__).resolve().parent / "static"

Authenticate = Callable[[Store, str | None], Principal]
StoreOrFactory = Union[Store, Callable[[], Store]]


class _Holder:
    """The store of a running app (opened in the lifespan when given a factory)."""

    def __init__(self, store: StoreOrFactory) -> None:
        self.factory = None if hasattr(store, "unit_of_work") else store
        self.store: Store | None = None if self.factory else store  # type: ignore[assignment]

    def get(self) -> Store:
        if self.store is None:
            self.store = self.factory()  # type: ignore[misc]
        return self.store


class DolbomGraphQL(GraphQL):
    """strawberry's ASGI view with our per-request context."""

    def __init__(self, holder: _Holder, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None,
                         allow_queries_via_get=True)
        self.holder = holder
        self.settings = settings

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        state = request.scope.get("state") or {}
        ctx = Context(store=self.holder.get(), principal=state.get("principal") or Principal.anonymous(),
                      settings=self.settings, request_id=state.get("request_id"),
                      request=request, response=response)
        request.scope.setdefault("state", {})["context"] = ctx
        return ctx


    async def process_result(self, request: Request, result: Any) -> Any:  # type: ignore[override]
        """Map errors that never reached the schema's extensions (syntax errors,
        the token limiter that aborts parsing) to contract codes too."""
        if result.errors:
            result.errors = map_errors(result.errors, (request.scope.get("state") or {}).get("request_id"))
        ctx = (request.scope.get("state") or {}).get("context")
        if ctx is not None and ctx.households_read:
            await run_in_threadpool(audit.record, ctx.store, ctx.principal, "read", "Household",
                           ctx.households_read, ctx.request_id)
        return await super().process_result(request, result)


class GraphQLEndpoint:
    """Authenticates, then hands the request to the strawberry view."""

    def __init__(self, view: DolbomGraphQL, holder: _Holder, authenticate: Authenticate) -> None:
        self.view = view
        self.holder = holder
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        header = request.headers.get("authorization")
        state = scope.setdefault("state", {})
        rid = state.get("request_id")
        try:
            principal = await run_in_threadpool(self.authenticate, self.holder.get(), header)
        except DolbomError as e:
            if e.code not in ("UNAUTHENTICATED", "BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN"):
                await self._unavailable(e, rid, scope, receive, send)
                return
            ext = {"code": "UNAUTHENTICATED", "requestId": rid}
            response = JSONResponse({"data": None, "errors": [{"message": e.message, "extensions": ext}]},
                                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="dolbom"'})
            await response(scope, receive, send)
            return
        except Exception as e:  # the token store is down or broken: not the caller's fault
            await self._unavailable(e, rid, scope, receive, send)
            return
        state["principal"] = principal
        await self.view(scope, receive, send)

    @staticmethod
    async def _unavailable(e: BaseException, rid: str | None, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP 503 with an INTERNAL error (and the request id); the cause goes to the log only."""
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
    view = DolbomGraphQL(holder, settings)
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
        if holder.factory is not None:
            await run_in_threadpool(holder.get)
        try:
            yield
        finally:
            if holder.factory is not None and holder.store is not None:
                await run_in_threadpool(holder.store.close)
                holder.store = None

    middleware = [Middleware(RequestIdMiddleware), Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                                     expose_headers=["X-Request-ID"]))
    app = Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Mount("/network", StaticFiles(directory=STATIC / "network", html=True), name="network"),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store_holder = holder
    return app
