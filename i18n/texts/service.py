"""Messages of the service layer and the store's rules: who may act, cases, staff, tokens,
deadlines, follow-ups, anonymising, the audit log, settings, and the graph's own checks.
The English templates are the messages these errors always had (tests and scripts read
them with ``locale=en``); the Korean ones are what a case worker reads by default."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- shared field checks ------------------------------------------------------------
    "error.cursor": {
        "en": "is not a cursor this API gave out ({cursor})",
        "ko": "이 API가 준 커서가 아닙니다 ({cursor})",
    },
    "error.cursor.audit": {
        "en": "not a cursor this API gave out: {cursor}",
        "ko": "이 API가 준 커서가 아닙니다: {cursor}",
    },
    "error.datetime": {
        "en": "must be an ISO-8601 date or time (got {got})",
        "ko": "ISO-8601 형식의 날짜나 시각이어야 합니다 (입력: {got})",
    },
    "error.reason.required": {"en": "is required here: say why", "ko": "필수 항목입니다: 사유를 적어 주세요"},
    # -- who may (service/permissions.py) --------------------------------------------------
    "auth.needs_token": {
        "en": "this operation needs a token: send Authorization: Bearer <token>",
        "ko": "토큰이 필요한 작업입니다: Authorization: Bearer <토큰> 헤더를 보내 주세요",
    },
    "perm.role": {"en": "a {role} may not {what}", "ko": "{role}에게는 {what} 권한이 없습니다"},
    "perm.region.outside": {
        "en": "region {region} is outside your region",
        "ko": "지역 {region:은} 담당 지역 밖입니다",
    },
    "perm.household.outside": {
        "en": "household {household} is outside your region",
        "ko": "가구 {household:은} 담당 지역 밖의 가구입니다",
    },
    "perm.household.no_referral": {
        "en": "household {household} has no referral to your organization",
        "ko": "가구 {household:은} 우리 기관으로 온 의뢰가 없습니다",
    },
    "perm.partner.minimum": {
        "en": "a partner sees only a household's id, region and the needs it was referred for",
        "ko": "협력기관은 가구의 ID, 지역, 의뢰받은 욕구만 볼 수 있습니다",
    },
    # what a role may not do (require_role's ``what``), as the Korean sentence names it
    "perm.what.add_needs": {"en": "add needs", "ko": "욕구 추가"},
    "perm.what.add_staff": {"en": "add staff", "ko": "직원 등록"},
    "perm.what.adopt_plans": {"en": "adopt plans", "ko": "지원 계획 채택"},
    "perm.what.allocate": {"en": "allocate", "ko": "자원 배정"},
    "perm.what.anonymise_households": {"en": "anonymise households", "ko": "가구 익명화"},
    "perm.what.ask_what_if": {"en": "ask what if", "ko": "가정 분석"},
    "perm.what.ask_what_would_it_take": {"en": "ask what would it take", "ko": "필요 자원 분석"},
    "perm.what.assign_case_managers": {"en": "assign case managers", "ko": "사례관리자 지정"},
    "perm.what.change_a_case_s_status": {"en": "change a case's status", "ko": "사례 상태 변경"},
    "perm.what.change_needs": {"en": "change needs", "ko": "욕구 상태 변경"},
    "perm.what.change_regions": {"en": "change regions", "ko": "지역 변경"},
    "perm.what.close_cases": {"en": "close cases", "ko": "사례 종결"},
    "perm.what.create_households": {"en": "create households", "ko": "가구 등록"},
    "perm.what.create_referrals": {"en": "create referrals", "ko": "의뢰 작성"},
    "perm.what.decide_at_case_conferences": {"en": "decide at case conferences", "ko": "사례회의 결정"},
    "perm.what.disable_staff": {"en": "disable staff", "ko": "직원 비활성화"},
    "perm.what.edit_case_conferences": {"en": "edit case conferences", "ko": "사례회의 수정"},
    "perm.what.list_households": {"en": "list households", "ko": "가구 목록 조회"},
    "perm.what.list_staff": {"en": "list staff", "ko": "직원 목록 조회"},
    "perm.what.match_households": {"en": "match households", "ko": "가구 서비스 매칭"},
    "perm.what.plan_case_conferences": {"en": "plan case conferences", "ko": "사례회의 계획"},
    "perm.what.put_households_on_an_agenda": {
        "en": "put households on an agenda", "ko": "사례회의 안건 등록",
    },
    "perm.what.read_case_conferences": {"en": "read case conferences", "ko": "사례회의 조회"},
    "perm.what.read_the_audit_log": {"en": "read the audit log", "ko": "감사 기록 조회"},
    "perm.what.record_receipts": {"en": "record receipts", "ko": "이용 내역 기록"},
    "perm.what.register_organizations": {"en": "register organizations", "ko": "기관 등록"},
    "perm.what.register_services": {"en": "register services", "ko": "서비스 등록"},
    "perm.what.register_volunteers": {"en": "register volunteers", "ko": "자원봉사자 등록"},
    "perm.what.reopen_cases": {"en": "reopen cases", "ko": "사례 재개"},
    "perm.what.retire_services": {"en": "retire services", "ko": "서비스 종료"},
    "perm.what.see_burn_down": {"en": "see burn-down", "ko": "해소 추이 조회"},
    "perm.what.see_coverage": {"en": "see coverage", "ko": "사각지대 조회"},
    "perm.what.see_fairness": {"en": "see fairness", "ko": "형평성 분석 조회"},
    "perm.what.see_follow_ups": {"en": "see follow-ups", "ko": "사후관리 조회"},
    "perm.what.see_overdue_households": {"en": "see overdue households", "ko": "기한 초과 가구 조회"},
    "perm.what.see_overlaps": {"en": "see overlaps", "ko": "중복 서비스 조회"},
    "perm.what.see_recruitment_advice": {"en": "see recruitment advice", "ko": "자원 발굴 제안 조회"},
    "perm.what.see_the_capacity_report": {"en": "see the capacity report", "ko": "정원 보고서 조회"},
    "perm.what.see_the_network": {"en": "see the network", "ko": "협력망 조회"},
    "perm.what.set_follow_up_dates": {"en": "set follow-up dates", "ko": "사후관리 날짜 지정"},
    "perm.what.sign_agreements": {"en": "sign agreements", "ko": "협약 등록"},
    "perm.what.update_households": {"en": "update households", "ko": "가구 정보 수정"},
    "perm.what.update_needs": {"en": "update needs", "ko": "욕구 수정"},
    "perm.what.update_referrals": {"en": "update referrals", "ko": "의뢰 상태 변경"},
    "perm.what.update_services": {"en": "update services", "ko": "서비스 수정"},
    # -- cases (service/cases.py) --------------------------------------------------------------
    "case.status.OPEN": {"en": "OPEN", "ko": "접수"},
    "case.status.IN_CONFERENCE": {"en": "IN_CONFERENCE", "ko": "사례회의 중"},
    "case.status.MONITORING": {"en": "MONITORING", "ko": "모니터링"},
    "case.status.CLOSED": {"en": "CLOSED", "ko": "종결"},
    "case.status.REOPENED": {"en": "REOPENED", "ko": "재개"},
    "case.move": {
        "en": "a case cannot move from {old} to {new}",
        "ko": "사례를 {old} 상태에서 {new} 상태로 옮길 수 없습니다",
    },
    "case.move.closed": {
        "en": "a case cannot move from {old} to {new} (reopen it first: reopenCase)",
        "ko": "사례를 {old} 상태에서 {new} 상태로 옮길 수 없습니다 (먼저 재개하세요: reopenCase)",
    },
    "case.set_status.own_mutation": {
        "en": "setCaseStatus moves a case to IN_CONFERENCE or MONITORING; {status} has its own mutation "
              "(closeCase, reopenCase)",
        "ko": "setCaseStatus는 사례를 사례회의 중(IN_CONFERENCE)이나 모니터링(MONITORING) 상태로만 "
              "옮깁니다. {status} 상태는 따로 있는 뮤테이션을 쓰세요 (closeCase, reopenCase)",
    },
    "case.already_closed": {
        "en": "the case of {household} is already CLOSED",
        "ko": "가구 {household}의 사례는 이미 종결되었습니다",
    },
    "case.reopen.not_closed": {
        "en": "only a CLOSED case can be reopened; the case of {household} is {status}",
        "ko": "종결된 사례만 재개할 수 있습니다. 가구 {household}의 사례는 {status} 상태입니다",
    },
    "case.manager.partner": {
        "en": "{name} works for a partner: a lead case manager is a case worker",
        "ko": "{name} 님은 협력기관 직원입니다: 담당 사례관리자는 사례관리자여야 합니다",
    },
    "case.manager.region": {
        "en": "{name} works in another region than household {household}",
        "ko": "{name} 님은 가구 {household:와} 다른 지역 담당입니다",
    },
    "case.urgency.reason": {
        "en": "changing urgency from {old} to {new} needs a reason",
        "ko": "긴급도를 {old}에서 {new:로} 바꾸려면 사유가 필요합니다",
    },
    "case.need.domain_referred": {
        "en": "referral {referral} was made for this need as {domain}: add a new need instead",
        "ko": "의뢰 {referral:은} 이 욕구를 {domain} 영역으로 보고 작성되었습니다: 새 욕구를 추가하세요",
    },
    # -- staff (service/staff.py) ----------------------------------------------------------------
    "staff.role.bad": {
        "en": "must be one of COORDINATOR, CASEWORKER, PARTNER; not {got}",
        "ko": "COORDINATOR, CASEWORKER, PARTNER 중 하나여야 합니다 (입력: {got})",
    },
    "staff.role.anonymous": {
        "en": "must be one of COORDINATOR, CASEWORKER, PARTNER",
        "ko": "COORDINATOR, CASEWORKER, PARTNER 중 하나여야 합니다",
    },
    "staff.id.required": {"en": "a staff id is required", "ko": "직원 ID가 필요합니다"},
    "staff.id.shape": {
        "en": "letters, digits and . _ : - (at most 64), starting with a letter or digit",
        "ko": "영문자, 숫자, . _ : - 만 쓸 수 있고 64자까지이며 영문자나 숫자로 시작해야 합니다",
    },
    "staff.id.taken": {"en": "staff id {id} is already in use", "ko": "직원 ID {id:은} 이미 쓰이고 있습니다"},
    "staff.not_found": {"en": "no staff member with id {id}", "ko": "ID가 {id}인 직원이 없습니다"},
    "staff.disabled": {"en": "staff member {id} is disabled", "ko": "직원 {id:은} 비활성화되었습니다"},
    "staff.name.required": {"en": "a staff member needs a name", "ko": "직원 이름을 적어 주세요"},
    "staff.name.long": {"en": "at most {limit} characters", "ko": "{limit}자 이하여야 합니다"},
    "staff.partner.org": {
        "en": "a partner belongs to an organization: give it",
        "ko": "협력기관 직원은 기관에 속합니다: 기관을 지정하세요",
    },
    "staff.org.only_partners": {
        "en": "only partners belong to an organization, not a {role}",
        "ko": "기관에 속하는 것은 협력기관 직원뿐입니다 ({role:은} 기관에 속하지 않습니다)",
    },
    "staff.caseworker.region": {
        "en": "a case worker belongs to a region (their center's area)",
        "ko": "사례관리자는 지역(소속 센터의 관할 구역)에 속합니다: 지역을 지정하세요",
    },
    "staff.region.only_caseworkers": {
        "en": "only case workers belong to a region, not a {role}",
        "ko": "지역에 속하는 것은 사례관리자뿐입니다 ({role:은} 지역에 속하지 않습니다)",
    },
    # -- tokens (service/tokens.py) --------------------------------------------------------------
    "token.staff.disabled": {
        "en": "staff member {id} is disabled: no new tokens",
        "ko": "직원 {id:은} 비활성화되어 새 토큰을 만들 수 없습니다",
    },
    "token.staff.binding": {
        "en": "staff member {id} is a {role} of {where}; the token's role, organization and region must "
              "be theirs",
        "ko": "직원 {id:은} {where} 소속 {role}입니다: 토큰의 역할, 기관, 지역은 그 직원의 것이어야 합니다",
    },
    "token.hub": {"en": "the hub", "ko": "총괄"},
    "token.role.required": {
        "en": "give the token's role (or --staff, whose role it takes)",
        "ko": "토큰의 역할을 지정하세요 (또는 --staff: 그 직원의 역할을 씁니다)",
    },
    "token.role.bad": {
        "en": "must be one of coordinator, caseworker, partner; not {got}",
        "ko": "coordinator, caseworker, partner 중 하나여야 합니다 (입력: {got})",
    },
    "token.role.anonymous": {
        "en": "anonymous callers need no token", "ko": "익명 사용자에게는 토큰이 필요 없습니다",
    },
    "token.partner.org": {
        "en": "a partner token is bound to its organization: give --org",
        "ko": "협력기관 토큰은 기관에 묶입니다: --org를 지정하세요",
    },
    "token.org.only_partners": {
        "en": "only partner tokens are bound to an organization, not {role}",
        "ko": "기관에 묶이는 것은 협력기관 토큰뿐입니다 ({role} 토큰은 묶이지 않습니다)",
    },
    "token.caseworker.region": {
        "en": "a case-worker token is bound to a region: give --region",
        "ko": "사례관리자 토큰은 지역에 묶입니다: --region을 지정하세요",
    },
    "token.region.only_caseworkers": {
        "en": "only case-worker tokens are bound to a region, not {role}",
        "ko": "지역에 묶이는 것은 사례관리자 토큰뿐입니다 ({role} 토큰은 묶이지 않습니다)",
    },
    "token.expires.min": {"en": "must be at least 1 day", "ko": "1일 이상이어야 합니다"},
    "token.header": {
        "en": "send the token as: Authorization: Bearer <token>",
        "ko": "토큰은 Authorization: Bearer <토큰> 형식으로 보내 주세요",
    },
    "token.not_dolbom": {"en": "this is not a Dolbom token", "ko": "돌봄 토큰이 아닙니다"},
    "token.unknown": {"en": "unknown token", "ko": "알 수 없는 토큰입니다"},
    "token.revoked": {"en": "this token was revoked", "ko": "폐기된 토큰입니다"},
    "token.expired": {"en": "this token has expired", "ko": "만료된 토큰입니다"},
    "token.staff.gone": {
        "en": "the staff member this token belongs to was disabled",
        "ko": "이 토큰의 주인인 직원이 비활성화되었습니다",
    },
    "token.id.shape": {
        "en": "a token id is {length} hex digits, as `dolbom token list` shows",
        "ko": "토큰 ID는 16진수 {length}자리입니다 (`dolbom token list`에 나오는 값)",
    },
    "token.not_found": {"en": "no token with id {id}", "ko": "ID가 {id}인 토큰이 없습니다"},
    # -- follow-ups and anonymising (service/followup.py, service/protection.py) ---------------
    "followup.done": {
        "en": "referral {referral} is {status}: nothing to follow up",
        "ko": "의뢰 {referral:은} {status} 상태라 사후관리할 것이 없습니다",
    },
    "followup.before_created": {
        "en": "must not be before the referral was created ({created}); got {on}",
        "ko": "의뢰 작성일({created}) 이전일 수 없습니다 (입력: {on})",
    },
    "protect.anonymised": {
        "en": "household {household} has been anonymised and is closed for good",
        "ko": "가구 {household:은} 익명화되어 영구히 종결되었습니다",
    },
    "protect.open_referral": {
        "en": "household {household} still has referral {referral} {status}; close or decline it first",
        "ko": "가구 {household}에 아직 끝나지 않은 의뢰 {referral:이} 있습니다 (상태: {status}): "
              "먼저 종결하거나 거절하세요",
    },
    "protect.open_needs": {
        "en": "household {household} still has open needs ({needs}); meet or close them first",
        "ko": "가구 {household}에 아직 해결되지 않은 욕구가 있습니다 ({needs}): 먼저 해결하거나 종결하세요",
    },
    # -- settings (service/settings.py) -----------------------------------------------------------
    "settings.positive": {
        "en": "must be a positive number (got {got})", "ko": "양수여야 합니다 (입력: {got})",
    },
    "settings.timezone": {
        "en": "unknown time zone {zone} (an IANA name such as Asia/Seoul)",
        "ko": "알 수 없는 시간대입니다: {zone} (Asia/Seoul 같은 IANA 이름을 쓰세요)",
    },
    "settings.cannot_read": {
        "en": "cannot read {raw} as a {type}",
        "ko": "{raw:을} {type} 값으로 읽을 수 없습니다",
    },
    # -- the CLI's lists: dolbom token list, dolbom staff list, dolbom report audit -----------------
    "col.token_id": {"en": "id", "ko": "토큰 ID"},
    "col.staff_id": {"en": "id", "ko": "직원 ID"},
    "col.role": {"en": "role", "ko": "역할"},
    "col.bound_to": {"en": "bound to", "ko": "소속"},
    "col.staff": {"en": "staff", "ko": "직원"},
    "col.created": {"en": "created", "ko": "등록 시각"},
    "col.expires": {"en": "expires", "ko": "만료 시각"},
    "col.revoked": {"en": "revoked", "ko": "폐기 시각"},
    "col.state": {"en": "state", "ko": "상태"},
    "col.at": {"en": "at", "ko": "시각"},
    "col.actor": {"en": "token", "ko": "토큰"},
    "col.action": {"en": "action", "ko": "작업"},
    "col.target_ids": {"en": "target", "ko": "대상"},
    "col.request": {"en": "request", "ko": "요청 ID"},
    "col.detail": {"en": "detail", "ko": "내용"},
    "sheet.tokens": {"en": "tokens", "ko": "토큰"},
    "sheet.staff": {"en": "staff", "ko": "직원"},
    "sheet.audit": {"en": "audit log", "ko": "감사 기록"},
    "cli.never": {"en": "never", "ko": "없음"},
    "cli.staff.active": {"en": "active", "ko": "활성"},
    "cli.staff.disabled": {"en": "disabled {at}", "ko": "비활성 ({at})"},
    "cli.staff.disabled_now": {
        "en": "disabled {id} ({name}) at {at}: their tokens no longer work",
        "ko": "{name}({id}) 직원을 {at}에 비활성화했습니다: 이 직원의 토큰은 더 이상 쓸 수 없습니다",
    },
    "cli.token.revoked": {
        "en": "revoked {id} ({role}) at {at}", "ko": "토큰 {id:을} {at}에 폐기했습니다 (역할: {role})",
    },
    "cli.error": {"en": "dolbom: error: {text}", "ko": "dolbom: 오류: {text}"},
    "cli.output.format": {
        "en": "--output works with --format csv or xlsx",
        "ko": "--output은 --format csv 또는 xlsx와 함께 씁니다",
    },
    # -- the store's rules (graph/store.py, graph/model.py) --------------------------------------
    "store.exists": {
        "en": "{label} {key} already exists with different content",
        "ko": "{label} {key:이} 이미 다른 내용으로 있습니다",
    },
    "store.referenced": {
        "en": "{label} {key} is still referenced by {what}{more}",
        "ko": "{label} {key:을} 아직 참조하는 것이 있습니다: {what}{more}",
    },
    "store.ref.receipt": {"en": "a receipt", "ko": "이용 내역"},
    "store.ref.record": {"en": "{label} {key}", "ko": "{label} {key}"},
    "store.ref.more": {"en": " and {count} more", "ko": " 외 {count}건"},
    "store.region.ancestor": {
        "en": "region {region} would be its own ancestor (through {through})",
        "ko": "지역 {region:이} 자기 자신의 상위 지역이 됩니다 ({through:을} 거쳐)",
    },
    "store.region.province_parent": {
        "en": "a PROVINCE region has no parent",
        "ko": "광역(PROVINCE) 지역에는 상위 지역이 없습니다",
    },
    "store.region.needs_parent": {
        "en": "a {level} region needs a parent {want}",
        "ko": "{level} 지역에는 상위 {want} 지역이 있어야 합니다",
    },
    "store.region.parent_level": {
        "en": "the parent of a {level} must be a {want}, but {parent} is a {parent_level}",
        "ko": "{level} 지역의 상위 지역은 {want} 지역이어야 하지만 {parent:은} {parent_level} 지역입니다",
    },
    "store.region.has_child": {
        "en": "region {region} has child {child} ({child_level}) and cannot become a {level}",
        "ko": "지역 {region}에 하위 지역이 있어 {level} 지역이 될 수 없습니다 ({child}, {child_level})",
    },
    "region.level.PROVINCE": {"en": "PROVINCE", "ko": "광역(PROVINCE)"},
    "region.level.CITY": {"en": "CITY", "ko": "시군구(CITY)"},
    "region.level.DONG": {"en": "DONG", "ko": "읍면동(DONG)"},
    "store.agreement.partner": {
        "en": "agreement {agreement} is signed by {partner}, not by the provider {provider}",
        "ko": "협약 {agreement:은} 제공 기관 {provider:이} 아니라 {partner:이} 맺은 협약입니다",
    },
    "store.need.other_household": {
        "en": "need {need} belongs to another household",
        "ko": "욕구 {need:은} 다른 가구의 욕구입니다",
    },
    "store.referral.need": {
        "en": "need {need} is not a need of household {household}",
        "ko": "욕구 {need:은} 가구 {household}의 욕구가 아닙니다",
    },
    "store.resource.both": {
        "en": "{id} names both a Service and a Volunteer",
        "ko": "{id:은} 서비스와 자원봉사자를 함께 가리킵니다",
    },
    "model.region.own_parent": {
        "en": "region {region} cannot be its own parent",
        "ko": "지역 {region:은} 자기 자신의 상위 지역이 될 수 없습니다",
    },
    "model.domains.empty": {"en": "must name at least one domain", "ko": "영역을 하나 이상 지정해야 합니다"},
    "model.regions.empty": {
        "en": "must name at least one region served",
        "ko": "서비스 지역을 하나 이상 지정해야 합니다",
    },
    "model.strings": {"en": "must be a list of strings", "ko": "문자열 목록이어야 합니다"},
    "model.currency": {
        "en": "must be a currency code (or null for won)",
        "ko": "통화 코드여야 합니다 (원화는 null)",
    },
    "model.service.excludes_itself": {
        "en": "service {service} cannot exclude itself",
        "ko": "서비스 {service:은} 자기 자신을 제외할 수 없습니다",
    },
    "model.expires.before": {
        "en": "must be on or after signedOn ({signed})",
        "ko": "협약일(signedOn, {signed}) 이후여야 합니다",
    },
    "model.resource.label": {
        "en": "must name a Service or a Volunteer (got {got})",
        "ko": "서비스나 자원봉사자를 가리켜야 합니다 (입력: {got})",
    },
    "model.needs.empty": {"en": "must name at least one need", "ko": "욕구를 하나 이상 지정해야 합니다"},
    "model.label.unknown": {"en": "unknown record kind {label}", "ko": "알 수 없는 기록 종류입니다: {label}"},
}
