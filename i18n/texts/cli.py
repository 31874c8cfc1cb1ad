"""Texts of the CLI and its files: column headers of tables and spreadsheets,
report summaries, plot labels. A column header is ``col.<name>``; one column
name means one thing in every report."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- column headers (tables, CSV and XLSX files) ----------------------------------
    "col.region": {"en": "region", "ko": "지역"},
    "col.domain": {"en": "domain", "ko": "영역"},
    "col.open": {"en": "open", "ko": "미해결 욕구"},
    "col.uncovered": {"en": "uncovered", "ko": "미연계"},
    "col.nothing": {"en": "nothing", "ko": "자원 없음"},
    "col.short": {"en": "short", "ko": "정원 부족"},
    "col.unmet": {"en": "unmet", "ko": "배정 불가"},
    "col.services": {"en": "services", "ko": "서비스 수"},
    "col.free": {"en": "free", "ko": "남은 정원"},
    "col.form": {"en": "form", "ko": "지원 형태"},
    "col.tag": {"en": "tag", "ko": "유형"},
    "col.service_ids": {"en": "services", "ko": "서비스"},
    "col.capacity": {"en": "capacity", "ko": "정원"},
    "col.demand": {"en": "demand", "ko": "수요"},
    "col.redundancy": {"en": "redundancy", "ko": "중복도"},
    "col.message": {"en": "message", "ko": "설명"},
    "col.organization": {"en": "organization", "ko": "기관"},
    "col.name": {"en": "name", "ko": "이름"},
    "col.degree": {"en": "degree", "ko": "연결 중심성"},
    "col.weighted": {"en": "weighted", "ko": "가중 연결"},
    "col.betweenness": {"en": "betweenness", "ko": "매개 중심성"},
    "col.community": {"en": "community", "ko": "협력 집단"},
    "col.case_worker": {"en": "case worker", "ko": "담당자"},
    "col.household": {"en": "household", "ko": "가구"},
    "col.urgency": {"en": "urgency", "ko": "긴급도"},
    "col.opened": {"en": "opened", "ko": "접수 시각"},
    "col.due": {"en": "due", "ko": "기한"},
    "col.days_late": {"en": "days late", "ko": "지연 일수"},
    "col.token": {"en": "token", "ko": "토큰"},
    "col.case_manager": {"en": "case manager", "ko": "사례관리자"},
    "col.clock": {"en": "clock", "ko": "기준"},
    "col.needs": {"en": "needs", "ko": "욕구"},
    "col.resource": {"en": "resource", "ko": "자원"},
    "col.provider": {"en": "provider", "ko": "제공 기관"},
    "col.cost": {"en": "cost", "ko": "비용"},
    "col.resource_kind": {"en": "kind", "ko": "종류"},
    "col.resource_id": {"en": "id", "ko": "ID"},
    "col.limit": {"en": "limit", "ko": "한도"},
    "col.used_now": {"en": "used", "ko": "사용"},
    "col.left_now": {"en": "left", "ko": "남음"},
    "col.period": {"en": "counted over", "ko": "기준 기간"},
    "col.next_reset": {"en": "next reset", "ko": "다음 초기화"},
    # -- the capacity report: what a row is, what it counts over (dolbom report capacity) ----
    "capacity.kind.Service": {"en": "service", "ko": "서비스"},
    "capacity.kind.Agreement": {"en": "MOU", "ko": "협약"},
    "capacity.kind.Volunteer": {"en": "volunteer", "ko": "자원봉사자"},
    "capacity.period.NOW": {"en": "places held now", "ko": "현재 이용 중"},
    "capacity.period.WEEK": {"en": "week", "ko": "주"},
    "capacity.period.MONTH": {"en": "month", "ko": "월"},
    "capacity.period.YEAR": {"en": "year", "ko": "연"},
    "capacity.period.AGREEMENT_YEAR": {"en": "agreement year", "ko": "협약 연도"},
    "capacity.period.HOURS_PER_WEEK": {"en": "hours a week", "ko": "주당 시간"},
    "capacity.never": {"en": "never", "ko": "없음"},
    # -- report summaries ------------------------------------------------------------
    "report.none": {"en": "(none)", "ko": "(없음)"},
    "report.overdue.clock.accepted": {
        "en": "clock: service started = referral ACCEPTED (DOLBOM_DEADLINE_CLOCK=accepted)",
        "ko": "기준: 의뢰가 수락(ACCEPTED)되면 서비스 시작 (DOLBOM_DEADLINE_CLOCK=accepted)",
    },
    "report.overdue.clock.delivered": {
        "en": "clock: service started = referral DELIVERED (DOLBOM_DEADLINE_CLOCK=delivered)",
        "ko": "기준: 서비스가 제공(DELIVERED)되면 서비스 시작 (DOLBOM_DEADLINE_CLOCK=delivered)",
    },
    "report.unlimited": {"en": "unlimited", "ko": "제한 없음"},
    "report.coverage.region": {
        "en": "{region}: nothing exists for {nothing} open needs; not enough places for {short} ({unmet} of "
              "them beyond what today's places can cover: what an optimal allocate leaves NOT_ENOUGH_PLACES "
              "or EXCLUDED)",
        "ko": "{region}: 자원이 없는 욕구 {nothing}건, 정원이 부족한 욕구 {short}건 "
              "(그중 {unmet}건은 현재 정원으로 함께 해결할 수 없음: "
              "최적 배정에서도 NOT_ENOUGH_PLACES 또는 EXCLUDED)",
    },
    "report.coverage.cells": {
        "en": "blind spots: {nothing} cells where nothing exists, {short} cells short of places",
        "ko": "사각지대: 자원 없음 {nothing}칸, 정원 부족 {short}칸",
    },
    "report.overlaps.more": {
        "en": "{shown} of {total} groups, most redundant first; --all for every one",
        "ko": "전체 {total}개 중 중복이 큰 순서로 {shown}개; 모두 보려면 --all",
    },
    "report.network.components": {
        "en": "components: {count} (largest {largest} organizations)",
        "ko": "연결 요소: {count}개 (가장 큰 요소 기관 {largest}곳)",
    },
    "report.network.communities": {"en": "communities: {count}", "ko": "협력 집단: {count}개"},
    "report.network.sampled": {
        "en": " (betweenness estimated from a sample)",
        "ko": " (매개 중심성은 표본 추정)",
    },
    "report.network.unreferred": {
        "en": "resources nobody is referred to: {count}",
        "ko": "의뢰가 한 번도 없는 자원: {count}개",
    },
    "report.written": {"en": "wrote {rows} rows to {path}", "ko": "{path}에 {rows}행 저장"},
    # -- plot labels -------------------------------------------------------------------
    "plot.nothing": {"en": "nothing exists", "ko": "자원 없음"},
    "plot.short": {"en": "not enough places", "ko": "정원 부족"},
    "plot.title": {"en": "Blind spots under {region}", "ko": "{region} 사각지대"},
    "plot.every_region": {"en": "every region", "ko": "전체 지역"},
    # -- spreadsheets -------------------------------------------------------------------
    "sheet.coverage": {"en": "coverage", "ko": "사각지대"},
    "sheet.overlaps": {"en": "overlaps", "ko": "중복 서비스"},
    "sheet.network": {"en": "network", "ko": "협력망"},
    "sheet.overdue": {"en": "overdue", "ko": "기한 초과"},
    "sheet.capacity": {"en": "capacity", "ko": "정원과 한도"},
}
