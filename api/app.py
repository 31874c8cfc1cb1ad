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
   error coded UNAUTHENTICATED), then strawberry's ASGI view with a fresh
   :class:`schema.context.Context` (and DataLoaders) per request. The body is
   read by :mod:`api.body` (UTF-8, JSON, shape, depth, number size); a query
   runs within ``time_budget`` seconds.

Every refusal, at any level, is JSON with a GraphQL error and its
``extensions.code`` (never a plain-text body). The view is async; every
blocking store or solver call inside runs in a worker thread (starlette's
``run_in_threadpool``; the analytics in the bounded pool of :mod:`schema.pool`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
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
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.base import HTTPException as ViewRefusal  # re-exported from cross_web
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult

from graph.errors import DolbomError
from graph.store import Store
from i18n import LOCALES
from i18n.locale import negotiate, normalise
from schema.build import build_schema
from schema.context import Context
from schema.errors import INTERNAL_MESSAGE, map_errors
from schema.pool import HEAVY_FIELDS, run_off_loop
from service import audit, tokens
from service.principal import Principal
from service.settings import Settings

from . import body
from .hsds import routes as hsds_routes
from .pages import routes as page_routes
from .middleware import BodyLimitMiddleware, RequestIdMiddleware, SecurityHeadersMiddleware, json_error

log = logging.getLogger("dolbom.api")

#: the coordinators' network page (issue 7): plain files, Cytoscape.js vendored
STATIC = Path(__file__).resolve().parent / "static"

Authenticate = Callable[[Store, str | None], Principal]


def request_locale(request: Request, settings: Settings) -> str:
    """The language of a request's messages: ``?locale=``, else ``Accept-Language``, else
    ``DOLBOM_LOCALE`` (docs/locale.md). A ``locale`` naming no supported language is a 400."""
    explicit = request.query_params.get("locale")
    if explicit is not None and normalise(explicit) is None:
        raise ViewRefusal(400, f"locale: must be one of {', '.join(LOCALES)} (got {explicit[:20]!r})")
    return negotiate(explicit, request.headers.get("accept-language"), settings.locale)
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


#: seconds past its deadline a request waits for its analytics thread to answer before it gives up on it
_GRACE = 0.25
#: documents shorter than this have their operations cached (see _operations)
_CACHED_QUERY = 20_000


@functools.lru_cache(maxsize=1)
def _ide_page() -> str:
    return (STATIC / "graphiql" / "index.html").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=256)
def _cached_operations(query: str, max_tokens: int) -> tuple[tuple[str | None, str, frozenset[str]], ...]:
    return _parsed_operations(query, max_tokens)


def _parsed_operations(query: str, max_tokens: int) -> tuple[tuple[str | None, str, frozenset[str]], ...]:
    try:
        doc = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return ()
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}

    def roots(sel: SelectionSetNode, seen: frozenset[str] = frozenset()) -> set[str]:
        out: set[str] = set()
        for s in sel.selections:
            if isinstance(s, FieldNode):
                out.add(s.name.value)
            elif isinstance(s, InlineFragmentNode):
                out |= roots(s.selection_set, seen)
            elif isinstance(s, FragmentSpreadNode) and s.name.value in fragments and s.name.value not in seen:
                out |= roots(fragments[s.name.value].selection_set, seen | {s.name.value})
        return out

    return tuple((d.name.value if d.name else None, d.operation.value, frozenset(roots(d.selection_set)))
                 for d in doc.definitions if isinstance(d, OperationDefinitionNode))


def _operations(query: str, max_tokens: int) -> tuple[tuple[str | None, str, frozenset[str]], ...]:
    """(name, ``query``/``mutation``, root field names) of each operation of a document
    (none when it does not parse)."""
    if len(query) < _CACHED_QUERY:
        return _cached_operations(query, max_tokens)
    return _parsed_operations(query, max_tokens)


class _Encoded:
    """A heavy request's answer, processed and encoded to JSON off the server's loop
    (encoding a province's network is tens of milliseconds)."""

    errors = None

    def __init__(self, body: str | bytes) -> None:
        self.body = body


def _refusal(message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})])


class DolbomGraphQL(GraphQL):
    """strawberry's ASGI view with our per-request context, our body reader, JSON
    refusals and a time budget per query."""

    def __init__(self, holder: _Holder, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None,
                         allow_queries_via_get=True)
        self.holder = holder
        self.settings = settings

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL from this server's own files (api/static/graphiql), never a CDN."""
        return _ide_page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except ViewRefusal as e:  # strawberry's plain-text refusals, as JSON with a code
            code = "NOT_FOUND" if e.status_code == 404 else "BAD_USER_INPUT"
            headers = {"Allow": "GET, POST"} if e.status_code == 405 else None
            response = json_error(e.status_code, e.reason, code, (scope.get("state") or {}).get("request_id"),
                                  headers=headers, graphql=True)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return body.read_json(data)
        except body.BodyError as e:
            raise ViewRefusal(400, str(e)) from None

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        out = super().parse_query_params(params)
        try:
            body.operation(out)
            return body.normalise(out)
        except body.BodyError as e:  # too deep, not UTF-8, ...: a coded 400, never a 500
            raise ViewRefusal(400, str(e)) from None

    async def parse_http_body(self, request: Any) -> Any:
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method != "POST" or "application/json" not in content_type:
            return await super().parse_http_body(request)
        try:
            query, variables, name, extensions = body.operation(self.parse_json(await request.get_body()))
        except body.BodyError as e:
            raise ViewRefusal(400, str(e)) from None
        return GraphQLRequestData(query=query, variables=variables, operation_name=name,
                                  extensions=extensions)

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: GraphQLRequestData) -> Any:
        """Runs the one operation the request names. Several operations and no
        ``operationName`` is BAD_USER_INPUT (strawberry would run the first). A query
        runs within ``time_budget`` seconds; past it the request ends with a BAD_USER_INPUT
        error. A mutation is not cut short: its write would still land."""
        run = functools.partial(super().execute_single, request=request, request_adapter=request_adapter,
                                sub_response=sub_response, context=context, root_value=root_value,
                                request_data=request_data)
        ops = _operations(request_data.query or "", self.settings.max_tokens)
        name = request_data.operation_name
        if len(ops) > 1 and name is None:
            return _refusal(f"the document holds {len(ops)} operations: send operationName to say which one "
                            f"to run")
        chosen = [(kind, fields) for n, kind, fields in ops if name is None or n == name]
        if [kind for kind, _ in chosen] == ["mutation"]:
            return await run()
        budget = self.settings.time_budget
        deadline = time.monotonic() + budget  # time queued for an analytics thread counts too

        async def within_budget() -> Any:
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    return await run()
            except TimeoutError:
                log.warning("request %s ended after its time budget of %g s",
                            getattr(context, "request_id", None), budget)
                return _refusal(f"this query ran longer than its time budget of {budget:g} s and was ended: "
                                f"ask for less (a smaller region, fewer households, fewer aliases)")

        async def encoded() -> _Encoded:
            return _Encoded(self.encode_json(await self.process_result(request, await within_budget())))

        if any(fields & HEAVY_FIELDS for _, fields in chosen):  # analytics: off the server's event loop
            try:  # and not waiting for a thread past the deadline either: a queued request leaves the queue
                async with asyncio.timeout(max(0.0, deadline - time.monotonic()) + _GRACE):
                    return await run_off_loop(self.settings.heavy_workers, encoded)
            except TimeoutError:
                return await within_budget()  # past the deadline: the budget's refusal, at once
        return await within_budget()

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        state = request.scope.get("state") or {}
        ctx = Context(store=self.holder.get(), principal=state.get("principal") or Principal.anonymous(),
                      settings=self.settings, request_id=state.get("request_id"),
                      request=request, response=response, locale=request_locale(request, self.settings))
        request.scope.setdefault("state", {})["context"] = ctx
        return ctx

    def encode_json(self, data: object) -> str | bytes:
        return data.body if isinstance(data, _Encoded) else super().encode_json(data)

    async def process_result(self, request: Request, result: Any) -> Any:
        """Map errors that never reached the schema's extensions (syntax errors,
        the token limiter that aborts parsing, the guards) to contract codes too;
        note the households the request showed in the audit trail."""
        if isinstance(result, _Encoded):  # processed already, off the loop
            return result
        ctx = (request.scope.get("state") or {}).get("context")
        if result.errors:
            result.errors = map_errors(result.errors, (request.scope.get("state") or {}).get("request_id"),
                                       ctx.locale if ctx is not None else self.settings.locale)
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
            try:
                locale = request_locale(request, self.view.settings)
            except ViewRefusal:
                locale = self.view.settings.locale
            text = e.localized(locale) if e.code == "UNAUTHENTICATED" else e.message
            response = JSONResponse({"data": None, "errors": [{"message": text, "extensions": ext}]},
                                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="dolbom"'})
            await response(scope, receive, send)
            return
        except Exception as e:  # the token store is down or broken: not the caller's fault
            await self._unavailable(e, rid, scope, receive, send)
            return
        state["principal"] = principal
        await self.view(scope, receive, send)

    @staticmethod
    async def _unavailable(e: BaseException, rid: str | None, scope: Scope, receive: Receive,
                           send: Send) -> None:
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
