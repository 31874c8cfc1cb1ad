"""Malformed bundles: each case gets its precise error and leaves the store as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import loaders.csvbundle as csvbundle
from graph.embedded import EmbeddedStore
from loaders.csvbundle import load_bundle
from loaders.csvfile import MAX_CELL, BundleError

from .kit import TEMPLATES, dump

HH = "id,regionId,size,incomePercent,traits,urgency\n"
NEEDS = "id,householdId,domain,severity,detail,status\n"

# name -> (files to write over the templates, expected "file:line[:col] (field)" prefix, message part)
CASES = {
    "missing column": ({"services.csv": "id,name,domains,regionIds\ns1,X,HEALTH,ex-suwon\n"},
                       "services.csv:1", "missing required column providerId"),
    "extra column": ({"households.csv": HH.strip() + ",phone\nh9,ex-suwon-d01,1,10,,GENERAL,010\n"},
                     "households.csv:1:7", "unknown column 'phone'"),
    "column twice": ({"households.csv": "id,regionId,size,incomePercent,size\nh9,ex-suwon-d01,1,10,1\n"},
                     "households.csv:1:5 (size)", "appears twice"),
    "bad enum": ({"households.csv": HH + "h9,ex-suwon-d01,2,40,,URGENT\n"},
                 "households.csv:2:6 (urgency)", "must be one of EMERGENCY, FOCUSED, GENERAL (got 'URGENT')"),
    "bad enum in a list": ({"households.csv": HH + "h9,ex-suwon-d01,2,40,ELDERLY|RICH,\n"},
                           "households.csv:2:5 (traits)", "(got 'RICH')"),
    "not a number": ({"households.csv": HH + "h9,ex-suwon-d01,two,40,,\n"},
                     "households.csv:2:3 (size)", "must be a whole number"),
    "out of range": ({"needs.csv": NEEDS + "n9,ex-hh-1,CARE,7,,\n"},
                     "needs.csv:2:4 (severity)", "must be between 1 and 5 (got 7)"),
    "required cell empty": ({"needs.csv": NEEDS + "n9,ex-hh-1,,3,,\n"},
                            "needs.csv:2:3 (domain)", "is required"),
    "required time empty": ({"referrals.csv": "id,householdId,resourceLabel,resourceId,needIds,createdAt\n"
                                              "r9,ex-hh-1,Service,ex-svc-rent,ex-need-1,\n"},
                            "referrals.csv:2:6 (createdAt)", "is required"),
    "unknown reference": ({"needs.csv": NEEDS + "n9,hh-nobody,CARE,3,,\n"},
                          "needs.csv:2:2 (householdId)", "no Household with id 'hh-nobody'"),
    "unknown reference in a small kind": (
        {"services.csv": "id,name,providerId,domains,regionIds\ns9,X,org-nobody,HEALTH,ex-suwon\n"},
        "services.csv:2:3 (providerId)", "no Organization with id 'org-nobody'"),
    "duplicate id": ({"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3,,\nn8,ex-hh-1,FOOD,2,,\nn9,ex-hh-1,CARE,3,,\n"},
                     "needs.csv:4:1 (id)", "duplicate id 'n9' (first on line 2)"),
    "duplicate of a stored id": ({"needs.csv": NEEDS + "ex-need-1,ex-hh-1,CARE,3,,\nn8,ex-hh-1,FOOD,2,,\n"
                                               "ex-need-1,ex-hh-1,CARE,3,,\n"},
                                 "needs.csv:4:1 (id)", "duplicate id 'ex-need-1' (first on line 2)"),
    "duplicate receipt": ({"receipts.csv": "householdId,serviceId\n"
                                           "ex-hh-1,ex-svc-rent\nex-hh-1,ex-svc-rent\n"},
                          "receipts.csv:3:2 (serviceId)",
                          "household 'ex-hh-1' receives service 'ex-svc-rent' twice (first on line 2)"),
    "duplicate region": ({"regions.csv": "id,name,level,parentId\ngg,A,PROVINCE,\ngg,B,PROVINCE,\n"},
                         "regions.csv:3:1 (id)", "duplicate id 'gg' (first on line 2)"),
    "cycle in regions": ({"regions.csv": "id,name,level,parentId\ngg,G,PROVINCE,\n"
                          "a,A,CITY,b\nb,B,CITY,a\n"},
                         "regions.csv:3:4 (parentId)", "would be its own ancestor"),
    "wrong region level": ({"regions.csv": "id,name,level,parentId\ngg,G,PROVINCE,\nd,D,DONG,gg\n"},
                           "regions.csv:3:4 (parentId)", "the parent of a DONG must be a CITY"),
    "need of another household": (
        {"referrals.csv": "id,householdId,resourceLabel,resourceId,needIds,createdAt\n"
                          "r9,ex-hh-9,Service,ex-svc-rent,ex-need-1,2026-11-20T09:00:00\n",
         "households.csv": HH + "ex-hh-1,ex-suwon-d01,3,40,,EMERGENCY\nex-hh-9,ex-suwon-d01,1,40,,\n"},
        "referrals.csv:2:5 (needIds)", "need 'ex-need-1' is not a need of household 'ex-hh-9'"),
    "wrong cell count": ({"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3\n"},
                         "needs.csv:2", "4 cells, but the header has 6 columns"),
    "empty file": ({"needs.csv": ""}, "needs.csv:1", "the file is empty"),
    "huge field": ({"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3,\"" + "가" * (MAX_CELL + 10) + "\",\n"},
                   "needs.csv:2", "field larger than field limit"),
    "too long for the model": ({"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3," + "가" * 2001 + ",\n"},
                               "needs.csv:2:5 (detail)", "must be at most 2000 characters (got 2001)"),
    "bad date": ({"agreements.csv": "id,partnerId,domains,signedOn\na9,ex-org-bar,LEGAL,2026-13-01\n"},
                 "agreements.csv:2:4 (signedOn)", "must be a date as YYYY-MM-DD"),
    "bad boolean": ({"services.csv": "id,name,providerId,domains,regionIds,active\n"
                     "s9,X,ex-org-bar,LEGAL,ex-gg,maybe\n"},
                    "services.csv:2:6 (active)", "must be true or false"),
    "unclosed quote": ({"needs.csv": NEEDS + 'n9,ex-hh-1,CARE,3,"no end,\n'},
                       "needs.csv:2", "unreadable CSV"),
}


@pytest.fixture
def store(tmp_path):
    with EmbeddedStore(tmp_path / "s.db") as s:
        load_bundle(s, TEMPLATES)  # something to leave unchanged
        yield s


def write(tmp_path: Path, files: dict) -> Path:
    d = tmp_path / "bundle"
    shutil.copytree(TEMPLATES, d)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (d / name).write_bytes(data)
    return d


@pytest.mark.parametrize("batch", [csvbundle.BATCH, 1], ids=["one-batch", "a-row-a-batch"])
@pytest.mark.parametrize("case", CASES)
def test_each_malformed_case_gets_its_precise_error_and_writes_nothing(case, batch, store, tmp_path):
    """Each case whole in one batch, and again a row per batch (so a duplicate
    is found across batches, the way a big file finds it)."""
    files, where, message = CASES[case]
    d = write(tmp_path, files)
    before = dump(store)
    with pytest.raises(BundleError) as info:
        load_bundle(store, d, batch=batch)
    text = str(info.value)
    assert text.startswith(where + ":") or text.startswith(where + " ("), text
    assert message in text, text
    assert dump(store) == before


def test_bytes_that_are_neither_utf8_nor_cp949_are_located(store, tmp_path):
    d = write(tmp_path, {"needs.csv": NEEDS.encode() + b"n9,ex-hh-1,CARE,3,\xff\xfe,\n"})
    with pytest.raises(BundleError, match=r"^needs\.csv:2: byte 0xff is not valid cp949"):
        load_bundle(store, d)


def test_a_bad_byte_after_utf8_text_names_its_line(store, tmp_path):
    body = NEEDS + "".join(f"n{i},ex-hh-1,CARE,3,상담,\n" for i in range(3))
    d = write(tmp_path, {"needs.csv": body.encode("utf-8") + b"n9,ex-hh-1,CARE,3,\xc0\xaf,\n"})
    before = dump(store)
    with pytest.raises(BundleError, match=r"^needs\.csv:5: byte 0xc0 is not valid utf-8"):
        load_bundle(store, d)
    assert dump(store) == before


def test_an_unknown_file_and_an_empty_folder_are_refused(store, tmp_path):
    d = write(tmp_path, {"service.csv": "id\n"})
    with pytest.raises(BundleError, match="service.csv.*unknown file"):
        load_bundle(store, d)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="no bundle files here"):
        load_bundle(store, tmp_path / "empty")
    with pytest.raises(BundleError, match="no such directory"):
        load_bundle(store, tmp_path / "missing")


def test_all_problems_are_reported_not_just_the_first(store, tmp_path):
    d = write(tmp_path, {"needs.csv": NEEDS + "n1,ex-hh-1,CARE,9,,\nn2,ex-hh-1,NOPE,3,,\nn3,zz,CARE,3,,\n"})
    with pytest.raises(csvbundle.BundleInvalid) as info:
        load_bundle(store, d)
    assert [(p.line, p.header) for p in info.value.report.problems] == [
        (2, "severity"), (3, "domain"), (4, "householdId")]
    assert "and 2 more problems; nothing was written" in str(info.value)


@pytest.mark.parametrize("batch", [csvbundle.BATCH, 1], ids=["one-batch", "a-row-a-batch"])
def test_skip_invalid_keeps_the_first_of_a_duplicate_and_names_its_line(store, tmp_path, batch):
    d = write(tmp_path, {"needs.csv": NEEDS + "n9,ex-hh-1,CARE,3,first,\nn8,ex-hh-1,FOOD,2,,\n"
                                             "n9,ex-hh-1,CARE,4,second,\nex-need-1,ex-hh-1,CARE,3,,\n"
                                             "ex-need-1,ex-hh-1,CARE,5,,\n"})
    report = load_bundle(store, d, skip_invalid=True, batch=batch)
    assert [(p.line, str(p)) for p in report.problems] == [
        (4, "needs.csv:4:1 (id): duplicate id 'n9' (first on line 2)"),
        (6, "needs.csv:6:1 (id): duplicate id 'ex-need-1' (first on line 5)")]
    assert store.get("Need", "n9").detail == "first"
    assert store.get("Need", "ex-need-1").severity == 3
    assert store.get("Need", "n8") is not None


def test_a_referral_reports_its_missing_household_before_its_needs(store, tmp_path):
    """A referral's household is not looked up on its own (its needs' owner
    vouches for it); when something is wrong, a missing household is still
    the problem named."""
    d = write(tmp_path, {"referrals.csv": "id,householdId,resourceLabel,resourceId,needIds,createdAt\n"
                                          "r1,hh-nobody,Service,ex-svc-rent,ex-need-1,2026-11-20T09:00:00\n"
                                          "r2,hh-nobody,Service,ex-svc-rent,need-nobody,2026-11-20T09:00:00\n"
                                          "r3,ex-hh-1,Service,ex-svc-rent,need-nobody,2026-11-20T09:00:00\n"})
    with pytest.raises(csvbundle.BundleInvalid) as info:
        load_bundle(store, d)
    assert [str(p) for p in info.value.report.problems] == [
        "referrals.csv:2:2 (householdId): no Household with id 'hh-nobody'",
        "referrals.csv:3:2 (householdId): no Household with id 'hh-nobody'",
        "referrals.csv:4:5 (needIds): no Need with id 'need-nobody'",
    ]


@pytest.mark.parametrize("batch", [csvbundle.BATCH, 2, 1], ids=["one-batch", "two-a-batch", "a-row-a-batch"])
def test_duplicates_come_out_the_same_whatever_the_batches(store, tmp_path, batch):
    """The first row of a key claims it, even when that row is left out for a
    bad reference (as in a unit of work); a copy rejected by the model claims
    nothing; every later copy names the first line."""
    hh = HH + ("h1,ex-suwon-d01,1,10,,\nh2,ex-suwon-d01,0,10,,\nh2,ex-suwon-d01,2,10,,\n"
               "h1,ex-suwon-d01,1,10,,\nh1,ex-suwon-d01,1,10,,\nh2,ex-suwon-d01,2,10,,\n")
    needs = NEEDS + "n9,hh-nobody,CARE,3,,\nn8,h1,FOOD,2,,\nn9,h1,CARE,3,,\n"
    d = write(tmp_path, {"households.csv": hh, "needs.csv": needs})
    report = load_bundle(store, d, skip_invalid=True, batch=batch)
    assert [str(p) for p in report.problems] == [
        "households.csv:3:3 (size): must be between 1 and 100 (got 0)",
        "households.csv:5:1 (id): duplicate id 'h1' (first on line 2)",
        "households.csv:6:1 (id): duplicate id 'h1' (first on line 2)",
        "households.csv:7:1 (id): duplicate id 'h2' (first on line 4)",
        "needs.csv:2:2 (householdId): no Household with id 'hh-nobody'",
        "needs.csv:4:1 (id): duplicate id 'n9' (first on line 2)",
    ]
    assert store.get("Household", "h2").size == 2
    assert store.get("Need", "n8") is not None and store.get("Need", "n9") is None


def test_duplicates_found_across_batches_stop_at_the_cap(store, tmp_path, monkeypatch):
    monkeypatch.setattr(csvbundle, "MAX_REPORTED", 5)
    rows = "".join(f"h{i},ex-suwon-d01,1,10,,\n" for i in range(40))
    d = write(tmp_path, {"households.csv": HH + rows + rows})
    with pytest.raises(csvbundle.BundleInvalid) as info:
        load_bundle(store, d, batch=2)
    report = info.value.report
    # it stopped at the batch that reached 5, of 40
    assert 5 <= report.invalid <= 6 and len(report.problems) == 5
    assert str(report.problems[0]) == "households.csv:42:1 (id): duplicate id 'h0' (first on line 2)"
