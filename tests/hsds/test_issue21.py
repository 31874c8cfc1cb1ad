"""Faithful round trips, unknown cost, nothing skipped in silence, HSDS 3.1 (issue 21)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from api.cli import main
from graph.embedded import EmbeddedStore
from graph.model import Organization, Service
from loaders.hsds import HsdsError, export_hsds, import_hsds
from loaders.sample import sample_records

from .conftest import regions, snapshot

HERE = Path(__file__).resolve().parent / "data"
OWN = HERE / "own"
OFFICIAL = HERE / "hsds-3.1" / "examples"
ALLOWED_EXTENT = {"geojson", "topojson", "kml", "text"}


def _graph(store):
    return {k: v for k, v in snapshot(store).items() if k in ("Region", "Organization", "Service")}


def _trip_changes_nothing(store, tmp_path, name):
    """import -> export -> import into the same store: nothing changes, nothing doubles."""
    before = _graph(store)
    export_hsds(store, tmp_path / name)
    for form in ("", "csv"):
        again = import_hsds(store, tmp_path / name / form)
        assert again.changed == {}, form
        assert [u for u in again.unmapped if u.kind != "cost_currency"] == [], form
        assert _graph(store) == before, form


# -- identity ------------------------------------------------------------------------------------


def test_sample_store_round_trip_keeps_its_ids_and_does_not_double(make_store, tmp_path):
    store = make_store("sample", sample_records())
    counts = store.counts()
    _trip_changes_nothing(store, tmp_path, "x")
    assert store.counts() == counts


def test_synthetic_province_round_trip_changes_nothing(make_store, tmp_path):
    from loaders import synthetic

    store = make_store("synthetic", list(synthetic.generate(30, seed=3)))
    counts = store.counts()
    _trip_changes_nothing(store, tmp_path, "x")
    assert store.counts() == counts


def test_own_31_fixture_round_trip(store, tmp_path):
    r = import_hsds(store, OWN / "v31_korean.json")
    assert r.imported == {"Organization": 1, "Service": 3}
    # publishers' ids as they are: integers read as text, slugs kept
    assert sorted(s.id for s in store.list("Service")) == ["101", "svc-no-cost", "svc-uk-counselling"]
    _trip_changes_nothing(store, tmp_path, "x")


def test_official_31_example_round_trip(store, tmp_path):
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"domains": {"code": ["MENTAL_HEALTH"]}}), encoding="utf-8")
    r = import_hsds(store, OFFICIAL / "service_full.json", mapping=mapping, region_parent="gg")
    assert r.imported["Service"] == 1
    svc = store.get("Service", "ac148810-d857-441c-9679-408f346de14b")
    assert (svc.cost, svc.cost_currency) == (35, "gbp")  # the £35 fee as given, not "0 KRW 무료"
    assert (svc.capacity, svc.used) == (10, 0)  # available 12 > maximum 10: reported, not guessed
    assert r.ids("capacity_not_mapped") == ["8896b788-7b3e-11ef-8db9-7f3d040352b3"]
    _trip_changes_nothing(store, tmp_path, "x")


def test_integer_ids_read_the_same_from_json_and_csv(make_store, tmp_path):
    a, b = make_store("a"), make_store("b")
    import_hsds(a, OWN / "csv_folder")
    doc = [{"id": 2, "organization": {"id": 1, "name": "성남 돌봄 협회"}, "name": "성남 방문 돌봄",
            "status": "active", "service_areas": [{"id": 3, "name": "성남시"}],
            "attributes": [{"id": 5, "taxonomy_term": {"id": 4, "code": "CARE", "name": "돌봄"}}]}]
    (tmp_path / "s.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    import_hsds(b, tmp_path / "s.json")
    assert [s.id for s in a.list("Service")] == [s.id for s in b.list("Service")] == ["2"]
    assert a.get("Service", "2").provider_id == b.get("Service", "2").provider_id == "1"


# -- cost ------------------------------------------------------------------------------------------


def test_unknown_cost_stays_unknown_and_other_currencies_are_kept(store, tmp_path):
    import_hsds(store, OWN / "v31_korean.json")
    assert store.get("Service", "svc-no-cost").cost is None
    uk = store.get("Service", "svc-uk-counselling")
    assert (uk.cost, uk.cost_currency, uk.cost_won) == (35, "GBP", None)
    free = store.get("Service", "101")
    assert (free.cost, free.cost_currency, free.cost_won) == (0, None, 0)  # known free stays free
    export_hsds(store, tmp_path / "x")
    services = {s["name"]: s for s in json.loads((tmp_path / "x" / "services.json").read_text("utf-8"))}
    assert "cost_options" not in services["주거 상담 (비용 정보 없음)"]  # never "0 KRW 무료"
    [gbp] = services["Community Counselling (UK)"]["cost_options"]
    assert (gbp["amount"], gbp["currency"]) == (35, "GBP")


def test_matching_never_ranks_unknown_cost_as_free_without_saying_so():
    from graph.model import Urgency
    from matching.costing import UNKNOWN_COST_WON, item_cost
    from matching.neighbourhood import HouseholdFacts, Neighbourhood, RegionFacts, Resource
    from matching.policy import Policy

    nb = Neighbourhood(HouseholdFacts("h", "r", 50, frozenset(), Urgency.GENERAL), (RegionFacts("r", "R"),),
                       (), (), frozenset(), (), {})

    def res(cost, currency=None):
        return Resource(key="Service:s", id="s", label="Service", name="s", domains=frozenset(),
                        region_ids=frozenset({"r"}), provider_key="o", provider_id="o", provider_name="o",
                        cost=cost, cost_currency=currency)

    policy = Policy()
    free, cheap, unknown, gbp = (item_cost(res(c, cur), nb, policy)
                                 for c, cur in ((0, None), (5000, None), (None, None), (35, "GBP")))
    assert free.total < cheap.total < unknown.total
    assert unknown.fee == gbp.fee == free.fee + round(100 * policy.per_10k_won * UNKNOWN_COST_WON / 10_000)
    keys = [m.key for m in unknown.reasons]
    assert "reason.cost.unknown" in keys and "reason.cost.free" not in keys
    assert "reason.cost.currency" in [m.key for m in gbp.reasons]
    assert "reason.cost.free" in [m.key for m in free.reasons]  # a known free service still says free


# -- nothing silent --------------------------------------------------------------------------------


def test_csv_folder_without_datapackage_counts_every_table_and_field(store):
    r = import_hsds(store, OWN / "csv_folder")
    assert r.imported == {"Organization": 1, "Service": 1}
    assert r.version == "3.1"
    assert r.not_imported == {"url": 1}
    assert "phone" in r.unreadable and "line 2" in r.unreadable["phone"]  # counted, not aborting
    assert r.fields_not_imported == {"organization": {"description": 1}, "service": {"last_modified": 1},
                                     "service_area": {"extent_type": 1}}
    assert store.get("Service", "2").capacity == 8 and store.get("Service", "2").available == 3


def test_a_broken_table_dolbom_imports_still_aborts(store, tmp_path):
    import shutil

    shutil.copytree(OWN / "csv_folder", tmp_path / "c")
    (tmp_path / "c" / "services.csv").write_text("id,organization_id,name,status\n2,1,x,active,extra\n",
                                                 encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(HsdsError, match="cells but the header"):
        import_hsds(store, tmp_path / "c")
    assert snapshot(store) == before


def test_hsds_20_tables_are_read_not_skipped(store):
    r = import_hsds(store, OWN / "v20_tables")
    assert r.imported == {"Organization": 1, "Service": 1}
    svc = store.get("Service", "s1")
    assert svc.region_ids == ("gg-suwon",) and [d.value for d in svc.domains] == ["LEGAL"]
    assert r.read["service_at_location"] == 1 and r.read["address"] == 1 and r.read["attribute"] == 1


@pytest.mark.parametrize("folder,says", [("v1x", "HSDS 1.1.1"), ("v20_declared", "HSDS 2.0.0"),
                                         ("v1x_tables", "HSDS 1.x")])
def test_older_versions_are_refused_naming_the_version(store, folder, says):
    before = snapshot(store)
    with pytest.raises(HsdsError) as e:
        import_hsds(store, OWN / folder)
    assert says in str(e.value) and "3.0 and 3.1" in str(e.value)
    assert snapshot(store) == before


def test_copies_differing_only_in_a_field_not_imported_do_not_conflict(store, tmp_path):
    r = import_hsds(store, OWN / "v31_korean.json")
    assert r.read["service"] == 3  # service 101 met twice, last_modified 06Z vs 06.000Z
    doc = json.loads((OWN / "v31_korean.json").read_text("utf-8"))
    doc[1]["name"] = "다른 이름"  # a field Dolbom imports still conflicts
    (tmp_path / "d.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(HsdsError, match="appears twice with different values"):
        import_hsds(store, tmp_path / "d.json")


def test_strict_fails_on_tables_and_fields_not_imported(tmp_path, capsys):
    db = str(tmp_path / "s.db")
    with EmbeddedStore(db) as s:
        s.put(*regions())
    out = io.StringIO()
    assert main(["import-hsds", str(OWN / "csv_folder"), "--db", db, "--strict"], out) == 1
    err = capsys.readouterr().err
    assert "--strict" in err and "url" in err and "phone" in err
    assert "fields not imported" in out.getvalue()
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "s.json").write_text(json.dumps([{"id": "a", "name": "수원 돌봄", "status": "active",
                                               "organization": {"id": "o", "name": "수원 돌봄 협회"},
                                               "service_areas": [{"id": "x", "name": "수원시"}],
                                               "attributes": [{"id": "y", "taxonomy_term": {
                                                   "id": "t", "code": "CARE", "name": "돌봄"}}]}],
                                             ensure_ascii=False), encoding="utf-8")
    assert main(["import-hsds", str(clean / "s.json"), "--db", db, "--strict"], io.StringIO()) == 0


# -- 3.1 capacity and service areas ---------------------------------------------------------------


def test_capacity_both_ways_and_a_disagreement_is_reported(store, tmp_path):
    r = import_hsds(store, OWN / "v31_korean.json")
    svc = store.get("Service", "101")
    assert (svc.capacity, svc.used, svc.available) == (30, 18, 12)
    assert svc.region_ids == ("gg-suwon",)  # its area came through service_at_location
    assert r.unmapped and "capacity_differs" not in r.by_kind()
    export_hsds(store, tmp_path / "x")
    [cap] = [s for s in json.loads((tmp_path / "x" / "services.json").read_text("utf-8"))
             if s["name"] == svc.name][0]["capacities"]
    assert (cap["maximum"], cap["available"]) == (30, 12) and cap["unit"]["identifier"] == "place"
    store.put(svc.replace(used=20))  # Dolbom took two more places since
    again = import_hsds(store, OWN / "v31_korean.json")
    assert again.ids("capacity_differs") == ["cap-101"]
    assert store.get("Service", "101").used == 20  # the stored value is kept


# -- conforming export ------------------------------------------------------------------------------


def test_export_extent_type_and_regions_conform(make_store, tmp_path):
    store = make_store("sample", sample_records())
    export_hsds(store, tmp_path / "x")
    services = json.loads((tmp_path / "x" / "services.json").read_text("utf-8"))
    orgs = json.loads((tmp_path / "x" / "organizations.json").read_text("utf-8"))
    areas = [a for s in services for a in s["service_areas"]]
    assert areas and all(a.get("extent_type") in (None, *ALLOWED_EXTENT) for a in areas)
    assert all("locations" not in o for o in orgs)  # no address-less physical locations
    region_terms = {(o["name"], a["taxonomy_term"]["code"]) for o in orgs for a in o["attributes"]
                    if a["taxonomy_term"]["taxonomy"] == "dolbom-region"}
    want = {(o.name, r) for o in store.list("Organization") if isinstance(o, Organization)
            for r in o.region_ids}
    assert region_terms == want
    assert not (tmp_path / "x" / "csv" / "locations.csv").exists()


def test_a_record_edited_after_export_is_updated_not_doubled(make_store, tmp_path):
    store = make_store("sample", sample_records())
    export_hsds(store, tmp_path / "x")
    svc = store.get("Service", "svc-suwon-jobs")
    assert isinstance(svc, Service)
    store.put(svc.replace(name="다른 이름"))
    r = import_hsds(store, tmp_path / "x")
    assert r.changed == {"Service": 1}
    assert store.get("Service", "svc-suwon-jobs").name == svc.name
    assert store.counts()["Service"] == 8
