"""The contract's object types made from records without the dataclass call (schema.types._maker): every
object made while every operation of the contract runs is the object the call makes, field for field."""

from __future__ import annotations

from typing import Any

from test_roles import OPERATIONS, SETUP  # tests/api is on sys.path (rootdir conftest, prepend mode)

from schema import types

#: made for nearly every answer: a regression to the plain call would show here
MADE = {"Service", "Household", "Need", "Organization", "Region", "Referral"}


def test_every_object_made_is_the_dataclass_calls_object(gql, monkeypatch):
    real = types._of
    made: dict[str, int] = {}
    called: dict[str, int] = {}

    def checked(cls: Any, rec: Any, **extra: Any) -> Any:
        got = real(cls, rec, **extra)
        values = {n: getattr(rec, n) for n in types._plain_fields(cls) if n not in extra}
        want = cls(rec=rec, **values, **extra)
        assert type(got) is cls and vars(got) == vars(want), cls.__name__
        by = made if types._maker(cls, tuple(extra)) is not None else called
        by[cls.__name__] = by.get(cls.__name__, 0) + 1
        return got

    monkeypatch.setattr(types, "_of", checked)
    for name, (doc, variables, _) in OPERATIONS.items():
        for setup in SETUP.get(name, ()):
            gql(setup, "coordinator")
        gql(doc, "coordinator", **variables)
    assert set(made) >= MADE, (made, called)


def test_a_class_it_cannot_stand_in_for_gets_the_plain_call():
    class WithPostInit:
        def __post_init__(self) -> None: ...

    assert types._maker(WithPostInit, ()) is None
    assert types._maker(int, ()) is None
