"""ASGI middleware: a request id and one access log line per request, security
headers, and limits on request bodies (HTTP 413 past a size, 408 past a time).

Pure ASGI (no BaseHTTPMiddleware) so bodies stream through untouched and the
cost per request stays a few microseconds.

The access line (logger ``dolbom.access``; uvicorn's own access log is off)::

    127.0.0.1 POST /graphql 200 1234B 12.3ms rid=8c1e0a... role=caseworker actor=3f9c0a1b2c4d

client address, method, path (without the query string, which may carry a
token or personal data; percent-encoded past printable ASCII), status, bytes
sent, milliseconds, request id, and the caller's role and token id when the
request was authenticated (the token itself never appears).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .body import encode

access_log = logging.getLogger("dolbom.access")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def json_error(status: int, message: str, code: str, request_id: str | None, *,
               headers: Mapping[str, str] | None = None, graphql: bool = False) -> JSONResponse:
    """A refusal as a GraphQL-shaped JSON body: one error with ``extensions.code``
    (and ``requestId``); ``graphql``: with ``"data": null`` as /graphql answers."""
    ext: dict[str, Any] = {"code": code}
    if request_id:
        ext["requestId"] = request_id
    doc: dict[str, Any] = {"data": None} if graphql else {}
    doc["errors"] = [{"message": message, "extensions": ext}]
    return JSONAnswer(doc, status_code=status, headers=dict(headers or {}))


class JSONAnswer(JSONResponse):
    """Starlette's JSON response, encoded by :func:`api.body.encode` (a message that echoes a lone
    surrogate from the request is escaped, not an HTTP 500)."""

    def render(self, content: Any) -> bytes:
        return encode(content)


def _logged_path(scope: Scope) -> str:
    return urllib.parse.quote(scope.get("path") or "/", safe="/:@!$&'()*+,;=-._~")


class RequestIdMiddleware:
    """Gives every HTTP request an id (the client's ``X-Request-ID`` when it is
    a short safe token, else a new one), stores it in ``scope["state"]``,
    echoes it in the ``X-Request-ID`` response header and logs one access line
    (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        # 64 random bits from the random module (an id to find a request by, not a secret): see
        # service.audit._key
        rid = given if _SAFE_ID.match(given) else f"{random.getrandbits(64):016x}"
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = 500
        sent = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            principal = scope["state"].get("principal")
            who = ""
            if principal is not None and principal.token_id:
                who = f" role={principal.role.value} actor={principal.token_id}"
            client = scope["client"][0] if scope.get("client") else "-"
            ms = (time.perf_counter() - start) * 1000
            access_log.info("%s %s %s %d %dB %.1fms rid=%s%s", client, scope["method"], _logged_path(scope),
                            status, sent, ms, rid, who)


#: the network page: its own scripts and styles only, plus the one rule Cytoscape.js injects
#: (``.__________cytoscape_container { position: relative; }``, allowed by its hash)
PAGE_CSP = ("default-src 'self'; script-src 'self'; "
            "style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")
#: GraphiQL, vendored (api/static/graphiql): scripts, styles and requests to this server only.
#: Its editors set styles from script (allowed by CSP) and GraphiQL's stylesheet embeds its icons as data:
IDE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; "
           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: the pages under /app/ (api/static/app): this server's scripts, styles and requests only, no inline
#: script or style; a form posts nowhere else
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'")
#: JSON answers: nothing to load, never framed
API_CSP = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
    ``Referrer-Policy: no-referrer`` and a ``Content-Security-Policy`` (with
    ``frame-ancestors 'none'``) to every response: :data:`PAGE_CSP` for the
    network page, :data:`IDE_CSP` for GraphiQL, :data:`API_CSP` otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = (scope.get("path") or "").startswith("/network")
        ide = (scope.get("path") or "").startswith("/graphiql")
        app = (scope.get("path") or "").startswith("/app/") or scope.get("path") == "/app"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                names = {k.lower() for k, _ in headers}
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                csp = PAGE_CSP if page else APP_CSP if app else IDE_CSP if html or ide else API_CSP
                for name, value in ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                                    (b"referrer-policy", b"no-referrer"),
                                    (b"content-security-policy", csp.encode())):
                    if name not in names:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with HTTP 413 and a GraphQL-shaped
    JSON error (code BAD_USER_INPUT): by ``Content-Length`` before reading,
    and by counting while streaming when there is none. A body that has not
    arrived in full ``timeout`` seconds after the app first asked for it is HTTP
    408 (the connection is closed): a client that sends half a body and stops
    no longer holds a request open for ever."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, send)
                return
        seen = 0
        started = False
        complete = False
        deadline: float | None = None

        async def counting_receive() -> Message:
            nonlocal seen, complete, deadline
            if complete:  # after the body: a wait for the disconnect, with no deadline
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + self.timeout
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _TooSlow() from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
                complete = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)
        except _TooSlow:
            if not started:
                slow = f"the request body did not arrive within {self.timeout:g} s"
                await self._refuse(scope, send, 408, slow)

    async def _refuse(self, scope: Scope, send: Send, status: int = 413, message: str | None = None) -> None:
        rid = (scope.get("state") or {}).get("request_id")
        ext: dict[str, Any] = {"code": "BAD_USER_INPUT"}
        if rid:
            ext["requestId"] = rid
        text = message or f"request body larger than {self.max_bytes} bytes"
        body = json.dumps({"errors": [{"message": text, "extensions": ext}]}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if status == 408:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
