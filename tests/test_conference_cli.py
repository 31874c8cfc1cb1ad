"""``dolbom conference list|show`` over a store holding one adopted conference."""

from __future__ import annotations

import io

from api.cli import main
from service import conference as conf
from service.principal import Principal
from service.staff import add_staff


def test_list_and_show_minutes(sample_store, tmp_path, monkeypatch):
    p = Principal.local()
    add_staff(sample_store, p, name="김민지", role="caseworker", region_id="gg-suwon", staff_id="stf-kim")
    conf.create_conference(sample_store, p, id="conf-cli", date="2026-11-24", kind="EMERGENCY",
                           region_id="gg-suwon", staff_ids=["stf-kim"], household_ids=["hh-0001", "hh-0003"],
                           minutes="월세 체납 가구 긴급 지원 논의")
    conf.update_conference(sample_store, p, "conf-cli", status="HELD")
    conf.decide_household(sample_store, p, "conf-cli", "hh-0001", lead_manager_id="stf-kim",
                          items=[{"resource_id": "svc-suwon-jobs", "need_ids": ["need-0001-job"]}])
    conf.adopt_plan(sample_store, p, "conf-cli", "hh-0001")
    db = sample_store.path
    sample_store.close()
    out = io.StringIO()
    assert main(["conference", "list", "--db", str(db)], out) == 0
    assert "conf-cli" in out.getvalue() and "긴급 사례회의" in out.getvalue()
    out = io.StringIO()
    assert main(["conference", "show", "conf-cli", "--db", str(db)], out) == 0
    text = out.getvalue()
    assert "월세 체납 가구 긴급 지원 논의" in text
    assert "취업성공패키지 (svc-suwon-jobs)" in text and "ref-conf-cli-hh-0001-1: PROPOSED" in text
    assert "가구 hh-0003: 결정 없음" in text and "김민지 (stf-kim)" in text
    assert main(["conference", "show", "conf-none", "--db", str(db)], io.StringIO()) == 2
