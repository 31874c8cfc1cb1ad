"""import -> export -> import is stable, in both the JSON and the CSV form."""

from __future__ import annotations

import pytest

from loaders.hsds import export_hsds, hsds_id, import_hsds
from loaders.sample import sample_records

from .conftest import SAMPLE, snapshot

FILES = ("organizations.json", "services.json", "csv/organizations.csv", "csv/services.csv",
         "csv/service_areas.csv", "csv/attributes.csv", "csv/cost_options.csv", "csv/service_capacity.csv",
         "csv/units.csv")


def _graph(store):
    return {k: v for k, v in snapshot(store).items() if k in ("Region", "Organization", "Service")}


def test_import_export_import_is_stable(store, tmp_path):
    import_hsds(store, SAMPLE, region_parent="gg")
    first = _graph(store)
    export_hsds(store, tmp_path / "x1")
    again = import_hsds(store, tmp_path / "x1")
    assert again.changed == {}
    assert again.unmapped == []
    assert _graph(store) == first
    export_hsds(store, tmp_path / "x2")
    for name in FILES:
        assert (tmp_path / "x1" / name).read_bytes() == (tmp_path / "x2" / name).read_bytes(), name


@pytest.mark.parametrize("form", ["", "csv"])
def test_export_imports_into_a_fresh_store_the_same(store, make_store, tmp_path, form):
    import_hsds(store, SAMPLE)
    export_hsds(store, tmp_path / "x")
    fresh = make_store("fresh")
    r = import_hsds(fresh, tmp_path / "x" / form)
    assert r.unmapped == []
    assert r.imported == {"Organization": 5, "Service": 5}
    assert _graph(fresh) == _graph(store)


def test_a_dolbom_store_survives_the_trip_apart_from_what_hsds_cannot_say(make_store, tmp_path):
    original = make_store("original", sample_records())
    export_hsds(original, tmp_path / "x")
    fresh = make_store("fresh")
    r = import_hsds(fresh, tmp_path / "x")
    assert r.unmapped == []
    for org in original.list("Organization"):  # Dolbom's ids come back (attribute dolbom-identifier)
        back = fresh.get("Organization", org.id)
        assert (back.name, back.sector, back.region_ids) == (org.name, org.sector, org.region_ids)
        assert fresh.get("Organization", hsds_id("Organization", org.id)) is None
    for svc in original.list("Service"):
        back = fresh.get("Service", svc.id)
        assert back.provider_id == svc.provider_id
        same = ("name", "domains", "region_ids", "max_income_percent", "required_traits", "cost", "active",
                "capacity", "available", "cost_currency")
        assert {f: getattr(back, f) for f in same} == {f: getattr(svc, f) for f in same}
        assert back.excludes_ids == () and back.lead_time_days == 0  # not in HSDS: reported on export


@pytest.mark.slow
def test_synthetic_province_round_trip(make_store, tmp_path):
    """A realistic province (duplicate dong names included) exports and comes
    back with every service's domains, regions and eligibility."""
    from loaders import synthetic

    records = list(synthetic.generate(50, seed=5))
    original = make_store("synthetic", records)
    export_hsds(original, tmp_path / "x", csv=False)
    fresh = make_store("fresh", [r for r in records if r.LABEL == "Region"])
    r = import_hsds(fresh, tmp_path / "x")
    assert r.unmapped == []
    assert r.imported == {"Organization": original.counts()["Organization"],
                          "Service": original.counts()["Service"]}
    same = ("name", "domains", "region_ids", "max_income_percent", "required_traits", "cost", "active")
    for svc in original.list("Service"):
        back = fresh.get("Service", svc.id)
        assert {f: getattr(back, f) for f in same} == {f: getattr(svc, f) for f in same}
    for org in original.list("Organization"):
        back = fresh.get("Organization", org.id)
        assert (back.name, back.sector, back.region_ids) == (org.name, org.sector, org.region_ids)
