"""Error mapping: every GraphQL error leaves with one of the contract's codes.

* :class:`graph.errors.DolbomError` raised on purpose → its ``code``
  (BAD_USER_INPUT, NOT_FOUND, CONFLICT, UNAUTHENTICATED, FORBIDDEN), its
  message (which names the field) and ``extensions.field``;
* errors graphql-core raises itself (syntax, validation, variable coercion,
  the depth/alias/token limiters) → BAD_USER_INPUT;
* anything else (a bug, a store that is down) → INTERNAL with a fixed
  message; the exception and its traceback are logged with the request id,
  which the client gets as ``extensions.requestId``. No traceback ever
  reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from graph.errors import DolbomError

log = logging.getLogger("dolbom.api")

CODES = ("UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "INTERNAL")
INTERNAL_MESSAGE = "Internal error. Quote the requestId when you report it."

def map_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """The client-safe form of one error (see the module docstring)."""
    original = error.original_error
    done = (error.extensions or {}).get("code")
    if original is None and done in CODES:  # mapped already
        return error
    ext: dict[str, Any] = {}
    if original is None or isinstance(original, GraphQLError):
        message = error.message
        code = "BAD_USER_INPUT"
    elif isinstance(original, DolbomError) and original.code in CODES and original.code != "INTERNAL":
        message = str(original)
        code = original.code
        if original.field:
            ext["field"] = original.field
    else:
        log.error(
            "INTERNAL error (request %s) at %s: %s", request_id, ".".join(map(str, error.path or ())) or "-",
            original, exc_info=(type(original), original, original.__traceback__),
        )
        message, code = INTERNAL_MESSAGE, "INTERNAL"
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
            result.errors = map_errors(result.errors, rid)


def map_errors(errors: list[GraphQLError], request_id: str | None) -> list[GraphQLError]:
    """:func:`map_error` over a list (errors already mapped are kept as they are)."""
    return [map_error(e, request_id) for e in errors]
