"""Read HSDS 3.0 and 3.1 into flat tables, whatever form it arrives in (older versions refused).

Forms understood (``path`` is a file or a directory):

* a JSON file holding one object (``service_full.json``), an array of objects
  (a "package": ``[{service}, ...]``), a paged list (``{"contents": [...],
  "total_items": ...}``), or a tabular object keyed by table file
  (``{"organizations.csv": [...], ...}``, the official ``tabular.json``) or by
  table name (``{"services": [...], ...}``);
* a directory with ``datapackage.json`` and one CSV per table (the tabular
  data package), or ``datapackage.json`` itself;
* a directory without ``datapackage.json``: every ``*.json`` and ``*.csv``
  file in it, in name order (what ``dolbom export-hsds`` writes; a CSV folder
  as the UK profile publishes it).

Objects nest as the compiled schemas nest them (a service with its
``organization``, ``service_areas``, ``service_at_locations`` -> ``location``,
``cost_options``, ``attributes`` -> ``taxonomy_term``); nesting is flattened
into the tables with the links the nesting implies. The same object met
twice (an organization repeated in every service) is merged; met twice with
different values in a field Dolbom imports (:data:`USED`) it is an error
naming both places. Tables Dolbom has no counterpart for (phones, schedules,
contacts, ...) and fields it does not import are counted, not kept, and not
checked: such a table that cannot be read is listed, never aborting.

Every error is a :class:`loaders.hsds_mapping.HsdsError` naming the file,
the place in it (JSON path or CSV line) and the field.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.hsds_export import DERIVED_ON_EXPORT
from loaders.hsds_mapping import HsdsError

#: the HSDS tables import maps; everything else is counted as not imported
KEPT = (
    "organization", "service", "location", "address", "service_area", "service_at_location",
    "cost_option", "attribute", "taxonomy_term", "taxonomy", "service_capacity", "unit",
)

#: per kept table, the fields the import reads; any other field is counted as not imported, is not
#: checked, and two copies of an object that differ only there do not conflict
USED: dict[str, frozenset[str]] = {t: frozenset(f.split()) | {"id"} for t, f in {
    "organization": "name alternate_name legal_status tax_status",
    "service": "organization_id name status eligibility_description minimum_age maximum_age",
    "location": "organization_id name description location_type",
    "address": "location_id state_province city region address_type",
    "service_area": "service_id service_at_location_id name description",
    "service_at_location": "service_id location_id",
    "cost_option": "service_id amount currency option",
    "attribute": "link_id taxonomy_term_id value link_type link_entity _link_table",
    "taxonomy_term": "code name description taxonomy taxonomy_id",
    "taxonomy": "name description",
    "service_capacity": "service_id unit_id available maximum",
    "unit": "name scheme identifier",
}.items()}

#: the key an object nests under -> its table
NESTED = {
    "organization": "organization", "services": "service", "service": "service",
    "locations": "location", "location": "location", "addresses": "address",
    "service_areas": "service_area", "service_at_locations": "service_at_location",
    "cost_options": "cost_option", "attributes": "attribute", "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy", "capacities": "service_capacity", "unit": "unit",
    "additional_urls": "url",
    "phones": "phone", "schedules": "schedule", "contacts": "contact", "languages": "language",
    "funding": "funding", "program": "program", "programs": "program",
    "required_documents": "required_document", "accessibility": "accessibility",
    "metadata": "metadata", "organization_identifiers": "organization_identifier",
}

#: table name, its plural and its CSV file name -> the table
TABLE_NAMES: dict[str, str] = {}
for _t in (*KEPT, "phone", "schedule", "contact", "language", "funding", "program", "required_document",
           "accessibility", "metadata", "meta_table_description", "organization_identifier", "url"):
    _plural = {"address": "addresses", "accessibility": "accessibility", "funding": "funding",
               "metadata": "metadata", "service_at_location": "service_at_location",
               "taxonomy": "taxonomies", "service_capacity": "service_capacities",
               "url": "url"}.get(_t, _t + "s")
    for _n in (_t, _plural, f"{_t}.csv", f"{_plural}.csv", f"{_t}.json", f"{_plural}.json"):
        TABLE_NAMES[_n] = _t
#: other spellings: 3.0's own plural, 3.1's file names, and HSDS 2.0's tables whose content 3.0 kept
_ALIASES = {
    "service_at_locations": "service_at_location", "services_at_location": "service_at_location",
    "service_capacity": "service_capacity", "urls": "url",
    "physical_address": "address", "physical_addresses": "address",
    "service_attribute": "attribute", "service_attributes": "attribute",
}
for _n, _t in _ALIASES.items():
    for _x in (_n, f"{_n}.csv", f"{_n}.json"):
        TABLE_NAMES[_x] = _t

#: tables only HSDS 1.x has: a package holding them and declaring no version is 1.x
OLD_TABLES = frozenset({"service_taxonomy", "regular_schedule", "holiday_schedule", "payment_accepted",
                        "accessibility_for_disabilities"})
#: what only HSDS 3.1 has: its tables, and fields of 3.0 tables
V31_TABLES = frozenset({"service_capacity", "unit", "url"})
V31_FIELDS = frozenset({"capacities", "additional_urls", "service_at_location_id"})

_NUMBERS = {"minimum_age", "maximum_age", "amount", "available", "maximum"}
_ENUMS = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
}
_REQUIRED_TEXT = {"service": ("name",), "organization": ("name",)}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_ID = 128


_DIFFERENT = object()


@dataclass
class Item:
    """One HSDS object, flattened: its scalar fields plus the links nesting implied."""

    table: str
    id: str
    data: dict[str, Any]
    file: str
    where: str

    @property
    def place(self) -> str:
        return f"{self.file} {self.where}"

    def get(self, key: str, default: Any = None) -> Any:
        v = self.data.get(key)
        return default if v is None or v == "" else v


@dataclass
class HsdsData:
    """Everything read: the kept tables by id, and counts of the rest."""

    tables: dict[str, dict[str, Item]] = field(default_factory=lambda: {t: {} for t in KEPT})
    #: table -> ids (or places, for objects without one) of objects not imported
    ignored: dict[str, set[str]] = field(default_factory=dict)
    #: kept table -> field -> ids of the objects whose value for it was not imported
    ignored_fields: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: (table, id) -> the values of the fields Dolbom derives on export (:data:`DERIVED_ON_EXPORT`), kept
    #: so the import can tell its own derivations from a publisher's text (:meth:`recognise`)
    derivable: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: kept table -> field -> ids of the objects whose value was Dolbom's own derivation
    derived: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: table -> why it could not be read (tables Dolbom does not import are read leniently)
    unreadable: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: the version the input declares (datapackage.json ``version``), and where
    declared: str | None = None
    #: what only HSDS 3.1 has, met in the input (tables and fields)
    v31: set[str] = field(default_factory=set)

    def __getitem__(self, table: str) -> dict[str, Item]:
        return self.tables[table]

    @property
    def version(self) -> str:
        """``3.1`` when anything only 3.1 has was met, else ``3.0``."""
        return "3.1" if self.v31 else "3.0"

    def version_note(self) -> str:
        parts = []
        if self.declared is not None:
            parts.append(f"datapackage.json says {self.declared}")
        if self.v31:
            parts.append("3.1 only: " + ", ".join(sorted(self.v31)))
        return "; ".join(parts) or "no version declared, nothing only 3.1 has"

    def read_counts(self) -> dict[str, int]:
        return {t: len(items) for t, items in self.tables.items() if items}

    def ignored_counts(self) -> dict[str, int]:
        return {t: len(ids) for t, ids in sorted(self.ignored.items()) if ids}

    def ignored_field_counts(self) -> dict[str, dict[str, int]]:
        return {t: {f: len(ids) for f, ids in sorted(fs.items())}
                for t, fs in sorted(self.ignored_fields.items()) if fs}

    # -- collecting ------------------------------------------------------------

    def skip(self, table: str, key: str) -> None:
        self.ignored.setdefault(table, set()).add(key)

    def skip_field(self, table: str, name: str, oid: str, value: Any = None) -> None:
        self.ignored_fields.setdefault(table, {}).setdefault(name, set()).add(oid)
        if name in DERIVED_ON_EXPORT.get(table, ()):
            kept = self.derivable.setdefault((table, oid), {})
            # two copies with different values: neither is taken for a derivation
            kept[name] = value if kept.get(name, value) == value else _DIFFERENT

    def derivable_value(self, table: str, oid: str, name: str) -> Any:
        """The value read for a field Dolbom derives (None when absent or read twice differently)."""
        value = self.derivable.get((table, oid), {}).get(name)
        return None if value is _DIFFERENT else value

    def recognise(self, table: str, name: str, oid: str) -> None:
        """The value of ``name`` of this object is what Dolbom derives on export: not a dropped field."""
        ids = self.ignored_fields.get(table, {}).get(name)
        if ids is not None and oid in ids:
            ids.discard(oid)
            if not ids:
                del self.ignored_fields[table][name]
            self.derived.setdefault(table, {}).setdefault(name, set()).add(oid)

    def derived_counts(self) -> dict[str, dict[str, int]]:
        return {t: {f: len(ids) for f, ids in sorted(fs.items())}
                for t, fs in sorted(self.derived.items()) if fs}

    def add(self, table: str, obj: dict[str, Any], file: str, where: str,
            links: dict[str, Any] | None = None) -> str | None:
        """Add one object (and what nests in it); returns its id."""
        if table in V31_TABLES:
            self.v31.add(table)
        self.v31.update(k for k in obj if k in V31_FIELDS and obj[k] not in (None, "", []))
        if table not in KEPT:
            raw_id = obj.get("id")
            ok = isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and raw_id != ""
            self.skip(table, str(raw_id) if ok else f"{file} {where}")
            return None
        oid = _check_id(obj.get("id"), file, where)
        used = USED[table]
        data: dict[str, Any] = {}
        children: list[tuple[str, str, Any]] = []
        for key, value in obj.items():
            if isinstance(value, (dict, list)):
                child_table = NESTED.get(key, key)
                items = value if isinstance(value, list) else [value]
                if child_table in KEPT or all(isinstance(x, dict) for x in items):
                    children.append((key, child_table, value))
                elif items:
                    self.skip_field(table, key, oid)
            elif key in used or key.startswith("_"):
                data[key] = _id_text(value) if key.endswith("_id") else value
            elif value is not None and value != "":
                self.skip_field(table, key, oid, value)
        for key, value in (links or {}).items():
            if data.get(key) in (None, ""):
                data[key] = value
        _check_fields(table, data, file, where)
        # children first, so their ids can be linked back into this object
        for key, child_table, value in children:
            items = value if isinstance(value, list) else [value]
            for i, child in enumerate(items):
                cwhere = f"{where}.{key}[{i}]" if isinstance(value, list) else f"{where}.{key}"
                if not isinstance(child, dict):
                    raise HsdsError(file, cwhere, key, "must be an object (or a list of objects)")
                cid = self.add(child_table, child, file, cwhere, _child_links(table, oid, child_table))
                back = _parent_link(table, child_table)
                if cid is not None and back is not None and data.get(back) in (None, ""):
                    data[back] = cid
        self._merge(Item(table, oid, data, file, where))
        return oid

    def _merge(self, item: Item) -> None:
        old = self.tables[item.table].get(item.id)
        if old is None:
            self.tables[item.table][item.id] = item
            return
        for key, value in item.data.items():  # only the fields the import reads: others cannot conflict
            if value in (None, ""):
                continue
            before = old.data.get(key)
            if before in (None, ""):
                old.data[key] = value
            elif before != value:
                raise HsdsError(
                    item.file, item.where, key,
                    f"{item.table} {item.id!r} appears twice with different values "
                    f"({value!r} here, {before!r} at {old.place})",
                )


def _id_text(value: Any) -> Any:
    """An id as text: publishers' integer ids (``12``) read as the CSV form would (``"12"``)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _child_links(parent: str, pid: str, child: str) -> dict[str, Any]:
    if child == "attribute":
        return {"link_id": pid, "_link_table": parent}
    link = {
        ("service", "service_area"): "service_id", ("service", "cost_option"): "service_id",
        ("service", "service_at_location"): "service_id", ("organization", "service"): "organization_id",
        ("organization", "location"): "organization_id", ("location", "address"): "location_id",
        ("service", "service_capacity"): "service_id",
        ("service_at_location", "service_area"): "service_at_location_id",
    }.get((parent, child))
    return {link: pid} if link else {}


def _parent_link(parent: str, child: str) -> str | None:
    return {
        ("service", "organization"): "organization_id", ("service_at_location", "service"): "service_id",
        ("service_at_location", "location"): "location_id",
        ("attribute", "taxonomy_term"): "taxonomy_term_id", ("taxonomy_term", "taxonomy"): "taxonomy_id",
        ("service_capacity", "unit"): "unit_id",
    }.get((parent, child))


def _check_id(value: Any, file: str, where: str) -> str:
    value = _id_text(value)
    if not isinstance(value, str) or not value.strip():
        raise HsdsError(file, where, "id", f"must be a non-empty string or whole-number id (got {value!r})")
    if len(value) > MAX_ID:
        raise HsdsError(file, where, "id", f"must be at most {MAX_ID} characters (got {len(value)})")
    if value != value.strip() or _CONTROL.search(value):
        raise HsdsError(file, where, "id", "must not contain control characters or surrounding spaces")
    return value


def _check_fields(table: str, data: dict[str, Any], file: str, where: str) -> None:
    for key, value in data.items():
        if value is None or key.startswith("_"):
            continue
        if key in _NUMBERS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise HsdsError(file, where, key, f"must be a number (got {value!r})")
        elif key.endswith("_id") and not isinstance(value, str):
            raise HsdsError(file, where, key, f"must be a string id (got {value!r})")
        allowed = _ENUMS.get((table, key))
        if allowed is not None and value != "" and value not in allowed:
            raise HsdsError(file, where, key, f"must be one of {', '.join(allowed)} (got {value!r})")
    for key in _REQUIRED_TEXT.get(table, ()):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise HsdsError(file, where, key, f"a {table} needs a non-empty {key}")


# --------------------------------------------------------------------------
# the forms


def read_hsds(path: str | Path) -> HsdsData:
    """Read an HSDS file or directory (see the module docstring)."""
    p = Path(path)
    data = HsdsData()
    if not p.exists():
        raise HsdsError(str(p), None, None, "no such file or directory")
    if p.is_dir():
        if (p / "datapackage.json").is_file():
            _read_package(p / "datapackage.json", data)
        else:
            files = sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() in (".json", ".csv"))
            if not files:
                raise HsdsError(str(p), None, None,
                                "no datapackage.json, no .json and no .csv files in this directory")
            csvs = [f for f in files if f.suffix.lower() == ".csv"]
            _check_old_tables(str(p), [_csv_table_name(f) for f in csvs], None)
            for f in files:
                if f.suffix.lower() == ".csv":
                    _read_csv_table(f, _csv_table_name(f), data)
                else:
                    _read_json(f, data)
    elif p.name == "datapackage.json":
        _read_package(p, data)
    elif p.suffix.lower() == ".csv":
        raise HsdsError(str(p), None, None, "a CSV table is read with the others: give the directory "
                                            "holding it (with or without datapackage.json)")
    else:
        _read_json(p, data)
    return data


def _csv_table_name(path: Path) -> str:
    return path.name.lower()


def check_version(declared: Any, file: str) -> str | None:
    """The version a package declares, refused unless it is 3.x (None when it declares none)."""
    if declared is None or declared == "":
        return None
    text = str(declared).strip()
    major = text.lstrip("vV").split(".")[0]
    if major != "3":
        raise HsdsError(file, None, "version",
                        f"this is HSDS {text}: Dolbom imports HSDS 3.0 and 3.1 only "
                        "(convert it to 3.0 first: https://docs.openreferral.org)")
    return text


def _check_old_tables(file: str, names: list[str], declared: str | None) -> None:
    """A package declaring no version but holding tables only HSDS 1.x has is refused as 1.x."""
    if declared is not None:
        return
    old = sorted({Path(n).stem for n in names} & OLD_TABLES)
    if old:
        raise HsdsError(file, None, None,
                        f"this looks like HSDS 1.x (tables {', '.join(old)}, which 3.0 replaced): "
                        "Dolbom imports HSDS 3.0 and 3.1 only")


def _load_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise HsdsError(str(path), None, None, f"cannot read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise HsdsError(str(path), f"byte {e.start}", None, "not UTF-8 (JSON must be UTF-8)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise HsdsError(str(path), f"line {e.lineno} column {e.colno}", None,
                        f"not valid JSON ({e.msg})") from None


def _read_json(path: Path, data: HsdsData) -> None:
    doc = _load_json(path)
    file = str(path)
    data.files.append(file)
    hint = TABLE_NAMES.get(path.name.lower())
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        _read_objects(doc["contents"], "contents", hint, file, data)
    elif isinstance(doc, list):
        _read_objects(doc, "", hint, file, data)
    elif (isinstance(doc, dict) and doc
          and all(k in TABLE_NAMES and isinstance(v, list) for k, v in doc.items())):
        for key, rows in doc.items():
            _read_objects(rows, key, TABLE_NAMES[key], file, data)
    elif isinstance(doc, dict):
        data.add(hint or _kind(doc, file, "(top)"), doc, file, "(top)")
    else:
        raise HsdsError(file, None, None,
                        "expected an HSDS object, an array of them, or a paged list with contents")


def _read_objects(objs: list[Any], prefix: str, hint: str | None, file: str, data: HsdsData) -> None:
    for i, obj in enumerate(objs):
        where = f"{prefix}[{i}]"
        if not isinstance(obj, dict):
            raise HsdsError(file, where, None, f"expected an HSDS object (got {type(obj).__name__})")
        data.add(hint or _kind(obj, file, where), obj, file, where)


def _kind(obj: dict[str, Any], file: str, where: str) -> str:
    """Which table an unlabelled object belongs to, from the fields only it has."""
    keys = set(obj)
    if "location_type" in keys or "addresses" in keys:
        return "location"
    if ("service" in keys and "location" in keys) or {"service_id", "location_id"} <= keys:
        return "service_at_location"
    if keys & {"status", "service_areas", "service_at_locations", "cost_options", "eligibility_description",
               "minimum_age", "maximum_age", "organization", "organization_id", "program"}:
        return "service"
    if keys & {"services", "locations", "organization_identifiers", "website", "legal_status", "tax_status",
               "year_incorporated", "parent_organization_id"}:
        return "organization"
    if keys & {"taxonomy", "taxonomy_id", "term_uri", "code"}:
        return "taxonomy_term"
    raise HsdsError(file, where, None, "cannot tell which HSDS object this is (no field only a service, "
                                       "organization, location or taxonomy term has)")


# -- the tabular data package


def _read_package(path: Path, data: HsdsData) -> None:
    pkg = _load_json(path)
    file = str(path)
    data.files.append(file)
    resources = pkg.get("resources") if isinstance(pkg, dict) else None
    if not isinstance(resources, list):
        raise HsdsError(file, None, "resources", "a data package needs a list of resources")
    data.declared = check_version(pkg.get("version"), file)
    names = [str(r.get("name", "")) for r in resources if isinstance(r, dict)]
    _check_old_tables(file, names, data.declared)
    for i, res in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(res, dict) or not isinstance(res.get("path"), str):
            raise HsdsError(file, where, "path", "each resource needs a path to its CSV file")
        csv_path = path.parent / res["path"]
        if not csv_path.is_file():
            continue  # a package may leave tables out
        name = str(res.get("name", ""))
        _read_csv_table(csv_path, name if name in TABLE_NAMES else Path(res["path"]).name.lower(), data)


def _read_csv_table(csv_path: Path, name: str, data: HsdsData) -> None:
    """One CSV table. A table Dolbom does not import is only counted, and cannot abort the import."""
    table = TABLE_NAMES.get(name) or TABLE_NAMES.get(Path(name).stem)
    data.files.append(str(csv_path))
    if table is None or table not in KEPT:
        label = table or Path(name).stem
        if label in V31_TABLES:
            data.v31.add(label)
        try:
            for line, row in _csv_rows(csv_path, numbers=False):
                rid = row.get("id")
                data.skip(label, rid if isinstance(rid, str) and rid else f"{csv_path} line {line}")
        except HsdsError as e:
            data.unreadable[label] = str(e)
        return
    # HSDS 2.0's service_attribute rows name their service as service_id
    two_oh = Path(name).stem in ("service_attribute", "service_attributes")
    for line, row in _csv_rows(csv_path):
        links = {"link_id": row.pop("service_id", None), "_link_table": "service"} if two_oh else None
        data.add(table, row, str(csv_path), f"line {line}", links)


def _csv_rows(path: Path, numbers: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise HsdsError(str(path), None, None, f"cannot read ({e.strerror or e})") from None
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise HsdsError(str(path), None, None, "neither UTF-8 nor CP949")
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    if "id" not in header:
        raise HsdsError(str(path), "line 1", "id", "the header has no id column")
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise HsdsError(str(path), "line 1", min(dupes), "column appears twice in the header")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise HsdsError(str(path), f"line {line}", None,
                            f"has {len(row)} cells but the header has {len(header)} columns")
        out: dict[str, Any] = {}
        for col, cell in zip(header, row, strict=True):  # a row of another length was refused above
            if cell == "":
                out[col] = None
            elif numbers and col in _NUMBERS:
                try:
                    out[col] = float(cell) if any(c in cell for c in ".eE") else int(cell)
                except ValueError:
                    raise HsdsError(str(path), f"line {line}", col,
                                    f"must be a number (got {cell!r})") from None
            else:
                out[col] = cell
        yield line, out
