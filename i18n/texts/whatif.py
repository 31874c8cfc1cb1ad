"""Texts of what-would-it-take, the recruitment advisor, what-if, fairness and burn-down
(:mod:`matching.takes`, :mod:`matching.recruit`, :mod:`matching.whatif`) and of their
reports (``dolbom report recruit|whatif|fairness|burndown|takes``): sentences, column
headers, sheet names and summaries."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- what would it take: one change and what it covers -----------------------
    "take.waive_income": {
        "en": "{domain}: approve an income exception of {points} points at {name} (ceiling {ceiling}%, "
              "household at {income}%); {approver} may approve it.",
        "ko": "{domain}: {name}의 소득 기준 {ceiling}%에 대해 {points}%p 예외 승인 (가구 소득 {income}%). "
              "{approver}에서 승인할 수 있습니다.",
    },
    "take.waive_trait": {
        "en": "{domain}: waive the {trait} requirement of {name}; {approver} may waive it.",
        "ko": "{domain}: {name}의 {trait} 요건 예외 승인. {approver}에서 승인할 수 있습니다.",
    },
    "take.add_places": {
        "en": "{domain}: {places} more place(s) at {name} ({provider}).",
        "ko": "{domain}: {name}({provider}) 정원 {places}명 추가.",
    },
    "take.add_quota": {
        "en": "{domain}: {places} more unit(s) of the annual quota of MOU {agreement}.",
        "ko": "{domain}: 협약 {agreement} 연간 한도 {places}건 추가.",
    },
    "take.extend": {
        "en": "{domain}: extend {name} ({provider}) to {region}, next to {served}, which it serves.",
        "ko": "{domain}: {name}({provider}) 제공 지역을 {served}에서 이웃한 {region}까지 확대.",
    },
    "take.move": {
        "en": "{domain}: move household {other}'s referral from {name} to {alternative} (free places, same "
              "form and type of help), which frees a place at {name}.",
        "ko": "{domain}: 가구 {other}의 의뢰를 {name}에서 다른 자원({alternative}: 자리 있음, 같은 "
              "지원형태·유형)으로 옮기면 {name}에 자리가 생깁니다.",
    },
    "take.none": {
        "en": "{domain}: no single change of the kinds considered covers it.",
        "ko": "{domain}: 검토한 변경 하나만으로는 해결되지 않습니다.",
    },
    # -- the recruitment advisor -------------------------------------------------
    "recruit.add_places": {
        "en": "One more place at {name} ({provider}) covers {needs} more need(s) (weighted value {value}).",
        "ko": "{name}({provider}) 정원 1명 추가 시 욕구 {needs}건 추가 해결 (가중치 {value}).",
    },
    "recruit.add_quota": {
        "en": "One more unit of MOU {agreement}'s quota covers {needs} more need(s) "
              "(weighted value {value}).",
        "ko": "협약 {agreement} 한도 1건 추가 시 욕구 {needs}건 추가 해결 (가중치 {value}).",
    },
    "recruit.extend": {
        "en": "Extending {name} ({provider}) to {region} covers {needs} more need(s) "
              "(weighted value {value}).",
        "ko": "{name}({provider}) 제공 지역을 {region}까지 확대 시 욕구 {needs}건 추가 해결 "
              "(가중치 {value}).",
    },
    "recruit.new_service": {
        "en": "A new {form} program for {domain} in {region} ({capacity} places) covers {needs} more need(s) "
              "(weighted value {value}).",
        "ko": "{region}에 {domain} {form} 신규 사업({capacity}명) 시 욕구 {needs}건 추가 해결 "
              "(가중치 {value}).",
    },
    # -- what-if -------------------------------------------------------------------
    "whatif.gain": {
        "en": "Household {household} gains cover for {domains}.",
        "ko": "가구 {household}: {domains} 욕구가 새로 해결됩니다.",
    },
    "whatif.lose": {
        "en": "Household {household} loses cover for {domains}.",
        "ko": "가구 {household}: {domains} 욕구가 더 이상 해결되지 않습니다.",
    },
    "whatif.spot.opened": {
        "en": "{region} {domain}: a new blind spot ({kind}), {before} -> {after} needs.",
        "ko": "{region} {domain}: 새 사각지대({kind}), 욕구 {before} -> {after}건.",
    },
    "whatif.spot.closed": {
        "en": "{region} {domain}: a blind spot closed ({kind}), {before} -> {after} needs.",
        "ko": "{region} {domain}: 사각지대 해소({kind}), 욕구 {before} -> {after}건.",
    },
    "whatif.kind.nothing": {"en": "nothing exists", "ko": "자원 없음"},
    "whatif.kind.short": {"en": "not enough places", "ko": "자리 부족"},
    "whatif.duplicate": {
        "en": "{region} {domain}: a new duplicate benefit ({tag}, {form}) among {names}.",
        "ko": "{region} {domain}: 새 중복 지원({tag}, {form}): {names}.",
    },
    # -- burn-down -----------------------------------------------------------------
    "burndown.quota": {
        "en": "At this rate ({rate} a month) MOU {agreement}'s quota ({left} of {quota} left) runs out "
              "around {when}.",
        "ko": "현재 속도(월 {rate}건)라면 협약 {agreement}의 한도({quota}건 중 {left}건 남음)는 {when}경 "
              "소진됩니다.",
    },
    "burndown.capacity": {
        "en": "At this rate ({rate} a month) {name}'s places ({left} of {capacity} left) run out "
              "around {when}.",
        "ko": "현재 속도(월 {rate}건)라면 {name}의 정원({capacity}명 중 {left}명 남음)은 {when}경 "
              "마감됩니다.",
    },
    "burndown.steady": {
        "en": "{name}: no referrals in the window; {left} left, no run-out in sight.",
        "ko": "{name}: 기간 중 의뢰 없음, {left} 남음, 소진 예상 없음.",
    },
    "burndown.out": {
        "en": "{name}: nothing left ({used} used).",
        "ko": "{name}: 남은 자리 없음 ({used} 사용).",
    },    # -- the reports' column headers, sheet names and summaries (dolbom report recruit|whatif|...) --
    "col.rank": {"en": "rank", "ko": "순위"},
    "col.kind": {"en": "kind", "ko": "종류"},
    "col.change_target": {"en": "target", "ko": "대상"},
    "col.value": {"en": "value", "ko": "가중치"},
    "col.why": {"en": "why", "ko": "근거"},
    "col.what": {"en": "what", "ko": "항목"},
    "col.who_where": {"en": "who/where", "ko": "대상/지역"},
    "col.before": {"en": "before", "ko": "변경 전"},
    "col.after": {"en": "after", "ko": "변경 후"},
    "col.households": {"en": "households", "ko": "가구 수"},
    "col.covered": {"en": "covered", "ko": "해결 욕구"},
    "col.coverage": {"en": "coverage", "ko": "충족률"},
    "col.unmet_value": {"en": "unmet value", "ko": "미충족 가중치"},
    "col.emergency_unmet": {"en": "emergency unmet", "ko": "미충족 긴급 욕구"},
    "col.id": {"en": "id", "ko": "ID"},
    "col.total": {"en": "total", "ko": "총량"},
    "col.used": {"en": "used", "ko": "사용"},
    "col.left": {"en": "left", "ko": "남음"},
    "col.per_month": {"en": "per month", "ko": "월 사용"},
    "col.runs_out": {"en": "runs out", "ko": "소진 예상"},
    "col.need": {"en": "need", "ko": "욕구 ID"},
    "col.reason": {"en": "reason", "ko": "사유"},
    "col.change": {"en": "change", "ko": "변경"},
    "col.covers": {"en": "covers", "ko": "해결 욕구 ID"},
    "sheet.recruit": {"en": "recruitment", "ko": "자원 발굴"},
    "sheet.whatif": {"en": "what-if", "ko": "가정 분석"},
    "sheet.fairness": {"en": "fairness", "ko": "지역 형평"},
    "sheet.burndown": {"en": "burn-down", "ko": "소진 예측"},
    "sheet.takes": {"en": "what it takes", "ko": "해결 방안"},
    "report.recruit.summary": {
        "en": "{households} households, {needs} needs the places leave uncovered (weighted {value}); "
              "{candidates} candidates weighed in {seconds} s",
        "ko": "가구 {households}곳, 현재 자리로 해결되지 않는 욕구 {needs}건 (가중치 {value}); "
              "후보 {candidates}개 검토 ({seconds}초)",
    },
    "report.whatif.changes": {"en": "changes: {changes}", "ko": "변경: {changes}"},
    "report.whatif.no_change": {"en": "none", "ko": "없음"},
    "report.whatif.compliance": {
        "en": "households {households}; emergency needs served within the deadline "
              "{within_before}/{needs_before} -> {within_after}/{needs_after}",
        "ko": "가구 {households}곳; 기한 내 연계된 긴급 욕구 {within_before}/{needs_before} -> "
              "{within_after}/{needs_after}",
    },
    "report.whatif.no_difference": {"en": " (no difference)", "ko": " (차이 없음)"},
    "report.whatif.row.cover": {"en": "cover", "ko": "연계"},
    "report.whatif.row.spot": {"en": "blind spot", "ko": "사각지대"},
    "report.whatif.row.duplicate": {"en": "duplicate", "ko": "중복"},
    # the kinds of change (recruit and takes reports), by Recruit.kind / Suggestion.kind
    "change.kind.ADD_PLACES": {"en": "more places", "ko": "정원 추가"},
    "change.kind.ADD_QUOTA": {"en": "more quota", "ko": "협약 한도 추가"},
    "change.kind.EXTEND": {"en": "serve a neighbouring region", "ko": "제공 지역 확대"},
    "change.kind.NEW_SERVICE": {"en": "new program", "ko": "신규 사업"},
    "change.kind.MOVE": {"en": "move a referral", "ko": "의뢰 이동"},
    "change.kind.WAIVE_INCOME": {"en": "income exception", "ko": "소득 기준 예외"},
    "change.kind.WAIVE_TRAIT": {"en": "requirement waived", "ko": "요건 예외"},
    "burndown.kind.AGREEMENT": {"en": "MOU quota", "ko": "협약 한도"},
    "burndown.kind.SERVICE": {"en": "service places", "ko": "서비스 정원"},
}
