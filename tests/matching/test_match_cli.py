"""`dolbom match`: a readable table or JSON, from the embedded store."""

from __future__ import annotations

import io
import json

import pytest

from api.cli import main


@pytest.fixture(scope="module")
def db(sample_db):
    return sample_db


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_table(db):
    code, text = run("match", "hh-0001", "--db", db, "--on", "2026-11-23", "--lang", "en")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("Household hh-0001: 1 package(s) on 2026-11-23")
    # every need's type is met by its item (rent-support, job-placement, wage-claim): no tag term
    assert "Package 1  cost 96.15  providers 3" in text
    assert any("fits the need: rent support" in line for line in lines)
    assert any(line.strip().startswith("housing (1)") and "svc-suwon-rent" in line for line in lines)
    assert "      - starts within 2 days, inside the 3-day emergency limit" in lines
    assert "  missing: health" in lines
    assert any(line.startswith("    CAPACITY  Health:") for line in lines)


def test_korean_table(db):
    code, text = run("match", "hh-0002", "--db", db, "--on", "2026-11-23", "--locale", "ko")
    assert code == 0 and "패키지 1" in text and "미해결: 돌봄" in text and "이미 이용 중" in text
    default, _ = run("match", "hh-0002", "--db", db, "--on", "2026-11-23"), None
    assert default == (code, text)  # Korean is the default (DOLBOM_LOCALE unset)
    assert "욕구" in text and "제공 기관" in text and "NEEDS" not in text


def test_json(db):
    code, text = run("match", "hh-0001", "--db", db, "--on", "2026-11-23", "--json", "--limit", "2",
                     "--lang", "en")
    assert code == 0
    data = json.loads(text)
    assert data["householdId"] == "hh-0001" and data["optimal"] is True
    [p] = data["packages"]
    assert p["rank"] == 1 and p["cost"] == 96.15 and p["providerCount"] == 3
    assert p["costTerms"]["tag_miss"] == 0.0
    assert [i["resource"]["id"] for i in p["items"]] == ["svc-suwon-rent", "svc-suwon-jobs", "svc-gg-legal"]
    assert p["flags"] == [{"kind": "CAPACITY", "domain": "HEALTH", "needIds": ["need-0001-health"],
                           "serviceIds": ["svc-gg-clinic"], "reason": "QUOTA_USED",
                           "message": "Health: the MOU quota for the year of every eligible resource is "
                                      "used up (의료비 지원 진료); a wait list, not a gap."}]
    assert p["missingDomains"] == ["HEALTH"] and p["coveredDomains"] == ["HOUSING", "EMPLOYMENT", "LEGAL"]


def test_unknown_household_is_a_clear_error(db, capsys):
    code, _ = run("match", "hh-nobody", "--db", db)
    assert code == 2 and "hh-nobody" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--limit", "0"], ["--limit", "x"], ["--on", "yesterday"],
                                  ["--locale", "fr"], ["--time-limit", "-1"]])
def test_bad_arguments_are_refused(db, args, capsys):
    with pytest.raises(SystemExit) as e:
        run("match", "hh-0001", "--db", db, *args)
    assert e.value.code == 2
