"""Fixtures of the HSDS tests: a store holding the sample regions, the vendored schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.embedded import EmbeddedStore
from loaders.sample import sample_records

DATA = Path(__file__).resolve().parent.parent / "data"
HSDS = DATA / "hsds-3.0"
EXAMPLES = HSDS / "examples"
SAMPLE = DATA / "hsds_sample" / "gyeonggi_services.json"
OVERRIDE = DATA / "hsds_sample" / "mapping_override.json"


def regions() -> list[Any]:
    return [r for r in sample_records() if r.LABEL == "Region"]


@pytest.fixture
def store(tmp_path):
    """An embedded store with the sample's seven regions and nothing else."""
    with EmbeddedStore(str(tmp_path / "hsds.db")) as s:
        s.put(*regions())
        yield s


@pytest.fixture
def make_store(tmp_path):
    """Open more stores (``make_store("name")``), seeded with the sample regions."""
    opened = []

    def make(name: str, records: list[Any] | None = None) -> EmbeddedStore:
        s = EmbeddedStore(str(tmp_path / f"{name}.db"))
        s.put(*(regions() if records is None else records))
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def snapshot(store) -> dict[str, list[dict[str, Any]]]:
    """Every record of every kind, as dicts, for before/after comparisons."""
    return {label: [r.to_dict() for r in store.list(label)] for label in store.counts() if label != "Receipt"}


@pytest.fixture(scope="session")
def validators():
    """JSON Schema validators of the official HSDS 3.0 service and organization
    schemas, ``$ref``s resolved from the vendored directory, formats checked."""
    import jsonschema  # a test dependency: missing, the tests fail rather than skip
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schema_dir = HSDS / "schema"
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT202012)) for name, doc in docs.items()
    )
    cls = jsonschema.Draft202012Validator
    return {
        table: cls(docs[f"{table}.json"], registry=registry, format_checker=cls.FORMAT_CHECKER)
        for table in ("service", "organization", "location", "service_area", "cost_option", "attribute",
                      "taxonomy_term", "taxonomy")
    }


def schema_errors(validator, objects: list[dict[str, Any]]) -> list[str]:
    """Every validation error over ``objects``, as "[i] path: message"."""
    out = []
    for i, obj in enumerate(objects):
        for e in validator.iter_errors(obj):
            out.append(f"[{i}] {'/'.join(map(str, e.absolute_path))}: {e.message}")
    return out
