"""Reading a GraphQL request body: bytes in, one checked request out, or a clear refusal.

strawberry's own reader lets through what then fails as HTTP 500: bytes that
are not UTF-8, a JSON body that is a string, ``null`` or a number, JSON
nested thousands deep (Python's parser gives up with RecursionError), an
integer of thousands of digits (Python refuses to convert past 4,300). Here
each is a :class:`BodyError` with a message that says what is wrong, which
the view answers as HTTP 400 with a GraphQL error coded ``BAD_USER_INPUT``.

Every string in the request (the document, variables, operation name) is
NFC-normalised, so the NFC and NFD spellings of an id find the same record.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import orjson

#: deepest nesting of arrays and objects in a request body (the envelope counts as 1)
MAX_DEPTH = 32
#: the longest number a request body may hold (a GraphQL Int has at most 11 characters)
MAX_DIGITS = 100


class BodyError(ValueError):
    """A request body this API will not read; the message says why."""


#: what orjson leaves to :mod:`json` (raising TypeError): dataclasses, dates and subclasses of str,
#: int, dict and list, which json encodes or refuses as it always did
_ORJSON_LEAVES = (orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
                  | orjson.OPT_PASSTHROUGH_SUBCLASS)


def encode(data: Any) -> bytes:
    """An answer as compact UTF-8 JSON (Hangul as itself, three bytes a character, not a six-byte
    ``\\uXXXX`` escape). A string holding a lone surrogate (JSON may carry ``"\\ud800"``, UTF-8
    cannot; an error message can echo one from the request) makes the whole answer escaped ASCII
    instead, never an error.

    orjson writes it (a warm 8.8 MB report through GraphQL: 0.13 -> 0.07 s, bench/README.md); what
    orjson refuses (a lone surrogate, an integer past 64 bits, a type it leaves to json:
    ``_ORJSON_LEAVES``) is written by :mod:`json` as before. (A NaN or an infinity, which no answer
    holds, graphql-core refusing them as ``Float``, would be ``null``, not json's invalid ``NaN``.)"""
    try:
        return orjson.dumps(data, option=_ORJSON_LEAVES)
    except TypeError:  # orjson.JSONEncodeError is one
        return _json(data)


def _json(data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def _number(text: str) -> int | float:
    if len(text) > MAX_DIGITS:
        raise BodyError(f"a number of {len(text):,} characters: at most {MAX_DIGITS} are accepted")
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _constant(text: str) -> Any:
    raise BodyError(f"{text} is not JSON")


def _nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def normalise(doc: Any, max_depth: int = MAX_DEPTH) -> Any:
    """``doc`` with every string value NFC-normalised; :class:`BodyError` past ``max_depth``.
    Walks without recursion, so any depth is safe to check."""
    if isinstance(doc, str):
        return _nfc(doc)
    stack: list[tuple[Any, int]] = [(doc, 1)] if isinstance(doc, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise BodyError(f"the request is nested more than {max_depth} levels deep")
        pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in pairs:
            if isinstance(value, str):
                fixed = _nfc(value)
                if fixed is not value:
                    node[key] = fixed
            elif isinstance(value, (dict, list)):
                stack.append((value, depth + 1))
    return doc


def read_json(data: bytes | str) -> Any:
    """The JSON document in ``data`` (UTF-8), normalised; :class:`BodyError` if it is not one."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad = data[e.start:e.start + 1]
            raise BodyError(f"the request is not UTF-8 (byte {e.start} is {bad!r})") from None
    else:
        text = data
    try:
        doc = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except RecursionError:
        raise BodyError(f"the request is nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as e:
        raise BodyError(f"the request is not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    return normalise(doc)


def operation(doc: Any) -> tuple[str | None, dict[str, Any] | None, str | None, dict[str, Any] | None]:
    """``(query, variables, operationName, extensions)`` of a request body, each of the right type."""
    if isinstance(doc, list):
        raise BodyError("batches are not accepted: send one operation per request")
    if not isinstance(doc, dict):
        raise BodyError(f"the request must be a JSON object with a query (got {type(doc).__name__})")
    query, variables, name, extensions = (doc.get(k) for k in ("query", "variables", "operationName",
                                                               "extensions"))
    if not isinstance(query, (str, type(None))):
        raise BodyError("query must be a string")
    if not isinstance(variables, (dict, type(None))):
        raise BodyError("variables must be an object")
    if not isinstance(name, (str, type(None))):
        raise BodyError("operationName must be a string")
    if not isinstance(extensions, (dict, type(None))):
        raise BodyError("extensions must be an object")
    return query, variables, name, extensions
