"""Messages of the workflow services: case conferences, the referral inbox, consent,
capacity, the write use cases, the what-if analyses and matching's entry points
(service/conference.py, inbox.py, consent.py, capacity.py, writes.py, whatif.py,
analysis.py). The English templates are the messages these errors always had (tests
and scripts read them with ``locale=en``); the Korean ones are what a case worker reads."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- shared by several of these modules ------------------------------------------------
    "workflow.household.item": {"en": "household {household}: {detail}", "ko": "가구 {household}: {detail}"},
    "workflow.need.other_household": {
        "en": "need {need} is not a need of household {household}",
        "ko": "욕구 {need:은} 가구 {household}의 욕구가 아닙니다",
    },
    "workflow.text.empty": {"en": "must not be empty", "ko": "비어 있으면 안 됩니다"},
    "workflow.int.at_least_one": {
        "en": "must be a whole number of at least 1 (got {got})",
        "ko": "1 이상의 정수여야 합니다 (입력: {got})",
    },
    "workflow.households.too_many": {
        "en": "at most {limit} households per plan (got {got})",
        "ko": "계획 하나에 가구는 {limit}개까지입니다 (입력 {got}개)",
    },
    "workflow.referral_status.unknown": {
        "en": "unknown referral status {got}",
        "ko": "알 수 없는 의뢰 상태입니다: {got}",
    },
    "workflow.service.other_org": {
        "en": "service {service} belongs to another organization",
        "ko": "서비스 {service:은} 다른 기관의 서비스입니다",
    },
    # -- what-if (service/whatif.py) -------------------------------------------------------
    "whatif.households.empty": {"en": "name at least one household", "ko": "가구를 하나 이상 지정해 주세요"},
    "whatif.new_programs.too_many": {
        "en": "at most {limit} new programs at once (got {got})",
        "ko": "새 프로그램은 한 번에 {limit}개까지입니다 (입력 {got}개)",
    },
    "whatif.region.outside": {
        "en": "region {region} is outside {within}",
        "ko": "지역 {region:은} {within} 밖에 있습니다",
    },
    "whatif.capacity.at_least_one": {
        "en": "capacity must be at least 1 (got {got})",
        "ko": "정원은 1 이상이어야 합니다 (입력: {got})",
    },
    "whatif.changes.too_many": {
        "en": "at most {limit} changes at once (got {got})",
        "ko": "변경은 한 번에 {limit}개까지입니다 (입력 {got}개)",
    },
    # -- matching's entry points (service/analysis.py) ---------------------------------------
    "analysis.policy.unreadable": {
        "en": "cannot read {path}: {reason}",
        "ko": "{path:을} 읽을 수 없습니다: {reason}",
    },
    "analysis.policy.not_json": {
        "en": "{path} is not JSON (line {line}: {detail})",
        "ko": "{path:은} JSON 형식이 아닙니다 ({line}행: {detail})",
    },
    # -- the referral inbox (service/inbox.py) ----------------------------------------------
    "inbox.duplicate": {
        "en": "referral {other} ({status}) already sends household {household} to {resource} for "
              "{needs}; decline or close it first",
        "ko": "가구 {household:은} 이미 {resource}에 {needs} 욕구로 의뢰되어 있습니다 (의뢰 {other}, "
              "상태 {status}). 먼저 그 의뢰를 거절하거나 종결해 주세요",
    },
    "inbox.service.not_own": {
        "en": "service {service} is not one of your organization's",
        "ko": "서비스 {service:은} 우리 기관의 서비스가 아닙니다",
    },
    "inbox.role": {"en": "a {role} may not read referrals", "ko": "{role}에게는 의뢰 조회 권한이 없습니다"},
    # -- the write use cases (service/writes.py) --------------------------------------------
    "writes.service.own_org_only": {
        "en": "a partner may register services only for its own organization {org}",
        "ko": "협력기관은 자기 기관 {org}의 서비스만 등록할 수 있습니다",
    },
    "writes.referral.exists": {
        "en": "Referral {id} already exists with different content",
        "ko": "의뢰 {id:이} 이미 다른 내용으로 있습니다",
    },
    "writes.referral.not_addressed": {
        "en": "referral {id} is not addressed to your organization",
        "ko": "의뢰 {id:은} 우리 기관으로 온 의뢰가 아닙니다",
    },
    "writes.partner.statuses": {
        "en": "a partner may move a referral only to {allowed}",
        "ko": "협력기관은 의뢰를 {allowed} 상태로만 바꿀 수 있습니다",
    },
    "writes.referral.not_shared": {
        "en": "household of referral {id} is not shared with your organization (no consent in force)",
        "ko": "의뢰 {id}의 가구 정보는 우리 기관과 공유되지 않았습니다 (유효한 동의 없음)",
    },
    "writes.reason.declined_only": {
        "en": "a reason goes with DECLINED only (use note for an outcome)",
        "ko": "사유는 거절(DECLINED)할 때만 적습니다 (결과는 note에 적어 주세요)",
    },
    "writes.note.outcome_only": {
        "en": "an outcome note goes with DELIVERED or CLOSED",
        "ko": "결과 메모는 제공 완료(DELIVERED)나 종결(CLOSED)할 때만 적습니다",
    },
    "writes.reason.declined": {
        "en": "say why the referral is declined (reason)",
        "ko": "의뢰를 거절하는 사유를 적어 주세요 (reason)",
    },
    "writes.text.required": {"en": "must be a non-empty text", "ko": "비어 있지 않은 텍스트여야 합니다"},
    "writes.update_service.field": {
        "en": "cannot be changed with updateService",
        "ko": "updateService로는 바꿀 수 없습니다",
    },
    "writes.capacity.below": {
        "en": "service {service} has {used} places taken: its capacity cannot go below that (got {got})",
        "ko": "서비스 {service}에 이미 {used}자리가 찼으므로 정원을 그보다 줄일 수 없습니다 (입력: {got})",
    },
    "writes.capacity.below.period": {
        "en": "service {service} has {used} places taken this period: its capacity cannot go below that "
              "(got {got})",
        "ko": "서비스 {service}에 이번 기간 {used}자리가 찼으므로 정원을 그보다 줄일 수 없습니다 "
              "(입력: {got})",
    },
    # -- capacity (service/capacity.py) -----------------------------------------------------
    "capacity.volunteer.hours": {
        "en": "volunteer {id} has {left} of {total} hours a week left; this referral needs {hours}",
        "ko": "자원봉사자 {id}에게 남은 시간은 주 {total}시간 중 {left}시간인데, 이 의뢰에는 {hours}시간이 "
              "필요합니다",
    },
    "capacity.retired": {"en": "service {id} is retired", "ko": "서비스 {id:은} 종료되었습니다"},
    "capacity.full": {
        "en": "service {id} is full ({used} of {total} places taken{period})",
        "ko": "서비스 {id:은} 정원이 찼습니다 ({period}{total}자리 중 {used}자리 사용)",
    },
    "capacity.full.this.WEEK": {"en": " this week", "ko": "이번 주 "},
    "capacity.full.this.MONTH": {"en": " this month", "ko": "이번 달 "},
    "capacity.full.this.YEAR": {"en": " this year", "ko": "올해 "},
    "capacity.quota": {
        "en": "the MOU {agreement} of service {service} has used its quota ({used} of {quota} in the "
              "agreement year {first} to {last}; it resets on {reset})",
        "ko": "서비스 {service}의 협약(MOU) {agreement:은} 할당량을 모두 썼습니다 (협약 연도 {first}~{last}, "
              "{quota}건 중 {used}건 사용, {reset}에 초기화)",
    },
    "capacity.move": {
        "en": "a {old} referral cannot become {new}; allowed: {allowed}",
        "ko": "{old} 상태의 의뢰는 {new} 상태가 될 수 없습니다. 가능한 상태: {allowed}",
    },
    "capacity.move.final": {"en": "none (it is final)", "ko": "없음 (마지막 상태)"},
    "capacity.accept": {"en": "cannot accept: {detail}", "ko": "수락할 수 없습니다: {detail}"},
    # -- consent (service/consent.py) -------------------------------------------------------
    "consent.missing": {
        "en": "household {household} has not consented to share {wanted} with {org} ({org_id}), a {sector} "
              "organization: record its consent (recordConsent) or an emergency override "
              "(overrideConsent) first",
        "ko": "가구 {household:은} {sector} 기관 {org}({org_id})에 {wanted} 정보를 공유하는 데 동의하지 "
              "않았습니다. 먼저 동의(recordConsent)나 긴급 예외(overrideConsent)를 기록해 주세요",
    },
    "consent.id": {
        "en": "must be an id of 1 to {limit} printable characters",
        "ko": "출력 가능한 문자 1~{limit}자의 ID여야 합니다",
    },
    "consent.text": {
        "en": "must be text of at most {limit} characters",
        "ko": "{limit}자 이하의 텍스트여야 합니다",
    },
    "consent.domains": {"en": "must be domains ({allowed})", "ko": "서비스 영역이어야 합니다 ({allowed})"},
    "consent.scope.empty": {
        "en": "a consent names the domains or the organizations it lets the hub share with (or both)",
        "ko": "동의에는 정보 공유를 허락하는 영역이나 기관(또는 둘 다)을 적어야 합니다",
    },
    "consent.date": {"en": "must be a date as YYYY-MM-DD", "ko": "YYYY-MM-DD 형식의 날짜여야 합니다"},
    "consent.future": {
        "en": "must not be in the future (got {got})",
        "ko": "미래 날짜일 수 없습니다 (입력: {got})",
    },
    "consent.exists": {
        "en": "consent {id} of household {household} already exists with different content",
        "ko": "가구 {household}의 동의 {id:이} 이미 다른 내용으로 있습니다",
    },
    "consent.not_found": {
        "en": "household {household} has no consent {id}",
        "ko": "가구 {household}에는 동의 {id:이} 없습니다",
    },
    # -- case conferences (service/conference.py) -------------------------------------------
    "label.CaseConference": {"en": "CaseConference", "ko": "사례회의"},
    "conference.text": {"en": "must be text", "ko": "텍스트여야 합니다"},
    "conference.region.outside": {
        "en": "the conference's region {region} is outside your region",
        "ko": "사례회의 지역 {region:은} 담당 지역 밖입니다",
    },
    "conference.agenda.too_many": {
        "en": "at most {limit} households on one agenda (got {got})",
        "ko": "안건 하나에 가구는 {limit}개까지입니다 (입력 {got}개)",
    },
    "conference.agenda.other_region": {
        "en": "household {household} does not live in the conference's region {region}",
        "ko": "가구 {household:은} 사례회의 지역 {region}에 살지 않습니다",
    },
    "conference.agenda.closed": {
        "en": "the case of {household} is CLOSED: reopen it first (reopenCase)",
        "ko": "가구 {household}의 사례는 종결되었습니다. 먼저 재개해 주세요 (reopenCase)",
    },
    "conference.id.shape": {
        "en": "letters, digits and . _ : - (at most 64), starting with a letter or digit",
        "ko": "영문자, 숫자와 . _ : - 로 64자까지, 첫 글자는 영문자나 숫자여야 합니다",
    },
    "conference.id.taken": {
        "en": "conference id {id} is already in use",
        "ko": "사례회의 ID {id:은} 이미 쓰이고 있습니다",
    },
    "conference.cancelled": {"en": "conference {id} was cancelled", "ko": "사례회의 {id:은} 취소되었습니다"},
    "conference.cancelled.meanwhile": {
        "en": "conference {id} was cancelled meanwhile",
        "ko": "그사이 사례회의 {id:이} 취소되었습니다",
    },
    "conference.plan.adopted.stays": {
        "en": "the plan for household {household} was adopted: it stays on the agenda",
        "ko": "가구 {household}의 지원 계획이 채택되었으므로 안건에서 뺄 수 없습니다",
    },
    "conference.move": {
        "en": "a {old} conference cannot become {new}; allowed: {allowed} (ADOPTED is set by adoptPlan)",
        "ko": "{old} 상태의 사례회의는 {new} 상태가 될 수 없습니다. 가능한 상태: {allowed} "
              "(ADOPTED는 adoptPlan이 정합니다)",
    },
    "conference.move.none": {"en": "none", "ko": "없음"},
    "conference.cancel.adopted": {
        "en": "conference {id} has adopted plans: it cannot be cancelled",
        "ko": "사례회의 {id}에는 채택된 지원 계획이 있어 취소할 수 없습니다",
    },
    "conference.package.none": {
        "en": "household {household} has {count} package(s), no rank {rank}",
        "ko": "가구 {household}의 서비스 묶음은 {count}개여서 {rank}순위는 없습니다",
    },
    "conference.items.too_many": {
        "en": "at most {limit} items per household (got {got})",
        "ko": "가구마다 항목은 {limit}개까지입니다 (입력 {got}개)",
    },
    "conference.items.no_needs": {
        "en": "must name at least one need", "ko": "욕구를 하나 이상 지정해야 합니다",
    },
    "conference.items.domain": {
        "en": "{resource} does not offer {domain} (need {need})",
        "ko": "{resource:은} {domain} 영역을 제공하지 않습니다 (욕구 {need})",
    },
    "conference.agenda.not_on": {
        "en": "household {household} is not on the agenda of {conference}",
        "ko": "가구 {household:은} 사례회의 {conference}의 안건에 없습니다",
    },
    "conference.plan.adopted.on": {
        "en": "the plan for household {household} was adopted on {at}: it no longer changes",
        "ko": "가구 {household}의 지원 계획은 {at}에 채택되어 더는 바꿀 수 없습니다",
    },
    "conference.plan.adopted": {
        "en": "the plan for household {household} was adopted",
        "ko": "가구 {household}의 지원 계획이 채택되었습니다",
    },
    "conference.items.or_rank": {
        "en": "give items or packageRank, not both",
        "ko": "items와 packageRank 중 하나만 주세요",
    },
    "conference.exception.not_item": {
        "en": "{resource} is not one of the decision's items",
        "ko": "{resource:은} 결정의 항목이 아닙니다",
    },
    "conference.exception.approver": {
        "en": "staff member {id} may not approve exceptions (an active coordinator or case worker may)",
        "ko": "직원 {id:은} 예외를 승인할 수 없습니다 (활성 상태인 코디네이터나 사례관리자만 "
              "승인할 수 있습니다)",
    },
    "conference.exception.passes": {
        "en": "household {household} passes the {rule} rule of {resource}: there is nothing to waive",
        "ko": "가구 {household:은} {resource}의 {rule} 기준을 충족하므로 예외로 둘 것이 없습니다",
    },
    "conference.exception.not_near": {
        "en": "{detail}: not a near miss a conference may approve",
        "ko": "{detail}: 사례회의가 승인할 수 있는 근소한 미달이 아닙니다",
    },
    "conference.exception.twice": {
        "en": "{reason} of {resource} is approved twice",
        "ko": "{resource}의 {reason:이} 두 번 승인되었습니다",
    },
    "conference.review.before": {
        "en": "must be on or after the conference's date {date} (got {got})",
        "ko": "사례회의 날짜 {date} 이후여야 합니다 (입력: {got})",
    },
    "conference.adopt.not_held": {
        "en": "conference {id} is {status}: a plan is adopted once the conference is HELD",
        "ko": "사례회의 {id:은} {status} 상태입니다. 지원 계획은 회의가 열린(HELD) 뒤에 채택합니다",
    },
    "conference.decision.none": {
        "en": "no decision for household {household} yet",
        "ko": "가구 {household}에 대한 결정이 아직 없습니다",
    },
    "conference.decision.none_to_adopt": {
        "en": "conference {id} has no decision to adopt",
        "ko": "사례회의 {id}에는 채택할 결정이 없습니다",
    },
    "conference.adopt.need_state": {
        "en": "household {household}: need {need} is {state} now: the item no longer fits",
        "ko": "가구 {household}: 욕구 {need:이} 이제 {state} 상태라 이 항목은 더 이상 맞지 않습니다",
    },
    "conference.adopt.need_gone": {"en": "gone", "ko": "삭제"},
    "conference.adopt.region": {
        "en": "household {household}: {resource} does not serve the household's region ({reason})",
        "ko": "가구 {household}: {resource:은} 가구의 지역을 담당하지 않습니다 ({reason})",
    },
    "conference.adopt.no_fit": {
        "en": "household {household}: {resource} no longer fits: {detail} ({reason})",
        "ko": "가구 {household}: {resource:은} 더 이상 맞지 않습니다: {detail} ({reason})",
    },
    "conference.adopt.no_fit.near_only": {
        "en": "household {household}: {resource} no longer fits: {detail} ({reason}) (the approved exception "
              "covers a near miss only)",
        "ko": "가구 {household}: {resource:은} 더 이상 맞지 않습니다: {detail} ({reason}) "
              "(승인된 예외는 근소한 미달에만 적용됩니다)",
    },
    "conference.adopt.full": {
        "en": "household {household}: {service} has no place left for this item ({left} of {total} free, the "
              "plan needs {needed}) ({reason})",
        "ko": "가구 {household}: {service}에 이 항목을 위한 자리가 없습니다 ({total}자리 중 {left}자리 남음, "
              "계획에 {needed}자리 필요) ({reason})",
    },
    "conference.adopt.quota": {
        "en": "household {household}: the MOU {agreement} of {service} has no quota left for this item "
              "({reason})",
        "ko": "가구 {household}: {service}의 협약(MOU) {agreement}에 이 항목을 위한 할당량이 남지 않았습니다 "
              "({reason})",
    },
    "conference.adopt.changed": {
        "en": "the decision for household {household} changed while the plan was being adopted: "
              "adopt it again",
        "ko": "계획을 채택하는 동안 가구 {household}에 대한 결정이 바뀌었습니다. 다시 채택해 주세요",
    },
}
