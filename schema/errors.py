"""Error mapping: every GraphQL error leaves with one of the contract's codes.

* :class:`graph.errors.DolbomError` raised on purpose → its ``code``
  (BAD_USER_INPUT, NOT_FOUND, CONFLICT, UNAUTHENTICATED, FORBIDDEN), its
  message (which names the field) and ``extensions.field``;
* errors graphql-core raises itself (syntax, validation, variable coercion,
  the depth/alias/token limiters) → BAD_USER_INPUT;
* a full disk (SQLite's "database or disk is full", ``ENOSPC``) → INTERNAL
  with ``extensions.reason`` ``STORAGE_FULL`` and a message that says nothing
  was written (a unit of work that cannot commit leaves nothing behind);
* anything else (a bug, a store that is down) → INTERNAL with a fixed
  message; the exception and its traceback are logged with the request id,
  which the client gets as ``extensions.requestId``. No traceback ever
  reaches a client.

Messages are in the request's language (``info.context.locale``: ``?locale=``,
``Accept-Language``, ``DOLBOM_LOCALE``; Korean by default): a domain error
raised with an :class:`i18n.Message` is rendered in it, plain English text
gets the Korean sentence of its code first (``error.code.*``); the codes and
``extensions`` never change with the language.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from graph.errors import DolbomError
from i18n import render

log = logging.getLogger("dolbom.api")

CODES = ("UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "INTERNAL")
INTERNAL_MESSAGE = "Internal error. Quote the requestId when you report it."
STORAGE_FULL_MESSAGE = ("The server's storage is full: nothing was written. Try again later, and quote the "
                        "requestId when you report it.")


def storage_full(e: BaseException | None) -> bool:
    """True for a full disk, whichever layer noticed it (SQLite, the OS), also as another error's cause."""
    seen = 0
    while e is not None and seen < 5:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return True
        if type(e).__name__ == "OperationalError" and "full" in str(e).lower():  # sqlite3: SQLITE_FULL
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False

def map_error(error: GraphQLError, request_id: str | None, locale: str = "en") -> GraphQLError:
    """The client-safe form of one error, its message in ``locale`` (see the module docstring)."""
    original = error.original_error
    done = (error.extensions or {}).get("code")
    if original is None and done in CODES:  # mapped already (or raised with its code)
        if request_id and "requestId" not in (error.extensions or {}):  # a copy: the error may be cached
            return GraphQLError(error.message, nodes=error.nodes, source=error.source,
                                positions=error.positions, path=error.path,
                                extensions={**(error.extensions or {}), "requestId": request_id})
        return error
    ext: dict[str, Any] = {}
    if original is None or isinstance(original, GraphQLError):
        message = render("error.code.BAD_USER_INPUT", locale, detail=error.message)
        code = "BAD_USER_INPUT"
    elif isinstance(original, DolbomError) and original.code in CODES and original.code != "INTERNAL":
        message = original.localized(locale)
        code = original.code
        if original.field:
            ext["field"] = original.field
    elif storage_full(original):
        where = ".".join(map(str, error.path or ())) or "-"
        log.error("storage full (request %s) at %s: %s", request_id, where, original)
        message, code = render("error.storage_full", locale), "INTERNAL"
        ext["reason"] = "STORAGE_FULL"
    else:
        log.error(
            "INTERNAL error (request %s) at %s: %s", request_id, ".".join(map(str, error.path or ())) or "-",
            original, exc_info=(type(original), original, original.__traceback__),
        )
        message, code = render("error.internal", locale), "INTERNAL"
    ext["code"] = code
    if request_id:
        ext["requestId"] = request_id
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions=ext)


class ErrorCodes(SchemaExtension):
    """Rewrites every error of a result with :func:`map_error`."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, (GraphQLExecutionResult, StrawberryExecutionResult)) and result.errors:
            rid = getattr(self.execution_context.context, "request_id", None)
            locale = getattr(self.execution_context.context, "locale", "en")
            result.errors = map_errors(result.errors, rid, locale)


def map_errors(errors: list[GraphQLError], request_id: str | None, locale: str = "en") -> list[GraphQLError]:
    """:func:`map_error` over a list (errors already mapped are kept as they are)."""
    return [map_error(e, request_id, locale) for e in errors]
