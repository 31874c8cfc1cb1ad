"""Bad input: each error names the file, the place and the field, and nothing is written."""

from __future__ import annotations

import json

import pytest

from loaders.hsds import HsdsError, import_hsds, load_mapping

from .conftest import SAMPLE, snapshot

SID = "00000002-0000-4000-8000-000000000001"


def _sample() -> list[dict]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _write(tmp_path, doc, name="in.json"):
    path = tmp_path / name
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _fails(store, path, **kw) -> HsdsError:
    before = snapshot(store)
    with pytest.raises(HsdsError) as e:
        import_hsds(store, path, **kw)
    assert snapshot(store) == before, "a failed import must write nothing"
    return e.value


def _break(doc: list[dict], index: int, fn) -> list[dict]:
    fn(doc[index])
    return doc


CASES = [
    ("bad status", lambda d: _break(d, 0, lambda s: s.update(status="open")),
     "[0]", "status", "must be one of"),
    ("no name", lambda d: _break(d, 1, lambda s: s.pop("name")), "[1]", "name", "non-empty name"),
    ("name too long", lambda d: _break(d, 0, lambda s: s.update(name="가" * 201)),
     "[0]", "name", "at most 200"),
    ("amount text", lambda d: _break(d, 1, lambda s: s["cost_options"][0].update(amount="5000원")),
     "[1].cost_options[0]", "amount", "must be a number"),
    ("negative amount", lambda d: _break(d, 1, lambda s: s["cost_options"][0].update(amount=-5)),
     "[1].cost_options[0]", "amount", "must not be negative"),
    ("boolean id", lambda d: _break(d, 2, lambda s: s.update(id=True)), "[2]", "id", "whole-number id"),
    ("blank id", lambda d: _break(d, 2, lambda s: s.update(id="  ")), "[2]", "id", "non-empty"),
    ("age text", lambda d: _break(d, 1, lambda s: s.update(minimum_age="65세")),
     "[1]", "minimum_age", "number"),
    ("nested not an object", lambda d: _break(d, 0, lambda s: s.update(service_areas=["수원시"])),
     "[0].service_areas[0]", "service_areas", "must be an object"),
    ("conflicting duplicate", lambda d: _break(d, 1, lambda s: s.update(organization={
        "id": "00000001-0000-4000-8000-000000000001", "name": "다른 이름", "description": "x"})),
     "[1].organization", "name", "appears twice with different values"),
]


@pytest.mark.parametrize("what,breaks,where,field,message", CASES, ids=[c[0] for c in CASES])
def test_json_errors_name_file_place_and_field(store, tmp_path, what, breaks, where, field, message):
    path = _write(tmp_path, breaks(_sample()))
    err = _fails(store, path)
    assert err.file == str(path)
    assert err.where == where
    assert err.field == field
    assert message in err.message
    assert str(path) in str(err) and field in str(err)


def test_invalid_json_names_line_and_column(store, tmp_path):
    err = _fails(store, _write(tmp_path, '[{"id": "a",\n "name": }]'))
    assert err.where == "line 2 column 10" and "not valid JSON" in err.message


def test_unrecognisable_object(store, tmp_path):
    err = _fails(store, _write(tmp_path, [{"id": "x", "colour": "blue"}], name="things.json"))
    assert err.where == "[0]" and "cannot tell" in err.message


def test_a_failure_after_good_records_writes_none_of_them(store, tmp_path):
    doc = _sample()
    doc[-1]["cost_options"] = [{"id": "c-bad", "amount": -1}]
    doc[-1]["organization_id"] = "00000001-0000-4000-8000-000000000001"  # so it is not left out early
    err = _fails(store, _write(tmp_path, doc))
    assert err.field == "amount"
    assert store.counts()["Service"] == 0 and store.counts()["Organization"] == 0


def _package(tmp_path, services_csv: str, encoding="utf-8") -> str:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "service", "path": "services.csv"}, {"name": "organization", "path": "organizations.csv"}]}))
    (pkg / "organizations.csv").write_text("id,name,description\norg-1,수원시청,시청\n", encoding=encoding)
    (pkg / "services.csv").write_text(services_csv, encoding=encoding)
    return pkg


@pytest.mark.parametrize("csv_text,where,field,message", [
    ("id,organization_id,name,status,minimum_age\ns-1,org-1,상담,active,열두살\n", "line 2", "minimum_age",
     "must be a number"),
    ("name,status\n상담,active\n", "line 1", "id", "no id column"),
    ("id,name,status\ns-1,상담,open\n", "line 2", "status", "must be one of"),
    ("id,name,name\ns-1,상담,상담\n", "line 1", "name", "twice"),
    ("id,name,status\ns-1,상담\n", "line 2", None, "2 cells"),
    ("id,name,status\ns-1,,active\n", "line 2", "name", "non-empty name"),
    ("id,name,status\ns-1,상담,active\ns-1,다른 상담,active\n", "line 3", "name", "appears twice"),
])
def test_csv_errors_name_file_line_and_column(store, tmp_path, csv_text, where, field, message):
    pkg = _package(tmp_path, csv_text)
    err = _fails(store, pkg)
    assert err.file == str(pkg / "services.csv")
    assert (err.where, err.field) == (where, field)
    assert message in err.message


def test_csv_in_cp949_reads(store, tmp_path):
    pkg = _package(tmp_path, "id,organization_id,name,status\ns-1,org-1,무료 상담,active\n", encoding="cp949")
    r = import_hsds(store, pkg)
    assert r.read["service"] == 1 and r.ids("service_no_domain") == ["s-1"]
    assert store.get("Organization", "org-1").name == "수원시청"


@pytest.mark.parametrize("doc,field,message", [
    ({"domains": {"반려동물": ["PETS"]}}, "domains.반려동물", "must be one of"),
    ({"traits": {"노인": "OLD"}}, "traits.노인", "must be one of"),
    ({"sector_rules": [{"pattern": "(", "sector": "PUBLIC"}]}, "sector_rules[0].pattern",
     "regular expression"),
    ({"sector_rules": [{"pattern": "x", "sector": "STATE"}]}, "sector_rules[0].sector", "must be one of"),
    ({"default_sector": "GOV"}, "default_sector", "must be one of"),
    ({"domain": {}}, "domain", "unknown section"),
    ({"areas": {"판교동": ""}}, "areas.판교동", "region id"),
])
def test_mapping_file_errors_name_the_file_and_key(tmp_path, doc, field, message):
    path = _write(tmp_path, doc, name="mapping.json")
    with pytest.raises(HsdsError) as e:
        load_mapping(path)
    assert e.value.file == str(path) and e.value.field == field and message in e.value.message


def test_mapping_area_to_a_missing_region(store, tmp_path):
    path = _write(tmp_path, {"areas": {"수원시": "gg-nowhere"}}, name="mapping.json")
    err = _fails(store, SAMPLE, mapping=path)
    assert err.file == str(path) and err.field == "areas.수원시" and "gg-nowhere" in err.message


def test_missing_path(store, tmp_path):
    err = _fails(store, tmp_path / "nope.json")
    assert "no such file" in err.message
