"""Checks of a parsed document that graphql-core leaves to chance.

Each is refused with ``BAD_USER_INPUT`` after parsing, before validation,
where it surfaced as INTERNAL:

* **Number literals.** An ``Int`` literal of thousands of digits makes
  Python's ``int()`` refuse it mid-validation (past 4,300 digits). Any number
  literal longer than :data:`MAX_DIGITS` characters is refused: no Int
  (32-bit) or Float needs more.
* **Empty selections and unknown fragments.** graphql-core parses ``{}``, and
  strawberry's depth limiter fails on it (``max()`` of nothing) and on a spread
  of a fragment the document does not define (``KeyError``) before the
  validation rule that would name it runs.

(A document with several operations and no ``operationName`` is refused by
the HTTP view, which knows what the client sent: ``api.app``.)
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    IntValueNode,
    Node,
    SelectionSetNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

#: the longest number literal a document may hold (an Int has at most 11 characters)
MAX_DIGITS = 50


class _Defects(Visitor):
    def __init__(self, fragments: set[str]) -> None:
        super().__init__()
        self.fragments = fragments
        self.found: tuple[str, Node] | None = None

    def _found(self, message: str, node: Node) -> object:
        self.found = (message, node)
        return self.BREAK

    def enter_int_value(self, node: IntValueNode, *_: object) -> object:
        return self._number(node)

    def enter_float_value(self, node: FloatValueNode, *_: object) -> object:
        return self._number(node)

    def _number(self, node: IntValueNode | FloatValueNode) -> object:
        if len(node.value) > MAX_DIGITS:
            return self._found(f"a number literal of {len(node.value):,} characters: at most {MAX_DIGITS} "
                               f"are accepted", node)
        return None

    def enter_selection_set(self, node: SelectionSetNode, *_: object) -> object:
        if not node.selections:
            return self._found("a selection set must select at least one field", node)
        return None

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> object:
        if node.name.value not in self.fragments:
            return self._found(f"unknown fragment {node.name.value!r}", node)
        return None


class DocumentGuards(SchemaExtension):
    """Refuses over-long number literals, empty selections and unknown fragments."""

    def on_parse(self) -> Iterator[None]:
        yield
        doc = self.execution_context.graphql_document
        if doc is None:  # a syntax error: reported as it is
            return
        defects = _Defects({d.name.value for d in doc.definitions if isinstance(d, FragmentDefinitionNode)})
        visit(doc, defects)
        if defects.found is not None:
            message, node = defects.found
            raise GraphQLError(message, nodes=[node], extensions={"code": "BAD_USER_INPUT"})
