"""Messages of matching/: eligibility rules, reasons, flags, allocation, coordinator reports,
``dolbom match``."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- eligibility rules: what passed or failed ------------------------------
    "rule.domain.ok": {"en": "offers {domains}", "ko": "{domains} 지원 제공"},
    "rule.domain.fail": {"en": "does not offer {domain}", "ko": "{domain} 지원 없음"},
    "rule.region.direct": {"en": "serves {region}", "ko": "{region} 담당"},
    "rule.region.ancestor": {
        "en": "serves {served}, which includes {region}",
        "ko": "{served} 전체 담당 ({region} 포함)",
    },
    "rule.region.fail": {"en": "does not serve {region}", "ko": "{region} 미담당"},
    "rule.active.ok": {"en": "active", "ko": "운영 중"},
    "rule.active.fail": {"en": "no longer active", "ko": "운영 종료"},
    "rule.hours.ok": {"en": "volunteers {hours} hours a week", "ko": "주 {hours}시간 활동"},
    "rule.hours.fail": {"en": "has no volunteer hours available", "ko": "활동 가능 시간 없음"},
    "rule.hours.left": {"en": "{left} of {hours} hours a week left",
                        "ko": "주 {hours}시간 중 {left}시간 여유"},
    "rule.hours.full": {"en": "no hours left this week ({hours} of {hours} hours taken)",
                        "ko": "이번 주 활동 시간 마감 (주 {hours}시간)"},
    "rule.agreement.open": {
        "en": "MOU {agreement} in force (no end date)",
        "ko": "협약 {agreement} 유효 (종료일 없음)",
    },
    "rule.agreement.until": {
        "en": "MOU {agreement} in force until {until}",
        "ko": "협약 {agreement} {until}까지 유효",
    },
    "rule.agreement.not_yet": {
        "en": "MOU {agreement} not in force until {signed}",
        "ko": "협약 {agreement} {signed}부터 유효",
    },
    "rule.agreement.expired": {
        "en": "MOU {agreement} expired on {expires}",
        "ko": "협약 {agreement} {expires} 만료",
    },
    "rule.agreement.unknown": {
        "en": "MOU {agreement} is not on record",
        "ko": "협약 {agreement} 정보 없음",
    },
    "rule.quota.unlimited": {"en": "MOU has no annual quota", "ko": "협약 연간 한도 없음"},
    "rule.quota.ok": {
        "en": "{left} of {quota} MOU places left this year",
        "ko": "협약 연간 {quota}건 중 {left}건 남음",
    },
    "rule.quota.fail": {
        "en": "MOU quota used up ({used} of {quota})",
        "ko": "협약 한도 소진 ({quota}건 중 {used}건 사용)",
    },
    "rule.income.none": {"en": "no income limit", "ko": "소득 기준 없음"},
    "rule.income.ok": {
        "en": "income {income}% of median is within the {ceiling}% ceiling",
        "ko": "소득 중위 {income}%, 기준 {ceiling}% 이내",
    },
    "rule.income.fail": {
        "en": "income {income}% of median is {over} points above the {ceiling}% ceiling",
        "ko": "소득 중위 {income}%, 기준 {ceiling}%보다 {over}%p 높음",
    },
    "rule.traits.none": {"en": "no required traits", "ko": "자격 요건 없음"},
    "rule.traits.ok": {"en": "meets the required traits: {traits}", "ko": "자격 요건 충족: {traits}"},
    "rule.traits.fail": {"en": "requires {missing}", "ko": "{missing} 요건 미충족"},
    "rule.received.ok": {"en": "not yet received", "ko": "미이용"},
    "rule.received.fail": {"en": "the household already receives it", "ko": "이미 이용 중"},
    "rule.capacity.unlimited": {"en": "no capacity limit", "ko": "정원 제한 없음"},
    "rule.capacity.ok": {
        "en": "{left} of {capacity} places left",
        "ko": "정원 {capacity}명 중 {left}명 여유",
    },
    "rule.capacity.fail": {
        "en": "full ({capacity} of {capacity} places taken)",
        "ko": "정원 마감 ({capacity}명)",
    },
    # -- why an item was chosen (beyond the rules) -----------------------------
    "reason.covers": {
        "en": "covers {count} needs in one place: {domains}",
        "ko": "한 곳에서 {count}개 욕구 해결: {domains}",
    },
    "reason.same_provider": {
        "en": "same provider as {others} ({provider}): one contact",
        "ko": "{others:와} 같은 기관 ({provider}): 연락처 하나",
    },
    "reason.public": {"en": "public entitlement ({provider})", "ko": "공공 급여 ({provider})"},
    "reason.mou": {"en": "MOU partner ({provider})", "ko": "협약 기관 ({provider})"},
    "reason.other_source": {"en": "{sector} provider ({provider})", "ko": "{sector} 기관 ({provider})"},
    "reason.volunteer": {"en": "volunteer", "ko": "자원봉사자"},
    "reason.lead.now": {"en": "can start right away", "ko": "즉시 시작 가능"},
    "reason.lead.within": {"en": "starts within {days} days", "ko": "{days}일 이내 시작"},
    "reason.lead.deadline": {
        "en": "starts within {days} days, inside the {limit}-day {urgency} limit",
        "ko": "{days}일 이내 시작, {urgency} 기한 {limit}일 이내",
    },
    "reason.lead.late": {
        "en": "starts only in {days} days, later than the {limit}-day {urgency} limit",
        "ko": "{days}일 후 시작, {urgency} 기한 {limit}일 초과",
    },
    "reason.cost.free": {"en": "free for the household", "ko": "본인 부담 없음"},
    "reason.cost": {"en": "costs the household {won} won", "ko": "본인 부담 {won}원"},
    "reason.cost.unknown": {"en": "cost to the household unknown (compared as {won} won)",
                            "ko": "본인 부담 미확인 ({won}원으로 가정해 비교)"},
    "reason.cost.currency": {"en": "costs {amount} {currency}, not in won (compared as {won} won)",
                             "ko": "본인 부담 {amount} {currency}: 원화가 아님 ({won}원으로 가정해 비교)"},
    "reason.referred": {"en": "already referred ({status})", "ko": "이미 연계 중 ({status})"},
    "reason.excludes": {
        "en": "rules out {other}, which is already in play",
        "ko": "이미 진행 중인 {other:와} 중복 불가",
    },
    "reason.duplicates": {
        "en": "would duplicate {other}, already in play (the same {form} benefit)",
        "ko": "이미 진행 중인 {other}: 같은 {form} 지원 중복",
    },
    "reason.tags.fit": {"en": "fits the need: {tags}", "ko": "욕구 유형에 맞음: {tags}"},
    "reason.tags.miss": {
        "en": "{domain}: the need asks for {wanted}; this offers {tags}",
        "ko": "{domain} 욕구 유형 {wanted}, 이 자원 유형 {tags}: 맞지 않음",
    },
    "reason.tags.untagged": {
        "en": "{domain}: the need asks for {wanted}; this resource has no type tag",
        "ko": "{domain} 욕구 유형 {wanted}, 이 자원은 유형 미지정",
    },
    # -- flags ----------------------------------------------------------------
    "flag.missing.nothing_in_region": {
        "en": "{domain}: no service or volunteer serving {region} offers it.",
        "ko": "{domain}: {region:을} 담당하는 자원이 없습니다.",
    },
    "flag.missing.nothing_active": {
        "en": "{domain}: the resources serving {region} that offer it are not active ({names}).",
        "ko": "{domain}: {region} 담당 자원이 운영 중이 아닙니다 ({names}).",
    },
    "flag.missing.not_eligible": {
        "en": "{domain}: the household is not eligible for any of the {count} active resources "
              "that offer it.",
        "ko": "{domain}: 운영 중인 자원 {count}곳 모두 자격 요건을 충족하지 않습니다.",
    },
    "flag.missing.income": {
        "en": "{domain}: the household's income ({income}% of median) is over the ceiling of every one of "
              "the {count} active resources that offer it.",
        "ko": "{domain}: 가구 소득(중위 {income}%)이 운영 중인 자원 {count}곳의 소득 기준을 모두 넘습니다.",
    },
    "flag.missing.trait": {
        "en": "{domain}: each of the {count} active resources that offer it requires a trait the household "
              "lacks ({traits}).",
        "ko": "{domain}: 운영 중인 자원 {count}곳 모두 가구에 없는 자격 요건이 필요합니다 ({traits}).",
    },
    "flag.missing.agreement": {
        "en": "{domain}: the resources serving {region} that offer it are under MOUs not in force ({names}).",
        "ko": "{domain}: {region} 담당 자원의 협약이 유효하지 않습니다 ({names}).",
    },
    "flag.missing.already_received": {
        "en": "{domain}: the only eligible resources are already received ({names}).",
        "ko": "{domain}: 자격이 되는 자원은 이미 이용 중입니다 ({names}).",
    },
    "flag.capacity": {
        "en": "{domain}: every eligible resource is full ({names}); a wait list, not a gap.",
        "ko": "{domain}: 자격이 되는 자원이 모두 마감되었습니다 ({names}). 공백이 아니라 대기입니다.",
    },
    "flag.capacity.quota": {
        "en": "{domain}: the MOU quota for the year of every eligible resource is used up ({names}); "
              "a wait list, not a gap.",
        "ko": "{domain}: 자격이 되는 자원의 협약 연간 한도가 모두 소진되었습니다 ({names}). "
              "공백이 아니라 대기입니다.",
    },
    "flag.near_miss.income": {
        "en": "{domain}: {name} has a {ceiling}% income ceiling; the household is at {income}% "
              "({over} points over, within the {points}-point margin): {approver} may approve an exception.",
        "ko": "{domain}: {name}의 소득 기준은 {ceiling}%, 가구는 {income}% "
              "({over}%p 초과, 허용 범위 {points}%p 이내). {approver}에서 예외를 승인할 수 있습니다.",
    },
    "flag.near_miss.trait": {
        "en": "{domain}: {name} requires {trait}, the one requirement the household misses; the care policy "
              "marks it discretionary, so {approver} may waive it.",
        "ko": "{domain}: {name}의 {trait} 요건 하나만 미충족. "
              "재량 요건이므로 {approver}에서 예외를 승인할 수 있습니다.",
    },
    "flag.overlap.tags": {
        "en": "{domain}: {holdings} give the same {form} benefit twice ({tags}). Check before referring.",
        "ko": "{domain}: {holdings} — 같은 {form} 지원이 중복됩니다 ({tags}). 의뢰 전에 확인하세요.",
    },
    "flag.overlap.cash": {
        "en": "{domain}: {holdings} are two cash benefits for the same need. Check before referring.",
        "ko": "{domain}: {holdings} — 같은 욕구에 현금 지원이 중복됩니다. 의뢰 전에 확인하세요.",
    },
    "flag.overlap.receipts": {
        "en": "The household receives {first} ({first_org}) and {second} ({second_org}): the same {form} "
              "benefit ({tags}) from two agencies. Check for improper double receipt.",
        "ko": "{first}({first_org})·{second}({second_org}): 두 기관에서 같은 {form} 지원({tags})을 받고 "
              "있습니다. 중복 수급 여부를 확인하세요.",
    },
    "flag.exclusive": {
        "en": "{first} and {second} rule each other out, but both are in play.",
        "ko": "{first:와} {second:은} 함께 받을 수 없지만 둘 다 진행 중입니다.",
    },
    "holding.received": {"en": "{name} (received)", "ko": "{name} (이용 중)"},
    "holding.referred": {"en": "{name} (referred, {status})", "ko": "{name} (연계 {status})"},
    "holding.package": {"en": "{name} (this package)", "ko": "{name} (이번 패키지)"},
    # -- allocation: why a need is not in the plan ------------------------------
    "alloc.unmet.allocated": {
        "en": "{domain}: the places of every eligible resource went to other needs in this plan ({names}).",
        "ko": "{domain}: 자격이 되는 자원의 자리가 이번 계획에서 모두 다른 욕구에 배정되었습니다 ({names}).",
    },
    "alloc.unmet.excluded": {
        "en": "{domain}: the eligible resources with places left rule out a service this plan gives the "
              "household ({names}).",
        "ko": "{domain}: 자리가 남은 자원은 이번 계획에서 배정한 서비스와 함께 받을 수 없습니다 ({names}).",
    },
    "alloc.unmet.not_worth": {
        "en": "{domain}: covering it would cost more than it is worth under the policy ({names}).",
        "ko": "{domain}: 정책 기준상 연계 비용이 효과보다 큽니다 ({names}).",
    },
    # -- coordinator reports ----------------------------------------------------
    "overlap.group": {
        "en": "{tag} ({form}) in {region}: {count} services from {orgs} organizations serve the same people "
              "({names}); {capacity} places against {demand} open needs here. Agree who serves whom, or move "
              "one of them to an uncovered need.",
        "ko": "{region} {tag}({form}): {orgs}개 기관의 서비스 {count}개가 같은 대상에게 제공됩니다 "
              "({names}). 정원 {capacity}, 지역 욕구 {demand}건. "
              "역할을 나누거나 공백 영역으로 옮기는 것을 검토하세요.",
    },
    "overlap.unlimited": {"en": "unlimited", "ko": "제한 없음"},
    # -- the CLI ---------------------------------------------------------------
    "cli.header": {
        "en": "Household {household}: {packages} package(s) on {on} "
              "({candidates} candidate resources, engine {engine})",
        "ko": "가구 {household}: 패키지 {packages}개, 기준일 {on} (후보 자원 {candidates}개, 엔진 {engine})",
    },
    "cli.package": {
        "en": "Package {rank}  cost {cost}  providers {providers}{proof}",
        "ko": "패키지 {rank}  비용 {cost}  기관 {providers}{proof}",
    },
    "cli.not_proven": {
        "en": "  (best found in time, not proven optimal)",
        "ko": "  (시간 내 최선, 최적 미증명)",
    },
    "cli.no_items": {"en": "  no resources to propose", "ko": "  제안할 자원 없음"},
    "cli.covered": {"en": "  covered: {domains}", "ko": "  해결: {domains}"},
    "cli.missing": {"en": "  missing: {domains}", "ko": "  미해결: {domains}"},
    "cli.flags": {"en": "  flags:", "ko": "  알림:"},
    "cli.none": {"en": "none", "ko": "없음"},
}
