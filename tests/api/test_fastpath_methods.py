"""Fields resolved by a plain method of their type (``ServicePackage.items``, ``PackageItem.resource``)
are called directly by the fast path, without strawberry's resolver wrapper, only where nothing
else could run on the way; answers and errors stay graphql-core's.

A small schema of its own holds one field of each kind: a method taking only ``self`` (called
directly), and methods that take ``info``, an argument or ``root``, one guarded by a permission
class, an async one, one that fails, one that answers with an awaitable (all kept on strawberry's
resolver, or handed to graphql-core, as before).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import strawberry
from graphql import parse
from strawberry.permission import BasePermission

from schema import fastpath
from schema.fastpath import FastPath, _self_method


class Deny(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Thing:
    n: int

    @strawberry.field
    def plain(self) -> int:
        return self.n * 10

    @strawberry.field
    def with_info(self, info: strawberry.Info) -> str:
        return info.field_name

    @strawberry.field
    def with_arg(self, x: int) -> int:
        return self.n + x

    @strawberry.field
    def with_root(self, root: strawberry.Parent[Thing]) -> int:
        return root.n

    @strawberry.field(permission_classes=[Deny])
    def guarded(self) -> int | None:
        return self.n

    @strawberry.field
    async def later(self) -> int:
        return self.n

    @strawberry.field
    def fails(self) -> int | None:
        raise ValueError(f"thing {self.n} fails")

    @strawberry.field
    def sneaky(self) -> int:
        async def value() -> int:
            return self.n

        return value()  # type: ignore[return-value]


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [Thing(n=1), Thing(n=2)]


SCHEMA = strawberry.Schema(query=Query)._schema
THING = SCHEMA.type_map["Thing"]


def _reader(field: str) -> Any:
    f = THING.fields[field]  # type: ignore[attr-defined]
    return _self_method(f.extensions["strawberry-definition"], f.resolve)


def test_only_a_method_taking_nothing_but_self_is_called_directly() -> None:
    assert _reader("plain") is not None
    for kept in ("withInfo", "withArg", "withRoot", "guarded", "later"):
        assert _reader(kept) is None, kept


def test_a_field_without_a_resolver_is_not_a_method() -> None:
    assert _reader("n") is None


def _answer(query: str, enabled: bool) -> str:
    fast = FastPath(reset=lambda _ctx: None, enabled=enabled)

    async def run() -> Any:
        result = fast.execute(SCHEMA, parse(query), context_value=object())
        return await result if asyncio.iscoroutine(result) else result

    r = asyncio.run(run())
    errors = [{"message": e.message, "path": e.path} for e in r.errors or []]
    return json.dumps({"data": r.data, "errors": errors})


@pytest.mark.parametrize("query", [
    "{ things { n plain withInfo withArg(x: 5) withRoot later } }",
    "{ things { plain guarded } }",  # the permission's error, as strawberry gives it
    "{ things { plain fails n } }",  # a method's exception: its path and a null, the rest answered
])
def test_answers_and_errors_are_graphql_cores(query: str) -> None:
    before = dict(fastpath.stats)
    fast = _answer(query, enabled=True)
    assert fastpath.stats["fast"] - before["fast"] == 1  # the fast path answered it, not graphql-core
    assert fast == _answer(query, enabled=False)


def test_a_method_answering_with_an_awaitable_goes_to_graphql_core() -> None:
    before = dict(fastpath.stats)
    fast = _answer("{ things { plain sneaky } }", enabled=True)
    assert fastpath.stats["abandoned"] - before["abandoned"] == 1
    assert fast == _answer("{ things { plain sneaky } }", enabled=False)
    assert json.loads(fast)["data"] == {"things": [{"plain": 10, "sneaky": 1}, {"plain": 20, "sneaky": 2}]}
