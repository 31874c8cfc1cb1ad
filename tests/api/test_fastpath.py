"""The execution fast path (schema/fastpath.py) answers exactly as graphql-core does.

Differential: every query document the API tests send (recorded from a run of tests/api,
``fastpath_queries.jsonl``; regenerate with tests/api/record_queries.py) plus every document
written in tests/api's sources, plus hypothesis-graphql's generated queries, run over the sample
store as each caller through a schema with the fast path and one without
(``DOLBOM_FAST_EXECUTION=0``); ``data`` and ``errors`` must be equal as JSON text (key order
included), and so must the households each answer put in the audit (``households_read``).

Then what must not change around it: a plan that meets an awaitable it did not expect gives
the request to graphql-core with a fresh context, and the audit gets one entry with the
households the answer shows; mutations never take the fast path; the setting turns it off.
"""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, OperationType, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema import fastpath
from schema.build import build_schema
from schema.context import Context
from service import audit
from service.principal import Principal, Role
from service.settings import Settings

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "fastpath_queries.jsonl"
#: generous document limits, so that generated documents reach the resolvers
LIMITS = dict(max_depth=25, max_aliases=200, max_tokens=50_000, allocate_time_limit=2.0)

CALLERS: dict[str, Principal] = {
    "anonymous": Principal.anonymous(),
    "coordinator": Principal(Role.COORDINATOR, token_id="t-coord"),
    "caseworker": Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw"),
    "caseworker-sn": Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-cw-sn"),
    "partner-bar": Principal(Role.PARTNER, organization_id="org-gg-bar", token_id="t-bar"),
}

#: root fields whose answers are not a function of the store alone: a solver under a time limit
#: (allocate, what-if, recruitment: the incumbent at the limit may differ between two runs) and
#: the audit log (every read adds to it between the two runs). Reported, not compared.
NOT_REPEATABLE = ("allocate", "whatIf", "whatWouldItTake", "whatWouldItTakeForPlan", "recruitment",
                  "auditLog")


def _query_operation(document: str, name: str | None) -> bool:
    """True when ``document`` parses and the operation it would run is a query."""
    try:
        doc = parse(document)
    except Exception:  # noqa: BLE001 - not a document: not ours to compare
        return False
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in ops if name is None or (o.name and o.name.value == name)]
    if len(chosen) != 1 or (name is None and len(ops) > 1):
        return False
    return chosen[0].operation is OperationType.QUERY and not any(
        r in document for r in NOT_REPEATABLE)


def recorded() -> list[tuple[str, dict | None, str | None, Principal | None]]:
    out = []
    seen = set()
    for line in RECORDED.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if not _query_operation(r["query"], r["operationName"]):
            continue
        role = r["role"]
        p = None if role is None else Principal(Role(role), region_id=r["region"],
                                                organization_id=r["organization"], token_id="t-rec")
        key = (r["query"], json.dumps(r["variables"], sort_keys=True), r["operationName"], role, r["region"],
               r["organization"])
        if key not in seen:
            seen.add(key)
            out.append((r["query"], r["variables"], r["operationName"], p))
    return out


def written() -> list[str]:
    """Query documents written as string literals in tests/api's sources."""
    docs = set()
    for path in sorted(HERE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                text = node.value.strip()
                if (text.startswith(("query", "{")) and _query_operation(text, None)):
                    docs.add(text)
    return sorted(docs)


@pytest.fixture(scope="module")
def pair(sample_db):
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(sample_db)
    fast = build_schema(Settings(**LIMITS))
    slow = build_schema(Settings(**LIMITS, fast_execution=False))
    assert fast.fast_path is not None and fast.fast_path.enabled
    assert slow.fast_path is not None and not slow.fast_path.enabled
    yield store, fast, slow
    store.close()


async def _answer(schema: Any, store: Any, who: Principal, query: str, variables: dict | None,
                  name: str | None) -> tuple[str, tuple[str, ...]]:
    ctx = Context(store=store, principal=who, settings=Settings(**LIMITS))
    r = await schema.execute(query, variable_values=variables, context_value=ctx, operation_name=name)
    text = json.dumps({"data": r.data, "errors": [e.formatted for e in r.errors or ()]}, ensure_ascii=False,
                      default=repr)
    return text, tuple(sorted(ctx.households_read))


def _racing_ok(answer: tuple[str, tuple[str, ...]], slow: set[tuple[str, tuple[str, ...]]]) -> bool:
    """``answer`` equals one of ``slow`` but for which racing errors it lists, and in which order."""
    got = json.loads(answer[0])
    known = {json.dumps(e, sort_keys=True) for text, _ in slow for e in json.loads(text)["errors"]}
    return (any(json.loads(text)["data"] == got["data"] and read == answer[1] for text, read in slow)
            and bool(got["errors"]) and all(json.dumps(e, sort_keys=True) in known for e in got["errors"]))


def compare(pair: Any, cases: list[tuple[str, dict | None, str | None, Principal]]) -> dict[str, int]:
    """Runs every case through both schemas; returns how many the fast path answered itself."""
    store, fast, slow = pair

    async def main() -> dict[str, int]:
        before = dict(fastpath.stats)
        for query, variables, name, who in cases:
            expected = await _answer(slow, store, who, query, variables, name)
            got = await _answer(fast, store, who, query, variables, name)
            seen_slow, seen_fast, tries = {expected}, {got}, 0
            while not seen_slow & seen_fast and tries < 10:
                # root fields whose resolvers run in worker threads, two of them failing a non-null
                # field: which error graphql-core reports is whichever thread ends first, and that
                # varies between its own runs too. Then the fast path must give one of its answers.
                seen_slow.add(await _answer(slow, store, who, query, variables, name))
                seen_fast.add(await _answer(fast, store, who, query, variables, name))
                tries += 1
            if seen_slow & seen_fast:
                got = expected = next(iter(seen_slow & seen_fast))
            elif len(seen_slow) > 1:
                # graphql-core's own answers differ between runs (errors of racing root fields, in
                # the order their threads end, some left out after a non-null one): a machine under
                # load can give the two sides no answer in common in ten tries. Then each fast
                # answer's data and reads must be one of graphql-core's and each of its errors one
                # that graphql-core reports in some run
                assert all(_racing_ok(a, seen_slow) for a in seen_fast), (query, variables, name, who)
                continue
            assert got == expected, (query, variables, name, who)
        return {k: fastpath.stats[k] - before[k] for k in before}

    return asyncio.run(main())


def test_every_recorded_query_answers_the_same_through_the_fast_path(pair):
    cases = recorded()
    assert len(cases) > 100, len(cases)  # the recording is there and holds the suite's queries
    runs = [(q, v, n, p or CALLERS["anonymous"]) for q, v, n, p in cases]
    # each as its recorded caller, and the pages' queries as every caller
    runs += [(q, v, n, who) for q, v, n, _ in cases[::5] for who in CALLERS.values()]
    counted = compare(pair, runs)
    print(f"recorded: {len(runs)} runs, fast {counted['fast']}, fallback {counted['fallback']}, "
          f"abandoned {counted['abandoned']}")
    # most runs end in validation (no execution at all); of those executed, the fast path answered
    # a good share itself
    assert counted["fast"] > (counted["fast"] + counted["fallback"]) // 3, counted


def test_every_query_written_in_the_api_tests_answers_the_same_as_every_caller(pair):
    docs = written()
    assert len(docs) > 50, len(docs)
    counted = compare(pair, [(d, None, None, who) for d in docs for who in CALLERS.values()])
    print(f"written: {len(docs)} documents x {len(CALLERS)} callers, fast {counted['fast']}, "
          f"fallback {counted['fallback']}")
    assert counted["fast"] > 0, counted


hypothesis_graphql = pytest.importorskip(
    "hypothesis_graphql", reason="hypothesis-graphql is not installed (pip install -e .[test])")


def _generated() -> Any:
    from test_fuzz import SCALARS, SDL  # tests/api is on sys.path (rootdir conftest, prepend mode)

    return hypothesis_graphql.queries(SDL, custom_scalars=SCALARS)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(document=st.deferred(_generated), who=st.sampled_from(sorted(CALLERS)))
def test_generated_queries_answer_the_same_through_the_fast_path(pair, document, who):
    if not _query_operation(document, None):
        return  # a root field whose answer is not repeatable (see NOT_REPEATABLE)
    compare(pair, [(document, None, None, CALLERS[who])])


# -- what must hold around it ------------------------------------------------------------------


def test_the_fast_path_answers_the_services_page_itself_and_graphql_core_when_turned_off(pair):
    store, fast, slow = pair
    page = ("query($d: Domain) { services(domain: $d, first: 5) "
            "{ totalCount edges { node { id __typename } } } }")

    async def main() -> tuple[dict, dict]:
        before = dict(fastpath.stats)
        await _answer(fast, store, CALLERS["coordinator"], page, {"d": "LEGAL"}, None)
        mid = dict(fastpath.stats)
        await _answer(slow, store, CALLERS["coordinator"], page, {"d": "LEGAL"}, None)
        return ({k: mid[k] - before[k] for k in mid}, {k: fastpath.stats[k] - mid[k] for k in mid})

    on, off = asyncio.run(main())
    assert on["fast"] == 1
    assert off == {k: 0 for k in off}  # turned off: never consulted


def test_a_mutation_never_takes_the_fast_path(pair):
    store, fast, _ = pair
    plan = fast.fast_path
    doc = parse('mutation { upsertRegion(input: {id: "x", name: "x"}) { id } }')
    from graphql.execution.executor import Executor

    ex = Executor.build(fast._schema, doc)
    assert not isinstance(ex, list)
    assert plan._compile(ex, ex.operation) is False
    query = parse("{ services(first: 1) { totalCount } }")
    ex = Executor.build(fast._schema, query)
    assert plan._compile(ex, ex.operation) not in (False, None)


def test_an_unexpected_awaitable_hands_the_request_to_graphql_core_with_a_fresh_context(client, store):
    """Service.available made to answer with a coroutine (as a resolver using a DataLoader would):
    matchPackages' root resolver has already run and put the household in the request's reads
    when the plan meets it; the request is answered by graphql-core, once, and the audit has one
    read entry naming that household only."""
    r = client.post("/graphql", json={"query": "{ services(first: 1) { totalCount } }"},
                    headers={"Authorization": "Bearer coordinator"})
    assert r.status_code == 200
    schema = _served_schema(client.app)  # the view is built by now
    field = schema._schema.type_map["Service"].fields["available"]
    original = field.resolve
    calls = {"n": 0}

    def later(source: Any, info: Any, **args: Any) -> Any:
        calls["n"] += 1
        value = original(source, info, **args)

        async def value_later() -> Any:
            return value

        return value_later()

    query = ('query($id: ID!) { matchPackages(householdId: $id, limit: 2) { rank items { resource '
             '{ ... on Service { id available } } } } }')
    field.resolve = later  # before the document's first run: its plan calls the resolver it finds
    try:
        reads_before = [e for _, e in store.list_side(audit.KIND) if e["action"] == "read"]
        before = dict(fastpath.stats)
        got = client.post("/graphql", json={"query": query, "variables": {"id": "hh-0001"}},
                          headers={"Authorization": "Bearer coordinator"})
        after = dict(fastpath.stats)
        reads = [e for _, e in store.list_side(audit.KIND) if e["action"] == "read"][len(reads_before):]
    finally:
        field.resolve = original
    # graphql-core's answer (the plan of that document is not tried again)
    expected = client.post("/graphql", json={"query": query, "variables": {"id": "hh-0001"}},
                           headers={"Authorization": "Bearer coordinator"}).json()
    assert expected["data"]["matchPackages"][0]["items"], expected
    assert got.status_code == 200
    assert json.dumps(got.json()) == json.dumps(expected)
    assert calls["n"] > 0 and after["abandoned"] - before["abandoned"] == 1
    assert len(reads) == 1, reads
    assert reads[0]["targetIds"] == ["hh-0001"] and reads[0]["requestId"] == got.headers["x-request-id"]


def _served_schema(app: Any) -> Any:
    for route in app.routes:
        endpoint = getattr(route, "app", None) or getattr(route, "endpoint", None)
        lazy = getattr(endpoint, "lazy", None)
        if lazy is not None and lazy.view is not None:
            return lazy.view.schema
    raise AssertionError("no GraphQL view in the app")


import strawberry  # noqa: E402 - the small schemas below

_attempts = {"n": 0}


@strawberry.type
class Later:
    name: str

    @strawberry.field
    def later(self) -> str:
        async def value() -> str:
            return self.name

        return value()  # type: ignore[return-value]


@strawberry.type
class LaterQuery:
    @strawberry.field
    def items(self, info: strawberry.Info) -> list[Later]:
        _attempts["n"] += 1
        info.context.households_read.add(f"h{_attempts['n']}")
        return [Later(name="a"), Later(name="b")]


def test_an_abandoned_attempt_leaves_nothing_in_the_context(tmp_path):
    """On a small schema: the first attempt reads h1 and then meets an awaitable; graphql-core's run
    reads h2; the request's reads are {h2} only, and its DataLoaders are new ones."""
    from graph.embedded import EmbeddedStore
    from schema.build import DolbomSchema, _fresh
    from schema.fastpath import FastPath

    _attempts["n"] = 0
    small = DolbomSchema(query=LaterQuery)
    small.fast_path = FastPath(_fresh)
    with EmbeddedStore(str(tmp_path / "empty.db")) as store:
        ctx = Context(store=store, principal=CALLERS["coordinator"])
        loaders = ctx.loaders
        before = dict(fastpath.stats)
        r = asyncio.run(small.execute("{ items { name later } }", context_value=ctx))
    assert r.errors is None
    assert r.data == {"items": [{"name": "a", "later": "a"}, {"name": "b", "later": "b"}]}
    assert _attempts["n"] == 2 and fastpath.stats["abandoned"] - before["abandoned"] == 1
    assert ctx.households_read == {"h2"}
    assert ctx.loaders is not loaders


@strawberry.type
class Leaf:
    n: int

    @strawberry.field
    def boom(self) -> int | None:
        if self.n % 2:
            raise ValueError(f"odd {self.n}")
        return self.n

    @strawberry.field
    def must(self) -> int:
        if self.n == 3:
            raise ValueError("three")
        return self.n

    @strawberry.field
    def none(self) -> str:
        return None  # type: ignore[return-value]


@strawberry.type
class LeafQuery:
    @strawberry.field
    def leaves(self) -> list[Leaf | None]:
        return [Leaf(n=i) for i in range(5)]

    @strawberry.field
    def strict(self) -> list[Leaf]:
        return [Leaf(n=i) for i in range(5)]

    @strawberry.field
    def words(self) -> list[str | None]:
        return ["a", None, 3]  # type: ignore[list-item]


def test_errors_and_null_propagation_are_graphql_cores():
    """A resolver that raises under a nullable field, under a non-null one (the null goes up to the
    nearest nullable parent), in a list item, and a null for a non-null leaf: the same data and
    errors, in the same order, from both."""
    from schema.build import DolbomSchema
    from schema.fastpath import FastPath

    fast, slow = DolbomSchema(query=LeafQuery), DolbomSchema(query=LeafQuery)
    fast.fast_path = FastPath(lambda _ctx: None)
    docs = ["{ leaves { n boom } }", "{ leaves { n must } }", "{ strict { n must } }",
            "{ a: leaves { must } b: words c: strict { boom } }", "{ leaves { none } }",
            "{ strict { none } words }", "{ leaves { __typename n ... on Leaf { boom } } }"]
    before = dict(fastpath.stats)
    with_errors = 0
    for doc in docs:
        a = fast.execute_sync(doc)
        b = slow.execute_sync(doc)
        assert json.dumps([a.data, [e.formatted for e in a.errors or ()]]) == \
            json.dumps([b.data, [e.formatted for e in b.errors or ()]]), doc
        with_errors += bool(b.errors)
    assert with_errors == len(docs)  # every document here meets an error
    assert fastpath.stats["fast"] - before["fast"] == len(docs)


def test_an_extension_with_a_per_field_hook_turns_the_fast_path_off():
    """strawberry runs an extension's ``resolve`` around every field (graphql-core middleware):
    the plan would skip it, so such a schema's queries go to graphql-core, the hook sees every field."""
    from strawberry.extensions import SchemaExtension

    from schema.build import DolbomSchema
    from schema.fastpath import FastPath

    seen: list[str] = []

    class EveryField(SchemaExtension):
        def resolve(self, _next, root, info, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    hooked = DolbomSchema(query=LeafQuery, extensions=[EveryField])
    hooked.fast_path = FastPath(lambda _ctx: None)
    before = dict(fastpath.stats)
    r = hooked.execute_sync("{ strict { n } }")
    assert r.errors is None and len(r.data["strict"]) == 5
    assert fastpath.stats["fast"] == before["fast"] and fastpath.stats["fallback"] == before["fallback"] + 1
    assert seen.count("n") == 5 and seen.count("strict") == 1
