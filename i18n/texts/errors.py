"""Messages of errors: the field checks of the model, missing records, and the API's
own refusals. An error raised with a :class:`i18n.Message` is shown in the
request's language; one raised with plain (English) text gets, in Korean, the
sentence of its code (``error.code.*``) with the English detail after it."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- by code: what an error without its own message says in Korean --------------
    "error.code.BAD_USER_INPUT": {"en": "{detail}", "ko": "입력값이 올바르지 않습니다: {detail}"},
    "error.code.NOT_FOUND": {"en": "{detail}", "ko": "찾을 수 없습니다: {detail}"},
    "error.code.CONFLICT": {"en": "{detail}", "ko": "저장된 내용과 맞지 않습니다: {detail}"},
    "error.code.FORBIDDEN": {"en": "{detail}", "ko": "권한이 없습니다: {detail}"},
    "error.code.UNAUTHENTICATED": {"en": "{detail}", "ko": "인증이 필요합니다: {detail}"},
    "error.code.INTERNAL": {"en": "{detail}", "ko": "서버 오류: {detail}"},
    "error.field": {"en": "{field}: {text}", "ko": "{field}: {text}"},
    # -- the API's fixed messages ------------------------------------------------------
    "error.internal": {
        "en": "Internal error. Quote the requestId when you report it.",
        "ko": "서버 내부 오류입니다. 문의하실 때 requestId를 알려 주세요.",
    },
    "error.storage_full": {
        "en": "The server's storage is full: nothing was written. Try again later, and quote the "
              "requestId when you report it.",
        "ko": "서버 저장 공간이 가득 찼습니다. 아무것도 저장되지 않았습니다. 잠시 후 다시 시도하시고, "
              "문의하실 때 requestId를 알려 주세요.",
    },
    "error.locale": {
        "en": "must be one of {allowed} (got {got})",
        "ko": "{allowed} 중 하나여야 합니다 (입력: {got})",
    },
    # -- field checks of the model (graph/model.py) -----------------------------------
    "error.id.empty": {"en": "must be a non-empty id", "ko": "비어 있지 않은 ID여야 합니다"},
    "error.id.invisible": {
        "en": "must not contain invisible or control characters ({char} at position {position})",
        "ko": "보이지 않는 문자나 제어 문자를 포함할 수 없습니다 ({position}번째 글자 {char})",
    },
    "error.id.spaces": {
        "en": "must not contain control characters or surrounding spaces",
        "ko": "제어 문자나 앞뒤 공백을 포함할 수 없습니다",
    },
    "error.id.list": {"en": "must be a list of ids", "ko": "ID 목록이어야 합니다"},
    "error.too_long": {
        "en": "must be at most {limit} characters (got {got})",
        "ko": "{limit}자 이하여야 합니다 (입력 {got}자)",
    },
    "error.text.required": {"en": "must be a non-empty string", "ko": "비어 있지 않은 문자열이어야 합니다"},
    "error.text.string": {"en": "must be a string", "ko": "문자열이어야 합니다"},
    "error.text.surrogate": {
        "en": "must be valid text (a lone surrogate {char} at position {position})",
        "ko": "올바른 텍스트여야 합니다 ({position}번째 글자가 짝 없는 서로게이트 {char})",
    },
    "error.int.whole": {"en": "must be a whole number", "ko": "정수여야 합니다"},
    "error.int.at_least": {
        "en": "must be at least {lo} (got {got})",
        "ko": "{lo} 이상이어야 합니다 (입력: {got})",
    },
    "error.int.between": {
        "en": "must be between {lo} and {hi} (got {got})",
        "ko": "{lo}에서 {hi} 사이여야 합니다 (입력: {got})",
    },
    "error.enum": {
        "en": "must be one of {allowed} (got {got})",
        "ko": "{allowed} 중 하나여야 합니다 (입력: {got})",
    },
    "error.list": {"en": "must be a list", "ko": "목록이어야 합니다"},
    "error.tags.list": {"en": "must be a list of tags", "ko": "태그 목록이어야 합니다"},
    "error.tags.bad": {
        "en": "{tag} is not a tag: up to {limit} lower-case letters, digits and single hyphens "
              "(rent-support)",
        "ko": "{tag:은} 태그가 아닙니다: 영문 소문자, 숫자, 하이픈 하나씩으로 {limit}자까지 (rent-support)",
    },
    "error.tags.too_many": {
        "en": "must hold at most {limit} tags (got {got})",
        "ko": "태그는 {limit}개까지입니다 (입력 {got}개)",
    },
    "error.date": {
        "en": "must be a date as YYYY-MM-DD (got {got})",
        "ko": "YYYY-MM-DD 형식의 날짜여야 합니다 (입력: {got})",
    },
    "error.timestamp": {
        "en": "must be an ISO-8601 timestamp (got {got})",
        "ko": "ISO-8601 형식의 시각이어야 합니다 (입력: {got})",
    },
    "error.bool": {"en": "must be true or false", "ko": "true 또는 false여야 합니다"},
    # -- records (graph/store.py) ----------------------------------------------------------
    "error.not_found": {"en": "no {label} with id {id}", "ko": "ID가 {id}인 {label:이} 없습니다"},
    # -- the HSDS API's query parameters (api/hsds.py) -------------------------------------
    "hsds.param.unknown": {
        "en": "unknown query parameter (this route takes {allowed})",
        "ko": "알 수 없는 조회 매개변수입니다 (이 경로가 받는 매개변수: {allowed})",
    },
    "hsds.param.repeated": {"en": "given more than once", "ko": "한 번만 줄 수 있습니다"},
    "hsds.param.whole": {
        "en": "must be a whole number (got {got})",
        "ko": "정수여야 합니다 (입력: {got})",
    },
    "hsds.param.length": {
        "en": "must be 1 to {limit} characters",
        "ko": "1자에서 {limit}자 사이여야 합니다",
    },
    "error.not_found.resource": {
        "en": "no Service or Volunteer with id {id}",
        "ko": "ID가 {id}인 서비스나 자원봉사자가 없습니다",
    },
    # record kinds, as error messages name them
    "label.Region": {"en": "Region", "ko": "지역"},
    "label.Organization": {"en": "Organization", "ko": "기관"},
    "label.Service": {"en": "Service", "ko": "서비스"},
    "label.Volunteer": {"en": "Volunteer", "ko": "자원봉사자"},
    "label.Household": {"en": "Household", "ko": "가구"},
    "label.Need": {"en": "Need", "ko": "욕구"},
    "label.Referral": {"en": "Referral", "ko": "의뢰"},
    "label.Agreement": {"en": "Agreement", "ko": "협약"},
    "label.Receipt": {"en": "Receipt", "ko": "이용 내역"},
}
