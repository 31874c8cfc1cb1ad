"""Type tags: what kind of help a service or volunteer gives, and a need asks for.

A **tag** is a short slug (``rent-support``, ``livelihood-cash``,
``korean-class``) with a Korean and an English label and the domains it
belongs to. Services and volunteers carry tags beside their support form
(:class:`graph.model.SupportForm`); a need carries tags given explicitly or,
when none are given, derived from its detail text (:meth:`Taxonomy.derive`).
Matching prefers resources whose tags meet the need's, and calls two resources
a duplicate benefit when they share a form and a tag (see ``docs/taxonomy.md``).

The shipped table is ``graph/taxonomy.csv``, one row per tag::

    tag,domains,ko,en,keywords_ko,keywords_en
    rent-support,HOUSING,월세·주거비 지원,rent support,월세|임대료|주거비|관리비|집세,rent

``domains``, ``keywords_ko`` and ``keywords_en`` are lists joined by ``|``.
A deployment extends it with a file of the same columns: its rows add tags,
and a row naming a shipped tag replaces that tag. The extension is read from
the file named by the environment variable ``DOLBOM_TAXONOMY`` the first time
:func:`active` is asked (or set explicitly with :func:`use`).

**Deriving need tags.** A need of domain ``d`` gets every tag that belongs to
``d`` and one of whose keywords occurs in its detail: a Korean keyword
anywhere in the text with spaces ignored on both sides (``돌봄 공백`` matches
``아동 돌봄공백``), an English keyword case-insensitively at the start of a
word (``interpret`` matches "interpreter", ``rent`` does not match "parent").
Only the need's own domain is searched, so "월세 보증금 소송" makes a LEGAL need
``legal-aid``, not ``rent-support``.

The model checks only a tag's spelling (:data:`graph.model.TAG_PATTERN`);
whether a tag is in the taxonomy is checked where people type them (the API's
inputs, with :meth:`Taxonomy.check`; the HSDS mapping file), so a store written
under an extension still opens without it and an unknown tag reads as itself.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ValidationError
from .model import TAG_PATTERN, Domain

SHIPPED = Path(__file__).with_name("taxonomy.csv")
#: the environment variable naming an extension file
ENV = "DOLBOM_TAXONOMY"
COLUMNS = ("tag", "domains", "ko", "en", "keywords_ko", "keywords_en")
_SEP = "|"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    domains: tuple[Domain, ...]
    ko: str
    en: str
    keywords: tuple[str, ...] = ()

    def label(self, locale: str = "en") -> str:
        return self.ko if locale == "ko" else self.en


def _squash(text: str) -> str:
    return _SPACES.sub("", text).casefold()


class Taxonomy:
    """The tags in force: look-ups, labels, validation and need-tag derivation."""

    def __init__(self, tags: Iterable[Tag], *, source: str = "") -> None:
        self.tags: dict[str, Tag] = {t.id: t for t in tags}
        self.source = source
        self._derived: dict[tuple[Domain, str], tuple[str, ...]] = {}
        # per domain: (tag id, squashed Korean keywords, English keyword regexes)
        self._rules: dict[Domain, list[tuple[str, tuple[str, ...], tuple[re.Pattern[str], ...]]]] = {}
        for t in self.tags.values():
            ko = tuple(_squash(k) for k in t.keywords if not k.isascii())
            en = tuple(re.compile(r"(?<![a-z0-9])" + re.escape(k.casefold()))
                       for k in t.keywords if k.isascii())
            for d in t.domains:
                self._rules.setdefault(d, []).append((t.id, ko, en))

    def __contains__(self, tag: object) -> bool:
        return tag in self.tags

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags.values())

    def __len__(self) -> int:
        return len(self.tags)

    def label(self, tag: str, locale: str = "en") -> str:
        """The tag's label in ``locale`` ("en" or "ko"); an unknown tag reads as itself."""
        t = self.tags.get(tag)
        return tag if t is None else t.label(locale)

    def unknown(self, tags: Iterable[str]) -> list[str]:
        return sorted({t for t in tags if t not in self.tags})

    def check(self, field: str, tags: Iterable[str]) -> None:
        """Raise :class:`ValidationError` naming ``field`` when a tag is not in the taxonomy."""
        bad = self.unknown(tags)
        if bad:
            raise ValidationError(field, f"unknown tag{'s' if len(bad) > 1 else ''} {', '.join(bad)}: "
                                         f"not in the taxonomy (see docs/taxonomy.md)")

    def derive(self, domain: Domain | str, text: str | None) -> tuple[str, ...]:
        """The tags of a need of ``domain`` whose detail is ``text`` (see the module docstring), sorted."""
        if not text:
            return ()
        key = (Domain(domain), text)
        hit = self._derived.get(key)
        if hit is not None:
            return hit
        squashed = _squash(text)
        low = text.casefold()
        found = tuple(sorted(tag for tag, ko, en in self._rules.get(key[0], ())
                             if any(k in squashed for k in ko) or any(p.search(low) for p in en)))
        if len(self._derived) < 100_000:  # detail lines repeat: remember them, within reason
            self._derived[key] = found
        return found

    def need_tags(self, domain: Domain | str, given: Iterable[str], detail: str | None) -> tuple[str, ...]:
        """A need's tags: the ones given, or when none are, those derived from its detail."""
        given = tuple(sorted(set(given)))
        return given if given else self.derive(domain, detail)

    def rows(self) -> list[list[str]]:
        """The table as CSV rows (header first), shipped tags and extensions alike."""
        out = [list(COLUMNS)]
        for t in self.tags.values():
            out.append([t.id, _SEP.join(d.value for d in t.domains), t.ko, t.en,
                        _SEP.join(k for k in t.keywords if not k.isascii()),
                        _SEP.join(k for k in t.keywords if k.isascii())])
        return out


def _split(cell: str | None) -> list[str]:
    return [x.strip() for x in (cell or "").split(_SEP) if x.strip()]


def read_table(path: Path) -> list[Tag]:
    """The tags of a taxonomy CSV file. Errors name the file, the line and the column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ValidationError("taxonomy", f"cannot read {path}: {e.strerror or e}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("tag", "domains", "ko", "en") if c not in (reader.fieldnames or ())]
    if missing:
        raise ValidationError("taxonomy", f"{path}: the header lacks {', '.join(missing)} "
                                          f"(expected {', '.join(COLUMNS)})")
    out: list[Tag] = []
    for line, row in enumerate(reader, start=2):
        def bad(column: str, message: str, line: int = line) -> ValidationError:
            return ValidationError("taxonomy", f"{path}, line {line}, column {column}: {message}")

        tag = (row.get("tag") or "").strip()
        if not TAG_PATTERN.fullmatch(tag):
            raise bad("tag", f"{tag!r} is not a tag: lower-case letters, digits and single hyphens")
        domains = []
        for d in _split(row.get("domains")):
            try:
                domains.append(Domain(d))
            except ValueError:
                names = ", ".join(x.value for x in Domain)
                raise bad("domains", f"{d!r} is not a domain ({names})") from None
        if not domains:
            raise bad("domains", "name at least one domain")
        ko, en = (row.get("ko") or "").strip(), (row.get("en") or "").strip()
        if not ko or not en:
            raise bad("ko" if not ko else "en", "a label in Korean and one in English are both needed")
        keywords = tuple(_split(row.get("keywords_ko")) + _split(row.get("keywords_en")))
        out.append(Tag(tag, tuple(domains), ko, en, keywords))
    return out


def load(extra: Path | str | None = None) -> Taxonomy:
    """The shipped table, with the rows of ``extra`` (a CSV file of the same columns) over it."""
    tags = {t.id: t for t in read_table(SHIPPED)}
    source = str(SHIPPED)
    if extra:
        tags.update((t.id, t) for t in read_table(Path(extra)))
        source += f" + {extra}"
    return Taxonomy(tags.values(), source=source)


_active: Taxonomy | None = None


def active() -> Taxonomy:
    """The taxonomy in force: the shipped table plus the file ``$DOLBOM_TAXONOMY`` names, if any."""
    global _active
    if _active is None:
        _active = load(os.environ.get(ENV) or None)
    return _active


@contextmanager
def use(taxonomy: Taxonomy) -> Iterator[Taxonomy]:
    """Put ``taxonomy`` in force for the duration of a ``with`` block (tests, tools)."""
    global _active
    before = _active
    _active = taxonomy
    try:
        yield taxonomy
    finally:
        _active = before
