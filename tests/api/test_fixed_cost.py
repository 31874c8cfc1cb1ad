"""What the GraphQL layer remembers between requests (issue 23) and that every check still
holds on a remembered document: validation (with the depth and alias limits), the document
guards and the cost estimate (schema/build.py, schema/guards.py, schema/cost.py)."""

from __future__ import annotations

import asyncio

import pytest
from graphql import parse
from strawberry.extensions.validation_cache import _get_validate_cache

from schema.build import build_schema
from schema.cost import cached_estimate, estimate
from service.principal import Role
from service.settings import Settings

PAGE = ("query($first: Int, $domain: Domain) { services(first: $first, domain: $domain) "
        "{ edges { node { id } } } }")


def run(schema, query: str, variables: dict | None = None):
    return asyncio.run(schema.execute(query, variable_values=variables))


def codes(result) -> list[str]:
    return [(e.extensions or {}).get("code") for e in result.errors or ()]


def test_a_document_is_validated_once_then_its_verdict_is_reused():
    schema = build_schema(Settings())
    doc = "{ services(first: 1) { edges { node { id noSuchField } } } }"
    cache = _get_validate_cache(256)
    first = run(schema, doc)
    hits = cache.cache_info().hits
    second = run(schema, doc)
    assert codes(first) == codes(second) == ["BAD_USER_INPUT"]
    assert "noSuchField" in second.errors[0].message
    assert cache.cache_info().hits == hits + 1  # the limiters' rules are the same objects each request


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_the_depth_and_alias_limits_refuse_a_remembered_document_every_time(attempt):
    schema = build_schema(Settings(max_depth=3, max_aliases=2))
    deep = "{ services(first: 1) { edges { node { provider { services { id } } } } } }"
    aliased = ("{ a: services(first: 1) { totalCount } b: services(first: 1) { totalCount } "
               "c: services { totalCount } }")
    for doc in (deep, aliased):
        result = run(schema, doc)
        assert codes(result) == ["BAD_USER_INPUT"], (attempt, doc, result.errors)


@pytest.mark.parametrize("attempt", [1, 2])
def test_the_guards_refuse_a_remembered_document_every_time_and_pass_a_sound_one(attempt):
    schema = build_schema(Settings())
    long_number = "{ services(first: " + "9" * 60 + ") { totalCount } }"
    result = run(schema, long_number)
    assert codes(result) == ["BAD_USER_INPUT"] and "60 characters" in result.errors[0].message
    unknown = "{ services(first: 1) { ...Missing } }"
    assert "unknown fragment 'Missing'" in run(schema, unknown).errors[0].message
    sound = "{ services(first: 1) { ...F } } fragment F on ServiceConnection { totalCount }"
    # no guard refuses it (it then fails for want of a store, past the guards and the validation)
    assert all("fragment" not in e.message and "number literal" not in e.message
               for e in run(schema, sound).errors or ())


def test_a_remembered_estimate_follows_the_variables_it_reads():
    schema = build_schema(Settings())._schema
    doc = parse(PAGE)
    settings = Settings()
    seen = {}
    for first in (1, 50, 500, 1, 50, None, 500):
        got = cached_estimate(schema, PAGE, doc, None, {"first": first, "domain": "HEALTH"}, settings,
                              Role.ANONYMOUS)
        want = estimate(schema, doc, None, {"first": first, "domain": "HEALTH"}, settings, Role.ANONYMOUS)
        assert got == want
        seen[first] = got
    assert seen[1] < seen[50] < seen[500]  # not one cost for every page size
    # a variable the estimate does not read (the domain) does not change it
    other = cached_estimate(schema, PAGE, doc, None, {"first": 50, "domain": "FOOD"}, settings,
                            Role.ANONYMOUS)
    assert other == seen[50]


def test_a_remembered_estimate_is_per_role_and_per_cap():
    schema = build_schema(Settings())._schema
    doc_text = "{ coverage { regionId } services(first: 400) { totalCount } }"
    doc = parse(doc_text)
    anon = cached_estimate(schema, doc_text, doc, None, {}, Settings(), Role.ANONYMOUS)
    coord = cached_estimate(schema, doc_text, doc, None, {}, Settings(), Role.COORDINATOR)
    assert anon == estimate(schema, doc, None, {}, Settings(), Role.ANONYMOUS)
    assert coord == estimate(schema, doc, None, {}, Settings(), Role.COORDINATOR)
    capped = cached_estimate(schema, doc_text, doc, None, {}, Settings(max_first=100), Role.COORDINATOR)
    assert capped == estimate(schema, doc, None, {}, Settings(max_first=100), Role.COORDINATOR) < coord
