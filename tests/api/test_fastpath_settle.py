"""An awaitable field the fast path gave a task to leaves no coroutine 'never awaited' when that
task is cancelled before its first step.

Two places make such tasks (schema/fastpath.py, as graphql-core does): the pending siblings of a
non-null field that failed are left to settle in the background, and several pending fields are
gathered, their tasks cancelled when the request is abandoned or runs out of its time budget. A
request thread's loop (api/view.py ``_on_thread_loop``) cancels whatever its request left running,
as ``asyncio.run`` does. A task cancelled before its first step never awaits the resolver's
coroutine it was given, which Python then reports as ``RuntimeWarning: coroutine ... was never
awaited`` (seen once in a CI run of tests/api/test_fuzz.py). A tiny schema of its own, so that the
test does not depend on which of the API's fields can fail.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import parse

from schema.fastpath import FastPath

#: the sibling's resolver ran to its end (it must not, once cancelled before it starts)
RAN: list[str] = []


@strawberry.type
class Item:
    n: int

    @strawberry.field
    async def later(self) -> int:
        RAN.append(f"later {self.n}")
        return self.n

    @strawberry.field
    def now(self) -> int:
        if self.n == 2:
            raise ValueError("item 2 fails")
        return self.n


@strawberry.type
class Query:
    @strawberry.field
    async def slow(self) -> int:
        RAN.append("slow")
        return 1

    @strawberry.field
    def boom(self) -> int:
        raise ValueError("boom")

    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(n=1), Item(n=2)]


SCHEMA = strawberry.Schema(query=Query)._schema


def _started(fast: FastPath, query: str) -> Any:
    return fast.execute(SCHEMA, parse(query), context_value=object())


def _others() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


def _warned(scenario: Callable[[FastPath], Awaitable[Any]], *, enabled: bool = True) -> tuple[Any, list[str]]:
    """``scenario`` on a loop, then what Python warned of coroutines never awaited."""
    fast = FastPath(reset=lambda _ctx: None, enabled=enabled)
    RAN.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(scenario(fast))
        finally:
            loop.close()
        gc.collect()
    return result, [str(w.message) for w in caught if "never awaited" in str(w.message)]


def _failing(query: str, *, cancel: bool = True) -> Callable[[FastPath], Awaitable[Any]]:
    async def scenario(fast: FastPath) -> Any:
        result = _started(fast, query)
        result = await result if inspect.isawaitable(result) else result
        left = _others()  # what the answer left settling: cancelled at once, as a request's loop does
        for task in left if cancel else ():
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        return result

    return scenario


def test_a_failed_root_field_leaves_its_pending_sibling_closed_not_dropped() -> None:
    result, warned = _warned(_failing("{ slow boom }"))
    assert result.data is None
    assert [e.message for e in result.errors or []] == ["boom"]
    assert warned == []
    assert RAN == []  # cancelled before it started


def test_a_failed_list_item_leaves_the_earlier_items_pending_fields_closed() -> None:
    # item 1's object is pending (its `later`); item 2's non-null `now` fails, then the non-null
    # item, then the list: item 1 is left to settle, and is cancelled before it starts
    result, warned = _warned(_failing("{ items { later now } }"))
    assert result.data is None
    assert [e.message for e in result.errors or []] == ["item 2 fails"]
    assert warned == []
    assert RAN == []


def test_gathered_fields_cancelled_before_they_start_leave_nothing_unawaited() -> None:
    async def scenario(fast: FastPath) -> Any:
        answer = asyncio.ensure_future(_started(fast, "{ slow later: slow }"))
        await asyncio.sleep(0)  # its first step gathers the two fields: their tasks made, not yet run
        answer.cancel()  # as a time budget does: the gather cancels them before their first step
        return (await asyncio.gather(answer, return_exceptions=True))[0]

    result, warned = _warned(scenario)
    assert isinstance(result, asyncio.CancelledError)
    assert warned == []
    assert RAN == []


def test_the_documents_fail_as_in_graphql_core() -> None:
    """The same documents through graphql-core (the fast path off): the same errors, so the tests
    above are about the fast path's tasks, not about the documents (what is left settles here)."""
    for query, message in (("{ slow boom }", "boom"), ("{ items { later now } }", "item 2 fails")):
        result, _ = _warned(_failing(query, cancel=False), enabled=False)
        assert result.data is None
        assert [e.message for e in result.errors or []] == [message]
