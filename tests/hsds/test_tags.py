"""HSDS and issue 17: taxonomy terms <-> type tags and support forms, both ways."""

from __future__ import annotations

import json

import pytest

from graph.model import Domain, SupportForm
from loaders.hsds import export_hsds, import_hsds
from loaders.hsds_mapping import HsdsError, load_mapping
from loaders.sample import sample_records

from .conftest import regions


def test_a_tag_term_maps_by_code_label_or_synonym_and_a_form_term_by_name():
    m = load_mapping()
    assert m.term("rent-support", None).tags == ("rent-support",)  # Dolbom's own export
    assert m.term(None, "월세·주거비 지원").tags == ("rent-support",)  # the Korean label
    assert m.term(None, "Korean language class").tags == ("korean-class",)  # the English label
    assert m.term("FP-1", "Food Pantry").tags == ("food-parcel",)  # a synonym in the mapping
    assert m.term("FP-1", "Food Pantry").domains == (Domain.FOOD,)
    assert m.term(None, "바우처").form == SupportForm.VOUCHER
    assert m.term("IN_KIND", None).form == SupportForm.IN_KIND
    assert m.term(None, "바우처").known and not m.term("nothing", "at all").known


def test_a_mapping_file_naming_a_tag_outside_the_taxonomy_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tags": {"lunch": ["free-lunch"]}}))
    with pytest.raises(HsdsError) as e:
        load_mapping(bad)
    assert e.value.field == "tags.lunch" and "free-lunch" in e.value.message
    worse = tmp_path / "worse.json"
    worse.write_text(json.dumps({"forms": {"돈": "MONEY"}}))
    with pytest.raises(HsdsError) as e:
        load_mapping(worse)
    assert e.value.field == "forms.돈"


def test_export_then_import_keeps_every_form_and_tag(make_store, tmp_path):
    recs = sample_records()
    source = make_store("source", recs)
    export_hsds(source, tmp_path / "x")
    services = json.loads((tmp_path / "x" / "services.json").read_text(encoding="utf-8"))
    rent = next(s for s in services if s["name"] == "긴급 주거비 지원")
    got = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"], a["taxonomy_term"]["name"])
           for a in rent["attributes"]}
    assert ("dolbom-tag", "rent-support", "월세·주거비 지원") in got
    assert ("dolbom-form", "CASH", "현금") in got
    fresh = make_store("fresh", regions())
    r = import_hsds(fresh, tmp_path / "x")
    assert r.unmapped == []
    want = {s.name: (s.form, s.tags) for s in recs if s.LABEL == "Service"}
    assert {s.name: (s.form, s.tags) for s in fresh.list("Service")} == want


def _one_service(terms: list[tuple[str, str]]) -> dict:
    attrs = [{"id": f"00000005-0000-4000-8000-00000000000{i}", "taxonomy_term": {
        "id": f"00000006-0000-4000-8000-00000000000{i}", "code": code, "name": name}} for i, (code, name) in
        enumerate(terms)]
    return {"organizations": [{"id": "00000001-0000-4000-8000-000000000001", "name": "수원 나눔 푸드뱅크",
                               "description": "x"}],
            "services": [{"id": "00000002-0000-4000-8000-000000000001", "name": "식품 꾸러미",
                          "organization_id": "00000001-0000-4000-8000-000000000001", "status": "active",
                          "service_areas": [{"id": "00000003-0000-4000-8000-000000000001", "name": "수원시"}],
                          "attributes": attrs}]}


def _write(tmp_path, doc) -> object:
    d = tmp_path / "in"
    d.mkdir()
    orgs = json.dumps(doc["organizations"], ensure_ascii=False)
    (d / "organizations.json").write_text(orgs, encoding="utf-8")
    (d / "services.json").write_text(json.dumps(doc["services"], ensure_ascii=False), encoding="utf-8")
    return d


def test_a_service_with_only_a_tag_term_takes_its_domains_and_a_form_conflict_is_reported(store, tmp_path):
    doc = _one_service([("food-parcel", "식품 꾸러미·푸드뱅크"), ("x", "현물"), ("y", "현금")])
    r = import_hsds(store, _write(tmp_path, doc))
    s = store.get("Service", "00000002-0000-4000-8000-000000000001")
    assert s is not None and s.domains == (Domain.FOOD,) and s.tags == ("food-parcel",)
    assert s.form == SupportForm.IN_KIND  # the first form named
    assert r.ids("form_conflict") == ["00000002-0000-4000-8000-000000000001"]
