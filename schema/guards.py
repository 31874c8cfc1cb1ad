"""Checks of a parsed document that graphql-core leaves to chance.

**Number literals.** An ``Int`` literal of thousands of digits makes Python's
``int()`` refuse it mid-validation (past 4,300 digits), which surfaced as
INTERNAL. Any number literal longer than :data:`MAX_DIGITS` characters is
refused first (``BAD_USER_INPUT``, before validation): no Int (32-bit) or
Float needs more.

(A document with several operations and no ``operationName`` is refused by
the HTTP view, which knows what the client sent: ``api.app``.)
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FloatValueNode, GraphQLError, IntValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

#: the longest number literal a document may hold (an Int has at most 11 characters)
MAX_DIGITS = 50


class _LongNumbers(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: IntValueNode | FloatValueNode | None = None

    def enter_int_value(self, node: IntValueNode, *_: object) -> object:
        return self._check(node)

    def enter_float_value(self, node: FloatValueNode, *_: object) -> object:
        return self._check(node)

    def _check(self, node: IntValueNode | FloatValueNode) -> object:
        if len(node.value) > MAX_DIGITS:
            self.found = node
            return self.BREAK
        return None


class DocumentGuards(SchemaExtension):
    """Refuses over-long number literals."""

    def on_parse(self) -> Iterator[None]:
        yield
        doc = self.execution_context.graphql_document
        if doc is None:  # a syntax error: reported as it is
            return
        numbers = _LongNumbers()
        visit(doc, numbers)
        if numbers.found is not None:
            raise GraphQLError(f"a number literal of {len(numbers.found.value):,} characters: at most "
                               f"{MAX_DIGITS} are accepted", nodes=[numbers.found],
                               extensions={"code": "BAD_USER_INPUT"})
