"""The GraphQL view of ``/graphql``: strawberry's ASGI view with our per-request
context, our body reader (:mod:`api.body`), JSON refusals, a time budget per
query and the analytics off the server's event loop (see :mod:`api.app` for the
request path).

Kept apart from :mod:`api.app` so that ``dolbom serve`` answers ``/healthz``
before strawberry, graphql-core and the schema (with the modules its resolvers
import) are loaded: the app builds this view on its first ``/graphql`` request or
in the background as soon as it starts, whichever comes first.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    MiddlewareManager,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql import ExecutionResult as CoreResult
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.http import GraphQLRequestData
from strawberry.http.base import HTTPException as ViewRefusal  # re-exported from cross_web
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.types import ExecutionResult
from strawberry.utils.await_maybe import await_maybe

from graph.store import Store
from i18n import LOCALES
from i18n.locale import negotiate, normalise
from schema.build import build_schema
from schema.context import Context
from schema.cost import over_limit
from schema.errors import map_errors
from schema.pool import HEAVY_FIELDS, on_request_thread, pool, quick_switches
from service import audit
from service.principal import Principal, Role
from service.settings import Settings

from . import body
from .middleware import json_error


class StoreHolder(Protocol):
    """The app's store, opened on first use (``api.app``)."""

    def get(self) -> Store: ...

log = logging.getLogger("dolbom.api")

#: GraphiQL's vendored files
STATIC = Path(__file__).resolve().parent / "static"

def request_locale(request: Request, settings: Settings) -> str:
    """The language of a request's messages: ``?locale=``, else ``Accept-Language``, else
    ``DOLBOM_LOCALE`` (docs/locale.md). A ``locale`` naming no supported language is a 400."""
    explicit = request.query_params.get("locale")
    if explicit is not None and normalise(explicit) is None:
        raise ViewRefusal(400, f"locale: must be one of {', '.join(LOCALES)} (got {explicit[:20]!r})")
    return negotiate(explicit, request.headers.get("accept-language"), settings.locale)


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


_thread_loops = threading.local()


def _on_thread_loop(make: Callable[[], Awaitable[Any]]) -> Any:
    """``await make()`` on this request thread's own event loop, made once per thread and kept:
    a new loop per request (``asyncio.run``) also made anyio a new worker thread, and the store a new
    connection, for every request. Whatever the request left running is cancelled before it returns,
    as ``asyncio.run`` would."""
    loop = getattr(_thread_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _thread_loops.loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(make())
    finally:
        left = asyncio.all_tasks(loop)
        for task in left:
            task.cancel()
        if left:
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


async def _run_off_loop(workers: int, make: Callable[[], Awaitable[Any]]) -> Any:
    """``await make()`` (an analytics request) to completion in one of ``workers`` request threads
    (``schema.pool``), on that thread's event loop, off the server's."""
    return await asyncio.get_running_loop().run_in_executor(pool(workers, "request"),
                                                            contextvars.copy_context().run,
                                                            _on_thread_loop_quickly, make)


def _on_thread_loop_quickly(make: Callable[[], Awaitable[Any]]) -> Any:
    """:func:`_on_thread_loop` of an analytics request: the GIL switches every millisecond for as long
    as its thread works, also past a time budget that gave its caller up (schema.pool.quick_switches)."""
    with quick_switches():
        return _on_thread_loop(make)


class _Encoded:
    """A heavy request's answer, processed and encoded to JSON off the server's loop
    (encoding a province's network is tens of milliseconds); ``clean``: it had no errors."""

    errors = None

    def __init__(self, body: str | bytes, clean: bool) -> None:
        self.body = body
        self.clean = clean


#: documents kept as prepared (see DolbomGraphQL._answer_prepared)
PREPARED = 256


@dataclasses.dataclass(frozen=True, slots=True)
class _Prepared:
    """A query document that went through every check before execution once (parsing with the token
    limit, the guards, validation with the depth and alias limits) and was answered without errors:
    none of those checks depends on anything but the document's text and the operation's name."""

    document: DocumentNode
    #: the operation's root fields (which pool runs it: schema.pool)
    fields: frozenset[str]


def _refusal(message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})])


class DolbomGraphQL(GraphQL):
    """strawberry's ASGI view with our per-request context, our body reader, JSON
    refusals and a time budget per query."""

    def __init__(self, holder: StoreHolder, settings: Settings) -> None:
        built = self.built = build_schema(settings)
        super().__init__(built, graphql_ide="graphiql" if settings.graphiql else None,
                         allow_queries_via_get=True)
        self.holder = holder
        self.settings = settings
        self._prepared: OrderedDict[tuple[str, str | None], _Prepared] = OrderedDict()
        extensions = built.get_extensions()
        #: strawberry's per-field middleware, made of the extensions with per-field hooks: with any, every
        #: request takes strawberry's whole path (ours have none)
        self._lean = not any(e._implements_resolve() for e in extensions)
        self._execute = built._get_execute_function()
        self._executor_kwargs = execution_context_class_kwargs(built.execution_context_class)

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL from this server's own files (api/static/graphiql), never a CDN."""
        return _ide_page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = None
            if self._prepared and scope.get("method") == "POST":
                response = await self._answer_prepared(request)
            if response is None:
                response = await self.run(request)
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

    async def _answer_prepared(self, request: Request) -> Any:
        """The answer to a POST of a prepared query document (:class:`_Prepared`), or None for
        strawberry's whole path: what that path does, without the parts whose outcome is known for
        such a document (the view's request handling, the extensions' parse, validation and guard
        hooks, the caches' lookups). Still done per request, as on that path: the context, the cost
        limit of the caller's role and variables (past it: None, and the whole path refuses it), the
        time budget and the pools, execution (schema.fastpath), the error codes, the audit, the
        response (issue 23: bench/README.md)."""
        content_type, _ = parse_content_type(request.headers.get("content-type") or "")
        if not self._lean or "application/json" not in content_type:
            return None
        try:
            query, variables, name, extensions = body.operation(self.parse_json(await request.body()))
        except (ViewRefusal, body.BodyError):
            return None  # refused by the whole path, with the same message
        key = (query or "", name)
        prepared = self._prepared.get(key)
        if prepared is None or extensions:
            return None
        self._prepared.move_to_end(key)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        role = context.principal.role if context.principal is not None else Role.ANONYMOUS
        if over_limit(self.built._schema, query, prepared.document, name, variables or {}, self.settings,
                      role) is not None:
            return None
        run = functools.partial(self._execute_prepared, prepared.document, context, variables, name)
        result = await self._budgeted(request, context, [("query", prepared.fields)], run)
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    async def _execute_prepared(self, document: DocumentNode, context: Context,
                                variables: dict[str, Any] | None, name: str | None) -> ExecutionResult:
        """strawberry's ``Schema.execute`` of a prepared document: its execution; an exception is an
        error of the result, as strawberry makes it. (Errors get their codes in :meth:`process_result`,
        as on the whole path, where the ErrorCodes extension gave them already.)"""
        try:
            done: CoreResult = await await_maybe(self._execute(
                self.built._schema, document, root_value=None, middleware=MiddlewareManager(),
                variable_values=variables, operation_name=name, context_value=context,
                is_awaitable=optimized_is_awaitable, operation_extensions=None, **self._executor_kwargs))
            result = ExecutionResult(data=done.data, errors=done.errors)
        except Exception as e:  # noqa: BLE001 - strawberry's own handling of an execution that raised
            result = ExecutionResult(data=None, errors=[e if isinstance(e, GraphQLError)
                                                        else GraphQLError(str(e), original_error=e)])
        return result

    def _keep_prepared(self, request_data: GraphQLRequestData, fields: frozenset[str]) -> None:
        """Keep a query document answered without errors as prepared (:class:`_Prepared`)."""
        query = request_data.query
        if not self._lean or query is None or len(query) >= _CACHED_QUERY or request_data.extensions:
            return
        key = (query, request_data.operation_name)
        if key in self._prepared:
            return
        try:
            document = parse(query, max_tokens=self.settings.max_tokens)
        except GraphQLError:  # pragma: no cover - it was answered, so it parses
            return
        self._prepared[key] = _Prepared(document, fields)
        while len(self._prepared) > PREPARED:
            self._prepared.popitem(last=False)

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: GraphQLRequestData) -> Any:
        """Runs the one operation the request names. Several operations and no
        ``operationName`` is BAD_USER_INPUT (strawberry would run the first). A query
        runs within ``time_budget`` seconds; past it the request ends with a BAD_USER_INPUT
        error. A mutation is not cut short: its write would still land. A query answered without
        errors is kept as prepared (:meth:`_answer_prepared`)."""
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
        result = await self._budgeted(request, context, chosen, run)
        if len(chosen) == 1 and chosen[0][0] == "query" \
                and (result.clean if isinstance(result, _Encoded) else not result.errors):
            self._keep_prepared(request_data, chosen[0][1])
        return result

    async def _budgeted(self, request: Any, context: Any, chosen: list[tuple[str, frozenset[str]]],
                        run: Callable[[], Awaitable[Any]]) -> Any:
        """``run()`` (a query of the root fields ``chosen``) within the time budget, off the server's
        loop when its fields are analytics (schema.pool)."""
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
            result = await within_budget()
            clean = not result.errors
            return _Encoded(self.encode_json(await self.process_result(request, result)), clean)

        if any(fields & HEAVY_FIELDS for _, fields in chosen):  # analytics: off the server's event loop
            try:  # and not waiting for a thread past the deadline either: a queued request leaves the queue
                async with asyncio.timeout(max(0.0, deadline - time.monotonic()) + _GRACE):
                    return await _run_off_loop(self.settings.heavy_workers, encoded)
            except TimeoutError:
                return await within_budget()  # past the deadline: the budget's refusal, at once
        # the rest (a match too: milliseconds) on the server's loop, its reads in place when the store
        # reads at once, in a worker thread otherwise (schema.loaders.read)
        return await within_budget()

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        state = request.scope.get("state") or {}
        ctx = Context(store=self.holder.get(), principal=state.get("principal") or Principal.anonymous(),
                      settings=self.settings, request_id=state.get("request_id"),
                      request=request, response=response, locale=request_locale(request, self.settings))
        request.scope.setdefault("state", {})["context"] = ctx
        return ctx

    def encode_json(self, data: object) -> str | bytes:
        """Compact UTF-8 JSON (:func:`api.body.encode`): Hangul as itself, not as ``\\uXXXX`` escapes
        of six bytes a character (strawberry's default; bench_api's matchPackages answers: 4,562 ->
        2,994 bytes)."""
        if isinstance(data, _Encoded):
            return data.body
        return body.encode(data)

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
            audit_args = (ctx.store, ctx.principal, "read", "Household", ctx.households_read, ctx.request_id)
            if on_request_thread():  # the request's own thread: written in place, no hop (schema.pool)
                audit.record(*audit_args)
            else:
                await run_in_threadpool(audit.record, *audit_args)
        return await super().process_result(request, result)
