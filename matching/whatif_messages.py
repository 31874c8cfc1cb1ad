"""The sentences of what-would-it-take, the recruitment advisor and what-if, in English and Korean.

They join :data:`matching.messages.CATALOGUE` when this module is imported
(every module that uses them imports it), so :class:`matching.messages.Message`
renders them like every other sentence and
:func:`matching.messages.catalogue_problems` checks them.
"""

from __future__ import annotations

from .messages import CATALOGUE

WHATIF_CATALOGUE: dict[str, dict[str, str]] = {
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
    },
}

CATALOGUE.update(WHATIF_CATALOGUE)
