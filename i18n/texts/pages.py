"""Texts of the pages under ``/app/`` (docs/pages.md), keyed ``page.*``.

The app serves them to the browser as ``/app/texts/<locale>.json`` (api/pages.py),
together with the enum words of :mod:`i18n.texts.values`, so the pages and the
API speak from one catalogue. Parameters in braces; a Korean particle spec
(``{name:을}``) is attached in the browser by the same rule (api/static/app/lib/i18n.js).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # the frame: title, navigation, language, sign-in, states
    "page.app.name": {"ko": "돌봄 통합사례관리", "en": "Dolbom case management"},
    "page.skip": {"ko": "본문으로 건너뛰기", "en": "Skip to content"},
    "page.nav.label": {"ko": "주 메뉴", "en": "Main menu"},
    "page.nav.households": {"ko": "내 가구", "en": "My households"},
    "page.nav.conference": {"ko": "사례회의", "en": "Case conference"},
    "page.nav.network": {"ko": "자원 네트워크", "en": "Resource network"},
    "page.nav.inbox": {"ko": "의뢰 수신함", "en": "Referral inbox"},
    "page.nav.services": {"ko": "우리 기관 서비스", "en": "Our services"},
    "page.nav.coordinator": {"ko": "지역 현황", "en": "Region overview"},
    "page.nav.graphql": {"ko": "GraphQL 도구", "en": "GraphQL tool"},
    "page.lang.label": {"ko": "언어", "en": "Language"},
    "page.lang.ko": {"ko": "한국어", "en": "한국어 (Korean)"},
    "page.lang.en": {"ko": "English (영어)", "en": "English"},
    "page.signout": {"ko": "로그아웃", "en": "Sign out"},
    "page.signedin.as": {"ko": "{who} ({role})", "en": "{who} ({role})"},
    "page.role.coordinator": {"ko": "코디네이터", "en": "coordinator"},
    "page.role.caseworker": {"ko": "사례관리자", "en": "case worker"},
    "page.role.partner": {"ko": "협력기관", "en": "partner"},
    "page.role.anonymous": {"ko": "로그인 안 함", "en": "not signed in"},
    "page.signin.title": {"ko": "로그인", "en": "Sign in"},
    "page.signin.intro": {"ko": "발급받은 접근 토큰을 붙여넣으세요. 토큰은 이 탭을 닫으면 지워집니다.",
                          "en": "Paste your access token. It is forgotten when the tab closes."},
    "page.signin.token": {"ko": "접근 토큰", "en": "Access token"},
    "page.signin.submit": {"ko": "로그인", "en": "Sign in"},
    "page.signin.refused": {"ko": "토큰이 받아들여지지 않았습니다. 토큰을 확인하세요.",
                            "en": "The token was not accepted. Check it and try again."},
    "page.signin.empty": {"ko": "토큰을 입력하세요.", "en": "Enter a token."},
    "page.signin.done": {"ko": "로그인했습니다: {who}", "en": "Signed in: {who}"},
    "page.signin.go": {"ko": "시작 화면으로 가기", "en": "Go to the start page"},
    "page.signin.needed": {"ko": "먼저 로그인하세요.", "en": "Please sign in first."},
    "page.wrongrole": {"ko": "이 화면은 {roles} 전용입니다.", "en": "This page is for: {roles}."},
    "page.loading": {"ko": "불러오는 중…", "en": "Loading…"},
    "page.saved": {"ko": "저장했습니다.", "en": "Saved."},
    "page.none": {"ko": "없음", "en": "none"},
    "page.yes": {"ko": "예", "en": "yes"},
    "page.no": {"ko": "아니요", "en": "no"},
    "page.error.title": {"ko": "오류", "en": "Error"},
    "page.error.coded": {"ko": "{message} (오류 코드 {code})", "en": "{message} (error code {code})"},
    "page.error.field": {"ko": "입력 항목: {field}", "en": "Field: {field}"},
    "page.error.network": {"ko": "서버에 연결할 수 없습니다.", "en": "The server cannot be reached."},
    "page.error.UNAUTHENTICATED": {"ko": "로그인이 필요하거나 토큰이 만료되었습니다.",
                                   "en": "You need to sign in, or the token has expired."},
    "page.error.FORBIDDEN": {"ko": "이 작업을 할 권한이 없습니다.", "en": "You may not do this."},
}
