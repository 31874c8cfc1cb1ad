"""`dolbom staff add|list|disable`, `dolbom token create --staff` and the overdue report's clock."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from api.cli import build_parser, main


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def db(tmp_path):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records

    path = str(tmp_path / "s.db")
    with EmbeddedStore(path) as store:
        store.put(*sample_records())
    return path


def test_staff_add_list_disable_and_a_persons_token(db, capsys):
    code, text = run("staff", "add", "--name", "김민지", "--role", "caseworker", "--region", "gg-suwon",
                     "--id", "stf-kim", "--db", db)
    assert (code, text) == (0, "stf-kim\n")  # the id alone: STAFF=$(dolbom staff add ...)
    code, gen = run("staff", "add", "--name", "박변호사", "--role", "partner", "--org", "org-gg-bar",
                    "--db", db)
    assert code == 0 and gen.startswith("stf-")
    assert run("staff", "add", "--name", "x", "--role", "caseworker", "--db", db)[0] == 2
    assert "regionId" in capsys.readouterr().err  # one coded line naming the field
    code, text = run("staff", "list", "--db", db)
    assert code == 0 and "김민지" in text and "박변호사" in text and "gg-suwon" in text
    code, text = run("staff", "list", "--role", "partner", "--db", db)
    assert "박변호사" in text and "김민지" not in text

    code, token = run("token", "create", "--staff", "stf-kim", "--db", db)
    assert code == 0 and token.startswith("dlb_")
    code, text = run("token", "list", "--db", db)
    assert "stf-kim" in text and "사례관리자" in text  # caseworker, in Korean by default
    assert run("token", "create", "--staff", "stf-kim", "--role", "coordinator", "--db", db)[0] == 2
    assert "staffId" in capsys.readouterr().err

    from graph.embedded import EmbeddedStore
    from graph.errors import UnauthenticatedError
    from service.tokens import authenticate

    with EmbeddedStore(db) as store:
        assert authenticate(store, f"Bearer {token.strip()}").staff_name == "김민지"
    code, text = run("staff", "disable", "stf-kim", "--db", db)
    assert code == 0 and "stf-kim" in text and "김민지" in text
    with EmbeddedStore(db) as store, pytest.raises(UnauthenticatedError):
        authenticate(store, f"Bearer {token.strip()}")
    assert "김민지" not in run("staff", "list", "--db", db)[1]
    assert "김민지" in run("staff", "list", "--all", "--db", db)[1]
    assert run("staff", "disable", "stf-nobody", "--db", db)[0] == 2


def test_staff_is_in_the_help():
    help_text = build_parser().format_help()
    assert "staff" in help_text


def test_the_overdue_report_says_its_clock_and_names_the_person(db, monkeypatch):
    from graph.embedded import EmbeddedStore
    from graph.model import Household
    from service import deadlines
    from service.principal import Principal, Role

    with EmbeddedStore(db) as store:
        hh = Household(id="e1", region_id="gg-suwon-maetan", size=1, income_percent=40, urgency="EMERGENCY")
        store.put(hh)
        who = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw", staff_id="stf-kim",
                        staff_name="김민지")
        deadlines.note_opened(store, who, hh, at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    code, text = run("report", "overdue", "--db", db, "--as-of", "2026-11-10")
    assert code == 0
    assert "기준: 의뢰가 수락(ACCEPTED)되면 서비스 시작 (DOLBOM_DEADLINE_CLOCK=accepted)" in text
    assert "김민지" in text and "t-cw" in text
    code, text = run("report", "overdue", "--db", db, "--as-of", "2026-11-10", "--lang", "en")
    assert "clock: service started = referral ACCEPTED (DOLBOM_DEADLINE_CLOCK=accepted)" in text
    monkeypatch.setenv("DOLBOM_DEADLINE_CLOCK", "delivered")
    code, text = run("report", "overdue", "--db", db, "--as-of", "2026-11-10", "--format", "json")
    rows = json.loads(text)
    assert [(r["householdId"], r["clock"], r["openedBy"], r["openedByName"]) for r in rows] == [
        ("e1", "delivered", "t-cw", "김민지")]
