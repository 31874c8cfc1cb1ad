"""Dolbom's own export read back under --strict, and exports deterministic whatever the clock says."""

from __future__ import annotations

import datetime
import io
import json
import time
from pathlib import Path

import pytest

from api.cli import main
from graph import periods
from graph.embedded import EmbeddedStore
from graph.model import CapacityPeriod, Service
from loaders.hsds import export_hsds, import_hsds
from loaders.hsds_export import NO_TIME, capacity_updated
from loaders.sample import sample_records

from .conftest import regions, snapshot


def _graph(store) -> dict:
    return {k: v for k, v in snapshot(store).items() if k in ("Region", "Organization", "Service")}


def _periodic(records: list, since: datetime.date | None = None) -> list:
    """The sample with its first limited service counting places per month since ``since`` (the
    first day of this month in Korea: a live count, which the export publishes as it is)."""
    since = since or periods.period(CapacityPeriod.MONTH, periods.today())[0]
    first = next(r.id for r in records if isinstance(r, Service) and r.capacity is not None)
    return [r.replace(capacity_period=CapacityPeriod.MONTH, used_since=since)
            if isinstance(r, Service) and r.id == first else r for r in records]


@pytest.fixture
def source(tmp_path):
    db = str(tmp_path / "source.db")
    with EmbeddedStore(db) as s:
        s.put(*_periodic(sample_records()))
        export_hsds(s, tmp_path / "x")
    return db


def _strict(path: Path, db: str) -> tuple[int, dict]:
    out = io.StringIO()
    code = main(["import-hsds", str(path), "--db", db, "--strict", "--json"], out)
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("form", ["", "csv"])
def test_own_export_reimports_strictly_into_the_same_store(source, tmp_path, form):
    with EmbeddedStore(source) as s:
        before = _graph(s)
    code, report = _strict(tmp_path / "x" / form, source)
    assert (code, report["changed"], report["fields_not_imported"]) == (0, {}, {})
    # what Dolbom derived is said to be recognised, not silently passed over
    assert report["derived_fields"] == {"organization": {"description": 7},
                                        "service_capacity": {"description": 4, "updated": 4}}
    with EmbeddedStore(source) as s:
        assert _graph(s) == before  # the periodic count's period and first day kept too


@pytest.mark.parametrize("form", ["", "csv"])
def test_own_export_reimports_strictly_into_an_empty_store(source, tmp_path, form):
    """An empty store: the regions (reference data, loaded first) and no organization or service."""
    empty = str(tmp_path / "empty.db")
    with EmbeddedStore(empty) as s:
        s.put(*regions())
    code, report = _strict(tmp_path / "x" / form, empty)
    assert (code, report["fields_not_imported"], report["unmapped"]) == (0, {}, [])
    assert report["imported"] == {"Organization": 7, "Service": 8}
    code, again = _strict(tmp_path / "x" / form, empty)
    assert (code, again["changed"]) == (0, {})  # read twice: zero changes
    with EmbeddedStore(source) as a, EmbeddedStore(empty) as b:
        strip = [(s.id, s.name, s.capacity, s.used, s.cost, s.domains, s.region_ids)
                 for s in a.list("Service")]
        assert strip == [(s.id, s.name, s.capacity, s.used, s.cost, s.domains, s.region_ids)
                         for s in b.list("Service")]


def _edit(path: Path, edit) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_a_foreign_value_in_a_derived_field_is_still_reported(source, tmp_path):
    x = tmp_path / "x"
    _edit(x / "organizations.json", lambda orgs: orgs[0].update(description="수원시 복지 안내 창구"))

    def services(svcs):
        svcs[0]["email"] = "help@example.org"  # a field Dolbom has no place for
        capped = next(s for s in svcs if s.get("capacities"))
        capped["capacities"][0]["id"] = "8896b788-7b3e-11ef-8db9-7f3d040352b3"  # not Dolbom's capacity

    _edit(x / "services.json", services)
    code, report = _strict(x, source)
    assert code == 1
    assert report["fields_not_imported"] == {
        "organization": {"description": 1}, "service": {"email": 1},
        "service_capacity": {"description": 1, "updated": 1},
    }
    assert report["derived_fields"] == {"organization": {"description": 6},
                                        "service_capacity": {"description": 3, "updated": 3}}


def test_strict_still_fails_on_third_party_fields(store):
    official = Path(__file__).resolve().parent / "data" / "hsds-3.1" / "examples" / "organization_full.json"
    r = import_hsds(store, official, dry_run=True)
    assert r.fields_not_imported["organization"]["description"] == 1  # their text, not Dolbom's
    assert "organization" not in r.derived_fields


# -- deterministic exports ------------------------------------------------------------------------


def _clock(monkeypatch, when: datetime.datetime) -> None:
    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return when if tz is None else when.astimezone(tz)

        @classmethod
        def utcnow(cls):
            return when.replace(tzinfo=None)

        @classmethod
        def today(cls):
            return when.replace(tzinfo=None)

    class FrozenDate(datetime.date):
        @classmethod
        def today(cls):
            return when.date()

    monkeypatch.setattr(datetime, "datetime", Frozen)
    monkeypatch.setattr(datetime, "date", FrozenDate)
    monkeypatch.setattr(time, "time", lambda: when.timestamp())


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _two_exports(tmp_path, monkeypatch, records: list, first: datetime.datetime,
                 second: datetime.datetime) -> tuple[dict[str, bytes], dict[str, bytes]]:
    with EmbeddedStore(str(tmp_path / "s.db")) as s:
        s.put(*records)
        for name, when in (("a", first), ("b", second)):
            with monkeypatch.context() as m:
                _clock(m, when)
                export_hsds(s, tmp_path / name)
    return _files(tmp_path / "a"), _files(tmp_path / "b")


def test_two_exports_on_different_days_are_byte_identical(tmp_path, monkeypatch):
    a, b = _two_exports(tmp_path, monkeypatch, sample_records(),
                        datetime.datetime(2026, 1, 2, 23, 59, tzinfo=datetime.UTC),
                        datetime.datetime(2027, 7, 15, 8, 30, tzinfo=datetime.UTC))
    assert len(a) == 12 and a == b
    services = json.loads(a["services.json"])
    assert {c["updated"] for svc in services for c in svc.get("capacities", [])} == {NO_TIME}


def test_a_periodic_count_is_dated_by_its_period_not_the_clock(tmp_path, monkeypatch):
    """Within one period the export does not move; its updated is the count's first day (Korea)."""
    records = _periodic(sample_records(), datetime.date(2026, 3, 1))
    a, b = _two_exports(tmp_path, monkeypatch, records,
                        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
                        datetime.datetime(2026, 3, 30, 10, 0, tzinfo=datetime.UTC))
    assert a == b
    services = json.loads(a["services.json"])
    updated = sorted({c["updated"] for svc in services for c in svc.get("capacities", [])})
    assert updated == ["1970-01-01T00:00:00Z", "2026-03-01T00:00:00+09:00"]


def test_capacity_updated_comes_from_the_service_not_the_clock():
    svc = next(r for r in sample_records() if isinstance(r, Service) and r.capacity is not None)
    assert isinstance(svc, Service)
    assert capacity_updated(svc) == NO_TIME
    monthly = svc.replace(capacity_period=CapacityPeriod.MONTH, used_since=datetime.date(2026, 11, 1))
    assert capacity_updated(monthly) == "2026-11-01T00:00:00+09:00"
