"""The served schema keeps the shared contract: no breaking change."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from schema.build import build_schema as build_served
from schema.build import schema as served
from service.settings import Settings

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract" / "schema.graphql"


@pytest.fixture(scope="module")
def contract():
    if not CONTRACT.exists():  # the checkout sits next to shared/ in CI and here
        pytest.fail(f"contract file missing: {CONTRACT}")
    return build_schema(CONTRACT.read_text(encoding="utf-8"))


def test_served_schema_has_no_breaking_change(contract):
    changes = find_breaking_changes(contract, build_schema(served.as_str()))
    assert changes == [], "\n".join(f"{c.type.name}: {c.description}" for c in changes)


def test_configured_schema_is_the_same_contract(contract):
    tight = build_served(Settings(max_depth=3, max_aliases=1, max_tokens=100))
    assert find_breaking_changes(contract, build_schema(tight.as_str())) == []


@pytest.mark.parametrize("mutate, expect", [
    (lambda sdl: sdl.replace("  leadTimeDays: Int!\n", "", 1), "leadTimeDays"),
    (lambda sdl: sdl.replace("  FOOD\n", "", 1), "FOOD"),
    (lambda sdl: sdl.replace("matchPackages(householdId: ID!, limit: Int = 3)",
                             "matchPackages(householdId: ID!, limit: Int!)", 1), "limit"),
    (lambda sdl: sdl.replace("  languages: [String!] = []\n  hoursPerWeek: Int!\n}",
                             "  languages: [String!] = []\n  hoursPerWeek: Int!\n  mandatory: Int!\n}", 1),
     "mandatory"),
])
def test_the_check_bites_on_a_mutated_schema(contract, mutate, expect):
    sdl = served.as_str()
    mutated = mutate(sdl)
    assert mutated != sdl, "the mutation did not apply: the test would prove nothing"
    changes = find_breaking_changes(contract, build_schema(mutated))
    assert changes and any(expect in c.description for c in changes), changes


def test_every_contract_operation_is_served(contract):
    s = build_schema(served.as_str())
    for root in ("query_type", "mutation_type"):
        want = set(getattr(contract, root).fields)
        have = set(getattr(s, root).fields)
        assert want <= have, want - have
