"""Import of the hand-written Korean HSDS sample: exact counts and the unmapped report."""

from __future__ import annotations

import pytest

from graph.errors import ValidationError
from loaders.hsds import import_hsds

from .conftest import SAMPLE, snapshot


def sid(n: int) -> str:
    return f"00000002-0000-4000-8000-{n:012x}"


def oid(n: int) -> str:
    return f"00000001-0000-4000-8000-{n:012x}"


def test_counts_and_unmapped_report(store):
    r = import_hsds(store, SAMPLE)
    assert r.read == {"organization": 5, "service": 8, "location": 4, "address": 3, "service_area": 8,
                      "service_at_location": 1, "cost_option": 4, "attribute": 13, "taxonomy_term": 12,
                      "taxonomy": 1}
    assert r.not_imported == {"phone": 1}
    assert r.imported == {"Organization": 5, "Service": 5}
    assert r.changed == {"Organization": 5, "Service": 5}
    assert store.counts()["Service"] == 5 and store.counts()["Organization"] == 5
    assert r.by_kind() == {
        "service_no_domain": 1, "service_no_region": 1, "service_no_organization": 1, "unknown_term": 2,
        "unknown_area": 2, "unknown_location": 1, "age_rule": 1, "income_rule": 1, "cost_currency": 1,
        "cost_no_amount": 1,
    }
    assert r.ids("service_no_domain") == [sid(5)]
    assert r.ids("service_no_region") == [sid(6)]
    assert r.ids("service_no_organization") == [sid(8)]
    assert r.ids("unknown_term") == ["00000003-0000-4000-8000-000000000006",
                                     "00000003-0000-4000-8000-000000000008"]
    assert r.ids("unknown_area") == ["00000004-0000-4000-8000-000000000004",
                                     "00000004-0000-4000-8000-000000000006"]
    assert r.ids("unknown_location") == ["00000005-0000-4000-8000-000000000004"]
    assert r.ids("age_rule") == [sid(2)]
    assert r.ids("income_rule") == [sid(6)]
    assert r.ids("cost_currency") == ["00000007-0000-4000-8000-000000000003"]
    assert r.ids("cost_no_amount") == ["00000007-0000-4000-8000-000000000004"]
    # every unmapped item says where it came from
    assert all(u.place.startswith(str(SAMPLE)) for u in r.unmapped)
    text = r.format()
    assert "PET-01" in text and "판교동" in text and "부산광역시" in text


def test_records_as_mapped(store):
    import_hsds(store, SAMPLE)
    rent = store.get("Service", sid(1))
    assert rent.provider_id == oid(1)
    assert [d.value for d in rent.domains] == ["HOUSING"]
    assert rent.region_ids == ("gg-suwon",)
    assert rent.max_income_percent == 75
    assert [t.value for t in rent.required_traits] == ["SINGLE_PARENT"]
    assert rent.cost == 0 and rent.active and rent.capacity is None
    visit = store.get("Service", sid(2))
    assert visit.region_ids == ("gg-suwon-maetan",)  # by the path 경기도 수원시 매탄1동
    assert visit.cost == 5000  # the USD option is not used
    assert [t.value for t in visit.required_traits] == ["ELDERLY"]
    assert store.get("Service", sid(3)).region_ids == ("gg-seongnam",)
    assert store.get("Service", sid(4)).region_ids == ("gg-seongnam-taepyeong",)  # from the location address
    counsel = store.get("Service", sid(7))
    assert counsel.active is False and counsel.max_income_percent == 120
    for n in (5, 6, 8):
        assert store.get("Service", sid(n)) is None
    sectors = {o.id: o.sector.value for o in store.list("Organization")}
    assert sectors == {oid(1): "PUBLIC", oid(2): "NONPROFIT", oid(3): "RELIGIOUS", oid(4): "CORPORATE",
                       oid(5): "NONPROFIT"}
    assert store.get("Organization", oid(1)).region_ids == ("gg-suwon",)  # its address: 경기도 수원시 영통구
    assert store.get("Organization", oid(2)).region_ids == ("gg-seongnam-sinheung",)
    assert store.get("Organization", oid(4)).region_ids == ()  # Seoul: reported, not guessed


def test_importing_twice_changes_nothing(store):
    first = import_hsds(store, SAMPLE)
    before = snapshot(store)
    second = import_hsds(store, SAMPLE)
    assert second.changed == {}
    assert second.imported == first.imported
    assert second.by_kind() == first.by_kind()
    assert snapshot(store) == before


def test_reimport_keeps_what_hsds_cannot_say(store):
    import_hsds(store, SAMPLE)
    rent = store.get("Service", sid(1))
    store.put(rent.replace(capacity=40, used=12, lead_time_days=2))
    org = store.get("Organization", oid(5))
    store.put(org.replace(sector="RELIGIOUS"))
    r = import_hsds(store, SAMPLE)
    assert r.changed == {}
    assert store.get("Service", sid(1)).capacity == 40
    assert store.get("Service", sid(1)).used == 12
    assert store.get("Organization", oid(5)).sector.value == "RELIGIOUS"


def test_dry_run_writes_nothing(store):
    before = snapshot(store)
    r = import_hsds(store, SAMPLE, dry_run=True)
    assert r.dry_run and r.imported == {"Organization": 5, "Service": 5}
    assert r.changed == {"Organization": 5, "Service": 5}
    assert snapshot(store) == before


def test_region_parent_creates_unknown_areas(store):
    r = import_hsds(store, SAMPLE, region_parent="gg")
    assert r.by_kind().get("unknown_area", 0) == 0
    assert len(r.regions_created) == 2
    created = {store.get("Region", rid).name: store.get("Region", rid) for rid in r.regions_created}
    assert set(created) == {"판교동", "부산광역시"}
    assert all(c.parent_id == "gg" and c.level.value == "CITY" for c in created.values())
    assert store.get("Service", sid(6)) is not None  # now it has a region
    assert created["판교동"].id in store.get("Service", sid(3)).region_ids
    again = import_hsds(store, SAMPLE, region_parent="gg")
    assert again.changed == {} and again.regions_created == []  # found by name this time
    assert created["판교동"].id in store.get("Service", sid(3)).region_ids


@pytest.mark.parametrize("parent,message", [("nowhere", "no region"), ("gg-suwon-maetan", "DONG")])
def test_region_parent_must_be_a_province_or_city(store, parent, message):
    with pytest.raises(ValidationError) as e:
        import_hsds(store, SAMPLE, region_parent=parent)
    assert e.value.field == "--region-parent" and message in e.value.message
