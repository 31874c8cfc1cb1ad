"""export-hsds writes HSDS 3.0 that validates against the vendored official schema."""

from __future__ import annotations

import copy
import json
import os

import pytest

from loaders import synthetic
from loaders.hsds import export_hsds, hsds_id, import_hsds
from loaders.sample import sample_records

from .conftest import SAMPLE, schema_errors


def _load(out, name):
    return json.loads((out / name).read_text(encoding="utf-8"))


def _validate_export(out, validators) -> tuple[list, list]:
    orgs, services = _load(out, "organizations.json"), _load(out, "services.json")
    errors = schema_errors(validators["organization"], orgs) + schema_errors(validators["service"], services)
    assert errors == [], "\n".join(errors[:20])
    return orgs, services


def test_sample_records_export_validates(make_store, tmp_path, validators):
    store = make_store("sample", sample_records())
    out = tmp_path / "out"
    report = export_hsds(store, out)
    orgs, services = _validate_export(out, validators)
    assert len(orgs) == 7 and len(services) == 8
    assert report.written["organizations.json"] == 7 and report.written["services.json"] == 8
    # what HSDS 3.0 cannot carry is counted, not silently dropped
    assert report.not_exported == {"Service.leadTimeDays": 5,
                                   "Service.excludesIds": 1, "Service.agreementId": 3, "Agreement": 3,
                                   "Volunteer": 2, "Household": 3, "Need": 7, "Referral": 1, "Receipt": 2}
    by_name = {s["name"]: s for s in services}
    jobs = by_name["취업성공패키지"]
    assert jobs["id"] == hsds_id("Service", "svc-suwon-jobs")
    assert jobs["organization_id"] == hsds_id("Organization", "org-suwon-job")
    codes = sorted(a["taxonomy_term"]["code"] for a in jobs["attributes"])
    assert codes == ["CASH", "EMPLOYMENT", "INCOME", "UNEMPLOYED", "dolbom-id", "job-placement",
                     "job-seeker-allowance", "max_income_percent"]
    ids = [a["value"] for a in jobs["attributes"] if a["taxonomy_term"]["taxonomy"] == "dolbom-identifier"]
    assert ids == ["svc-suwon-jobs"]
    ceilings = [a["value"] for a in jobs["attributes"] if a["taxonomy_term"]["code"] == "max_income_percent"]
    assert ceilings == ["100"]
    assert [(a["name"], a["description"]) for a in jobs["service_areas"]] == [("수원시", "경기도 수원시")]
    assert by_name["심리 상담 (종료)"]["status"] == "inactive"
    # every nested object validates on its own too
    for table, key in (("service_area", "service_areas"), ("cost_option", "cost_options"),
                       ("attribute", "attributes")):
        objs = [o for s in services for o in s[key]]
        assert objs and schema_errors(validators[table], objs) == []
    terms = [a["taxonomy_term"] for s in services for a in s["attributes"]]
    assert schema_errors(validators["taxonomy_term"], terms) == []


def test_imported_sample_export_validates(store, tmp_path, validators):
    import_hsds(store, SAMPLE)
    export_hsds(store, tmp_path / "out")
    orgs, services = _validate_export(tmp_path / "out", validators)
    assert len(orgs) == 5 and len(services) == 5
    # HSDS ids come out as they went in
    assert {s["id"] for s in services} == {s.id for s in store.list("Service")}


@pytest.mark.slow
def test_synthetic_province_export_validates(make_store, tmp_path, validators):
    store = make_store("synthetic", list(synthetic.generate(50, seed=3)))
    report = export_hsds(store, tmp_path / "out", csv=False)
    orgs, services = _validate_export(tmp_path / "out", validators)
    assert len(orgs) == store.counts()["Organization"] and len(services) == store.counts()["Service"]
    assert report.written == {"organizations.json": len(orgs), "services.json": len(services)}
    assert not (tmp_path / "out" / "csv").exists()


BROKEN = [
    ("status not in the enum", lambda s: s.update(status="open")),
    ("id not a UUID", lambda s: s.update(id="svc-suwon-jobs")),
    ("name missing", lambda s: s.pop("name")),
    ("amount not a number", lambda s: s["cost_options"][0].update(amount="5000원")),
    ("service area without id", lambda s: s["service_areas"][0].pop("id")),
    ("taxonomy term without name", lambda s: s["attributes"][0]["taxonomy_term"].pop("name")),
    ("organization_id not a UUID", lambda s: s.update(organization_id="org-1")),
]


@pytest.mark.parametrize("what,breaks", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_document_fails_validation(make_store, tmp_path, validators, what, breaks):
    """The check can fail: each deliberate break of a valid export is caught."""
    store = make_store("sample", sample_records())
    export_hsds(store, tmp_path / "out", csv=False)
    services = _load(tmp_path / "out", "services.json")
    assert schema_errors(validators["service"], services) == []
    broken = copy.deepcopy(services)
    breaks(next(s for s in broken if s["name"] == "취업성공패키지"))
    assert len(schema_errors(validators["service"], broken)) >= 1


def test_broken_organization_fails_validation(validators):
    good = {"id": hsds_id("Organization", "x"), "name": "수원시청", "description": "시청"}
    assert schema_errors(validators["organization"], [good]) == []
    assert schema_errors(validators["organization"], [{**good, "description": None}])
    assert schema_errors(validators["organization"], [{k: v for k, v in good.items() if k != "description"}])


def test_export_is_deterministic(make_store, tmp_path):
    store = make_store("sample", sample_records())
    export_hsds(store, tmp_path / "a")
    export_hsds(store, tmp_path / "b")
    for name in ("organizations.json", "services.json", "csv/attributes.csv", "csv/datapackage.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_failed_write_leaves_the_old_files_whole(make_store, tmp_path, monkeypatch):
    store = make_store("sample", sample_records())
    out = tmp_path / "out"
    export_hsds(store, out, csv=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    store.put(next(r for r in sample_records() if r.LABEL == "Service").replace(name="바뀐 이름"))
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("services.json"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        export_hsds(store, out, csv=False)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "services.json").read_bytes() == before["services.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # no temporary file left behind
