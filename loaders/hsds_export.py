"""``export_hsds``: the store's organizations and services as HSDS 3.1.

Writes, into ``out_dir``:

* ``organizations.json`` — an array of HSDS ``organization`` objects, each with
  its sector as an attribute (taxonomy ``dolbom-sector``) and one ``location``
  per region it is active in (name = the region's name, description = its
  path, "경기도 수원시");
* ``services.json`` — an array of HSDS ``service`` objects with
  ``organization_id``, ``status``, ``service_areas`` (one per region served,
  named like the locations), ``cost_options`` (``cost`` in KRW),
  ``eligibility_description`` and ``attributes`` linking taxonomy terms:
  ``dolbom-domain`` for domains, ``dolbom-tag`` for type tags (code the tag,
  name its Korean label), ``dolbom-form`` for the support form,
  ``dolbom-trait`` for required traits, ``dolbom-eligibility`` /
  ``max_income_percent`` for the income ceiling;
* ``csv/`` — the same as a tabular data package (``datapackage.json`` and one
  CSV per table), unless ``csv=False``.

Each object validates against the official HSDS 3.0 JSON schema (the tests
check it against the vendored copy). HSDS ids are UUIDs: an id that already
is one is written as is, any other becomes ``uuid5(namespace, "Label:id")``,
the same on every export. ``dolbom import-hsds`` reads the output back to the
same organizations and services.

Ids: each organization and service also carries its Dolbom id (attribute of
taxonomy ``dolbom-identifier``), which the import reads back; an
organization's regions are attributes of taxonomy ``dolbom-region``, a
service's regions service areas without an extent; capacity is 3.1's
``service_capacity``; an unknown cost has no cost option.

HSDS has no place for lead time, exclusions or
agreements, nor for volunteers, households, needs and referrals: the report
counts what was left out. Every file is complete or absent: documents are
built in memory first, then each is written to a temporary file and renamed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import taxonomy
from graph.model import Domain, HouseholdTrait, Organization, Region, Sector, Service, SupportForm
from graph.store import Store

#: namespace of the UUIDs given to Dolbom ids that are not UUIDs
EXPORT_NAMESPACE = uuid.UUID("5b0e6a1c-2f43-4d8e-9c1a-d01b0a000002")

DOMAIN_NAMES = {
    Domain.HEALTH: "보건·의료", Domain.HOUSING: "주거", Domain.EMPLOYMENT: "고용·일자리",
    Domain.LEGAL: "법률", Domain.INCOME: "소득·생계", Domain.EDUCATION: "교육", Domain.CARE: "돌봄",
    Domain.MENTAL_HEALTH: "정신건강", Domain.FOOD: "식품·급식",
}
TRAIT_NAMES = {
    HouseholdTrait.ELDERLY: "노인", HouseholdTrait.DISABLED: "장애인", HouseholdTrait.CHILDREN: "아동",
    HouseholdTrait.SINGLE_PARENT: "한부모", HouseholdTrait.MULTICULTURAL: "다문화",
    HouseholdTrait.UNEMPLOYED: "실직", HouseholdTrait.CHRONIC_ILLNESS: "만성질환",
}
SECTOR_NAMES = {
    Sector.PUBLIC: "공공", Sector.PRIVATE: "민간", Sector.NONPROFIT: "비영리", Sector.RELIGIOUS: "종교",
    Sector.CORPORATE: "기업", Sector.ASSOCIATION: "협회",
}
FORM_NAMES = {
    SupportForm.CASH: "현금", SupportForm.IN_KIND: "현물", SupportForm.VOUCHER: "이용권",
    SupportForm.SERVICE: "서비스",
}
TAXONOMIES = {
    "dolbom-domain": "Dolbom 서비스 영역 (domains): what a service helps with",
    "dolbom-tag": "Dolbom 지원 유형 (type tags, docs/taxonomy.md): what kind of help it is",
    "dolbom-form": "Dolbom 지원형태 (support form): cash, in kind, a voucher or a service",
    "dolbom-trait": "Dolbom 가구 특성 (household traits) a service requires",
    "dolbom-eligibility": "Dolbom 자격 기준 (eligibility rules); the attribute value carries the number",
    "dolbom-sector": "Dolbom 기관 유형 (organization sectors)",
    "dolbom-region": "Dolbom 지역 (regions): code = the region's Dolbom id, name = its path",
    "dolbom-identifier": "Dolbom 식별자: the attribute value is the record's id in Dolbom",
}
#: the taxonomy whose attribute carries a record's Dolbom id (its value), not a meaning
ID_TAXONOMY = "dolbom-identifier"
#: the HSDS version written
VERSION = "3.1"
#: the unit of a Dolbom capacity: places (자리) for households
UNIT = {"id": str(uuid.uuid5(EXPORT_NAMESPACE, "unit\x1fplace")), "name": "자리 (places)", "scheme": "dolbom",
        "identifier": "place"}
LEVEL_NAMES = {"PROVINCE": "광역", "CITY": "시·군", "DONG": "읍·면·동"}


#: ``service_capacity.description``: what Dolbom's capacity counts
CAPACITY_DESCRIPTION = "기간당 정원 (places per period)"
#: ``service_capacity.updated`` when the service keeps no time for its count (places held now): a fixed
#: instant, so that two exports of unchanged data are byte-identical (docs/hsds.md)
NO_TIME = "1970-01-01T00:00:00Z"
#: per HSDS table, the fields the import does not read because Dolbom derives them on export (from what
#: it does read): the import recognises its own values there and does not report them as dropped
DERIVED_ON_EXPORT: dict[str, frozenset[str]] = {
    "organization": frozenset({"description"}),
    "service_capacity": frozenset({"description", "updated"}),
}


def organization_description(name: str, sector: Sector) -> str:
    """``organization.description`` as Dolbom writes it: the name and the sector's Korean word."""
    return f"{name} ({SECTOR_NAMES[sector]})"


def capacity_id(service_hsds_id: str) -> str:
    """The id of the one ``service_capacity`` Dolbom writes for a service (by its HSDS id)."""
    return _uid("service_capacity", service_hsds_id)


def capacity_updated(svc: Service) -> str:
    """``service_capacity.updated``: from the service's own time, never the clock. A periodic count
    (``capacity_period``) started on ``used_since``, a day in Korean time: its midnight there; a
    count without a time (places held now): :data:`NO_TIME`."""
    if svc.used_since is not None:
        return f"{svc.used_since.isoformat()}T00:00:00+09:00"
    return NO_TIME


#: one attribute Dolbom writes: (link_type, taxonomy, term code, term name, value)
Term = tuple[str, str, str, str, str | None]


def service_terms(svc: Service) -> list[Term]:
    """The attributes of a service (its Dolbom id aside), in the order written: domains, type tags,
    the support form, required traits, the income ceiling. The API's filters read these too."""
    tax = taxonomy.active()
    out: list[Term] = [("service_category", "dolbom-domain", d.value, DOMAIN_NAMES[d], None)
                       for d in svc.domains]
    out += [("service_category", "dolbom-tag", t, tax.label(t, "ko"), None) for t in svc.tags]
    out.append(("service_category", "dolbom-form", svc.form.value, FORM_NAMES[svc.form], None))
    out += [("eligibility", "dolbom-trait", t.value, TRAIT_NAMES[t], None) for t in svc.required_traits]
    if svc.max_income_percent is not None:
        out.append(("eligibility", "dolbom-eligibility", "max_income_percent", "기준 중위소득 상한 (%)",
                    str(svc.max_income_percent)))
    return out


def organization_terms(org: Organization, path: Callable[[str], str]) -> list[Term]:
    """The attributes of an organization (its Dolbom id aside): its sector, then one region term per
    region it is active in (code = the region id, name = ``path(region id)``)."""
    out: list[Term] = [("organization_type", "dolbom-sector", org.sector.value, SECTOR_NAMES[org.sector],
                        None)]
    out += [("area", "dolbom-region", rid, path(rid), None) for rid in org.region_ids]
    return out


def term_id(taxonomy_name: str, code: str) -> str:
    """The HSDS id of a taxonomy term Dolbom writes."""
    return _uid("term", taxonomy_name, code)


def taxonomy_id(taxonomy_name: str) -> str:
    """The HSDS id of one of Dolbom's taxonomies (:data:`TAXONOMIES`)."""
    return _uid("taxonomy", taxonomy_name)


def hsds_id(label: str, key: str) -> str:
    """The HSDS id of a Dolbom record: its id if that is a UUID, else a stable uuid5."""
    try:
        if str(uuid.UUID(key)) == key.lower():
            return key
    except (ValueError, AttributeError, TypeError):
        pass
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"{label}:{key}"))


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(EXPORT_NAMESPACE, "\x1f".join(parts)))


@dataclass
class ExportReport:
    out_dir: str
    #: file name -> how many objects (rows) it holds
    written: dict[str, int] = field(default_factory=dict)
    #: what HSDS cannot carry: "Service.leadTimeDays" -> how many records had a value
    not_exported: dict[str, int] = field(default_factory=dict)

    def format(self) -> str:
        out = [f"HSDS export to {self.out_dir}"]
        for name, n in self.written.items():
            out.append(f"  {name}: {n}")
        if self.not_exported:
            out.append("  not exported (HSDS has no place for it):")
            for what, n in self.not_exported.items():
                out.append(f"    {what}: {n}")
        return "\n".join(out) + "\n"


class _Builder:
    def __init__(self, store: Store, *, all_regions: bool = True) -> None:
        """``all_regions``: read every region up front (an export); else each when first named
        (a page of the API, which names few)."""
        self.store = store
        self.regions: dict[str, Region] = (
            {r.id: r for r in store.list("Region") if isinstance(r, Region)} if all_regions else {})
        self._lazy = not all_regions
        self._paths: dict[str, str] = {}
        self.tables: dict[str, list[dict[str, Any]]] = {
            t: [] for t in ("organization", "service", "service_area", "cost_option", "service_capacity",
                            "unit", "attribute", "taxonomy_term", "taxonomy")
        }
        self._terms: dict[str, dict[str, Any]] = {}

    def region(self, region_id: str) -> Region | None:
        if region_id not in self.regions and self._lazy:
            rec = self.store.get("Region", region_id)
            if isinstance(rec, Region):
                self.regions[region_id] = rec
        return self.regions.get(region_id)

    def path(self, region_id: str) -> str:
        if region_id in self._paths:
            return self._paths[region_id]
        names: list[str] = []
        cur: str | None = region_id
        while cur is not None and len(names) < 16:
            region = self.region(cur)
            if region is None:
                break
            names.append(region.name)
            cur = region.parent_id
        self._paths[region_id] = " ".join(reversed(names))
        return self._paths[region_id]

    def taxonomy(self, name: str) -> dict[str, Any]:
        return {"id": taxonomy_id(name), "name": name, "description": TAXONOMIES[name]}

    def term(self, taxonomy: str, code: str, name: str) -> dict[str, Any]:
        tid = term_id(taxonomy, code)
        if tid not in self._terms:
            self._terms[tid] = {"id": tid, "code": code, "name": name, "description": f"{name} ({code})",
                                "taxonomy": taxonomy, "taxonomy_id": taxonomy_id(taxonomy)}
            self.tables["taxonomy_term"].append(self._terms[tid])
        return self._terms[tid]

    def attribute(self, owner_label: str, owner_id: str, entity: str, link_type: str, taxonomy: str,
                  code: str, name: str, value: str | None = None) -> dict[str, Any]:
        term = self.term(taxonomy, code, name)
        attr: dict[str, Any] = {
            "id": _uid("attribute", owner_label, owner_id, taxonomy, code), "link_id": owner_id,
            "taxonomy_term_id": term["id"], "link_type": link_type, "link_entity": entity,
        }
        if value is not None:
            attr["value"] = value
        self.tables["attribute"].append(attr)
        return {**attr, "taxonomy_term": {**term, "taxonomy_detail": self.taxonomy(taxonomy)}}

    def identity(self, label: str, key: str, hsds: str) -> dict[str, Any]:
        """The attribute carrying a record's Dolbom id (its HSDS id is a UUID; the import reads it back)."""
        return self.attribute(label, hsds, label.lower(), "identifier", "dolbom-identifier", "dolbom-id",
                              "Dolbom ID", key)

    def organization(self, org: Organization) -> dict[str, Any]:
        oid = hsds_id("Organization", org.id)
        attributes = [self.identity("Organization", org.id, oid)]
        # the regions it is active in: no address to give, so not locations but region terms
        attributes += [self.attribute("Organization", oid, "organization", link, tax, code, name, value)
                       for link, tax, code, name, value in organization_terms(org, self.path)]
        row = {"id": oid, "name": org.name, "description": organization_description(org.name, org.sector)}
        self.tables["organization"].append(row)
        return {**row, "attributes": attributes}

    def service(self, svc: Service) -> dict[str, Any]:
        sid = hsds_id("Service", svc.id)
        attributes = [self.identity("Service", svc.id, sid)]
        attributes += [self.attribute("Service", sid, "service", link, tax, code, name, value)
                       for link, tax, code, name, value in service_terms(svc)]
        rules = []
        if svc.max_income_percent is not None:
            rules.append(f"기준 중위소득 {svc.max_income_percent}% 이하")
        if svc.required_traits:
            rules.append("대상: " + ", ".join(TRAIT_NAMES[t] for t in svc.required_traits))
        areas = []
        for rid in svc.region_ids:
            region = self.region(rid)
            assert region is not None, rid  # the store keeps a service's regions
            area = {"id": _uid("service_area", sid, rid), "service_id": sid, "name": region.name,
                    "description": self.path(rid)}
            self.tables["service_area"].append(area)
            areas.append(area)
        costs = []
        if svc.cost is not None:  # unknown: no cost option (never "free")
            costs.append({"id": _uid("cost_option", sid), "service_id": sid,
                          "currency": svc.cost_currency or "KRW", "amount": svc.cost,
                          "option": "무료" if svc.cost == 0 else "1회 이용"})
            self.tables["cost_option"] += costs
        capacities = []
        if svc.capacity is not None:
            cap = {"id": capacity_id(sid), "service_id": sid, "unit_id": UNIT["id"],
                   "maximum": svc.capacity, "available": svc.available,
                   "description": CAPACITY_DESCRIPTION, "updated": capacity_updated(svc)}
            self.tables["service_capacity"].append(cap)
            if not self.tables["unit"]:
                self.tables["unit"].append(UNIT)
            capacities.append({**cap, "unit": UNIT})
        row: dict[str, Any] = {"id": sid, "organization_id": hsds_id("Organization", svc.provider_id),
                               "name": svc.name, "status": "active" if svc.active else "inactive"}
        if rules:
            row["eligibility_description"] = "; ".join(rules)
        self.tables["service"].append(row)
        out = {**row, "service_areas": areas, "attributes": attributes}
        if costs:
            out["cost_options"] = costs
        if capacities:
            out["capacities"] = capacities
        return out


#: the builder of HSDS objects, for callers that map a few records (the HSDS API's pages)
Builder = _Builder


def build_hsds(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                      dict[str, list[dict[str, Any]]], dict[str, int]]:
    """``(organizations, services, tables, not_exported)`` without writing anything."""
    b = _Builder(store)
    orgs = [b.organization(o) for o in store.list("Organization")]  # type: ignore[arg-type]
    services = [b.service(s) for s in store.list("Service")]  # type: ignore[arg-type]
    for name in TAXONOMIES:
        if any(t["taxonomy"] == name for t in b.tables["taxonomy_term"]):
            b.tables["taxonomy"].append(b.taxonomy(name))
    lost: dict[str, int] = {}
    svcs: list[Service] = store.list("Service")  # type: ignore[assignment]
    for what, n in (
        ("Service.used (beyond capacity)", sum(s.capacity is not None and s.used > s.capacity for s in svcs)),
        ("Service.leadTimeDays", sum(s.lead_time_days > 0 for s in svcs)),
        ("Service.excludesIds", sum(bool(s.excludes_ids) for s in svcs)),
        ("Service.agreementId", sum(s.agreement_id is not None for s in svcs)),
        ("Service.capacityPeriod", sum(s.capacity_period is not None for s in svcs)),
    ):
        if n:
            lost[what] = n
    for label, n in store.counts().items():
        if label not in ("Region", "Organization", "Service") and n:
            lost[label] = n
    return orgs, services, b.tables, lost


#: CSV file and columns per table, in the official data package's order
CSV_TABLES = {
    "organization": ("organizations.csv", ["id", "name", "alternate_name", "description", "email", "website",
                                           "tax_status", "tax_id", "year_incorporated", "legal_status",
                                           "logo", "uri", "parent_organization_id"]),
    "service": ("services.csv", ["id", "organization_id", "program_id", "name", "alternate_name",
                                 "description", "url", "email", "status", "interpretation_services",
                                 "application_process", "fees_description", "wait_time", "fees",
                                 "accreditations", "eligibility_description", "minimum_age", "maximum_age",
                                 "assured_date", "assurer_email", "licenses", "alert", "last_modified"]),
    "service_area": ("service_areas.csv", ["id", "service_id", "name", "description", "extent", "extent_type",
                                           "uri"]),
    "cost_option": ("cost_options.csv", ["id", "service_id", "valid_from", "valid_to", "option", "currency",
                                         "amount", "amount_description"]),
    "service_capacity": ("service_capacity.csv", ["id", "service_id", "unit_id", "available", "maximum",
                                                  "description", "updated"]),
    "unit": ("units.csv", ["id", "name", "scheme", "identifier", "uri"]),
    "attribute": ("attributes.csv", ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity",
                                     "value"]),
    "taxonomy_term": ("taxonomy_terms.csv", ["id", "code", "name", "description", "parent_id", "taxonomy",
                                             "language", "taxonomy_id", "term_uri"]),
    "taxonomy": ("taxonomies.csv", ["id", "name", "description", "uri", "version"]),
}


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in sorted(rows, key=lambda r: r["id"]):
        w.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return buf.getvalue()


#: the CSV columns the data package declares as numbers
_NUMBER_COLUMNS = ("amount", "latitude", "longitude", "year_incorporated", "minimum_age", "maximum_age",
                   "available", "maximum")


def _datapackage(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "name": "dolbom-hsds-export",
        "title": "Dolbom services as HSDS 3.1",
        "profile": "tabular-data-package",
        "version": VERSION,
        "license": {"name": "see the data owner"},
        "resources": [
            {"name": t, "path": name, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "profile": "tabular-data-resource",
             "schema": {"fields": [{"name": c, "type": "number" if c in _NUMBER_COLUMNS else "string"}
                                   for c in cols], "primaryKey": "id"}}
            for t, (name, cols) in CSV_TABLES.items()
        ],
    }


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export_hsds(store: Store, out_dir: str | Path, *, csv: bool = True) -> ExportReport:
    """Write the store's organizations and services as HSDS 3.1 (see the module docstring)."""
    out = Path(out_dir)
    orgs, services, tables, lost = build_hsds(store)
    files: dict[Path, str] = {
        out / "organizations.json": json.dumps(orgs, ensure_ascii=False, indent=2) + "\n",
        out / "services.json": json.dumps(services, ensure_ascii=False, indent=2) + "\n",
    }
    report = ExportReport(str(out), {"organizations.json": len(orgs), "services.json": len(services)}, lost)
    if csv:
        for table, (name, columns) in CSV_TABLES.items():
            files[out / "csv" / name] = _csv_text(columns, tables[table])
            report.written[f"csv/{name}"] = len(tables[table])
        files[out / "csv" / "datapackage.json"] = json.dumps(_datapackage(tables), ensure_ascii=False,
                                                             indent=2) + "\n"
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        _write(path, text)
    return report
