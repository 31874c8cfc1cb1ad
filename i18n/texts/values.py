"""Words for the model's enum values, keyed ``EnumName.VALUE`` (see :func:`i18n.word`)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # domains
    "Domain.HEALTH": {"en": "health", "ko": "건강"},
    "Domain.HOUSING": {"en": "housing", "ko": "주거"},
    "Domain.EMPLOYMENT": {"en": "employment", "ko": "고용"},
    "Domain.LEGAL": {"en": "legal aid", "ko": "법률"},
    "Domain.INCOME": {"en": "income", "ko": "소득"},
    "Domain.EDUCATION": {"en": "education", "ko": "교육"},
    "Domain.CARE": {"en": "care", "ko": "돌봄"},
    "Domain.MENTAL_HEALTH": {"en": "mental health", "ko": "정신건강"},
    "Domain.FOOD": {"en": "food", "ko": "먹거리"},
    # traits
    "HouseholdTrait.ELDERLY": {"en": "elderly", "ko": "노인"},
    "HouseholdTrait.DISABLED": {"en": "disabled", "ko": "장애"},
    "HouseholdTrait.CHILDREN": {"en": "children", "ko": "아동"},
    "HouseholdTrait.SINGLE_PARENT": {"en": "single parent", "ko": "한부모"},
    "HouseholdTrait.MULTICULTURAL": {"en": "multicultural", "ko": "다문화"},
    "HouseholdTrait.UNEMPLOYED": {"en": "unemployed", "ko": "실직"},
    "HouseholdTrait.CHRONIC_ILLNESS": {"en": "chronic illness", "ko": "만성질환"},
    # urgency
    "Urgency.EMERGENCY": {"en": "emergency", "ko": "긴급"},
    "Urgency.FOCUSED": {"en": "focused", "ko": "집중"},
    "Urgency.GENERAL": {"en": "general", "ko": "일반"},
    # sectors
    "Sector.PUBLIC": {"en": "public", "ko": "공공"},
    "Sector.PRIVATE": {"en": "private", "ko": "민간"},
    "Sector.NONPROFIT": {"en": "nonprofit", "ko": "비영리"},
    "Sector.RELIGIOUS": {"en": "religious", "ko": "종교"},
    "Sector.CORPORATE": {"en": "corporate", "ko": "기업"},
    "Sector.ASSOCIATION": {"en": "association", "ko": "협회"},
    # referral statuses
    "ReferralStatus.PROPOSED": {"en": "proposed", "ko": "제안"},
    "ReferralStatus.SENT": {"en": "sent", "ko": "의뢰"},
    "ReferralStatus.ACCEPTED": {"en": "accepted", "ko": "수락"},
    "ReferralStatus.DELIVERED": {"en": "delivered", "ko": "제공 완료"},
    "ReferralStatus.DECLINED": {"en": "declined", "ko": "거절"},
    "ReferralStatus.CLOSED": {"en": "closed", "ko": "종결"},
    # staff roles (service.principal.Role; English as the API spells them)
    "Role.coordinator": {"en": "coordinator", "ko": "코디네이터"},
    "Role.caseworker": {"en": "caseworker", "ko": "사례관리자"},
    "Role.partner": {"en": "partner", "ko": "협력기관"},
    "Role.anonymous": {"en": "anonymous", "ko": "익명 사용자"},
    # support forms (지원형태)
    "SupportForm.CASH": {"en": "cash", "ko": "현금"},
    "SupportForm.IN_KIND": {"en": "in-kind", "ko": "현물"},
    "SupportForm.VOUCHER": {"en": "voucher", "ko": "이용권"},
    "SupportForm.SERVICE": {"en": "service", "ko": "서비스"},
}
