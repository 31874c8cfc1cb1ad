"""An execution fast path for queries: graphql-core's answer, without its per-field machinery.

graphql-core executes a document field by field: for every field of every object it looks the
field up, builds a :class:`~graphql.GraphQLResolveInfo`, checks for middleware and awaitables,
and dispatches on the return type; a 50-item ``services`` page is ~250 such steps (~2 ms), four
times the work of the service call behind it. Most of that depends on the document alone, so
here it is done once per (document, operation name, values of the ``@skip``/``@include``
variables): a *plan* of each selection set with fragments, inline fragments, directives and
``__typename`` already resolved per concrete type (by graphql-core's own ``collect_fields`` /
``collect_subfields``) and a completion function per field's return type. Running a plan:

* calls each field's own resolver (the ``GraphQLField``'s ``resolve``, else the executor's
  default resolver) with a real ``GraphQLResolveInfo`` built by the executor strawberry uses,
  and arguments coerced by graphql-core's ``get_argument_values``; strawberry's resolvers of
  plain attributes (``_is_default``, which ignore ``info`` and take no arguments) are called
  without building one, and so are the methods of a type that take only ``self`` when nothing
  else could run on strawberry's way to them (:func:`_method_reader`): the method itself is called;
* serializes leaves with each scalar's / enum's own ``coerce_output_value``;
* handles errors with the executor's own ``handle_field_error`` (located errors, null
  propagation through non-null fields and list items, as the spec says), so ``data`` and
  ``errors`` are those of graphql-core, key order included (``tests/api/test_fastpath.py``).

Objects whose selected fields (on that concrete type, with no ``is_type_of``) are all plain
attributes (strawberry fields with no resolver and no arguments), methods of the type taking
only ``self`` (as above) or ``__typename``, of leaf types, lists, such objects again and unions
of such objects (a ``services`` page's connection, edges and services; a match's packages,
items, their resource, a service or a volunteer, needs and flags), are completed *straight*
(:class:`_Straight`): one function generated from the plan reads the attributes, calls the
methods and builds the dicts and lists directly, each leaf through the same coercer (a ``str``
as ``String``/``ID`` and a ``bool`` as ``Boolean`` are their own answers, an enum member is
looked up; a value of any other type is given to the coercer), a union's value as the member
whose Python class it is exactly (:meth:`_Shape.union`); list fields of such items get one too.
It gives up a value on anything out of the ordinary (an exception or an awaitable as a value,
None or Undefined where the type is non-null, a list that is not a ``list`` or ``tuple``, a
coercer's None, Undefined or error, a union's value of another class or cast with
``strawberry.cast``, any exception), and the generic plan completes that value from the start,
field by field as above: reading plain attributes and such methods (they read their object and
do nothing else) twice changes nothing, and the answer and its errors stay graphql-core's
(``tests/api/test_fastpath_straight.py``). A
value's awaitability is checked once per Python type for objects and list items (a type whose
instances may be awaitable, a generator or a coroutine or one with ``__await__``, is checked per
value).

Resolvers that are ``async`` (the root fields, DataLoader reads below them) are awaited as
graphql-core awaits them: a field's awaitable completes in a coroutine of its own
(``complete_awaitable_value``), the awaitables of a selection set or a list are awaited in place
when there is one and gathered otherwise, and a non-null field's error lets the others settle in
the background; only the parts of a plan below such a field are compiled to expect awaitables.
A task made for such an awaitable that is cancelled before its first step (a request thread's
loop cancels what its request left) closes the coroutine it was given (:func:`_tasks`).

What it does not do falls back to graphql-core's execution (:func:`graphql.execute`), decided
when the plan is compiled: mutations and subscriptions, operation directives, fragment
variables, ``@defer``/``@stream``, introspection fields (``__schema``, ``__type``), any
middleware (an extension with per-field hooks), an abort signal or execution hooks, a custom
field or type resolver. At run time, an awaitable where the plan expects none (a synchronous
resolver, ``resolve_type`` or ``is_type_of`` answering with one, a list of awaitables or an async
iterable) abandons the fast result: the awaitables are closed or cancelled, ``reset(context)``
forgets what the attempt left in the per-request context (the households it read, the
DataLoaders) and the operation runs through graphql-core from the start; that plan is not tried
again. Variable coercion errors are graphql-core's (the executor is built by its own ``build``).
"""

from __future__ import annotations

import asyncio
import enum
import functools
import keyword
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from inspect import CORO_CREATED, getcoroutinestate, iscoroutine, isfunction, signature
from types import CoroutineType, GeneratorType
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    get_argument_values,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql import execute as graphql_execute
from graphql.execution.collect_fields import collect_fields, collect_subfields
from graphql.execution.executor import Executor, invalid_return_type_error
from graphql.language import FragmentDefinitionNode, Visitor, visit
from graphql.pyutils import Path, inspect, is_iterable
from graphql.pyutils import is_awaitable as default_is_awaitable
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from graphql.type.scalars import (
    serialize_boolean,
    serialize_float,
    serialize_id,
    serialize_int,
    serialize_string,
)
from strawberry.execution import optimized_is_awaitable
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

__all__ = ["FastPath", "stats"]

#: plans kept (documents x operation names x @skip/@include variable values)
MAX_PLANS = 512
#: strawberry's own ``StrawberryField.get_result``: a field class that overrides it keeps its resolver
_GET_RESULT = StrawberryField.get_result
#: strawberry's own ``StrawberryResolver.__call__`` (see :func:`_self_method`)
_RESOLVER_CALL = StrawberryResolver.__call__
#: strawberry's type resolver of its unions (see :meth:`_Shape.union`)
_UNION_MODULE = "strawberry.types.union"
_UNION_RESOLVER = "StrawberryUnion.get_type_resolver.<locals>._resolve_union_type"

#: straight completion (see :class:`_Straight`) for the plans compiled from now on; off: every
#: object is completed field by field (kept for measuring one against the other)
STRAIGHT = True
#: the executors' ``is_awaitable`` that the straight code's own check (graphql-core's) agrees with
_AWAITABLE_CHECKS = (default_is_awaitable, optimized_is_awaitable)

#: counters: fast (answered here), fallback (compiled as unsupported), abandoned (gave up at run time)
stats: dict[str, int] = {"fast": 0, "fallback": 0, "abandoned": 0, "compiled": 0}


class _Unsupported(Exception):
    """The plan cannot be made: graphql-core executes this operation."""


class _Abandon(BaseException):  # not an Exception: no field's error handling may catch it
    """A resolver answered with an awaitable: graphql-core executes this operation."""

    def __init__(self, awaitable: Any = None) -> None:
        super().__init__()
        self.awaitable = awaitable


class _Field:
    """One response key of a selection set on one concrete type."""

    __slots__ = ("name", "field_def", "resolve", "basic", "details", "nodes", "first_node", "has_args",
                 "return_type", "parent_type", "complete", "lazy_path", "is_async", "may_await", "reader",
                 "method", "typename")

    def __init__(self, name: str, field_def: Any, resolve: Callable[..., Any], basic: bool, details: Any,
                 parent_type: GraphQLObjectType) -> None:
        self.name = name
        self.field_def = field_def
        self.resolve = resolve
        self.basic = basic
        self.details = details
        self.nodes = [d.node for d in details]
        self.first_node = details[0].node
        self.has_args = bool(field_def.args or self.first_node.arguments)
        self.return_type = field_def.type
        self.parent_type = parent_type
        self.complete: Callable[..., Any] = _never
        self.lazy_path = False
        #: its resolver may answer with an awaitable (strawberry's async resolvers; any at the root)
        self.is_async = False
        #: its value may be an awaitable: an async resolver here or below
        self.may_await = False
        #: a plain attribute's ``(read, python_name)``: its value is ``read(source, python_name)``
        self.reader: tuple[Callable[[Any, str], Any], str] | None = None
        #: a method of the parent's type taking only ``self`` (:func:`_self_method`): its value is
        #: ``method(source)``
        self.method: Callable[[Any], Any] | None = None
        #: ``__typename``: the parent type's name
        self.typename: str | None = None


def _never(*_: Any) -> Any:  # pragma: no cover - replaced when the field is compiled
    raise AssertionError("field not compiled")


def _typename(source: Any, info: Any, **_: Any) -> Any:  # pragma: no cover - replaced per parent type
    return info.parent_type.name


class _Compiler:
    """Builds the plan of one operation with one executor's variables (only their ``@skip`` /
    ``@include`` values matter; see :func:`_directive_variables`)."""

    def __init__(self, ex: Executor) -> None:
        self.ex = ex
        self.straight = _Straight() if STRAIGHT else None

    def fields(self, parent_type: GraphQLObjectType, grouped: Any, root: bool = False) -> list[_Field]:
        """The plan of a selection set (``root``: the operation's)."""
        out = []
        schema = self.ex.schema
        for name, details in grouped.items():
            for d in details:
                if d.defer_usage is not None or d.fragment_variable_values is not None:
                    raise _Unsupported("@defer or fragment variables")
            field_name = details[0].node.name.value
            field_def = schema.get_field(parent_type, field_name)
            if field_def is None:  # graphql-core leaves the key out (validation forbids it anyway)
                continue
            if field_def is SchemaMetaFieldDef or field_def is TypeMetaFieldDef:
                raise _Unsupported("introspection")
            if field_def is TypeNameMetaFieldDef:
                type_name = parent_type.name
                f = _Field(name, field_def, lambda _s, _i, _n=type_name: _n, True, details, parent_type)
                f.typename = type_name
            else:
                definition = (field_def.extensions or {}).get("strawberry-definition")
                resolve = field_def.resolve or self.ex.field_resolver
                basic = bool(getattr(resolve, "_is_default", False)) and not field_def.args
                plain = _plain_attribute(definition) if basic else None
                method = None
                if basic:
                    resolve = _attribute_reader(definition) or resolve
                elif not field_def.args and (method := _self_method(definition, resolve)) is not None:
                    resolve, basic = _method_reader(method), True  # called as a plain field is: no info
                f = _Field(name, field_def, resolve, basic, details, parent_type)
                f.is_async = root or bool(getattr(definition, "is_async", False))
                if not f.has_args and not f.is_async:
                    f.reader = plain
                    f.method = method
            f.complete = self.completer(f.return_type, f)
            if self.straight is not None:
                f.complete = self.straight.list_field(f.complete)
            f.lazy_path = f.basic and getattr(f.complete, "leaf", False)
            f.may_await = f.is_async or _may_await(f.complete)
            out.append(f)
        return out

    def completer(self, rtype: GraphQLOutputType, f: _Field) -> Callable[..., Any]:
        """``complete(ex, value, path, field_path, info)``: graphql-core's ``complete_value``
        for ``rtype`` (``info`` may be None: it is built when needed)."""
        if is_non_null_type(rtype):
            inner_type = rtype.of_type
            inner = self.completer(inner_type, f)
            message = f"Cannot return null for non-nullable field {f.parent_type}.{f.first_node.name.value}."
            if is_leaf_type(inner_type):  # the leaf's completion inlined: one call less per value
                coerce = _leaf_coercer(inner_type)

                def complete_non_null_leaf(ex: Executor, value: Any, path: Path, fpath: Path,
                                           info: Any) -> Any:
                    if isinstance(value, Exception):
                        raise value
                    if value is None or value is Undefined:
                        raise TypeError(message)
                    coerced = coerce(value)
                    if coerced is Undefined or coerced is None:
                        raise TypeError(_leaf_message(inner_type, value, coerced))
                    return coerced

                complete_non_null_leaf.leaf = True  # type: ignore[attr-defined]
                complete_non_null_leaf.shape = _Shape("non_null", inner=inner.shape)  # type: ignore[attr-defined]
                return complete_non_null_leaf

            def complete_non_null(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                if isinstance(value, Exception):
                    raise value
                completed = inner(ex, value, path, fpath, info)
                if completed is None:
                    raise TypeError(message)
                return completed

            complete_non_null.shape = _Shape.of("non_null", inner)  # type: ignore[attr-defined]
            return _marked(complete_non_null, _may_await(inner))
        if is_list_type(rtype):
            item_type = rtype.of_type
            item = self.completer(item_type, f)
            leaf_items = getattr(item, "leaf", False)
            items_await = _may_await(item)
            not_iterable = ("Expected Iterable, but did not find one for field"
                            f" '{f.parent_type}.{f.first_node.name.value}'.")
            details = f.details

            def complete_list(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                if isinstance(value, Exception):
                    raise value
                if value is None or value is Undefined:
                    return None
                if ex.is_async_iterable(value):
                    raise _Abandon()
                if not is_iterable(value):
                    raise GraphQLError(not_iterable)
                is_awaitable = ex.is_awaitable
                out: list[Any] = []
                append = out.append
                if leaf_items:  # a leaf's completion reads no path: made only for an error
                    for index, one in enumerate(value):
                        if is_awaitable(one):
                            raise _Abandon(one)
                        try:
                            append(item(ex, one, None, fpath, info))
                        except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                            ex.handle_field_error(raw, item_type, details, path.add_key(index, None))
                            append(None)
                    return out
                if not items_await:
                    for index, one in enumerate(value):
                        item_path = path.add_key(index, None)
                        if is_awaitable(one):
                            raise _Abandon(one)
                        try:
                            append(item(ex, one, item_path, fpath, info))
                        except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                            ex.handle_field_error(raw, item_type, details, item_path)
                            append(None)
                    return out
                # graphql-core's complete_iterable_value with items whose completion may be awaited
                pending: list[int] = []
                given: list[Any] = []  # what each pending item's wrapper awaits
                try:
                    for index, one in enumerate(value):
                        item_path = path.add_key(index, None)
                        if is_awaitable(one):
                            raise _Abandon(one)
                        try:
                            completed = item(ex, one, item_path, fpath, info)
                            if is_awaitable(completed):
                                append(_await_item(ex, completed, item_type, details, item_path))
                                pending.append(index)
                                given.append(completed)
                            else:
                                append(completed)
                        except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                            ex.handle_field_error(raw, item_type, details, item_path)
                            append(None)
                except Exception:
                    if pending:
                        _settle_in_background(ex, [out[i] for i in pending], given)
                    raise
                except BaseException:
                    _let_go([out[i] for i in pending], given)
                    raise
                if not pending:
                    return out

                return _items_completed(out, pending, given)

            complete_list.shape = _Shape.of("list", item)  # type: ignore[attr-defined]
            return _marked(complete_list, items_await)
        if is_leaf_type(rtype):
            coerce = _leaf_coercer(rtype)

            def complete_leaf(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                if isinstance(value, Exception):
                    raise value
                if value is None or value is Undefined:
                    return None
                coerced = coerce(value)
                if coerced is Undefined or coerced is None:
                    raise TypeError(_leaf_message(rtype, value, coerced))
                return coerced

            complete_leaf.leaf = True  # type: ignore[attr-defined]
            complete_leaf.shape = _Shape("leaf", rtype=rtype, coerce=coerce)  # type: ignore[attr-defined]
            return complete_leaf
        if is_abstract_type(rtype):
            plans = {t.name: self.object_plan(t, f) for t in self.ex.schema.get_possible_types(rtype)}
            resolve_type = rtype.resolve_type or self.ex.type_resolver

            def complete_abstract(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                if isinstance(value, Exception):
                    raise value
                if value is None or value is Undefined:
                    return None
                if info is None:
                    info = ex.build_resolve_info(f.field_def, f.nodes, f.parent_type, fpath)
                runtime = resolve_type(value, info, rtype)
                if ex.is_awaitable(runtime):
                    raise _Abandon(runtime)
                otype = ex.ensure_valid_runtime_type(runtime, rtype, f.details, info, value)
                return plans[otype.name](ex, value, path, fpath, info)

            complete_abstract.shape = _Shape.union(rtype, plans)  # type: ignore[attr-defined]
            return _marked(complete_abstract, any(_may_await(p) for p in plans.values()))
        if is_object_type(rtype):
            plan = self.object_plan(rtype, f)

            def complete_object(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                if isinstance(value, Exception):
                    raise value
                if value is None or value is Undefined:
                    return None
                return plan(ex, value, path, fpath, info)

            complete_object.shape = getattr(plan, "shape", None)  # type: ignore[attr-defined]
            return _marked(complete_object, _may_await(plan))
        raise _Unsupported(f"output type {rtype}")  # pragma: no cover - not reachable in a valid schema

    def object_plan(self, otype: GraphQLObjectType, f: _Field) -> Callable[..., Any]:
        """graphql-core's ``complete_object_value`` of ``otype`` under field ``f`` (without the
        null checks, done by the caller)."""
        ex = self.ex
        collected = collect_subfields(ex.schema, ex.fragments, ex.variable_values, ex.operation, otype,
                                      f.details, ex.hide_suggestions)
        fields = self.fields(otype, collected.grouped_field_set)
        is_type_of = otype.is_type_of
        details = f.details

        awaits = any(one.may_await for one in fields)
        run = _run if awaits else _run_sync
        shape = _Shape.object(otype, fields) if is_type_of is None and self.straight is not None else None
        straight = None if shape is None else self.straight.object_function(shape)  # type: ignore[union-attr]
        if shape is not None and straight is not None:
            def field_by_field(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                return run(ex, fields, otype, value, path)

            return _straight_first(straight, shape, field_by_field)
        if is_type_of is None:
            def complete_fields(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
                return run(ex, fields, otype, value, path)

            return _marked(complete_fields, awaits)

        def complete_checked(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
            if info is None:
                info = ex.build_resolve_info(f.field_def, f.nodes, f.parent_type, fpath)
            ok = is_type_of(value, info)
            if ex.is_awaitable(ok):
                raise _Abandon(ok)
            if not ok:
                raise invalid_return_type_error(otype, value, details)
            return run(ex, fields, otype, value, path)

        return _marked(complete_checked, awaits)


class _Bail(Exception):
    """The straight code met something it does not complete itself: the generic plan does."""


class _NoStraight(Exception):
    """A straight function cannot be made (one of an object inside failed to compile)."""


#: objects inside an object inlined in its straight function down to this depth, called below it
_INLINE_DEPTH = 6


def _bail() -> Any:
    raise _Bail


def _check_value(value: Any, ok: set[type]) -> None:
    """An object (or a list's item) of a straight plan whose type is not in ``ok`` yet: None,
    Undefined, an exception or an awaitable (graphql-core's ``is_awaitable``) give up; otherwise
    its type joins ``ok``, unless its instances may be awaitable (a generator, a coroutine, a type
    with ``__await__``), which are checked one by one."""
    if value is None or value is Undefined or isinstance(value, Exception) or default_is_awaitable(value):
        raise _Bail
    kind = type(value)
    if not issubclass(kind, (CoroutineType, GeneratorType)) and not hasattr(kind, "__await__"):
        ok.add(kind)


def _let_go_of(value: Any) -> Any:
    """A coroutine a method answered with in the straight code: closed (no "never awaited" warning)
    and given up; the generic plan calls the method again and gives the request to graphql-core. An
    awaitable of another kind is no list, leaf or object the straight code completes: given up too."""
    _close(value)
    raise _Bail


def _union_value(value: Any, table: dict[type, Callable[[Any], Any]]) -> Any:
    """A union's value completed by the function of the member whose Python class it is exactly
    (see :meth:`_Shape.union`); anything else (None, another class, a ``strawberry.cast``) gives up."""
    function = table.get(type(value))
    if function is None or getattr(value, TYPE_CAST_ATTRIBUTE, None) is not None:
        raise _Bail
    return function(value)


def _leaf_value(value: Any, coerce: Callable[[Any], Any]) -> Any:
    """A leaf the straight code's type checks did not settle: ``coerce``'s answer, or give up
    where the generic completion would raise, answer None or abandon."""
    if value is None or value is Undefined or isinstance(value, Exception) or default_is_awaitable(value):
        raise _Bail
    coerced = coerce(value)
    if coerced is None or coerced is Undefined:
        raise _Bail
    return coerced


#: coercers whose answer for a value of exactly this type is the value itself
_IDENTITY: tuple[tuple[Callable[[Any], Any], str], ...] = (
    (serialize_string, "str"), (serialize_id, "str"), (serialize_boolean, "bool"))
#: coercers whose answer for a value of exactly this type is never None (a value or an error)
_NEVER_NONE: tuple[tuple[Callable[[Any], Any], str], ...] = (
    (serialize_int, "int"), (serialize_float, "float"))


class _Shape:
    """What a completer completes, for :class:`_Straight`: a ``leaf`` (its type and coercer), a
    ``non_null`` or ``list`` of an ``inner`` shape, an ``object`` whose ``fields`` are all plain
    attributes, methods taking only ``self`` or ``__typename``, each of a shape, or a ``union``
    of such objects told apart by their Python class (``members``: class -> object shape).
    Completers of anything else (an interface, an object with ``is_type_of``, a field with
    arguments or ``info``) have none, nor do those around them."""

    __slots__ = ("kind", "rtype", "coerce", "inner", "fields", "members", "function", "failed", "ok")

    def __init__(self, kind: str, rtype: Any = None, coerce: Any = None, inner: _Shape | None = None,
                 fields: list[_Field] | None = None, members: dict[type, _Shape] | None = None) -> None:
        self.kind = kind
        self.rtype = rtype
        self.coerce = coerce
        self.inner = inner
        self.fields = fields or []
        self.members = members or {}
        #: an object's straight function, made once
        self.function: Callable[[Any], Any] | None = None
        self.failed = False
        #: types of an object's values met so far that are neither exceptions nor awaitables
        self.ok: set[type] = set()

    @staticmethod
    def of(kind: str, inner_complete: Callable[..., Any]) -> _Shape | None:
        inner = getattr(inner_complete, "shape", None)
        return None if inner is None else _Shape(kind, inner=inner)

    @staticmethod
    def object(otype: GraphQLObjectType, fields: list[_Field]) -> _Shape | None:
        for f in fields:
            if f.typename is None and ((f.reader is None and f.method is None)
                                       or getattr(f.complete, "shape", None) is None):
                return None
        return _Shape("object", rtype=otype, fields=fields)

    @staticmethod
    def union(rtype: Any, plans: dict[str, Callable[..., Any]]) -> _Shape | None:
        """A strawberry union whose members all have object shapes: strawberry resolves a value whose
        class is exactly a member's Python class (not generic, not ``strawberry.cast``) to that member
        (``StrawberryObjectDefinition.is_implemented_by``: the definitions are the same object), and
        graphql-core then completes it as that member, which is what the straight code does."""
        resolver = getattr(rtype, "resolve_type", None)
        if (not isinstance(rtype, GraphQLUnionType) or getattr(resolver, "__module__", None) != _UNION_MODULE
                or getattr(resolver, "__qualname__", None) != _UNION_RESOLVER):
            return None
        members: dict[type, _Shape] = {}
        for member in rtype.types:
            shape = getattr(plans.get(member.name), "shape", None)
            definition = (member.extensions or {}).get("strawberry-definition")
            origin = getattr(definition, "origin", None)
            if (shape is None or shape.kind != "object" or member.is_type_of is not None
                    or not isinstance(definition, StrawberryObjectDefinition) or definition.is_graphql_generic
                    or definition.concrete_of is not None or not isinstance(origin, type)
                    or origin.__dict__.get("__strawberry_definition__") is not definition
                    or origin in members):
                return None
            members[origin] = shape
        return _Shape("union", rtype=rtype, members=members)


class _Code:
    """The namespace and names of one generated function."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"B": _bail, "K": _check_value, "L": _leaf_value, "U": _union_value,
                                           "CO": CoroutineType, "Z": _let_go_of}
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any, prefix: str) -> str:
        name = self.name(prefix)
        self.namespace[name] = value
        return name

    def function(self, lines: list[str], title: str) -> Callable[[Any], Any]:
        source = "\n".join(lines)
        exec(compile(source, f"<straight {title}>", "exec"), self.namespace)  # noqa: S102
        function: Callable[[Any], Any] = self.namespace["straight"]
        function.source = source  # type: ignore[attr-defined] # to read what was made
        return function


class _Straight:
    """Straight completion: for an object whose selected fields are all plain attributes, methods
    taking only ``self`` (or ``__typename``) of leaves, lists, such objects and unions of them, one
    generated function reads the attributes, calls the methods and builds the answer's dicts and
    lists directly, each leaf through the coercer of its plan (``_leaf_coercer``: a ``str`` for
    ``String``/``ID`` or a ``bool`` for ``Boolean`` is its own answer, an enum member is looked up),
    a union's value by the function of the member of its class; a list field of such items gets one
    too. Anything else (an exception or an awaitable as a value, None or Undefined where the type is
    non-null, a list that is not a ``list`` or ``tuple``, a coercer's None or error, a union's value
    of no member's class or cast, any exception) makes it give up that value, which the generic plan
    then completes from the start: reading plain attributes and such methods again changes nothing,
    and the generic plan gives graphql-core's data and errors."""

    def object_function(self, shape: _Shape) -> Callable[[Any], Any] | None:
        """The object's straight function; None when it cannot be made (then neither can those of
        the objects and lists around it: their completers have no shape)."""
        if shape.function is None and not shape.failed:
            try:
                code = _Code()
                lines = ["def straight(s):"]
                self._object(code, shape, "s", "r", True, "    ", lines, 0)
                lines.append("    return r")
                shape.function = code.function(lines, shape.rtype.name)
            except (_NoStraight, SyntaxError, MemoryError, ValueError):
                shape.failed = True
        return shape.function

    def list_field(self, complete: Callable[..., Any]) -> Callable[..., Any]:
        """A field's completer of a list with a shape, made to try the straight function first."""
        shape = getattr(complete, "shape", None)
        core = shape.inner if shape is not None and shape.kind == "non_null" else shape
        if shape is None or core is None or core.kind != "list":
            return complete
        try:
            code = _Code()
            straight = code.function(["def straight(v):", f"    return {self._expr(code, shape, 'v')}"],
                                     "list")
        except (_NoStraight, SyntaxError, MemoryError, ValueError):
            return complete

        return _straight_first(straight, shape, complete)

    def _object(self, code: _Code, shape: _Shape, src: str, dst: str, non_null: bool, indent: str,
                lines: list[str], depth: int) -> None:
        """Statements setting ``dst`` to the object ``src`` completed (None when nullable and None);
        the objects of its fields inlined down to :data:`_INLINE_DEPTH`, called below."""
        if not non_null:
            lines += [f"{indent}if {src} is None:", f"{indent}    {dst} = None", f"{indent}else:"]
            indent += "    "
        ok = code.const(shape.ok, "OK")
        lines += [f"{indent}if type({src}) not in {ok}:", f"{indent}    K({src}, {ok})"]
        items = []
        for f in shape.fields:
            key = repr(f.name)
            if f.typename is not None:
                items.append(f"{key}: {f.typename!r}")
                continue
            value = code.name("v")
            if f.method is not None:  # a coroutine let go of (any other awaitable fails the checks below)
                lines += [f"{indent}{value} = {code.const(f.method, 'M')}({src})",
                          f"{indent}if type({value}) is CO:", f"{indent}    Z({value})"]
            else:
                assert f.reader is not None
                read, python_name = f.reader
                if read is getattr and python_name.isidentifier() and not keyword.iskeyword(python_name):
                    lines.append(f"{indent}{value} = {src}.{python_name}")
                else:
                    lines.append(f"{indent}{value} = {code.const(read, 'R')}({src}, {python_name!r})")
            fshape: _Shape = f.complete.shape  # type: ignore[attr-defined]
            inner = fshape.inner if fshape.kind == "non_null" else fshape
            assert inner is not None
            if inner.kind == "object" and depth < _INLINE_DEPTH:
                done = code.name("d")
                self._object(code, inner, value, done, fshape.kind == "non_null", indent, lines, depth + 1)
                items.append(f"{key}: {done}")
            else:
                items.append(f"{key}: {self._expr(code, fshape, value)}")
        lines.append(f"{indent}{dst} = {{{', '.join(items)}}}")

    def _expr(self, code: _Code, shape: _Shape, src: str, non_null: bool = False) -> str:
        """An expression of ``src`` (a name) completed: a leaf, a list, an object (by its function)."""
        if shape.kind == "non_null":
            assert shape.inner is not None
            return self._expr(code, shape.inner, src, True)
        if shape.kind == "leaf":
            return self._leaf(code, shape, src, non_null)
        if shape.kind == "list":
            assert shape.inner is not None
            item = code.name("y")
            body = (f"[{self._expr(code, shape.inner, item)} for {item} in {src}] "
                    f"if type({src}) is list or type({src}) is tuple else B()")
            return f"({body})" if non_null else f"(None if {src} is None else {body})"
        if shape.kind == "union":
            table = {origin: self.object_function(member) for origin, member in shape.members.items()}
            if any(function is None for function in table.values()):
                raise _NoStraight
            call = f"U({src}, {code.const(table, 'T')})"
            return call if non_null else f"(None if {src} is None else {call})"
        function = self.object_function(shape)
        if function is None:
            raise _NoStraight
        call = f"{code.const(function, 'O')}({src})"
        return call if non_null else f"(None if {src} is None else {call})"

    @staticmethod
    def _leaf(code: _Code, shape: _Shape, src: str, non_null: bool) -> str:
        coerce = shape.coerce
        c = code.const(coerce, "C")
        slow = f"L({src}, {c})" if non_null else f"(None if {src} is None else L({src}, {c}))"
        for known, kind in _IDENTITY:
            if coerce is known:
                return f"({src} if type({src}) is {kind} else {slow})"
        for known, kind in _NEVER_NONE:
            if coerce is known:
                return f"({c}({src}) if type({src}) is {kind} else {slow})"
        members = getattr(coerce, "members", None)
        if members is not None and not hasattr(members[0], "__await__"):
            wrapped, names = code.const(members[0], "W"), code.const(members[1].get, "N")
            return f"(({names}(id({src})) if type({src}) is {wrapped} else None) or {slow})"
        return slow


def _straight_first(straight: Callable[[Any], Any], shape: Any,
                    generic: Callable[..., Any]) -> Callable[..., Any]:
    """A completion that answers with ``straight(value)`` and, on any anomaly (it raises), with the
    ``generic`` completion of the same value from the start (the straight code has no side effects)."""
    def complete_straight(ex: Executor, value: Any, path: Path, fpath: Path, info: Any) -> Any:
        if ex.is_awaitable in _AWAITABLE_CHECKS:
            try:
                return straight(value)
            except Exception:  # noqa: BLE001, S110 - any anomaly: completed by the generic plan below
                pass
        return generic(ex, value, path, fpath, info)

    complete_straight.shape = shape  # type: ignore[attr-defined]
    complete_straight.straight = straight  # type: ignore[attr-defined]
    return _marked(complete_straight, False)


def _attribute_reader(definition: Any) -> Callable[[Any, Any], Any] | None:
    """For a strawberry field with no resolver (its ``_get_basic_result``): what that calls,
    ``field.get_result(source, None, [], {})``, i.e. ``default_resolver(source, python_name)``,
    with the two read once here instead of through the field's properties on every value;
    None when the field is not such a plain field (then its own resolver is kept)."""
    plain = _plain_attribute(definition)
    if plain is None:
        return None
    read, name = plain
    return lambda source, _info: read(source, name)


def _self_method(definition: Any, resolve: Any) -> Callable[[Any], Any] | None:
    """For a strawberry field whose resolver is a plain synchronous method of its type taking only
    ``self`` (``ServicePackage.items``, ``PackageItem.resource``): what strawberry's resolver ends up
    calling, ``method``, called as ``method(source)`` (:func:`_method_reader`; the straight code
    calls it itself) without making the field's ``Info``, converting no arguments and building no
    extension chain on every value. None when anything else could run on the way: field extensions
    (permissions are one), exception handlers, arguments, ``info``/``root``/``parent``, an async
    resolver, a field or resolver class of its own; then strawberry's resolver is kept. Such methods
    here read their object and have no other effect (a value the straight code gives up is read
    again, field by field)."""
    if not isinstance(definition, StrawberryField) or type(definition).get_result is not _GET_RESULT:
        return None
    resolver = definition.base_resolver
    if (resolver is None or type(resolver).__call__ is not _RESOLVER_CALL or definition.extensions
            or resolver.is_async or resolver.arguments or not _without_exception_handlers(resolve)
            or resolver.self_parameter is None or resolver.info_parameter is not None
            or resolver.root_parameter is not None or resolver.parent_parameter is not None):
        return None
    method = resolver.wrapped_func
    if not isfunction(method) or list(signature(method).parameters) != [resolver.self_parameter.name]:
        return None
    return method


def _method_reader(method: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """A field's resolver calling :func:`_self_method`'s ``method(source)``. A method that answers
    with an awaitable all the same gives the request to graphql-core, as any unplanned awaitable
    does."""

    def read(source: Any, _info: Any) -> Any:
        result = method(source)
        if default_is_awaitable(result):  # not planned for: graphql-core answers this request
            raise _Abandon(result)
        return result

    return read


def _without_exception_handlers(resolve: Any) -> bool:
    """True when ``resolve`` is strawberry's field resolver with no exception handler to apply (the
    tuple its closure holds, made once when the schema was built); False when unsure."""
    code = getattr(resolve, "__code__", None)
    cells = getattr(resolve, "__closure__", None)
    if code is None or cells is None or "field_exception_handlers" not in code.co_freevars:
        return False
    handlers = cells[code.co_freevars.index("field_exception_handlers")].cell_contents
    return isinstance(handlers, tuple) and not handlers


def _plain_attribute(definition: Any) -> tuple[Callable[[Any, str], Any], str] | None:
    """``(default_resolver, python_name)`` of a strawberry field with no resolver (see
    :func:`_attribute_reader`), else None."""
    if (not isinstance(definition, StrawberryField) or type(definition).get_result is not _GET_RESULT
            or not definition.is_basic_field):
        return None
    read = definition.default_resolver
    name = definition.python_name
    if not isinstance(name, str):
        return None
    return read, name


def _leaf_coercer(rtype: Any) -> Callable[[Any], Any]:
    """``rtype.coerce_output_value``; for an enum over a Python ``Enum`` (strawberry's, which
    scans every value of the enum and reads two ``.value`` per value, each a descriptor call),
    each member's answer computed once here by that same function and looked up by the
    member's identity; anything not exactly one of those members still goes to it."""
    coerce: Callable[[Any], Any] = rtype.coerce_output_value
    wrapped = getattr(rtype, "wrapped_cls", None)
    if not (isinstance(wrapped, type) and issubclass(wrapped, enum.Enum)):
        return coerce
    names: dict[int, Any] = {}
    for member in wrapped.__members__.values():
        try:
            names[id(member)] = coerce(member)
        except Exception:  # noqa: BLE001 - such a member keeps its error, raised when it is served
            continue
    get = names.get

    def coerce_member(value: Any) -> Any:
        if type(value) is wrapped:  # the class's members live (and keep their ids) as long as it does
            found = get(id(value))
            if found is not None:
                return found
        return coerce(value)

    coerce_member.members = (wrapped, names)  # type: ignore[attr-defined] # for _Straight
    return coerce_member


def _marked(complete: Callable[..., Any], may_await: bool) -> Callable[..., Any]:
    complete.may_await = may_await  # type: ignore[attr-defined]
    return complete


def _may_await(complete: Callable[..., Any]) -> bool:
    return bool(getattr(complete, "may_await", False))


def _leaf_message(rtype: Any, value: Any, coerced: Any) -> str:
    """graphql-core's ``complete_leaf_value`` error."""
    return (f"Expected `{inspect(rtype)}.coerce_output_value({inspect(value)})` to "
            f"return non-nullable value, returned: {inspect(coerced)}")


def _run_sync(ex: Executor, fields: list[_Field], parent_type: GraphQLObjectType, source: Any,
              path: Path | None) -> dict[str, Any]:
    """:func:`_run` for a selection set where no value is awaited (most of them): no bookkeeping."""
    results: dict[str, Any] = {}
    type_name = parent_type.name
    for f in fields:
        if f.lazy_path:  # a plain attribute's leaf: no path unless it fails
            try:
                results[f.name] = f.complete(ex, f.resolve(source, None), None, None, None)
            except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                ex.handle_field_error(raw, f.return_type, f.details, Path(path, f.name, type_name))
                results[f.name] = None
            continue
        fpath = Path(path, f.name, type_name)
        info = None
        try:
            if f.basic:
                result = f.resolve(source, None)
            else:
                info = ex.build_resolve_info(f.field_def, f.nodes, parent_type, fpath)
                args = (get_argument_values(f.field_def, f.first_node, ex.variable_values, None,
                                            ex.hide_suggestions) if f.has_args else {})
                result = f.resolve(source, info, **args)
                if ex.is_awaitable(result):  # not planned for: graphql-core answers this request
                    raise _Abandon(result)
            results[f.name] = f.complete(ex, result, fpath, fpath, info)
        except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
            ex.handle_field_error(raw, f.return_type, f.details, fpath)
            results[f.name] = None
    return results


def _run(ex: Executor, fields: list[_Field], parent_type: GraphQLObjectType, source: Any,
         path: Path | None) -> Any:
    """graphql-core's ``execute_fields`` (and ``execute_field``) over a compiled selection set: a dict,
    or an awaitable of it when fields answered with awaitables (one awaited in place, several
    gathered)."""
    results: dict[str, Any] = {}
    type_name = parent_type.name
    is_awaitable = ex.is_awaitable
    awaitable_fields: list[str] = []
    given: list[Any] = []  # what each awaitable field's wrapper awaits: its resolver's result or completion
    try:
        for f in fields:
            if f.lazy_path:  # a plain attribute's leaf: no path unless it fails
                try:
                    results[f.name] = f.complete(ex, f.resolve(source, None), None, None, None)
                except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                    ex.handle_field_error(raw, f.return_type, f.details, Path(path, f.name, type_name))
                    results[f.name] = None
                continue
            fpath = Path(path, f.name, type_name)
            info = None
            try:
                if f.basic:
                    result = f.resolve(source, None)
                else:
                    info = ex.build_resolve_info(f.field_def, f.nodes, parent_type, fpath)
                    args = (get_argument_values(f.field_def, f.first_node, ex.variable_values, None,
                                                ex.hide_suggestions) if f.has_args else {})
                    result = f.resolve(source, info, **args)
                    if is_awaitable(result):
                        if not f.is_async:  # not planned for: graphql-core answers this request
                            raise _Abandon(result)
                        results[f.name] = _complete_awaited(ex, f, fpath, info, result)
                        awaitable_fields.append(f.name)
                        given.append(result)
                        continue
                completed = f.complete(ex, result, fpath, fpath, info)
                if f.may_await and is_awaitable(completed):
                    results[f.name] = _await_completed(ex, f, fpath, completed)
                    awaitable_fields.append(f.name)
                    given.append(completed)
                    continue
                results[f.name] = completed
            except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
                ex.handle_field_error(raw, f.return_type, f.details, fpath)
                results[f.name] = None
    except Exception:  # a non-null field's error: the others settle in the background, as in graphql-core
        if awaitable_fields:
            _settle_in_background(ex, [results[name] for name in awaitable_fields], given)
        raise
    except BaseException:  # abandoned: none of them may run (they would write into the context)
        _let_go([results[name] for name in awaitable_fields], given)
        raise
    if not awaitable_fields:
        return results

    return _fields_completed(results, awaitable_fields, given)


async def _fields_completed(results: dict[str, Any], names: list[str], given: list[Any]) -> dict[str, Any]:
    """An object's fields once its pending ones (``names``) are complete: one awaited in place, several
    gathered (graphql-core's ``get_results``). Never started, :func:`_close` lets go of them."""
    if len(names) == 1:
        results[names[0]] = await results[names[0]]
    else:
        results.update(zip(names, await _gather([results[n] for n in names], given), strict=True))
    return results


async def _items_completed(out: list[Any], pending: list[int], given: list[Any]) -> list[Any]:
    """A list's items once its pending ones (at ``pending``) are complete (graphql-core's
    ``get_completed``). Never started, :func:`_close` lets go of them."""
    if len(pending) == 1:
        out[pending[0]] = await out[pending[0]]
    else:
        for i, done in zip(pending, await _gather([out[i] for i in pending], given), strict=True):
            out[i] = done
    return out


def _parts_never_started(coroutine: Any) -> tuple[list[Any], list[Any]] | None:
    """The pending parts (their wrappers, and what those were given) of an object's or a list's
    completion that never started, which closing it alone would leave never awaited."""
    code = coroutine.cr_code
    if code not in (_fields_completed.__code__, _items_completed.__code__) \
            or getcoroutinestate(coroutine) != CORO_CREATED:
        return None
    args = coroutine.cr_frame.f_locals  # a coroutine not started holds just its arguments
    if code is _fields_completed.__code__:
        return [args["results"][n] for n in args["names"]], args["given"]
    return [args["out"][i] for i in args["pending"]], args["given"]


async def _await_completed(ex: Executor, f: _Field, fpath: Path, completed: Any) -> Any:
    """graphql-core's ``execute_field``'s ``await_completed``."""
    try:
        return await completed
    except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
        ex.handle_field_error(raw, f.return_type, f.details, fpath)
        return None


async def _await_item(ex: Executor, completed: Any, item_type: Any, details: Any, item_path: Path) -> Any:
    """graphql-core's ``complete_list_item_value``'s ``await_completed``."""
    try:
        return await completed
    except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
        ex.handle_field_error(raw, item_type, details, item_path)
        return None


async def _complete_awaited(ex: Executor, f: _Field, fpath: Path, info: Any, result: Any) -> Any:
    """graphql-core's ``complete_awaitable_value`` (without an abort signal)."""
    try:
        resolved = await result
        completed = f.complete(ex, resolved, fpath, fpath, info)
        if ex.is_awaitable(completed):
            completed = await completed
    except Exception as raw:  # noqa: BLE001 - graphql-core's handling, as it does
        ex.handle_field_error(raw, f.return_type, f.details, fpath)
        completed = None
    return completed


async def _gather(wrappers: list[Any], given: list[Any]) -> list[Any]:
    """graphql-core's ``gather_with_cancel``, which also cancels the others when the fast path
    abandons (a BaseException): none of them may go on writing into the request's context. A wrapper
    cancelled before it starts lets go of what it was given (:func:`_tasks`)."""
    futures = _tasks(wrappers, given)
    try:
        return await asyncio.gather(*futures)
    except BaseException:
        for future in futures:
            if not future.done():
                future.cancel()
        await asyncio.gather(*futures, return_exceptions=True)
        raise


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.other = False

    def enter_directive(self, node: Any, *_: Any) -> None:
        if node.name.value not in ("skip", "include"):
            self.other = True
        for arg in node.arguments or ():
            if arg.value.kind == "variable":
                self.names.add(arg.value.name.value)

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        if node.variable_definitions:
            self.other = True


class _Document:
    """What is known of one document: its ``@skip``/``@include`` variables and its plans."""

    __slots__ = ("document", "variables", "unsupported", "plans")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document  # kept alive while cached: its id cannot be reused meanwhile
        finder = _DirectiveVariables()
        visit(document, finder)
        self.variables = tuple(sorted(finder.names))
        self.unsupported = finder.other
        self.plans: dict[Any, Any] = {}


class FastPath:
    """``execute``: a drop-in for :func:`graphql.execute` (the function strawberry calls) that
    answers queries from compiled plans. ``reset(context)`` must make the per-request context
    as new (see the module docstring); ``enabled`` False makes it graphql-core's ``execute``."""

    def __init__(self, reset: Callable[[Any], None] | None, enabled: bool = True) -> None:
        self.reset = reset
        self.enabled = enabled
        self._documents: OrderedDict[int, _Document] = OrderedDict()
        self._lock = threading.Lock()

    def _document(self, document: DocumentNode) -> _Document:
        key = id(document)
        with self._lock:
            known = self._documents.get(key)
            if known is not None and known.document is document:
                self._documents.move_to_end(key)
                return known
            known = self._documents[key] = _Document(document)
            while len(self._documents) > MAX_PLANS:
                self._documents.popitem(last=False)
            return known

    def execute(self, schema: GraphQLSchema, document: DocumentNode, root_value: Any = None,
                context_value: Any = None, variable_values: dict[str, Any] | None = None,
                operation_name: str | None = None, **kwargs: Any) -> Any:
        def normal() -> Any:
            return graphql_execute(schema, document, root_value, context_value, variable_values,
                                   operation_name, **kwargs)

        if not self.enabled or self.reset is None:
            return normal()
        middleware = kwargs.get("middleware")
        custom = ("field_resolver", "type_resolver", "abort_signal", "hooks")
        if (middleware is not None and getattr(middleware, "middlewares", True)) \
                or any(kwargs.get(k) is not None for k in custom) or kwargs.get("enable_early_execution") \
                or schema.get_directive("defer") or schema.get_directive("stream"):
            stats["fallback"] += 1
            return normal()
        doc = self._document(document)
        if doc.unsupported:
            stats["fallback"] += 1
            return normal()
        executor_class = kwargs.get("executor_class") or Executor
        build_args = {k: v for k, v in kwargs.items()
                      if k not in ("executor_class", "field_resolver", "type_resolver")}
        ex = executor_class.build(schema, document, root_value, context_value, variable_values,
                                  operation_name, **build_args)
        if isinstance(ex, list):  # an unknown operation, variables that do not coerce: graphql-core's errors
            return ExecutionResult(None, errors=ex)
        operation: OperationDefinitionNode = ex.operation
        coerced = ex.variable_values.coerced
        key = (operation_name, tuple(repr(coerced.get(n, Undefined)) for n in doc.variables))
        plan = doc.plans.get(key)
        if plan is None:
            plan = doc.plans[key] = self._compile(ex, operation)
        if plan is False:
            stats["fallback"] += 1
            return normal()
        def abandon(abandoned: _Abandon) -> None:
            _close(abandoned.awaitable)
            doc.plans[key] = False  # graphql-core from now on
            stats["abandoned"] += 1
            self.reset(context_value)  # type: ignore[misc]

        try:
            try:
                data: Any = _run(ex, plan, schema.query_type, root_value, None)  # type: ignore[arg-type]
            except GraphQLError as error:  # a non-null root field's error: no data at all
                ex.collected_errors.add(error, None)
                data = None
        except _Abandon as abandoned:
            abandon(abandoned)
            return normal()
        if ex.is_awaitable(data):
            pending = data

            async def await_result() -> Any:
                try:
                    try:
                        done = await pending
                    except GraphQLError as error:
                        ex.collected_errors.add(error, None)
                        return ex.build_response(None)
                except _Abandon as abandoned:
                    abandon(abandoned)
                    return await _await_maybe(normal())
                stats["fast"] += 1
                return ex.build_response(done)

            return await_result()
        stats["fast"] += 1
        return ex.finish(ex.build_response(data))

    @staticmethod
    def _compile(ex: Executor, operation: OperationDefinitionNode) -> list[_Field] | bool:
        if operation.operation is not OperationType.QUERY or operation.directives:
            return False
        root = ex.schema.query_type
        if root is None:
            return False
        try:
            collected = collect_fields(ex.schema, ex.fragments, ex.variable_values, root, operation,
                                       ex.hide_suggestions)
            plan = _Compiler(ex).fields(root, collected.grouped_field_set, root=True)
        except (_Unsupported, RecursionError):
            return False
        stats["compiled"] += 1
        return plan


async def _await_maybe(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) or asyncio.isfuture(value) else value


def _settle_in_background(ex: Executor, wrappers: list[Any], given: list[Any]) -> None:
    """``ex.settle_in_background(wrappers)``, as graphql-core does with a failed non-null field's
    siblings. A wrapper whose task is cancelled before it starts (a request thread's loop cancels what
    its request left running: ``api.view``) lets go of the coroutine it was given (``given``, in the
    same order), which would otherwise be left 'never awaited'; a future is left to whoever else
    awaits it (a DataLoader's is shared)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # nothing can run them: graphql-core closes them
        _let_go(wrappers, given)
        return
    ex.settle_in_background(list[Awaitable[Any]](_tasks(wrappers, given)))


def _tasks(wrappers: list[Any], given: list[Any]) -> list[asyncio.Future[Any]]:
    """A task for each wrapper; one cancelled before its first step closes the coroutine its wrapper
    was given (``given``, in the same order), which no one would await otherwise."""
    tasks = []
    for wrapper, inner in zip(wrappers, given, strict=True):
        task = asyncio.ensure_future(wrapper)
        if iscoroutine(inner):
            task.add_done_callback(functools.partial(_close_if_cancelled, inner))
        tasks.append(task)
    return tasks


def _close_if_cancelled(inner: Any, task: asyncio.Future[Any]) -> None:
    if task.cancelled():
        _close(inner)  # awaited and ended by the cancellation, or never started: no warning either way


def _let_go(wrappers: list[Any], given: list[Any]) -> None:
    """Close wrappers that will never run, and the awaitables they were given."""
    for one in (*wrappers, *given):
        _close(one)


def _close(awaitable: Any) -> None:
    """Let go of an awaitable the fast path will not await (no 'never awaited' warning)."""
    if awaitable is None:
        return
    if iscoroutine(awaitable):
        parts = _parts_never_started(awaitable)
        awaitable.close()
        if parts is not None:
            _let_go(*parts)
    elif hasattr(awaitable, "cancel"):
        awaitable.cancel()
