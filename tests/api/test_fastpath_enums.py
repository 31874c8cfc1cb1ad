"""The fast path's enum serialization (schema/fastpath.py ``_leaf_coercer``): each member's name
looked up, not strawberry's scan, with the same answer as strawberry's own ``coerce_output_value``
for every member of every enum in the schema; and anything that is not exactly a member (its
plain value, another enum's member, an unknown value) still goes to strawberry's function, so it
answers (or refuses) as graphql-core would."""

from __future__ import annotations

import enum

import pytest
from graphql import GraphQLEnumType, GraphQLString

from graph.model import Domain, Sector
from schema.build import build_schema
from schema.fastpath import _leaf_coercer
from service.settings import Settings


def _enums() -> list[GraphQLEnumType]:
    schema = build_schema(Settings())._schema
    return [t for t in schema.type_map.values()
            if isinstance(t, GraphQLEnumType) and isinstance(getattr(t, "wrapped_cls", None), type)]


def test_every_member_of_every_enum_serializes_as_strawberry_does():
    enums = _enums()
    assert any(t.wrapped_cls is Domain for t in enums)  # type: ignore[attr-defined]
    for t in enums:
        fast = _leaf_coercer(t)
        assert fast is not t.coerce_output_value, t.name
        for member in t.wrapped_cls.__members__.values():  # type: ignore[attr-defined]
            assert fast(member) == t.coerce_output_value(member), (t.name, member)


def _outcome(fn, value):
    try:
        return ("ok", fn(value))
    except Exception as e:  # noqa: BLE001 - the refusal itself is compared
        return ("error", type(e).__name__, str(e))


def test_what_is_not_a_member_goes_to_strawberry_and_gets_its_answer():
    domain = next(t for t in _enums() if t.wrapped_cls is Domain)  # type: ignore[attr-defined]
    fast = _leaf_coercer(domain)
    calls: list[object] = []
    real = domain.coerce_output_value

    def spy(value):
        calls.append(value)
        return real(value)

    domain.coerce_output_value = spy  # type: ignore[method-assign]
    try:
        fast = _leaf_coercer(domain)
        calls.clear()
        first = next(iter(Sector))
        for value in (Domain.HEALTH.value, first, "NOT_A_DOMAIN", 3):
            assert _outcome(fast, value) == _outcome(real, value), value
        assert calls == [Domain.HEALTH.value, first, "NOT_A_DOMAIN", 3]
        calls.clear()
        assert fast(Domain.HEALTH) == real(Domain.HEALTH)
        assert calls == []  # a member: looked up, strawberry's scan not run
    finally:
        del domain.coerce_output_value


def test_a_scalar_keeps_its_own_function():
    assert _leaf_coercer(GraphQLString) == GraphQLString.coerce_output_value


@pytest.mark.parametrize("kind", [enum.Enum, enum.IntEnum])
def test_an_enum_whose_member_strawberry_refuses_still_refuses_when_served(kind):
    Colour = kind("Colour", {"RED": 1, "BLUE": 2})

    class Partial(GraphQLEnumType):
        wrapped_cls = Colour

        def coerce_output_value(self, value):  # refuses BLUE, as a scalar may
            if value is Colour.BLUE:
                raise ValueError("no blue")
            return "RED"

    fast = _leaf_coercer(Partial("Colour", {"RED": 1, "BLUE": 2}))
    assert fast(Colour.RED) == "RED"
    with pytest.raises(ValueError, match="no blue"):
        fast(Colour.BLUE)


def test_a_plain_field_is_read_as_strawberry_reads_it_and_a_resolved_one_keeps_its_resolver():
    from graphql import GraphQLObjectType

    from schema.fastpath import _attribute_reader

    schema = build_schema(Settings())._schema
    plain = resolved = 0
    for t in schema.type_map.values():
        if not isinstance(t, GraphQLObjectType) or t.name.startswith("__"):
            continue
        for name, fdef in t.fields.items():
            definition = (fdef.extensions or {}).get("strawberry-definition")
            reader = _attribute_reader(definition)
            if getattr(fdef.resolve, "_is_default", False):
                assert reader is not None, (t.name, name)
                plain += 1

                class Source:
                    pass

                source = Source()
                setattr(source, definition.python_name, object())  # type: ignore[union-attr]
                assert reader(source, None) is fdef.resolve(source, None)
                with pytest.raises(AttributeError):
                    reader(Source(), None)
            elif definition is not None and definition.base_resolver is not None:
                assert reader is None, (t.name, name)
                resolved += 1
    assert plain > 50 and resolved > 20, (plain, resolved)
