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
    DocumentNode,
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


def defects(doc: DocumentNode) -> tuple[str, Node] | None:
    """The first defect of a document (message, node), or None."""
    found = _Defects({d.name.value for d in doc.definitions if isinstance(d, FragmentDefinitionNode)})
    visit(doc, found)
    return found.found


#: documents shorter than this have their verdict remembered by their text
CACHED_QUERY = 20_000
#: verdicts remembered before the memory is emptied (a bound, so unique documents cannot grow it)
CACHE_SIZE = 1024
_verdicts: dict[str, tuple[str, Node] | None] = {}


def _verdict(query: str, doc: DocumentNode) -> tuple[str, Node] | None:
    """:func:`defects` of ``doc``, the parse of ``query``, remembered by the text (the same text
    parses to the same document, so it has the same verdict)."""
    try:
        return _verdicts[query]
    except KeyError:
        pass
    found = defects(doc)
    if len(_verdicts) >= CACHE_SIZE:
        _verdicts.clear()
    _verdicts[query] = found
    return found


class DocumentGuards(SchemaExtension):
    """Refuses over-long number literals, empty selections and unknown fragments (every request; the
    verdict on a document's text is remembered, as the parser's and the validation's caches do)."""

    def on_parse(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        doc = ec.graphql_document
        if doc is None:  # a syntax error: reported as it is
            return
        query = ec.query
        found = _verdict(query, doc) if query is not None and len(query) < CACHED_QUERY else defects(doc)
        if found is not None:
            message, node = found
            raise GraphQLError(message, nodes=[node], extensions={"code": "BAD_USER_INPUT"})
