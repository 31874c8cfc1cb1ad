"""The table that turns HSDS taxonomy terms and organizations into Dolbom's words.

The default table ships as ``loaders/hsds_mapping.json``; ``--mapping FILE``
(:func:`load_mapping`) merges a file over it. Sections:

``domains``
    term -> list of :class:`graph.model.Domain` names. A service's domains are
    the union over the terms attached to it.
``tags``
    term -> list of type tags (:mod:`graph.taxonomy`). A term whose code is a
    tag of the taxonomy in force, or whose name is a tag's Korean or English
    label, maps to that tag without an entry (so Dolbom's own export,
    taxonomy ``dolbom-tag``, reads back); this section adds synonyms. A
    service's tags are the union over its terms, and when no term gives it a
    domain, its tags' domains are its domains.
``forms``
    term -> one :class:`graph.model.SupportForm` (현금 CASH, 현물 IN_KIND,
    이용권 VOUCHER, 서비스 SERVICE): a service's support form. Two terms naming
    different forms keep the first and are reported.
``traits``
    term -> one :class:`graph.model.HouseholdTrait`: a service carrying the
    term requires the trait (``eligibility.requiredTraits``).
``income_terms``
    terms whose attribute ``value`` is an income ceiling in % of the median
    (``maxIncomePercent``).
``sector_terms``
    term -> :class:`graph.model.Sector`, for terms attached to organizations.
``sector_rules``, ``sector_fields``, ``default_sector``
    how an organization's sector is guessed when no sector term says it:
    the first rule whose regular expression matches (case-insensitive) any of
    ``sector_fields`` wins; otherwise ``default_sector``.
``currencies``
    the currencies a ``cost_option.amount`` may be in to become ``cost``
    (a missing currency counts as Korean won).
``areas``
    a service area or location name -> an existing region id, checked before
    any match by name.
``ignore``
    terms known to carry nothing Dolbom uses; they are counted, not reported.

A term key is matched against the term's ``code``, then its ``name``, after
:func:`norm` (case-folded, spaces collapsed). Merging: the dictionary
sections of the file replace or add single keys; the file's ``sector_rules``
are tried before the default ones; lists (``income_terms``, ``currencies``,
``ignore``) are extended; scalars are replaced. ``"extends_default": false``
in the file starts from an empty table instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from graph import taxonomy
from graph.errors import ValidationError
from graph.model import TAG_PATTERN, Domain, HouseholdTrait, Sector, SupportForm

_E = TypeVar("_E", bound=Enum)

DEFAULT_MAPPING = Path(__file__).with_name("hsds_mapping.json")

_SECTIONS = (
    "about", "extends_default", "domains", "tags", "forms", "traits", "income_terms", "sector_terms",
    "sector_fields", "sector_rules", "default_sector", "currencies", "areas", "ignore",
)


class HsdsError(ValidationError):
    """Input that cannot be imported, naming the file, the place in it and the field."""

    def __init__(self, file: str, where: str | None, field: str | None, message: str) -> None:
        super().__init__(field, message)
        self.file = file
        self.where = where

    def __str__(self) -> str:
        place = f"{self.file}" + (f" {self.where}" if self.where else "")
        return f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


def norm(text: Any) -> str:
    """The form terms and names are compared in: case-folded, spaces collapsed."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class TermMeaning:
    """What one taxonomy term means to Dolbom (all empty: an unknown term)."""

    domains: tuple[Domain, ...] = ()
    trait: HouseholdTrait | None = None
    sector: Sector | None = None
    income: bool = False
    ignored: bool = False
    tags: tuple[str, ...] = ()
    form: SupportForm | None = None

    @property
    def known(self) -> bool:
        return bool(self.domains or self.trait or self.sector or self.income or self.ignored or self.tags
                    or self.form)


@dataclass(frozen=True)
class SectorRule:
    pattern: re.Pattern[str]
    sector: Sector


@dataclass
class Mapping:
    """A loaded mapping table (see the module docstring)."""

    domains: dict[str, tuple[Domain, ...]] = field(default_factory=dict)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    forms: dict[str, SupportForm] = field(default_factory=dict)
    traits: dict[str, HouseholdTrait] = field(default_factory=dict)
    income_terms: set[str] = field(default_factory=set)
    sector_terms: dict[str, Sector] = field(default_factory=dict)
    sector_fields: tuple[str, ...] = ("name",)
    sector_rules: list[SectorRule] = field(default_factory=list)
    default_sector: Sector = Sector.NONPROFIT
    currencies: set[str] = field(default_factory=set)
    areas: dict[str, str] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    sources: tuple[str, ...] = ()

    def term(self, code: Any, name: Any) -> TermMeaning:
        keys = [norm(k) for k in (code, name) if k not in (None, "")]

        def first(table: dict[str, Any]) -> Any:
            for k in keys:
                if k in table:
                    return table[k]
            return None

        return TermMeaning(
            domains=first(self.domains) or (),
            trait=first(self.traits),
            sector=first(self.sector_terms),
            income=any(k in self.income_terms for k in keys),
            ignored=any(k in self.ignore for k in keys),
            tags=first(self.tags) or first(_taxonomy_terms()) or (),
            form=first(self.forms),
        )

    def guess_sector(self, org: dict[str, Any]) -> tuple[Sector, str]:
        """The sector for an organization's fields, and why (for the report)."""
        for rule in self.sector_rules:
            for f in self.sector_fields:
                value = org.get(f)
                found = rule.pattern.search(value) if isinstance(value, str) else None
                if found:
                    return rule.sector, f"{f} contains {found.group(0)!r}"
        return self.default_sector, "default_sector"

    def area(self, name: Any) -> str | None:
        return self.areas.get(norm(name)) if name else None

    def currency_ok(self, currency: Any) -> bool:
        return currency in (None, "") or norm(currency) in self.currencies


def _taxonomy_terms() -> dict[str, tuple[str, ...]]:
    """The taxonomy in force as terms: each tag's id and its two labels, normalised."""
    tax = taxonomy.active()
    cached = _TAXONOMY_TERMS.get(id(tax))
    if cached is None:
        cached = {}
        for t in tax:
            for key in (t.id, t.ko, t.en):
                cached.setdefault(norm(key), (t.id,))
        _TAXONOMY_TERMS.clear()
        _TAXONOMY_TERMS[id(tax)] = cached
    return cached


_TAXONOMY_TERMS: dict[int, dict[str, tuple[str, ...]]] = {}


def load_mapping(path: str | Path | None = None) -> Mapping:
    """The default table, with ``path`` (a JSON file) merged over it when given."""
    base = _read(DEFAULT_MAPPING)
    sources = [str(DEFAULT_MAPPING)]
    if path is not None:
        over = _read(Path(path))
        sources.append(str(path))
        base = _merge(base, over) if over.get("extends_default", True) else over
    return _build(base, str(path) if path is not None else str(DEFAULT_MAPPING), tuple(sources))


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise HsdsError(str(path), None, None, f"cannot read the mapping file ({e.strerror or e})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise HsdsError(str(path), f"line {e.lineno} column {e.colno}", None,
                        f"not valid JSON ({e.msg})") from None
    if not isinstance(data, dict):
        raise HsdsError(str(path), None, None, "a mapping file must be a JSON object")
    for key in data:
        if key not in _SECTIONS:
            raise HsdsError(str(path), None, key, f"unknown section (known: {', '.join(_SECTIONS)})")
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        old = base.get(key)
        if key == "sector_rules" and isinstance(value, list) and isinstance(old, list):
            out[key] = [*value, *old]
        elif isinstance(value, dict) and isinstance(old, dict):
            out[key] = {**old, **value}
        elif isinstance(value, list) and isinstance(old, list) and key != "sector_fields":
            out[key] = [*old, *value]
        else:
            out[key] = value
    return out


def _build(data: dict[str, Any], file: str, sources: tuple[str, ...]) -> Mapping:
    def fail(field: str, message: str) -> HsdsError:
        return HsdsError(file, None, field, message)

    def enum(cls: type[_E], value: Any, field: str) -> _E:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise fail(field, f"must be one of {allowed} (got {value!r})") from None

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise fail(key, "must be an object")
        return value

    def strings(key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, "must be a list of strings")
        return value

    m = Mapping(sources=sources)
    known = taxonomy.active()
    for term, tags in table("tags").items():
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            raise fail(f"tags.{term}", "must be a tag or a non-empty list of them")
        bad = [t for t in tags if not TAG_PATTERN.fullmatch(t) or t not in known]
        if bad:
            raise fail(f"tags.{term}", f"{', '.join(bad)}: not a tag of the taxonomy (docs/taxonomy.md)")
        m.tags[norm(term)] = tuple(sorted(set(tags)))
    for term, form in table("forms").items():
        m.forms[norm(term)] = enum(SupportForm, form, f"forms.{term}")
    for term, domains in table("domains").items():
        if isinstance(domains, str):
            domains = [domains]
        if not isinstance(domains, list) or not domains:
            raise fail(f"domains.{term}", "must be a domain name or a non-empty list of them")
        m.domains[norm(term)] = tuple(enum(Domain, d, f"domains.{term}") for d in domains)
    for term, trait in table("traits").items():
        m.traits[norm(term)] = enum(HouseholdTrait, trait, f"traits.{term}")
    for term, sector in table("sector_terms").items():
        m.sector_terms[norm(term)] = enum(Sector, sector, f"sector_terms.{term}")
    for name, region_id in table("areas").items():
        if not isinstance(region_id, str) or not region_id.strip():
            raise fail(f"areas.{name}", "must be a region id")
        m.areas[norm(name)] = region_id
    m.income_terms = {norm(t) for t in strings("income_terms")}
    m.currencies = {norm(c) for c in strings("currencies")}
    m.ignore = {norm(t) for t in strings("ignore")}
    m.sector_fields = tuple(strings("sector_fields")) or ("name",)
    rules = data.get("sector_rules", [])
    if not isinstance(rules, list):
        raise fail("sector_rules", "must be a list of {pattern, sector}")
    for i, rule in enumerate(rules):
        where = f"sector_rules[{i}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("pattern"), str):
            raise fail(f"{where}.pattern", "must be a regular expression string")
        try:
            pattern = re.compile(rule["pattern"], re.IGNORECASE)
        except re.error as e:
            raise fail(f"{where}.pattern", f"not a valid regular expression ({e})") from None
        m.sector_rules.append(SectorRule(pattern, enum(Sector, rule.get("sector"), f"{where}.sector")))
    m.default_sector = enum(Sector, data.get("default_sector", "NONPROFIT"), "default_sector")
    return m
