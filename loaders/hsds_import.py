"""``import_hsds``: HSDS 3.0 and 3.1 organizations and services into the store.

What becomes what (the full table is in ``docs/hsds.md``):

* ``organization`` -> :class:`Organization`, id kept as is. Sector: a sector
  term attached to it, else the mapping's ``sector_rules`` over its name and
  legal status, else ``default_sector``. Regions: those its locations resolve to.
* ``service`` -> :class:`Service`, id kept as is; provider = its organization;
  domains from its taxonomy terms (``attribute`` -> ``taxonomy_term``) through
  the mapping (else the domains of its type tags); type ``tags`` and the
  support ``form`` from tag and form terms (a term that is a tag of the
  taxonomy, or its label, needs no entry); ``requiredTraits`` from trait terms; ``maxIncomePercent`` from
  an income term's value or from ``eligibility_description`` ("기준 중위소득
  75% 이하", "below 60% of median income"); ``cost`` = the lowest
  ``cost_option.amount`` in won; ``active`` = status is ``active``.
* regions served: each ``service_area`` (its name, then its description), or,
  when no area resolves, the locations of its ``service_at_location`` rows
  (address "province city region", "province city", city, then the location's
  name and description).
  A name resolves to an existing region through the mapping's ``areas``, a
  region id, a unique region name, or a path of names ("경기도 수원시 매탄1동").
  With ``region_parent``, an area name that resolves to nothing becomes a new
  region under that parent (id ``hsds-<uuid5>``, level one below the parent),
  named after the area's name (else its description).

Ids: the Dolbom id Dolbom's export wrote beside an object (taxonomy
``dolbom-identifier``), else a stored record's earlier export id, else the
HSDS id as it is. Cost: unknown (None) when no option has an amount; another
currency is kept as given. 3.1 ``service_capacity``: capacity and places
used for a new service; a stored one keeps its own, a difference reported.
Fields Dolbom's export derives (:data:`loaders.hsds_export.DERIVED_ON_EXPORT`)
holding the value Dolbom would write are recognised, not reported as dropped,
so Dolbom's own export re-imports under ``--strict``.

What HSDS cannot say (lead time, exclusions, the
agreement, an organization's sector when only guessed; tags and form when no
term names them) keeps the value already
stored, so a re-import never wipes what coordinators added. Whatever cannot be
mapped is listed in the report by kind and id; a service without a mappable
domain, region or organization is left out *and* listed. The whole import is
one unit of work: a bad value anywhere aborts it with nothing written.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import taxonomy
from graph.errors import ValidationError
from graph.model import (
    Domain,
    HouseholdTrait,
    Organization,
    Region,
    RegionLevel,
    Sector,
    Service,
    SupportForm,
)
from graph.store import Store
from loaders.hsds_export import (
    CAPACITY_DESCRIPTION,
    UNIT,
    capacity_id,
    hsds_id,
    organization_description,
)
from loaders.hsds_mapping import HsdsError, Mapping, load_mapping, norm
from loaders.hsds_read import HsdsData, Item, read_hsds

#: namespace of the ids of regions created from area names
REGION_NAMESPACE = uuid.UUID("5b0e6a1c-2f43-4d8e-9c1a-d01b0a000001")

_CHILD_LEVEL = {RegionLevel.PROVINCE: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.DONG}

_INCOME_PATTERNS = (
    re.compile(r"중위\s*소득\s*(?:의\s*)?(\d{1,3})\s*%"),
    re.compile(r"(\d{1,3})\s*%\s*(?:of\s+)?(?:the\s+)?(?:area\s+)?median(?:\s+household)?\s+income",
               re.IGNORECASE),
    re.compile(r"median(?:\s+household)?\s+income\s+(?:of\s+|at\s+|below\s+|under\s+|up\s+to\s+)*(\d{1,3})\s*%",
               re.IGNORECASE),
)
_INCOME_WORDS = re.compile(r"소득|수급|income|median|poverty", re.IGNORECASE)


class _Rollback(Exception):
    """Raised inside the unit of work to discard a dry run."""


@dataclass(frozen=True)
class Unmapped:
    """One thing the import could not map: what kind, which HSDS object, why."""

    kind: str
    table: str
    id: str
    detail: str
    place: str = ""

    def line(self) -> str:
        return f"{self.kind:<22} {self.table} {self.id}: {self.detail}"


#: the kinds of unmapped things, in report order, with what each means
UNMAPPED_KINDS = {
    "service_no_domain": "service left out: none of its taxonomy terms maps to a domain",
    "service_no_region": "service left out: no service area or location resolves to a region",
    "service_no_organization": "service left out: no organization, or one that is neither in the input "
                               "nor stored",
    "unknown_term": "taxonomy term with no meaning in the mapping (domain, tag, form, trait, income, sector "
                    "or ignore)",
    "form_conflict": "terms naming two support forms: the first is kept",
    "unknown_area": "service area whose name resolves to no region (and none was created)",
    "ambiguous_area": "service area or location whose name fits several regions",
    "unknown_location": "location whose address and name resolve to no region",
    "age_rule": "minimum_age / maximum_age: Dolbom has no age rule",
    "income_rule": "an income rule that is not a percentage of the median income",
    "cost_currency": "cost option in a currency other than won: kept as given, compared as unknown",
    "cost_no_amount": "cost option without an amount: not used as cost",
    "dangling_reference": "a link to an object that is neither in the input nor stored",
    "attribute_not_mapped": "attribute on an object Dolbom keeps no terms for (location, area, ...)",
    "capacity_not_mapped": "service_capacity Dolbom cannot take as it is (several units, no whole number, "
                           "more available than the maximum)",
    "capacity_differs": "service_capacity that differs from the stored capacity: the stored one is kept",
}

#: the taxonomies of Dolbom's own export that carry ids, not meanings (the code is the id)
ID_TAXONOMY = "dolbom-identifier"
REGION_TAXONOMY = "dolbom-region"


@dataclass
class HsdsReport:
    """What an import read, wrote, and could not map."""

    source: str
    dry_run: bool = False
    #: the HSDS version read (3.0 or 3.1) and what told it
    version: str = "3.0"
    version_note: str = ""
    read: dict[str, int] = field(default_factory=dict)
    #: HSDS tables with no Dolbom counterpart: how many objects were not imported
    not_imported: dict[str, int] = field(default_factory=dict)
    #: per table read, the fields not imported: how many objects had a value for each
    fields_not_imported: dict[str, dict[str, int]] = field(default_factory=dict)
    #: per table, fields not read because Dolbom derives them on export and the value read is Dolbom's
    #: own (an export of Dolbom read back): how many objects; not dropped, so ``--strict`` passes
    derived_fields: dict[str, dict[str, int]] = field(default_factory=dict)
    #: tables not imported that could not even be read, and why (they abort nothing)
    unreadable: dict[str, str] = field(default_factory=dict)
    #: records the import produced, by label
    imported: dict[str, int] = field(default_factory=dict)
    #: records that differed from what was stored (0 everywhere on a re-import)
    changed: dict[str, int] = field(default_factory=dict)
    regions_created: list[str] = field(default_factory=list)
    #: organization id -> (sector, why)
    sectors: dict[str, tuple[str, str]] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        c = Counter(u.kind for u in self.unmapped)
        return {k: c[k] for k in UNMAPPED_KINDS if c[k]}

    @property
    def complete(self) -> bool:
        """True when everything read was imported: nothing unmapped, no table or field left out."""
        return not (self.unmapped or self.not_imported or self.fields_not_imported or self.unreadable)

    def strict_failures(self) -> str:
        """What makes ``--strict`` fail, in one line (empty when nothing)."""
        parts = []
        if self.unmapped:
            parts.append(f"{len(self.unmapped)} unmapped")
        if self.not_imported:
            parts.append(f"{len(self.not_imported)} tables not imported ({', '.join(self.not_imported)})")
        if self.fields_not_imported:
            n = sum(len(f) for f in self.fields_not_imported.values())
            parts.append(f"{n} fields not imported in {', '.join(self.fields_not_imported)}")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} tables unreadable ({', '.join(self.unreadable)})")
        return "; ".join(parts)

    def ids(self, kind: str) -> list[str]:
        return sorted(u.id for u in self.unmapped if u.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "dry_run": self.dry_run, "version": self.version,
            "version_note": self.version_note, "read": self.read,
            "not_imported": self.not_imported, "fields_not_imported": self.fields_not_imported,
            "derived_fields": self.derived_fields,
            "unreadable": self.unreadable, "imported": self.imported, "changed": self.changed,
            "regions_created": self.regions_created,
            "sectors": {k: {"sector": s, "why": w} for k, (s, w) in sorted(self.sectors.items())},
            "unmapped_by_kind": self.by_kind(),
            "unmapped": [u.__dict__ for u in self.unmapped],
        }

    def format(self) -> str:
        out = [f"HSDS import from {self.source}" + (" (dry run: nothing written)" if self.dry_run else "")]
        out.append(f"  HSDS version:  {self.version} ({self.version_note})")
        out.append("  read:          " + _counts(self.read))
        out.append("  imported:      " + _counts(self.imported))
        out.append("  changed:       " + _counts(self.changed))
        if self.regions_created:
            out.append(f"  regions created: {len(self.regions_created)} ({', '.join(self.regions_created)})")
        if self.not_imported:
            out.append("  tables not imported (no counterpart in Dolbom): " + _counts(self.not_imported))
        for table, why in self.unreadable.items():
            out.append(f"  table {table} not imported and unreadable: {why}")
        if self.fields_not_imported:
            out.append("  fields not imported (objects with a value):")
            for table, fields in self.fields_not_imported.items():
                out.append(f"    {table}: " + _counts(fields))
        if self.derived_fields:
            out.append("  fields Dolbom derives on export, recognised as its own (not dropped):")
            for table, fields in self.derived_fields.items():
                out.append(f"    {table}: " + _counts(fields))
        if self.unmapped:
            out.append(f"  unmapped: {len(self.unmapped)}")
            for kind, n in self.by_kind().items():
                out.append(f"    {kind}: {n}  ({UNMAPPED_KINDS[kind]})")
                for u in self.unmapped:
                    if u.kind == kind:
                        out.append(f"      {u.table} {u.id}: {u.detail}")
        else:
            out.append("  unmapped: none")
        return "\n".join(out) + "\n"


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "none"


# --------------------------------------------------------------------------
# regions by name


class RegionIndex:
    """The store's regions, found by id, by unique name or by a path of names."""

    def __init__(self, regions: Iterable[Region], mapping: Mapping) -> None:
        self.mapping = mapping
        self.by_id: dict[str, Region] = {}
        self.by_name: dict[str, list[str]] = {}
        self._cache: dict[str, tuple[str | None, str]] = {}
        for r in regions:
            self.add(r)

    def add(self, r: Region) -> None:
        self.by_id[r.id] = r
        self.by_name.setdefault(norm(r.name), []).append(r.id)
        self._cache.clear()

    def path(self, region_id: str) -> list[Region]:
        """The region and its ancestors, root first."""
        chain: list[Region] = []
        cur: str | None = region_id
        while cur is not None and cur in self.by_id and len(chain) < 16:
            chain.append(self.by_id[cur])
            cur = self.by_id[cur].parent_id
        return chain[::-1]

    def path_name(self, region_id: str) -> str:
        """``"경기도 수원시 매탄1동"``: the names from the root down."""
        return " ".join(r.name for r in self.path(region_id))

    def resolve(self, text: Any) -> tuple[str | None, str]:
        """``(region_id, "")`` or ``(None, "unknown" | "ambiguous")``.

        In order: the mapping's ``areas``; a region id; a unique region name;
        a path of names, root first, that may skip levels ("경기도 매탄1동")."""
        if not isinstance(text, str) or not text.strip():
            return None, "unknown"
        mapped = self.mapping.area(text)
        if mapped is not None:
            if mapped not in self.by_id:
                raise HsdsError(self.mapping.sources[-1], None, f"areas.{text}",
                                f"no region with id {mapped!r}")
            return mapped, ""
        if text in self.by_id:
            return text, ""
        t = norm(text)
        if t not in self._cache:
            self._cache[t] = self._by_names(t)
        return self._cache[t]

    def _by_names(self, t: str) -> tuple[str | None, str]:
        exact = self.by_name.get(t, [])
        if len(exact) == 1:
            return exact[0], ""
        found = []
        for name, ids in self.by_name.items():
            if not t.endswith(" " + name):
                continue
            want = t[: -len(name) - 1].split()
            for rid in ids:
                have = " ".join(norm(r.name) for r in self.path(rid)[:-1]).split()
                if _subsequence(want, have):
                    found.append(rid)
        if len(found) == 1:
            return found[0], ""
        return (None, "ambiguous") if found or len(exact) > 1 else (None, "unknown")


def _subsequence(want: list[str], have: list[str]) -> bool:
    it = iter(have)
    return all(any(w == h for h in it) for w in want)


# --------------------------------------------------------------------------
# the import


def import_hsds(store: Store, path: str | Path, *, mapping: Mapping | str | Path | None = None,
                region_parent: str | None = None, dry_run: bool = False) -> HsdsReport:
    """Import an HSDS file or directory in one unit of work (see the module docstring)."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    data = read_hsds(path)
    report = HsdsReport(source=str(path), dry_run=dry_run, version=data.version,
                        version_note=data.version_note(), read=data.read_counts(),
                        not_imported=data.ignored_counts(), fields_not_imported=data.ignored_field_counts(),
                        unreadable=dict(data.unreadable))
    index = RegionIndex([r for r in store.list("Region") if isinstance(r, Region)], mapping)
    parent = None
    if region_parent is not None:
        parent = index.by_id.get(region_parent)
        if parent is None:
            raise ValidationError("--region-parent", f"no region with id {region_parent!r}")
        if parent.level not in _CHILD_LEVEL:
            raise ValidationError("--region-parent",
                                  f"{region_parent!r} is a DONG: regions cannot be created under it")
    records = _Mapper(store, data, mapping, index, parent, report).run()
    # after mapping: the mapper recognised the fields Dolbom derives on export
    report.fields_not_imported = data.ignored_field_counts()
    report.derived_fields = data.derived_counts()
    try:
        with store.unit_of_work() as uow:
            for rec in records:
                uow.put(rec)
            changed = Counter(label for label, _ in uow.staged)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except ValidationError as e:
        raise _locate(e, data) from None
    report.changed = {label: changed[label] for label in ("Region", "Organization", "Service")
                      if changed[label]}
    return report


def _locate(e: ValidationError, data: HsdsData) -> ValidationError:
    """Name the input file and place of the record a store rule rejected."""
    if e.record is not None:
        label, key = e.record
        item = data.tables.get(label.lower(), {}).get(key)
        if item is not None:
            err = HsdsError(item.file, item.where, e.field, e.message)
            err.record = e.record
            return err
    return e


class _Mapper:
    def __init__(self, store: Store, data: HsdsData, mapping: Mapping, index: RegionIndex,
                 parent: Region | None, report: HsdsReport) -> None:
        self.store, self.data, self.mapping, self.index = store, data, mapping, index
        self.parent, self.report = parent, report
        self.created: dict[str, Region] = {}
        self._seen: set[tuple[str, str]] = set()
        self.attrs: dict[str, list[Item]] = {}
        self.by_service: dict[str, dict[str, list[Item]]] = {}
        self.addresses: dict[str, list[Item]] = {}
        self.org_locations: dict[str, list[Item]] = {}
        for addr in data["address"].values():
            self.addresses.setdefault(addr.get("location_id") or "", []).append(addr)
        for loc in data["location"].values():
            self.org_locations.setdefault(loc.get("organization_id") or "", []).append(loc)
        #: (table, HSDS id) -> the Dolbom id it stands for
        self.ids: dict[tuple[str, str], str] = {}
        #: HSDS ids an earlier export gave stored records that are not UUIDs -> their ids
        self.exported: dict[tuple[str, str], str] = {}
        for label in ("Organization", "Service"):
            for rec in store.list(label):
                key = hsds_id(label, rec.key)
                if key != rec.key:
                    self.exported[(label.lower(), key)] = rec.key

    def unmapped(self, kind: str, item: Item, detail: str) -> None:
        if (kind, item.id) not in self._seen:
            self._seen.add((kind, item.id))
            self.report.unmapped.append(Unmapped(kind, item.table, item.id, detail, item.place))

    # -- links -----------------------------------------------------------------

    def _index_links(self) -> None:
        d = self.data
        known_elsewhere = {t: d[t] for t in ("location", "service_area", "service_at_location", "cost_option",
                                               "address", "taxonomy_term", "taxonomy")}
        for attr in d["attribute"].values():
            link = attr.get("link_id")
            if link in d["service"] or link in d["organization"]:
                self.attrs.setdefault(link, []).append(attr)
            elif any(link in items for items in known_elsewhere.values()):
                self.unmapped("attribute_not_mapped", attr,
                              f"linked to {_table_of(link, known_elsewhere)} {link!r}")
            elif link is not None and self.store.get("Service", link) is None \
                    and self.store.get("Organization", link) is None:
                self.unmapped("dangling_reference", attr, f"link_id {link!r} names nothing in the input")
            elif link is None:
                self.unmapped("dangling_reference", attr, "no link_id: attached to nothing")
        for table in ("service_area", "cost_option", "service_at_location", "service_capacity"):
            for item in d[table].values():
                sid = item.get("service_id")
                sal_id = item.get("service_at_location_id")
                if sid is None and sal_id is not None:  # HSDS 3.1: an area of a service at a location
                    sal = d["service_at_location"].get(sal_id)
                    if sal is None:
                        self.unmapped("dangling_reference", item,
                                      f"service_at_location_id {sal_id!r} names nothing in the input")
                        continue
                    sid = sal.get("service_id")
                if sid in d["service"]:
                    self.by_service.setdefault(sid, {}).setdefault(table, []).append(item)
                else:
                    self.unmapped("dangling_reference", item,
                                  f"service_id {sid!r} names no service in the input")
        for sal in d["service_at_location"].values():
            lid = sal.get("location_id")
            if lid is not None and lid not in d["location"]:
                self.unmapped("dangling_reference", sal,
                              f"location_id {lid!r} names no location in the input")
        for loc in d["location"].values():
            oid = loc.get("organization_id")
            if (oid is not None and oid not in d["organization"]
                    and self.store.get("Organization", oid) is None):
                self.unmapped("dangling_reference", loc, f"organization_id {oid!r} names no organization")
        for table in ("organization", "service"):
            for item in d[table].values():
                own = [a.get("value") for a, t in self._own_terms(item, ID_TAXONOMY)]
                dolbom = next((v for v in own if isinstance(v, str) and v.strip()), None)
                self.ids[(table, item.id)] = dolbom or self.exported.get((table, item.id), item.id)

    def dolbom_id(self, table: str, key: str) -> str:
        """The Dolbom id of an HSDS object: the id Dolbom's export wrote beside it (taxonomy
        ``dolbom-identifier``), else the stored record an earlier export gave this HSDS id, else
        the HSDS id itself (UUIDs, numbers and slugs alike)."""
        return self.ids.get((table, key)) or self.exported.get((table, key), key)

    def taxonomy_of(self, term: Item) -> str | None:
        name = term.get("taxonomy")
        if name is None and term.get("taxonomy_id") is not None:
            tax = self.data["taxonomy"].get(term.get("taxonomy_id"))
            name = tax.get("name") if tax is not None else None
        return name if isinstance(name, str) else None

    def _own_terms(self, owner: Item, taxonomy_name: str) -> list[tuple[Item, Item]]:
        """``(attribute, term)`` for the attributes of ``owner`` whose term is of ``taxonomy_name``."""
        out = []
        for attr in self.attrs.get(owner.id, []):
            tid = attr.get("taxonomy_term_id")
            term = self.data["taxonomy_term"].get(tid) if tid else None
            if term is not None and self.taxonomy_of(term) == taxonomy_name:
                out.append((attr, term))
        return out

    def terms_of(self, owner: Item) -> list[tuple[Item, Item, Any]]:
        """``(attribute, term, meaning)`` for each attribute of ``owner`` with a term."""
        out = []
        for attr in self.attrs.get(owner.id, []):
            tid = attr.get("taxonomy_term_id")
            term = self.data["taxonomy_term"].get(tid) if tid else None
            if term is None:
                why = f"taxonomy_term_id {tid!r} names no taxonomy term" if tid else "no taxonomy_term_id"
                self.unmapped("dangling_reference", attr, why)
                continue
            if self.taxonomy_of(term) in (ID_TAXONOMY, REGION_TAXONOMY):
                continue  # ids, read by dolbom_id and organization
            meaning = self.mapping.term(term.get("code"), term.get("name"))
            if not meaning.known:
                self.unmapped("unknown_term", term,
                              f"code {term.get('code')!r}, name {term.get('name')!r}"
                              + (f", taxonomy {term.get('taxonomy')!r}" if term.get("taxonomy") else ""))
            out.append((attr, term, meaning))
        return out

    # -- regions -------------------------------------------------------------------

    def area_region(self, area: Item) -> str | None:
        name, description = area.get("name"), area.get("description")
        ambiguous = False
        for text in (name, description):
            rid, why = self.index.resolve(text)
            if rid is not None:
                return rid
            ambiguous |= why == "ambiguous"
        text = name or description
        if ambiguous:
            self.unmapped("ambiguous_area", area,
                          f"{text!r} fits several regions; name it by path or in areas")
            return None
        if self.parent is not None and isinstance(text, str) and text.strip():
            clean = " ".join(text.split())
            if len(clean) <= 200:
                return self.create_region(clean).id
            self.unmapped("unknown_area", area, f"{clean[:40]!r}... is too long to become a region name")
            return None
        self.unmapped("unknown_area", area, f"{text!r} names no region (give --region-parent to create it)")
        return None

    def create_region(self, name: str) -> Region:
        assert self.parent is not None
        rid = "hsds-" + str(uuid.uuid5(REGION_NAMESPACE, f"{self.parent.id}\x1f{norm(name)}"))
        region = Region(id=rid, name=name, level=_CHILD_LEVEL[self.parent.level], parent_id=self.parent.id)
        self.index.add(region)
        self.created[rid] = region
        return region

    def location_region(self, loc: Item) -> str | None:
        texts: list[str] = []
        for addr in self.addresses.get(loc.id, []):
            state, city, sub = addr.get("state_province"), addr.get("city"), addr.get("region")
            texts += [" ".join(x for x in (state, city, sub) if isinstance(x, str) and x)]
            texts += [" ".join(x for x in (state, city) if isinstance(x, str) and x), city or ""]
        texts += [loc.get("name") or "", loc.get("description") or ""]
        ambiguous = False
        for text in texts:
            if not text.strip():
                continue
            rid, why = self.index.resolve(text)
            if rid is not None:
                return rid
            ambiguous |= why == "ambiguous"
        tried = (", ".join(repr(t) for t in dict.fromkeys(t for t in texts if t.strip()))
                 or "no name or address")
        self.unmapped("ambiguous_area" if ambiguous else "unknown_location", loc, f"tried {tried}")
        return None

    # -- records ---------------------------------------------------------------------

    def run(self) -> list[Any]:
        self._index_links()
        orgs = [self.organization(item) for item in self.data["organization"].values()]
        services = [s for s in (self.service(item) for item in self.data["service"].values())
                    if s is not None]
        # terms attached to nothing Dolbom keeps are not reported: only used terms matter
        self.report.regions_created = sorted(self.created)
        self.report.imported = {k: v for k, v in (("Region", len(self.created)), ("Organization", len(orgs)),
                                                  ("Service", len(services))) if v}
        return [*self.created.values(), *orgs, *services]

    def organization(self, item: Item) -> Organization:
        oid = self.dolbom_id("organization", item.id)
        existing = self.store.get("Organization", oid)
        sector: Sector | None = None
        why = ""
        for _attr, term, meaning in self.terms_of(item):
            if meaning.sector is not None:
                sector, why = meaning.sector, f"term {term.get('code') or term.get('name')!r}"
                break
        if sector is None and isinstance(existing, Organization):
            sector, why = existing.sector, "kept from the store"
        if sector is None:
            sector, why = self.mapping.guess_sector(item.data)
        regions = set()
        for _attr, term in self._own_terms(item, REGION_TAXONOMY):
            code = term.get("code")
            rid = code if code in self.index.by_id else self.index.resolve(term.get("name"))[0]
            if rid is None:
                self.unmapped("unknown_area", term, f"region {code!r} ({term.get('name')!r}) is not stored")
            else:
                regions.add(rid)
        for loc in self.org_locations.get(item.id, []):
            rid = self.location_region(loc)
            if rid is not None:
                regions.add(rid)
        if not regions and isinstance(existing, Organization):
            regions = set(existing.region_ids)
        self.report.sectors[oid] = (sector.value, why)
        name = item.get("name")
        if isinstance(name, str) and self.data.derivable_value("organization", item.id, "description") \
                == organization_description(name, sector):
            self.data.recognise("organization", "description", item.id)
        return self._build(item, Organization, id=oid, name=item.get("name"), sector=sector,
                           region_ids=sorted(regions))

    def service(self, item: Item) -> Service | None:
        d = self.data
        sid = self.dolbom_id("service", item.id)
        existing = self.store.get("Service", sid)
        hsds_org = item.get("organization_id")
        if hsds_org is None:
            self.unmapped("service_no_organization", item, "no organization_id and no nested organization")
            return None
        oid = self.dolbom_id("organization", hsds_org)
        if hsds_org not in d["organization"] and self.store.get("Organization", oid) is None:
            self.unmapped("service_no_organization", item,
                          f"organization_id {hsds_org!r} is neither in the input nor stored")
            return None
        linked = self.by_service.get(item.id, {})

        domains: set[Domain] = set()
        traits: set[HouseholdTrait] = set()
        tags: set[str] = set()
        form: SupportForm | None = None
        income: int | None = None
        for attr, term, meaning in self.terms_of(item):
            domains.update(meaning.domains)
            tags.update(meaning.tags)
            if meaning.form is not None:
                if form is not None and meaning.form != form:
                    self.unmapped("form_conflict", item, f"{form.value} and {meaning.form.value} "
                                                         f"(term {term.get('code') or term.get('name')!r})")
                else:
                    form = meaning.form
            if meaning.trait is not None:
                traits.add(meaning.trait)
            if meaning.income:
                value = attr.get("value")
                if isinstance(value, str) and value.strip().rstrip("%").strip().isdigit():
                    income = int(value.strip().rstrip("%"))
                else:
                    self.unmapped("income_rule", item,
                                  f"income term {term.get('code') or term.get('name')!r} "
                                  f"with value {value!r}: not a whole percentage")
        text = item.get("eligibility_description")
        if income is None and isinstance(text, str):
            for pattern in _INCOME_PATTERNS:
                m = pattern.search(text)
                if m:
                    income = int(m.group(1))
                    break
            else:
                if _INCOME_WORDS.search(text):
                    self.unmapped("income_rule", item,
                                  f"eligibility_description {text[:60]!r}: no % of median")
        ages = [f"{k} {item.get(k):g}" for k in ("minimum_age", "maximum_age") if item.get(k) is not None]
        if ages:
            self.unmapped("age_rule", item, ", ".join(ages))

        cost, currency = self.cost(item, linked.get("cost_option", []))
        capacity = self.capacity(linked.get("service_capacity", []))
        for cap in linked.get("service_capacity", []):
            self.own_capacity(item, cap)

        if not domains:  # a tag says what kind of help, and so the domain
            known = taxonomy.active()
            domains.update(d for t in tags if t in known for d in known.tags[t].domains)
        if not domains:  # before regions: a left-out service creates no region
            seen = [t.get("code") or t.get("name") for _a, t, _m in self.terms_of(item)]
            self.unmapped("service_no_domain", item,
                          f"terms {seen!r} map to no domain" if seen else "no taxonomy terms")
            return None
        regions: set[str] = set()
        for area in linked.get("service_area", []):
            rid = self.area_region(area)
            if rid is not None:
                regions.add(rid)
        if not regions:
            for sal in linked.get("service_at_location", []):
                loc = d["location"].get(sal.get("location_id") or "")
                rid = self.location_region(loc) if loc is not None else None
                if rid is not None:
                    regions.add(rid)

        if not regions:
            self.unmapped("service_no_region", item, "no service area or location resolves to a region")
            return None
        keep: dict[str, Any] = {}
        if capacity is not None:
            keep = {"capacity": capacity[0], "used": capacity[1]}
        if isinstance(existing, Service):
            keep = {"capacity": existing.capacity, "used": existing.used,
                    "lead_time_days": existing.lead_time_days, "excludes_ids": existing.excludes_ids,
                    "agreement_id": existing.agreement_id if existing.provider_id == oid else None,
                    "capacity_period": existing.capacity_period, "used_since": existing.used_since}
            if capacity is not None and (capacity[0], capacity[0] - capacity[1]) != (existing.capacity,
                                                                                    existing.available):
                cap = linked["service_capacity"][0]
                self.unmapped("capacity_differs", cap,
                              f"maximum {cap.get('maximum')}, available {cap.get('available')} here; stored: "
                              f"capacity {existing.capacity}, available {existing.available} (kept)")
            if not linked.get("cost_option"):
                cost, currency = existing.cost, existing.cost_currency
            if not tags:
                tags = set(existing.tags)
            if form is None:
                form = existing.form
        status = item.get("status", "active")
        return self._build(item, Service, id=sid, name=item.get("name"), provider_id=oid,
                           domains=sorted(domains), region_ids=sorted(regions), max_income_percent=income,
                           required_traits=sorted(traits), cost=cost, cost_currency=currency,
                           active=status == "active",
                           form=form or SupportForm.SERVICE, tags=sorted(tags), **keep)

    def cost(self, service: Item, options: list[Item]) -> tuple[int | None, str | None]:
        """``(cost, currency)``: the lowest amount in won (currency None); else, when every option
        with an amount is in one other currency, the lowest of those as given; else unknown."""
        won: list[float] = []
        other: dict[str, list[float]] = {}
        for opt in options:
            amount = opt.get("amount")
            if amount is None:
                self.unmapped("cost_no_amount", opt, f"option {opt.get('option')!r} has no amount")
            elif amount < 0:
                raise HsdsError(opt.file, opt.where, "amount", f"must not be negative (got {amount!r})")
            elif not self.mapping.currency_ok(opt.get("currency")):
                currency = str(opt.get("currency")).strip()
                self.unmapped("cost_currency", opt, f"{amount:g} {currency}: not in won, kept as given")
                other.setdefault(currency, []).append(amount)
            else:
                won.append(amount)
        if won:
            return round(min(won)), None
        if len(other) == 1:
            currency, amounts = next(iter(other.items()))
            return round(min(amounts)), currency
        return None, None

    def capacity(self, caps: list[Item]) -> tuple[int, int] | None:
        """``(capacity, used)`` from a service's one ``service_capacity``: maximum places, and
        maximum - available of them taken (available alone: that many places, none taken)."""
        if not caps:
            return None
        cap = caps[0]
        if len(caps) > 1:
            units = ", ".join(sorted({self._unit(c) for c in caps}))
            self.unmapped("capacity_not_mapped", cap, f"{len(caps)} capacities ({units}): Dolbom keeps one")
            return None
        maximum, available = cap.get("maximum"), cap.get("available")
        whole = [v for v in (maximum, available) if v is not None]
        if not whole or any(v != int(v) or v < 0 for v in whole):
            self.unmapped("capacity_not_mapped", cap, f"maximum {maximum!r}, available {available!r}: "
                                                      f"not whole numbers of {self._unit(cap)}")
            return None
        if maximum is None:
            return int(available), 0
        if available is None:
            return int(maximum), 0
        if available > maximum:
            self.unmapped("capacity_not_mapped", cap, f"available {available:g} is more than maximum "
                                                      f"{maximum:g}: taken as {maximum:g} places, none used")
            return int(maximum), 0
        return int(maximum), int(maximum - available)

    def own_capacity(self, service: Item, cap: Item) -> None:
        """Recognise what Dolbom's export derives in its own ``service_capacity`` (its id and unit
        say it is Dolbom's): the fixed ``description`` and ``updated``, the time of the count, which
        Dolbom writes from the service (``used_since``), never from what it reads."""
        if cap.id != capacity_id(service.id) or cap.get("unit_id") != UNIT["id"]:
            return
        if self.data.derivable_value("service_capacity", cap.id, "description") == CAPACITY_DESCRIPTION:
            self.data.recognise("service_capacity", "description", cap.id)
        if isinstance(self.data.derivable_value("service_capacity", cap.id, "updated"), str):
            self.data.recognise("service_capacity", "updated", cap.id)

    def _unit(self, cap: Item) -> str:
        unit = self.data["unit"].get(cap.get("unit_id") or "")
        return str(unit.get("name")) if unit is not None else "places"

    def _build(self, item: Item, cls: type, **fields: Any) -> Any:
        try:
            return cls(**fields)
        except ValidationError as e:
            hsds_fields = {"name": "name", "providerId": "organization_id", "cost": "cost_options.amount",
                           "eligibility.maxIncomePercent": "eligibility_description"}
            hsds_field = hsds_fields.get(e.field or "", e.field)
            raise HsdsError(item.file, item.where, hsds_field, e.message) from None


def _table_of(key: str, tables: dict[str, dict[str, Item]]) -> str:
    return next((t for t, items in tables.items() if key in items), "?")
