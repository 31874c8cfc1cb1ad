"""The one message catalogue: every sentence Dolbom shows a person, Korean first, English on request.

A catalogue entry is a key and two templates, ``{"ko": ..., "en": ...}``, with
named parameters in braces. :func:`msg` renders one::

    msg("error.not_found", "ko", label="가구", key="h1")

A Korean template attaches a particle to a parameter with a format spec: the
particle that follows the value's last sound (see :mod:`i18n.particles`), so a
template never prints both forms ("와(과)")::

    "{first:와} {second:은} 함께 받을 수 없습니다"  ->  "생계급여와 주거급여는 ..."

Parameter values that are enums of the model (domains, traits, urgency,
sectors, referral statuses, ...) are rendered through :data:`VALUE_WORDS`, a
:class:`Text` in its locale, a :class:`Message` rendered in the same locale,
lists joined with commas, whole numbers with thousands separators. So callers
pass values, never pre-rendered words.

A :class:`Message` (key and parameters) is rendered late, when the locale is
known: a domain error raised deep below the API carries one, and the API's
error formatter renders it in the request's locale.

Complexity: rendering is a dict lookup and one ``str.format``.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .particles import PAIRS, attach
from .texts import cli as _cli
from .texts import errors as _errors
from .texts import matching as _matching
from .texts import pages as _pages
from .texts import service as _service
from .texts import values as _values
from .texts import whatif as _whatif
from .texts import workflow as _workflow

LOCALES = ("ko", "en")
#: the deployment's default (``DOLBOM_LOCALE``); pure functions below the API keep their own defaults
DEFAULT_LOCALE = "ko"


def _merge(*parts: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for part in parts:
        for key, texts in part.items():
            if key in out:
                raise KeyError(f"message {key!r} is defined twice")
            out[key] = texts
    return out


#: every message: key -> {"ko": template, "en": template}
CATALOGUE: dict[str, dict[str, str]] = _merge(_matching.TEXTS, _errors.TEXTS, _cli.TEXTS, _pages.TEXTS,
                                              _whatif.TEXTS, _service.TEXTS, _workflow.TEXTS)
#: words for enum values, keyed "EnumName.VALUE"
VALUE_WORDS: dict[str, dict[str, str]] = _values.TEXTS


@dataclass(frozen=True, slots=True)
class Text:
    """A word the caller knows in both locales (a tag's label, an approver's title)."""

    ko: str
    en: str


@dataclass(frozen=True, slots=True)
class Message:
    """A catalogue key and its parameters; rendered late, in the caller's locale."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Message:
        if key not in CATALOGUE:
            raise KeyError(f"no message {key!r} in the catalogue")
        return cls(key, tuple(params.items()))

    def render(self, locale: str = "en") -> str:
        return render(self.key, locale, **dict(self.params))

    def __str__(self) -> str:
        return self.render("en")


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {', '.join(LOCALES)} (got {locale!r})")
    return locale


def word(value: Any, locale: str = "en") -> str:
    """One parameter value as text: model enums through the catalogue, lists
    joined with commas, numbers with thousands separators, the rest ``str``."""
    if isinstance(value, enum.Enum):
        words = VALUE_WORDS.get(f"{type(value).__name__}.{value.value}")
        return words[locale] if words else str(value.value)
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, Text):
        return value.ko if locale == "ko" else value.en
    if isinstance(value, (list, tuple, frozenset, set)):
        return ", ".join(word(v, locale) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class _Formatter(string.Formatter):
    """``str.format`` where a format spec that names a Korean particle attaches it."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in PAIRS:
            return attach(str(value), format_spec)
        return str(format(value, format_spec))


_FORMATTER = _Formatter()


def render(key: str, locale: str = "en", /, **params: Any) -> str:
    """The text of catalogue entry ``key`` in ``locale`` with ``params`` filled in."""
    check_locale(locale)
    template = CATALOGUE[key][locale]
    return _FORMATTER.vformat(template, (), {k: word(v, locale) for k, v in params.items()})


def msg(key: str, locale: str = DEFAULT_LOCALE, /, **params: Any) -> str:
    """:func:`render` with the deployment's default locale (Korean): the call new code uses."""
    return render(key, locale, **params)


def template_fields(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def catalogue_problems(catalogue: Mapping[str, Mapping[str, str]] = CATALOGUE) -> list[str]:
    """Entries missing a locale, whose locales name different parameters, whose
    particle specs are unknown, or that print both forms of a particle (for tests)."""
    problems = []
    for key, texts in catalogue.items():
        missing = [loc for loc in LOCALES if not texts.get(loc)]
        if missing:
            problems.append(f"{key}: no text for {', '.join(missing)}")
            continue
        fields = {loc: template_fields(texts[loc]) for loc in sorted(LOCALES)}
        if len({frozenset(f) for f in fields.values()}) > 1:
            problems.append(f"{key}: locales name different parameters {fields}")
        for loc in LOCALES:
            for _, f, spec, _ in string.Formatter().parse(texts[loc]):
                if f and spec and spec not in PAIRS:
                    problems.append(f"{key}.{loc}: unknown format spec {spec!r}")
        both = [f"{a}({b})" for a, b in set(PAIRS.values())] + [f"{b}({a})" for a, b in set(PAIRS.values())]
        both.append("(으)로")
        printed = [b for b in both if b in texts["ko"]]
        if printed:
            problems.append(f"{key}.ko: prints both forms of a particle: {', '.join(printed)}")
    for key, texts in VALUE_WORDS.items():
        if any(not texts.get(loc) for loc in LOCALES):
            problems.append(f"{key}: a value word without both locales")
    return problems
