"""The fast path's straight completion (schema/fastpath.py ``_Straight``) answers exactly as
graphql-core does, and is the one that answers a ``services`` page.

Objects made only of plain attributes are completed by one generated function, which gives a value
back to the generic plan on anything out of the ordinary. Here: the real schema's services pages
and matches compared with graphql-core, with a count of the objects the generic plan completed
(none of a page's edges and services, all of them with the straight completion turned off); and
on small schemas, every kind of value the straight code must not complete itself (a None, an
exception, Undefined where the type is non-null, an iterable that is not a list, a value the
enum or scalar refuses, a coercer answering None, a missing attribute, an awaitable), each
compared with graphql-core's data and errors (messages, paths, locations, key order) and shown to
have been handed to the generic plan.
"""

from __future__ import annotations

import asyncio
import enum
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Annotated, Any, NewType

import pytest
import strawberry
from graphql import Undefined
from strawberry.schema.config import StrawberryConfig

from schema import fastpath
from schema.build import DolbomSchema, build_schema
from schema.context import Context
from schema.fastpath import FastPath
from service.principal import Principal, Role
from service.settings import Settings

COORDINATOR = Principal(Role.COORDINATOR, token_id="t-coord")
CASEWORKER = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")


@pytest.fixture
def generic_runs(monkeypatch) -> Counter:
    """Counts, by parent type, the selection sets the generic plan completes (``_run_sync``) in the
    plans compiled from now on (each binds the function when it is compiled)."""
    counted: Counter = Counter()
    real = fastpath._run_sync

    def counting(ex: Any, fields: Any, parent_type: Any, source: Any, path: Any) -> Any:
        counted[parent_type.name] += 1
        return real(ex, fields, parent_type, source, path)

    monkeypatch.setattr(fastpath, "_run_sync", counting)
    return counted


def _text(result: Any) -> str:
    return json.dumps({"data": result.data, "errors": [e.formatted for e in result.errors or ()]},
                      ensure_ascii=False, default=repr)


# -- the real schema ------------------------------------------------------------------------------

SERVICES_PAGE = """query($domain: Domain) { services(domain: $domain, first: 50) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name domains } } } }"""
MATCH = """query($id: ID!) { matchPackages(householdId: $id, limit: 3) {
  rank cost providerCount coveredDomains missingDomains
  items { resource { ... on Service { id } ... on Volunteer { id } } needs { id } reasons }
  flags { kind domain needIds serviceIds message } } }"""
#: services pages and matches written other ways: aliases, fragments, __typename, other fields
DOCUMENTS: list[tuple[str, dict[str, Any] | None]] = [
    (SERVICES_PAGE, None),
    (SERVICES_PAGE, {"domain": "LEGAL"}),
    (SERVICES_PAGE, {"domain": "HEALTH"}),
    ("{ services(first: 3) { edges { node { __typename id capacity leadTimeDays cost active form tags "
     "domains } cursor __typename } pageInfo { __typename endCursor hasNextPage } totalCount } }", None),
    ("query { a: services(first: 2) { e: edges { n: node { ...S } } } b: services(first: 1) { totalCount } } "
     "fragment S on Service { name i: id ... on Service { domains } }", None),
    ("{ services(first: 4) { edges { node { id available capacityPeriod } } } }", None),
    (MATCH, {"id": "hh-0001"}),
    (MATCH, {"id": "hh-0002"}),
    (MATCH, {"id": "hh-0003"}),
    ("{ matchPackages(householdId: \"hh-0001\") { flags { __typename kind domain reason needIds } "
     "items { needs { id domain severity status __typename } } } }", None),
]


@pytest.fixture(scope="module")
def store(sample_db):
    from graph.embedded import EmbeddedStore

    opened = EmbeddedStore(sample_db)
    yield opened
    opened.close()


def _run_all(schema: Any, store: Any, who: Principal, cases: list[tuple[str, dict | None]]) -> list[str]:
    async def main() -> list[str]:
        out = []
        for query, variables in cases:
            ctx = Context(store=store, principal=who, settings=Settings())
            out.append(_text(await schema.execute(query, variable_values=variables, context_value=ctx)))
        return out

    return asyncio.run(main())


@pytest.mark.parametrize("who", [COORDINATOR, CASEWORKER], ids=["coordinator", "caseworker"])
def test_services_pages_and_matches_answer_as_graphql_core_does(store, who, generic_runs):
    fast = build_schema(Settings())
    slow = build_schema(Settings(fast_execution=False))
    before = dict(fastpath.stats)
    got = _run_all(fast, store, who, DOCUMENTS)
    expected = _run_all(slow, store, who, DOCUMENTS)
    for case, a, b in zip(DOCUMENTS, got, expected, strict=True):
        assert a == b, case
    # each executed by the fast path itself (a match refused before execution has no data)
    executed = sum(json.loads(t)["data"] is not None for t in got)
    assert executed >= len(DOCUMENTS) - 1 and fastpath.stats["fast"] - before["fast"] == executed
    pages = [json.loads(t)["data"] for t in got[:3]]
    assert all(p["services"]["edges"] for p in pages), pages  # the sample has services to show
    matched = [(json.loads(t)["data"] or {}).get("matchPackages") for t in got[6:9]]
    assert any(p and p[0]["items"] for p in matched), matched
    # the straight completion answered every object: plain attributes, methods taking only self
    # (a service's `available`, a package's items and flags, an item's resource and needs) and the
    # union of an item's resource
    assert json.loads(got[5])["data"]["services"]["edges"]  # services with `available`
    assert dict(generic_runs) == {}


def test_the_services_page_is_completed_straight_and_field_by_field_when_turned_off(store, generic_runs,
                                                                                    monkeypatch):
    """The same page through a plan with the straight completion and one without: the same answer,
    and only the second completes the page's connection, edges and services field by field."""
    slow = build_schema(Settings(fast_execution=False))
    (expected,) = _run_all(slow, store, COORDINATOR, [(SERVICES_PAGE, None)])
    edges = len(json.loads(expected)["data"]["services"]["edges"])
    assert edges > 2

    on = build_schema(Settings())
    assert _run_all(on, store, COORDINATOR, [(SERVICES_PAGE, None)]) == [expected]
    assert dict(generic_runs) == {}

    monkeypatch.setattr(fastpath, "STRAIGHT", False)
    off = build_schema(Settings())
    assert _run_all(off, store, COORDINATOR, [(SERVICES_PAGE, None)]) == [expected]
    assert generic_runs["ServiceEdge"] == edges and generic_runs["Service"] == edges
    assert generic_runs["ServiceConnection"] == 1 and generic_runs["PageInfo"] == 1


def test_a_match_is_completed_straight_and_field_by_field_when_turned_off(store, generic_runs, monkeypatch):
    """A match's packages, items, resources (a union of services and volunteers), needs and flags:
    one straight function with it, the generic plan for each object without it; the same answer."""
    cases = [(MATCH, {"id": h.id}) for h in store.list("Household")]
    slow = build_schema(Settings(fast_execution=False))
    expected = _run_all(slow, store, COORDINATOR, cases)
    answers = [json.loads(t)["data"]["matchPackages"] for t in expected]
    items = [i for a in answers for p in a for i in p["items"]]
    assert items and all(i["resource"] for i in items), answers  # the sample's matches show resources
    assert _run_all(build_schema(Settings()), store, COORDINATOR, cases) == expected
    assert dict(generic_runs) == {}

    monkeypatch.setattr(fastpath, "STRAIGHT", False)
    assert _run_all(build_schema(Settings()), store, COORDINATOR, cases) == expected
    assert generic_runs["ServicePackage"] == sum(len(a) for a in answers)
    assert generic_runs["PackageItem"] == len(items)
    assert generic_runs["Service"] + generic_runs["Volunteer"] == len(items)


def test_the_page_plan_is_one_function_per_edge_and_reads_the_attributes_itself():
    """What the page's plan is made of: the connection's straight function reads its attributes
    and calls the edge's, which reads the service's attributes inline (no function per service)."""
    from graphql import parse
    from graphql.execution.executor import Executor

    schema = build_schema(Settings())
    ex = Executor.build(schema._schema, parse(SERVICES_PAGE), None, None, {"domain": "LEGAL"})
    assert not isinstance(ex, list)
    plan = schema.fast_path._compile(ex, ex.operation)  # type: ignore[union-attr]
    assert isinstance(plan, list)
    shape = plan[0].complete.shape  # type: ignore[union-attr] # services: ServiceConnection!
    assert shape.kind == "non_null" and shape.inner.kind == "object"
    connection = shape.inner.function.source
    assert "s.edges" in connection and "s.total_count" in connection and ".has_next_page" in connection
    edges = next(f for f in shape.inner.fields if f.name == "edges").complete.shape
    edge = edges.inner.inner.inner  # [ServiceEdge!]!
    assert edge.kind == "object" and edge.rtype.name == "ServiceEdge"
    assert ".node" in edge.function.source and ".domains" in edge.function.source
    assert edge.function.source.count("def ") == 1


# -- small schemas: what the straight code must give back ------------------------------------------


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Other(enum.Enum):
    RED = "red"


def _special(value: Any) -> Any:
    if value == "refuse":
        raise ValueError("special refused")
    return None if value == "none" else f"<{value}>"


Special = NewType("Special", str)
SCALARS = StrawberryConfig(scalar_map={Special: strawberry.scalar(name="Special", serialize=_special,
                                                                   parse_value=str)})


class Word(str):
    """A str that is not exactly a str: the coercer decides."""


@strawberry.type
class Inner:
    code: str
    maybe: str | None
    colour: Colour
    maybe_colour: Colour | None
    colours: list[Colour]
    words: list[str]
    maybe_words: list[str | None] | None
    special: Special | None


@strawberry.type
class Cat:
    name: str


@strawberry.type
class Dog:
    barks: int


class Kitten(Cat):
    """A subclass of a member's class, not a strawberry type of its own: strawberry resolves it to Cat."""


Pet = Annotated[Cat | Dog, strawberry.union("Pet")]


@strawberry.type
class Outer:
    name: str
    id: strawberry.ID
    count: int
    ratio: float
    flag: bool
    inner: Inner
    maybe_inner: Inner | None
    inners: list[Inner]
    maybe_inners: list[Inner | None] | None
    grid: list[list[int]]
    pet: Pet
    maybe_pet: Pet | None
    pets: list[Pet]

    @strawberry.field
    def shout(self) -> str:
        """A method taking only self: the straight code calls it."""
        if self.name == "boom":
            raise ValueError("no shouting")
        return self.name.upper()


def good_inner(n: int = 0) -> Inner:
    return Inner(code=f"c{n}", maybe=None if n % 2 else "m", colour=Colour.RED, maybe_colour=None,
                 colours=[Colour.BLUE, Colour.RED], words=["a", "b"], maybe_words=None, special=Special("s"))


def good_outer(n: int = 0) -> Outer:
    return Outer(name=f"o{n}", id=strawberry.ID(f"id{n}"), count=n, ratio=0.5, flag=bool(n % 2),
                 inner=good_inner(n), maybe_inner=good_inner(n + 1) if n % 2 else None,
                 inners=[good_inner(1), good_inner(2)], maybe_inners=[None, good_inner(3)],
                 grid=[[1, 2], [3]], pet=Cat(name=f"cat{n}"), maybe_pet=None if n % 2 else Dog(barks=n),
                 pets=[Dog(barks=1), Cat(name="c")])


#: the values the root fields answer with, made anew for each run by ``_current``
_current: dict[str, Callable[[], list[Any]]] = {"outers": lambda: [good_outer(i) for i in range(3)]}


@strawberry.type
class SmallQuery:
    @strawberry.field
    def outers(self) -> list[Outer | None] | None:
        return _current["outers"]()

    @strawberry.field
    def strict(self) -> list[Outer]:
        return _current["outers"]()

    @strawberry.field
    def one(self) -> Outer | None:
        return _current["outers"]()[1]


EVERYTHING = """{ FIELD { __typename name id count ratio flag
  inner { __typename code maybe colour maybeColour colours words maybeWords special }
  maybeInner { code colours } inners { code words } maybeInners { code maybe } grid shout
  pet { __typename ... on Cat { name } ... on Dog { barks } } maybePet { ... on Dog { barks } }
  pets { ... on Cat { __typename name } ... on Dog { barks } } } }"""
SMALL_DOCUMENTS = [EVERYTHING.replace("FIELD", f) for f in ("outers", "strict", "one")] + [
    "{ outers { ...O } one { inner { ... on Inner { code } colour: code } } } "
    "fragment O on Outer { n: name inner { c: colours, code } }",
    # objects of which nothing is read: only the check of the value itself can give them back
    "{ strict { inner { __typename } maybeInner { __typename } inners { __typename } "
    "maybeInners { __typename } } }",
]


def _set(path: str, value: Callable[[], Any]) -> Callable[[Outer], None]:
    """Sets ``path`` (attributes, ``name.2`` for an item) of the middle outer to a new ``value()``."""

    def apply(outer: Outer) -> None:
        *parents, last = path.split(".")
        target: Any = outer
        for part in parents:
            target = target[int(part)] if part.isdigit() else getattr(target, part)
        if last.isdigit():
            target[int(last)] = value()
        else:
            setattr(target, last, value())

    return apply


def _generator() -> Iterator[Colour]:
    yield Colour.RED


#: (what, the change to the middle outer); each one the straight code must give back, and all but
#: those in NO_ERROR make graphql-core report an error
ANOMALIES: list[tuple[str, Callable[[Outer], None]]] = [
    ("None in a non-null leaf", _set("inner.code", lambda: None)),
    ("Undefined in a non-null leaf", _set("inner.code", lambda: Undefined)),
    ("Undefined in a nullable leaf", _set("inner.maybe", lambda: Undefined)),
    ("an exception in a non-null leaf", _set("name", lambda: ValueError("no name"))),
    ("an exception in a nullable leaf", _set("inner.maybe", lambda: KeyError("maybe"))),
    ("None in a non-null object", _set("inner", lambda: None)),
    ("Undefined in a nullable object", _set("maybe_inner", lambda: Undefined)),
    ("an exception as an object", _set("maybe_inner", lambda: RuntimeError("no inner"))),
    ("an object without the attribute", _set("inner", lambda: object())),
    ("a dict as an object", _set("inner", lambda: {"code": "c"})),
    ("None in a non-null list", _set("inner.words", lambda: None)),
    ("None as a non-null list item", _set("inner.colours.1", lambda: None)),
    ("None as a non-null object item", _set("inners.0", lambda: None)),
    ("an exception as a list item", _set("inners.1", lambda: ValueError("item"))),
    ("an exception as a leaf item", _set("inner.words.0", lambda: ValueError("word"))),
    ("a generator where a list is expected", _set("inner.colours", _generator)),
    ("a set where a list is expected", _set("grid", lambda: [{1}, [2]])),
    ("a string where a list is expected", _set("inner.words", lambda: "ab")),
    ("a dict where a list is expected", _set("inner.words", lambda: {"a": 1})),
    ("an iterator of objects", _set("inners", lambda: iter([good_inner(5)]))),
    ("an enum value the enum lacks", _set("inner.colour", lambda: "GREEN")),
    ("another enum's member", _set("inner.maybe_colour", lambda: Other.RED)),
    ("an enum item the enum lacks", _set("inner.colours.0", lambda: 3)),
    ("a coercer answering None", _set("inner.special", lambda: "none")),
    ("a coercer raising", _set("inner.special", lambda: "refuse")),
    ("an Int out of range", _set("count", lambda: 2 ** 40)),
    ("a float as an Int", _set("count", lambda: 2.5)),
    ("a string as a Boolean", _set("flag", lambda: "yes")),
    ("NaN as a Float", _set("ratio", lambda: float("nan"))),
    ("a list as a leaf", _set("inner.code", lambda: ["c"])),
    ("a list item that is a list", _set("inner.words.1", lambda: ["w"])),
    ("a method raising", _set("name", lambda: "boom")),
    ("None in a non-null union", _set("pet", lambda: None)),
    ("an exception as a union's value", _set("maybe_pet", lambda: ValueError("no pet"))),
    ("an object of none of the union's types", _set("pet", lambda: good_inner(4))),
    ("a plain object in a union", _set("pets.0", lambda: object())),
    ("an object cast to the other member", _set("pet", lambda: strawberry.cast(Dog, Cat(name="odd")))),
]
NO_ERROR = {"Undefined in a nullable leaf", "Undefined in a nullable object", "an iterator of objects",
            "a generator where a list is expected", "a set where a list is expected"}
#: values the straight code gives to the coercer or the generic plan, which accept them
ACCEPTED: list[tuple[str, Callable[[Outer], None]]] = [
    ("an enum's plain value", _set("inner.colour", lambda: "red")),
    ("a tuple as a list", _set("inner.colours", lambda: (Colour.RED,))),
    ("tuples of tuples", _set("grid", lambda: ((1,), ()))),
    ("a str subclass", _set("name", lambda: Word("w"))),
    ("an int as a String", _set("inner.code", lambda: 7)),
    ("an int as an ID", _set("id", lambda: 7)),
    ("a bool as an Int", _set("count", lambda: True)),
    ("an integral float as an Int", _set("count", lambda: 3.0)),
    ("an int as a Float", _set("ratio", lambda: 2)),
    ("an int as a Boolean", _set("flag", lambda: 0)),
    ("None items in nullable lists", _set("inner.maybe_words", lambda: ["a", None, 3])),
    ("an empty list", _set("inners", lambda: [])),
    ("a subclass of a union member's class", _set("pet", lambda: Kitten(name="k"))),
    ("an object cast to its own type", _set("maybe_pet", lambda: strawberry.cast(Dog, Dog(barks=2)))),
]


def _pair() -> tuple[DolbomSchema, DolbomSchema]:
    fast = DolbomSchema(query=SmallQuery, config=SCALARS)
    slow = DolbomSchema(query=SmallQuery, config=SCALARS)
    fast.fast_path = FastPath(lambda _ctx: None)
    return fast, slow


def _compare(change: Callable[[Outer], None] | None) -> tuple[list[str], int]:
    """Every small document through a new fast schema and through graphql-core with the middle
    outer changed: the answers (asserted equal) and whether any met an error."""

    def outers() -> list[Any]:
        made = [good_outer(i) for i in range(3)]
        if change is not None:
            change(made[1])
        return made

    _current["outers"] = outers
    fast, slow = _pair()
    answers, errors = [], 0
    try:
        for doc in SMALL_DOCUMENTS:
            before = fastpath.stats["fast"]
            a, b = fast.execute_sync(doc), slow.execute_sync(doc)
            assert fastpath.stats["fast"] == before + 1, doc  # answered by the fast path itself
            assert _text(a) == _text(b), doc
            answers.append(_text(a))
            errors += bool(b.errors)
    finally:
        _current["outers"] = lambda: [good_outer(i) for i in range(3)]
    return answers, errors


def test_ordinary_values_are_completed_straight_as_graphql_core_completes_them(generic_runs):
    answers, errors = _compare(None)
    assert errors == 0
    middle = json.loads(answers[0])["data"]["outers"][1]
    assert middle["inner"]["colours"] == ["BLUE", "RED"] and middle["shout"] == "O1"
    assert middle["pet"] == {"__typename": "Cat", "name": "cat1"} and middle["maybePet"] is None
    assert middle["pets"] == [{"barks": 1}, {"__typename": "Cat", "name": "c"}]
    assert dict(generic_runs) == {}  # no object of these documents went through the generic plan


@pytest.mark.parametrize("what,change", ANOMALIES, ids=[w for w, _ in ANOMALIES])
def test_what_the_straight_code_gives_back_is_answered_as_graphql_core_does(what, change, generic_runs):
    answers, errors = _compare(change)
    # errors compared too (messages, paths, locations), where graphql-core reports them
    assert bool(errors) == (what not in NO_ERROR), (what, answers)
    assert generic_runs["Outer"] > 0  # given back: completed field by field
    # the other outers are still completed straight: the generic plan met the middle one only,
    # once per root field it is under (outers, strict, one, outers and one, strict)
    assert generic_runs["Outer"] <= 6, generic_runs
    assert any(json.loads(a)["data"] for a in answers)


@pytest.mark.parametrize("change", [c for _, c in ACCEPTED], ids=[w for w, _ in ACCEPTED])
def test_values_graphql_core_accepts_as_they_are_answer_the_same(change):
    answers, errors = _compare(change)
    assert errors == 0, answers


class _Awaitable:
    """An awaitable that is not a coroutine (its type has ``__await__``)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        if False:  # pragma: no cover - makes this a generator
            yield
        return self.value


@pytest.mark.parametrize("item,document", [("object", 0), ("leaf", 0), ("object", -1)],
                         ids=["object", "leaf", "object-typename"])
@pytest.mark.parametrize("awaitable", ["coroutine", "object"])
def test_an_awaitable_list_item_still_hands_the_request_to_graphql_core(awaitable, item, document):
    """A list item that is an awaitable: the straight code gives it back, the generic plan abandons,
    graphql-core awaits it; the same answer as graphql-core's own."""

    def make(value: Any) -> Any:
        if awaitable == "object":
            return _Awaitable(value)

        async def later() -> Any:
            return value

        return later()

    def outers() -> list[Any]:
        made = [good_outer(i) for i in range(3)]
        if item == "object":
            made[1].inners[1] = make(good_inner(9))
        else:
            made[1].inner.words[0] = make("later")
        return made

    _current["outers"] = outers
    fast, slow = _pair()
    try:
        before = dict(fastpath.stats)
        a = asyncio.run(fast.execute(SMALL_DOCUMENTS[document]))
        assert fastpath.stats["abandoned"] == before["abandoned"] + 1
        b = asyncio.run(slow.execute(SMALL_DOCUMENTS[document]))
    finally:
        _current["outers"] = lambda: [good_outer(i) for i in range(3)]
    assert _text(a) == _text(b)
    if document == 0:
        assert a.data and (a.data["outers"][1]["inners"][1]["code"] == "c9" if item == "object"
                           else a.data["outers"][1]["inner"]["words"][0] == "later")


def test_a_type_met_once_is_checked_once_and_an_awaitable_type_every_time():
    from schema.fastpath import _Bail, _check_value

    ok: set[type] = set()
    _check_value(good_inner(), ok)
    assert ok == {Inner}
    for bad in (None, Undefined, ValueError("x"), _Awaitable(1)):
        with pytest.raises(_Bail):
            _check_value(bad, ok)
    assert ok == {Inner}

    def numbers() -> Iterator[int]:
        yield 1

    _check_value(numbers(), ok)  # a plain generator is no awaitable, but its type is not trusted
    assert ok == {Inner}


@strawberry.type
class Chain:
    n: int
    next: Chain | None
    links: list[Chain]


def _chain(depth: int) -> Chain:
    link = None
    for n in reversed(range(depth)):
        link = Chain(n=n, next=link, links=[] if link is None else [link])
    assert link is not None
    return link


@strawberry.type
class ChainQuery:
    @strawberry.field
    def chain(self) -> Chain:
        return _chain(130)


@pytest.mark.parametrize("field,depth", [("next", 120), ("links", 60)])
def test_objects_nested_deeper_than_one_function_inlines_are_completed_straight(field, depth, generic_runs):
    """A document 120 objects deep (past Python's 100 levels of indentation if every object were
    inlined in its parent's function; lists of lists 60 deep, where graphql-core itself runs out of
    stack at 120): straight functions calling the ones of the objects below them, the answer
    graphql-core's; and with a None at the end where it must not be, graphql-core's error."""
    body = "n"
    for _ in range(depth):
        body = f"n {field} {{ {body} }}"
    fast, slow = DolbomSchema(query=ChainQuery), DolbomSchema(query=ChainQuery)
    fast.fast_path = FastPath(lambda _ctx: None)
    for doc in (f"{{ chain {{ {body} }} }}", f"{{ chain {{ {body.replace('n ', 'n __typename ', 1)} }} }}"):
        before = fastpath.stats["fast"]
        a, b = fast.execute_sync(doc), slow.execute_sync(doc)
        assert fastpath.stats["fast"] == before + 1
        assert _text(a) == _text(b) and a.errors is None and a.data is not None
    assert dict(generic_runs) == {}
    # a None where the deepest list item must not be one: given back, and graphql-core's error
    deepest = f"{{ chain {{ {body} }} }}"
    original = _chain

    def broken(length: int) -> Chain:
        top = original(length)
        link = top
        for _ in range(depth - 1):
            link = link.next if field == "next" else link.links[0]  # type: ignore[assignment]
        link.links = [None]  # type: ignore[list-item]
        link.n = None  # type: ignore[assignment]
        return top

    globals()["_chain"] = broken
    try:
        fast.fast_path = FastPath(lambda _ctx: None)
        a, b = fast.execute_sync(deepest), slow.execute_sync(deepest)
    finally:
        globals()["_chain"] = original
    assert _text(a) == _text(b) and b.errors
    assert generic_runs["Chain"] > 0


def test_an_executor_with_its_own_awaitable_check_completes_field_by_field(generic_runs):
    """The straight code checks awaitables as graphql-core's ``is_awaitable`` does; an executor
    given another check (graphql.execute's ``is_awaitable``) is left to the generic plan, which uses it."""
    import inspect

    from graphql import execute, parse

    fast, _ = _pair()
    document = parse(SMALL_DOCUMENTS[0])
    seen: list[Any] = []

    def own_check(value: Any) -> bool:
        seen.append(value)
        return inspect.isawaitable(value)

    assert fast.fast_path is not None
    a = fast.fast_path.execute(fast._schema, document, is_awaitable=own_check)
    b = execute(fast._schema, document, is_awaitable=own_check)
    assert _text(a) == _text(b) and not a.errors
    assert generic_runs["Outer"] == 3 and generic_runs["Inner"] > 0
    assert seen
