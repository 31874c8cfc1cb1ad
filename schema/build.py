"""The served schema: ``schema.build.schema`` (default settings) and
:func:`build_schema` for configured limits.

Extensions, in order: the error mapping (every error leaves with a contract
code), strawberry's parser and validation caches, the document guards (long
number literals, several operations without ``operationName``:
:mod:`schema.guards`), the limiters (query depth, aliases, tokens; strawberry
>= 0.315.7, where they cannot be bypassed), and the cost limit per role
(:mod:`schema.cost`), checked last, just before execution.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from service.settings import Settings

from .context import Context
from .cost import CostLimit
from .errors import ErrorCodes
from .fastpath import FastPath
from .guards import DocumentGuards
from .loaders import Loaders
from .mutation import Mutation
from .query import Query


class DolbomSchema(strawberry.Schema):
    """A strawberry schema that leaves error logging to :mod:`schema.errors`
    (strawberry's default logs every user error with a traceback)."""

    #: queries from compiled plans (schema/fastpath.py); None: graphql-core executes every field
    fast_path: FastPath | None = None

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        return None

    def _get_execute_function(self) -> Any:
        """graphql-core's ``execute``, or the fast path's drop-in for it: everything strawberry does
        around execution (the extensions' parse, validation and execute hooks, the guards, the cost
        limit, error mapping) runs as before."""
        if self.fast_path is not None and self.fast_path.enabled \
                and not self.config.enable_experimental_incremental_execution:
            return self.fast_path.execute
        return super()._get_execute_function()


def _fresh(context: Any) -> None:
    """Forget what an abandoned fast attempt left in a request's context (schema/fastpath.py): the
    households it read (audited at the request's end) and the DataLoaders' caches."""
    if isinstance(context, Context):
        context.households_read.clear()
        context.loaders = Loaders(context.store, context.principal)


def build_schema(settings: Settings | None = None) -> DolbomSchema:
    """The schema with the limits of ``settings`` (defaults when None)."""
    s = settings or Settings()
    # The depth and alias limiters' rules, made once per schema: each limiter instance makes new rule
    # classes, and the validation cache is keyed by the rules, so a limiter made per request made every
    # request miss the cache and re-validate its document. The rules keep no state between documents.
    limits = (*QueryDepthLimiter(max_depth=s.max_depth).validation_rules,
              *MaxAliasesLimiter(max_alias_count=s.max_aliases).validation_rules)
    built = DolbomSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            ErrorCodes,
            # factories: a fresh extension per request (the caches live at module level)
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            DocumentGuards,
            lambda: AddValidationRules(list(limits)),  # the depth and alias limits
            lambda: MaxTokensLimiter(max_token_count=s.max_tokens),
            CostLimit,
        ],
    )
    built.fast_path = FastPath(_fresh, enabled=s.fast_execution)
    return built


def __getattr__(name: str) -> Any:
    """``schema``: the schema with default settings, built on first use (the server builds its own
    with its settings; building one is a good part of its start)."""
    if name == "schema":
        built = globals()["schema"] = build_schema()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
