"""How a record is stored: the one module that knows a stored row's layout.

A row of the ``records`` table is ``(label, key, data, seq)``. ``key`` is the
record's key (:attr:`Record.key`: its id, or a receipt's household and
service joined); ``data`` is the JSON array of the record's other fields'
values, in :data:`FIELDS` order, each as :meth:`Record.to_dict` gives it
(enums as their names, dates as ISO text, tuples as arrays). Leaving out the
key fields and the field names makes a row about half the bytes of a JSON
object, which SQLite writes twice over in a bulk load.

Two ways in, which give the same text byte for byte:

* :func:`encode` of a record (the store's units of work, the migrations);
* :func:`row_encoder`, a function of field values a loader has already
  checked and normalised as the model would, for rows that come by the
  million (:mod:`loaders.fastrows`): no record object is built.

``tests/test_embedded_file.py`` and ``tests/loaders/test_fastrows.py`` check
that they agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sys
import types
import typing
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring  # the C quoting of json.dumps(..., ensure_ascii=False)
from typing import Any

from ..model import RECORD_TYPES, Record, split_receipt_key

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

#: per label: the fields a record's key is made of; the row's key column holds them, its array does not
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    label: ("household_id", "service_id") if label == "Receipt" else ("id",) for label in RECORD_TYPES
}
#: per label: the record's other fields, in the order a stored row's array lists their values (the
#: file notes it in meta as ``fields:<label>``; a file whose list differs is rewritten to this one)
FIELDS: dict[str, tuple[str, ...]] = {
    label: tuple(f.name for f in dataclasses.fields(cls) if f.name not in KEY_FIELDS[label])  # type: ignore[arg-type]
    for label, cls in RECORD_TYPES.items()
}
#: per record type: the positions (in FIELDS) of its fields holding dates
_DATES: dict[type, tuple[int, ...]] = {}


def encode(rec: Record) -> str:
    """The ``data`` of ``rec``'s row. Built without :meth:`Record.to_dict` (a
    bulk load calls it per row): enums are ``str`` and tuples encode as
    arrays, so only dates need converting."""
    names = FIELDS[rec.LABEL]
    dates = _DATES.get(type(rec))
    if dates is None:
        hints = _hints(type(rec))
        dates = tuple(i for i, n in enumerate(names) if _strip_none(hints[n])[0] is dt.date)
        _DATES[type(rec)] = dates
    values = [getattr(rec, n) for n in names]
    for i in dates:
        v = values[i]
        if v is not None:
            values[i] = v.isoformat()
    return _json(values)


def decode(label: str, key: str, data: str, fields: tuple[str, ...] | None = None) -> Record:
    """The record of a stored row; ``fields``: the order of the array's values, when not today's."""
    values = dict(zip(fields or FIELDS[label], json.loads(data), strict=False))
    if label == "Receipt":
        values["household_id"], values["service_id"] = split_receipt_key(key)
    else:
        values["id"] = key
    return RECORD_TYPES[label].from_dict(values)


def _shared(v: Any) -> Any:
    """``v`` with its short strings (ids, codes) interned: one object per distinct id in memory."""
    if type(v) is str:
        return sys.intern(v) if len(v) <= _SHARED_MAX else v
    if type(v) is list:
        return [sys.intern(x) if type(x) is str and len(x) <= _SHARED_MAX else x for x in v]
    return v


#: strings up to this length are interned by :func:`decode_shared` (ids are at most 128; text is longer)
_SHARED_MAX = 128


def decode_shared(label: str, key: str, data: str) -> Record:
    """:func:`decode`, with every id interned: a need's ``household_id`` is then the very string
    of its household's id (and of the store's dict key), not a copy. What the store keeps in
    memory is read this way (a third less memory at 100,000 households)."""
    values = dict(zip(FIELDS[label], map(_shared, json.loads(data)), strict=False))
    if label == "Receipt":
        hid, sid = split_receipt_key(key)
        values["household_id"], values["service_id"] = sys.intern(hid), sys.intern(sid)
    else:
        values["id"] = sys.intern(key)
    return RECORD_TYPES[label].from_dict(values)


def _reader(label: str) -> Callable[[str, str], Record] | None:
    """A function ``(key, data) -> record`` that builds the record of a stored row without
    running the model's checks (the row was checked when it was written, and is in the form the
    model normalises to), ids interned and equal tuples of enums shared; None when a field has a
    type it cannot read (the caller then uses :func:`decode_shared`). Generated from the model's
    type hints, as :func:`row_encoder` is: no field list is written here."""
    cls = RECORD_TYPES[label]
    hints = _hints(cls)
    convert: list[Callable[[Any], Any] | None] = []
    for name in FIELDS[label]:
        kind, _ = _strip_none(hints[name])
        if kind in (bool, int):
            convert.append(None)
        elif _is_enum(kind):
            convert.append(kind._value2member_map_.__getitem__)  # type: ignore[attr-defined]
        elif kind is str:
            convert.append(_shared)
        elif kind is dt.date:
            convert.append(dt.date.fromisoformat)
        elif typing.get_origin(kind) is tuple and _is_enum(typing.get_args(kind)[0]):
            convert.append(_enum_tuple(typing.get_args(kind)[0]))
        elif typing.get_origin(kind) is tuple and typing.get_args(kind)[0] is str:
            convert.append(lambda v: tuple(_shared(v)))
        else:
            return None
    names = FIELDS[label]
    new, put, loads, intern = cls.__new__, object.__setattr__, json.loads, sys.intern
    receipt = label == "Receipt"
    pairs = list(zip(names, convert, strict=True))

    def read(key: str, data: str) -> Record:
        rec = new(cls)
        for (name, conv), v in zip(pairs, loads(data), strict=True):
            put(rec, name, v if conv is None or v is None else conv(v))
        if receipt:
            hid, sid = split_receipt_key(key)
            put(rec, "household_id", intern(hid))
            put(rec, "service_id", intern(sid))
        else:
            put(rec, "id", intern(key))
        return rec

    return read


def _enum_tuple(kind: type[enum.Enum]) -> Callable[[list[str]], tuple[enum.Enum, ...]]:
    member = kind._value2member_map_.__getitem__
    kept: dict[tuple[str, ...], tuple[enum.Enum, ...]] = {}

    def read(values: list[str]) -> tuple[enum.Enum, ...]:
        names = tuple(values)
        got = kept.get(names)
        if got is None:
            got = tuple(member(v) for v in names)
            if len(kept) < _ARRAYS_KEPT:
                kept[names] = got
        return got

    return read


_READERS: dict[str, Callable[[str, str], Record] | None] = {}


def decode_trusted(label: str, key: str, data: str) -> Record:
    """The record of a row this store wrote, as :func:`decode_shared` gives it (equal, field by
    field), three times faster: the store's first read of its file goes this way. A row whose
    values do not fit the model's types raises ``ValueError``/``KeyError``/``TypeError``."""
    if label not in _READERS:
        _READERS[label] = _reader(label)
    read = _READERS[label]
    return decode_shared(label, key, data) if read is None else read(key, data)


def decode_object(label: str, key: str, data: str) -> Record:
    """The record of a row as schema versions 1 and 2 stored it: the JSON object of :meth:`Record.to_dict`."""
    return RECORD_TYPES[label].from_dict(json.loads(data))


def field_sql(label: str, field: str) -> str:
    """An SQL expression of the value of ``field`` (not a key field) in a ``records`` row of ``label``."""
    return f"json_extract(data, '$[{FIELDS[label].index(field)}]')"


# -- the fast way in --------------------------------------------------------------------------------


def row_encoder(label: str, names: Sequence[str]) -> Callable[..., str]:
    """A function giving the ``data`` of a ``label`` record's row from its
    field values, passed in the order of ``names`` (every field of the record,
    its key fields too, each once; the key fields are not stored and are
    ignored). It gives exactly what :func:`encode` gives the record holding
    those values, which must be as the record would hold them: text fields as
    ``str``, an enum field as one of the enum's names (it is not checked),
    numbers as ``int``, lists as tuples of ``str``, dates as
    :class:`datetime.date`, ``None`` where the field may be empty. A number
    that is not an ``int`` raises ``ValueError``.

    ``ValueError`` when ``names`` are not the record's fields (the caller is
    out of date with the model)."""
    cls = RECORD_TYPES[label]
    hints = _hints(cls)
    if sorted(names) != sorted(hints) or len(set(names)) != len(names):
        missing, unknown = sorted(set(hints) - set(names)), sorted(set(names) - set(hints))
        raise ValueError(f"a {label} row is made of the fields {', '.join(sorted(hints))}; "
                         f"missing {', '.join(missing) or 'none'}, unknown {', '.join(unknown) or 'none'}")
    arg = {n: f"v{i}" for i, n in enumerate(names)}
    namespace: dict[str, object] = {"q": encode_basestring, "_array": _array, "_bool": _bool}
    body = ",".join(_value_code(label, n, hints[n], arg[n], namespace) for n in FIELDS[label])
    source = f'def encode({", ".join(arg.values())}):\n    return f"[{body}]"\n'
    # generated (as dataclasses does) so that a row costs one f-string; the text holds no input
    exec(compile(source, f"<row encoder of {label}>", "exec"), namespace)  # noqa: S102
    return namespace["encode"]  # type: ignore[return-value]


def _array(values: tuple[str, ...]) -> str:
    return "[" + ",".join(map(encode_basestring, values)) + "]"


def _bool(value: bool) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise ValueError(f"not a bool: {value!r}")


#: distinct lists of enum names remembered per field (a household's traits: a few hundred combinations)
_ARRAYS_KEPT = 4096


def _enum_array(kept: dict[tuple[str, ...], str]) -> Callable[[tuple[str, ...]], str]:
    def array(values: tuple[str, ...]) -> str:
        text = _array(values)
        if len(kept) < _ARRAYS_KEPT:
            kept[values] = text
        return text

    return array


def _value_code(label: str, name: str, hint: object, v: str, namespace: dict[str, object]) -> str:
    """The part of the encoder's f-string giving the JSON of the value ``v`` of
    a field typed ``hint`` (adding what it calls to ``namespace``)."""
    kind, optional = _strip_none(hint)
    if kind is bool:
        code = f"_bool({v})"
    elif kind is int:
        if not optional:
            return f"{{{v}:d}}"  # the format spec refuses anything but an int
        code = f"format({v}, 'd')"
    elif _is_enum(kind):
        if not optional and all(encode_basestring(m.value) == f'"{m.value}"' for m in kind):  # type: ignore[attr-defined]
            return f'\\"{{{v}}}\\"'  # a name that needs no escaping: quoted as it is
        code = f"q({v})"
    elif kind is str:
        code = f"q({v})"
    elif kind is dt.date:
        code = f"q({v}.isoformat())"
    elif typing.get_origin(kind) is tuple and _is_enum(typing.get_args(kind)[0]):
        kept: dict[tuple[str, ...], str] = {}
        namespace[f"kept_{v}"], namespace[f"array_{v}"] = kept, _enum_array(kept)
        code = f"kept_{v}.get({v}) or array_{v}({v})"
    elif typing.get_origin(kind) is tuple and typing.get_args(kind)[0] is str:
        code = f"_array({v})"
    else:
        raise TypeError(f"no fast encoding for {label}.{name} ({hint})")
    return f"{{'null' if {v} is None else {code}}}" if optional else f"{{{code}}}"


def _is_enum(t: object) -> bool:
    return isinstance(t, type) and issubclass(t, str) and issubclass(t, enum.Enum)


def _strip_none(hint: object) -> tuple[object, bool]:
    """``(the type, whether None is allowed)`` of a field's type hint."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def _hints(cls: type) -> dict[str, object]:
    """The record's dataclass fields and their types."""
    resolved = typing.get_type_hints(cls)
    return {f.name: resolved[f.name] for f in dataclasses.fields(cls)}
