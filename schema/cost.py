"""The query cost limit: an estimate of a document's work, refused past the caller's role limit.

Depth, alias and token limits bound a document's shape, not its work: an
anonymous ``services(first: 500) { edges { node { provider { services {
provider { services { id } } } } } } }`` stays within them and still resolves
hundreds of thousands of objects. So before execution every document gets a
cost, from list sizes and nesting:

* a field that returns objects costs ``size × (1 + the cost of its selection)``;
  a scalar or enum field costs nothing (it is read off an object already paid for);
* ``size`` is the field's ``first`` (or ``limit``) argument when it has one, as
  given or by its default, capped by the settings; :data:`LIST_SIZES` for the
  lists whose length is known roughly; :data:`DEFAULT_LIST` (10) for any other
  list; 1 for a single object;
* the analytics add a fixed weight for the work behind them (:data:`WEIGHTS`;
  ``allocate`` also :data:`PER_HOUSEHOLD` per household it plans, and the
  what-would-it-take queries a weight per item of the list they are given,
  :data:`PER_ITEM`: a plan's households, a what-if's changes, new programs);
* fragments count where they are spread, every alias counts again, a union's
  fragments all count, introspection costs :data:`INTROSPECTION`;
* a root query the caller's role is refused outright
  (``service.permissions.REFUSED_QUERIES``) costs nothing: it fails before any
  work with UNAUTHENTICATED or FORBIDDEN, which is the answer the caller should get.

The limit depends on the caller's role (``Settings.max_cost(role)``):
anonymous lowest. Past it the request is ``BAD_USER_INPUT`` before anything
runs, with the estimate and the limit in ``extensions.cost`` / ``extensions.limit``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from service.permissions import REFUSED_QUERIES
from service.principal import Role
from service.settings import Settings

#: the length assumed for a list nothing else says anything about
DEFAULT_LIST = 10
#: lists whose length is known roughly; a connection's ``edges`` are counted by its ``first``
LIST_SIZES: dict[tuple[str, str], int] = {
    ("ServiceConnection", "edges"): 1,
    ("AuditConnection", "edges"): 1,
    ("Query", "coverage"): 100,
    ("Query", "overlaps"): 50,
    ("Query", "overdue"): 100,
    ("Query", "followUpsDue"): 100,
    ("NetworkGraph", "nodes"): 1000,
    ("NetworkGraph", "edges"): 1000,
    ("NetworkAnalytics", "organizations"): 1000,
    ("NetworkAnalytics", "unreferred"): 1000,
    ("Allocation", "assignments"): 100,
    ("Allocation", "unmet"): 100,
    ("Query", "fairness"): 50,
    ("Query", "burnDown"): 100,
    ("Recruitment", "items"): 20,
    ("WhatIfResult", "cover"): 100,
    ("WhatIfResult", "blindSpots"): 100,
}
#: fixed work behind a field, on top of what it returns
WEIGHTS: dict[tuple[str, str], int] = {
    ("Query", "network"): 10_000,
    ("Query", "networkAnalytics"): 5_000,
    ("Query", "coverage"): 5_000,
    ("Query", "overlaps"): 5_000,
    ("Query", "allocate"): 2_000,
    # the what-would-it-take family (schema/whatif.py): a region's places model re-solved per candidate
    # (recruitment), the coverage and overlaps of a view twice (whatIf), allocate re-run per candidate
    # change of each unmet need (whatWouldItTakeForPlan), a household's match re-run per candidate
    ("Query", "recruitment"): 10_000,
    ("Query", "whatIf"): 10_000,
    ("Query", "whatWouldItTakeForPlan"): 5_000,
    ("Query", "fairness"): 5_000,
    ("Query", "whatWouldItTake"): 2_000,
    ("Query", "burnDown"): 1_000,
    ("Query", "matchPackages"): 1_000,
    ("Query", "overdue"): 500,
    ("Query", "followUpsDue"): 500,
    ("Query", "auditLog"): 100,
}
#: ``allocate``: the work per household planned
PER_HOUSEHOLD = 2
#: the work per item of a list argument: (argument, weight per item)
PER_ITEM: dict[tuple[str, str], tuple[str, int]] = {
    ("Query", "whatWouldItTakeForPlan"): ("householdIds", 20),  # an allocate and its re-runs
    ("Query", "whatIf"): ("changes", 200),  # each applied to the copy and checked
    ("Query", "recruitment"): ("newService", 1_000),  # each a candidate re-solved on its components
}
#: ``__schema`` / ``__type``: a fixed price, whatever is selected
INTROSPECTION = 100


class _Estimate:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any], settings: Settings) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.settings = settings
        #: the variables the estimate read, in the order it read them (see cached_estimate)
        self.used: dict[str, None] = {}

    def selection(self, node: SelectionSetNode | None, parent: GraphQLNamedType | None,
                  spreading: frozenset[str] = frozenset(), skip: frozenset[str] = frozenset()) -> int:
        if node is None or parent is None:
            return 0
        total = 0
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                if sel.name.value not in skip:
                    total += self.field(sel, parent, spreading)
            elif isinstance(sel, InlineFragmentNode):
                cond = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                total += self.selection(sel.selection_set, cond, spreading, skip)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = self.fragments.get(name)
                if frag is not None and name not in spreading:  # a cycle is a validation error anyway
                    cond = self.schema.get_type(frag.type_condition.name.value)
                    total += self.selection(frag.selection_set, cond, spreading | {name}, skip)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, spreading: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0 if name == "__typename" else INTROSPECTION
        fields = getattr(parent, "fields", None)
        definition = fields.get(name) if fields else None
        if definition is None:
            return 0
        key = (parent.name, name)
        args = {a.name.value: a.value for a in node.arguments or ()}
        weight = WEIGHTS.get(key, 0)
        if key == ("Query", "allocate"):
            weight += PER_HOUSEHOLD * self._length(args.get("householdIds"))
        elif key in PER_ITEM:
            arg, per = PER_ITEM[key]
            weight += per * self._length(args.get(arg))
        if node.selection_set is None:
            return weight
        rtype = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        size = self._size(key, args, definition.args, isinstance(rtype, GraphQLList))
        inner = self.selection(node.selection_set, get_named_type(definition.type), spreading)
        return weight + size * (1 + inner)

    def _size(self, key: tuple[str, str], args: Mapping[str, ValueNode], defined: Mapping[str, Any],
              is_list: bool) -> int:
        s = self.settings
        for arg, cap in (("first", s.max_first), ("limit", s.max_match_limit)):
            if arg in defined:
                default = defined[arg].default_value
                given = self._int(args[arg]) if arg in args else default if isinstance(default, int) else None
                return cap if given is None else max(0, min(given, cap))
        if key in LIST_SIZES:
            return LIST_SIZES[key]
        return DEFAULT_LIST if is_list else 1

    def _value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            self.used.setdefault(node.name.value)
            return self.variables.get(node.name.value)
        return node

    def _int(self, node: ValueNode) -> int | None:
        """An Int argument's value, or None when it is not one (coercion will refuse it)."""
        v = self._value(node)
        if isinstance(v, IntValueNode):
            try:
                return int(v.value)
            except ValueError:
                return None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def _length(self, node: ValueNode | None) -> int:
        v = self._value(node)
        if isinstance(v, ListValueNode):
            return len(v.values)
        if isinstance(v, list):
            return len(v)
        return 1 if v is not None else 0


def _operations(document: DocumentNode) -> Iterator[OperationDefinitionNode]:
    return (d for d in document.definitions if isinstance(d, OperationDefinitionNode))


def estimate(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
             variables: Mapping[str, Any] | None = None, settings: Settings | None = None,
             role: Role = Role.COORDINATOR) -> int:
    """The cost of the operation a request would run for a caller of ``role`` (see the module docstring)."""
    return _estimate(schema, document, operation_name, variables or {}, settings or Settings(), role)[0]


def _estimate(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
              variables: Mapping[str, Any], settings: Settings, role: Role) -> tuple[int, tuple[str, ...]]:
    """The cost and the names of the variables it depends on."""
    ops = [o for o in _operations(document)
           if operation_name is None or (o.name is not None and o.name.value == operation_name)]
    if not ops:
        return 0, ()
    op = ops[0]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(op.operation)
    walk = _Estimate(schema, fragments, variables, settings)
    skip = REFUSED_QUERIES.get(role, frozenset()) if op.operation.value == "query" else frozenset()
    return walk.selection(op.selection_set, root, skip=skip), tuple(walk.used)


#: documents shorter than this have their estimates cached (longer ones are walked every time)
CACHED_QUERY = 20_000
#: entries of each cache before it is emptied (a bound, so unique documents cannot grow memory)
CACHE_SIZE = 1024
_read_vars: dict[tuple[Any, ...], tuple[str, ...]] = {}
_costs: dict[tuple[Any, ...], int] = {}


def _shape(value: Any) -> tuple[Any, ...]:
    """What :class:`_Estimate` reads of a variable's value: an int, a list's length, null or neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ("i", value)
    if isinstance(value, list):
        return ("l", len(value))
    return ("n",) if value is None else ("o",)


def cached_estimate(schema: GraphQLSchema, query: str | None, document: DocumentNode,
                    operation_name: str | None, variables: Mapping[str, Any], settings: Settings,
                    role: Role) -> int:
    """:func:`estimate`, remembered by the document's text, the operation, the caller's role, the
    settings' caps and what the estimate reads of the variables (their ints and list lengths, not
    their other values): a ``matchPackages`` for another household costs what the last one did
    without walking the document again. The document is the parse of ``query`` (strawberry's parser
    cache gives the same one for the same text)."""
    if query is None or len(query) >= CACHED_QUERY:
        return estimate(schema, document, operation_name, variables, settings, role)
    key = (schema, query, operation_name, role, settings.max_first, settings.max_match_limit)
    names = _read_vars.get(key)
    if names is not None:
        full = (*key, tuple(_shape(variables.get(n)) for n in names))
        cost = _costs.get(full)
        if cost is not None:
            return cost
    cost, names = _estimate(schema, document, operation_name, variables, settings, role)
    if len(_costs) >= CACHE_SIZE or len(_read_vars) >= CACHE_SIZE:
        _costs.clear()
        _read_vars.clear()
    _read_vars[key] = names
    _costs[(*key, tuple(_shape(variables.get(n)) for n in names))] = cost
    return cost


class CostLimit(SchemaExtension):
    """Refuses, before execution, a document whose :func:`estimate` is over the caller's limit."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        ctx = ec.context
        settings = getattr(ctx, "settings", None) or Settings()
        principal = getattr(ctx, "principal", None)
        role = principal.role if principal is not None else Role.ANONYMOUS
        if ec.graphql_document is not None:
            refused = over_limit(ec.schema._schema, ec.query, ec.graphql_document, ec.operation_name,
                                 ec.variables or {}, settings, role)
            if refused is not None:
                raise refused
        yield


def over_limit(schema: GraphQLSchema, query: str | None, document: DocumentNode, operation_name: str | None,
               variables: Mapping[str, Any], settings: Settings, role: Role) -> GraphQLError | None:
    """The refusal of a document whose :func:`cached_estimate` is over ``role``'s limit; None within it
    (:class:`CostLimit`, and the HTTP view's prepared documents: ``api.view``)."""
    cost = cached_estimate(schema, query, document, operation_name, variables, settings, role)
    limit = settings.max_cost(role.value)
    if cost <= limit:
        return None
    return GraphQLError(f"this query would cost about {cost:,}, over the limit of {limit:,} for a "
                        f"{role.value} caller: ask for fewer items (first), less nesting or fewer aliases",
                        extensions={"code": "BAD_USER_INPUT", "cost": cost, "limit": limit})
