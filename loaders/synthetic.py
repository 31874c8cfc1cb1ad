"""The one synthetic world: the demo's data, the benchmarks' input, the tests' random worlds.

:func:`generate` yields the records of a province shaped like Gyeonggi-do —
its 31 cities and counties with their real names and their dongs in
proportion to population — and, with ``provinces`` above 1, of the country's
other provinces too (Gangwon, the Chungcheongs, the Jeollas, the
Gyeongsangs and Jeju, in that order, with their real cities and counties).
A dong has a neutral numbered name under the city it belongs to ("수원시
제3동"; a county's "연천군 제1읍", "연천군 제2면"): the generator never puts a
real dong's name under a city it is not in. Around them, the agencies and
partners the source documents describe —

* public agencies: each city's Moohandolbom center at city hall (elsewhere its
  희망복지지원단), a public health center and an employment-welfare center;
  Gyeonggi's own center, its housing corporation and mental-health center,
  the legal-aid corporation;
* MOU partners with agreements and annual quotas: the bar associations, the
  medical, pharmaceutical and Korean-medicine associations, the two Catholic
  dioceses, companies' volunteer corps (some agreements expired); each other
  province has its mental-health center, bar, medical and pharmaceutical
  associations and community chest;
* nonprofits per city: community welfare centers, senior and disability
  welfare centers, self-sufficiency centers, family and multicultural centers,
  food banks, local children's centers and churches, more of them where more
  households live;
* volunteers with skills, hours and languages (Korean, and for multicultural
  families Vietnamese, Chinese, Filipino, Cambodian, Uzbek, Russian, English);
* households whose traits and needs follow the source documents' cases: job
  loss or business failure, elderly people living alone, single parents,
  disabled members, chronic illness, multicultural families, rent arrears,
  wage disputes — with urgency EMERGENCY / FOCUSED / GENERAL, needs with
  severity and a line of Korean detail, services already received, and
  referrals at every stage (a DELIVERED referral's need is MET).

Real scarcity is built in: a few city x domain blind spots where nothing at
all offers the domain (rural counties first), services that duplicate each
other (a city hall's and a welfare center's food or rent support in the same
dongs), services already full, programs that exclude each other (emergency
livelihood support vs Moohandolbom living costs, temporary shelter vs rent
support), agreements whose quota is spent.

Size and scarcity are parameters (see :func:`generate`): the number of
households and provinces, an exact number of services and volunteers (the
benchmarks ask for these), how many services a household already receives,
the places per household and the share of services already full. The demo is
the default shape.

Deterministic: the same parameters and ``seed`` give the same records in the
same order, on every machine and under any ``PYTHONHASHSEED`` (nothing here
iterates a set or reads a clock). Streams: households are generated one at a
time with their needs, referrals and receipts, so a million households need no
more memory than a hundred (apart from the services). Every record comes
after every record it names, so the stream can be written to a store batch by
batch.

:func:`small_world` is the other end of the scale, for property tests: a
handful of records around one household with every rule often at its edge,
drawn from a seeded :class:`random.Random` or from Hypothesis (:class:`Draws`).
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from graph.errors import ValidationError
from graph.model import (
    Agreement,
    Domain,
    Household,
    HouseholdTrait,
    Need,
    NeedStatus,
    Organization,
    Receipt,
    Record,
    Referral,
    ReferralStatus,
    Region,
    RegionLevel,
    Sector,
    Service,
    SupportForm,
    Urgency,
    Volunteer,
)

_T = TypeVar("_T")

PROVINCE_ID = "gg"
PROVINCE_NAME = "경기도"
#: the reference date: agreements, referrals and need histories are placed around it
ON = dt.date(2026, 11, 1)
MIN_HOUSEHOLDS = 1
MAX_HOUSEHOLDS = 1_000_000

H, HO, EM, LE, IN, ED, CA, MH, FO = (
    Domain.HEALTH, Domain.HOUSING, Domain.EMPLOYMENT, Domain.LEGAL, Domain.INCOME,
    Domain.EDUCATION, Domain.CARE, Domain.MENTAL_HEALTH, Domain.FOOD,
)
T = HouseholdTrait

# (id slug, name, population in thousands) — Gyeonggi's 28 cities and 3 counties
CITIES: tuple[tuple[str, str, int], ...] = (
    ("suwon", "수원시", 1190), ("yongin", "용인시", 1070), ("goyang", "고양시", 1080),
    ("hwaseong", "화성시", 930), ("seongnam", "성남시", 920), ("bucheon", "부천시", 790),
    ("namyangju", "남양주시", 730), ("ansan", "안산시", 640), ("pyeongtaek", "평택시", 590),
    ("anyang", "안양시", 550), ("siheung", "시흥시", 510), ("paju", "파주시", 500),
    ("gimpo", "김포시", 480), ("uijeongbu", "의정부시", 460), ("gwangju", "광주시", 390),
    ("hanam", "하남시", 330), ("gwangmyeong", "광명시", 280), ("gunpo", "군포시", 260),
    ("yangju", "양주시", 250), ("osan", "오산시", 230), ("icheon", "이천시", 220),
    ("anseong", "안성시", 190), ("guri", "구리시", 190), ("uiwang", "의왕시", 160),
    ("pocheon", "포천시", 150), ("yangpyeong", "양평군", 120), ("yeoju", "여주시", 110),
    ("dongducheon", "동두천시", 90), ("gwacheon", "과천시", 80), ("gapyeong", "가평군", 60),
    ("yeoncheon", "연천군", 40),
)
#: cities north of the Han river: the Uijeongbu diocese and the northern bar association serve them
NORTH = frozenset({"goyang", "namyangju", "paju", "uijeongbu", "yangju", "guri", "pocheon",
                   "dongducheon", "gapyeong", "yeoncheon", "gimpo"})

#: the other provinces, in the order ``provinces`` adds them: (id, name, short name, bar association,
#: cities and counties with their population in thousands)
OTHER_PROVINCES: tuple[tuple[str, str, str, str, tuple[tuple[str, str, int], ...]], ...] = (
    ("gangwon", "강원특별자치도", "강원", "강원지방변호사회", (
        ("chuncheon", "춘천시", 285), ("wonju", "원주시", 360), ("gangneung", "강릉시", 210),
        ("donghae", "동해시", 89), ("taebaek", "태백시", 39), ("sokcho", "속초시", 82),
        ("samcheok", "삼척시", 63), ("hongcheon", "홍천군", 67), ("hoengseong", "횡성군", 46),
        ("yeongwol", "영월군", 37), ("pyeongchang", "평창군", 40), ("jeongseon", "정선군", 34),
        ("cheorwon", "철원군", 42), ("hwacheon", "화천군", 23), ("yanggu", "양구군", 21),
        ("inje", "인제군", 31), ("goseong", "고성군", 27), ("yangyang", "양양군", 28),
    )),
    ("chungbuk", "충청북도", "충북", "충북지방변호사회", (
        ("cheongju", "청주시", 850), ("chungju", "충주시", 208), ("jecheon", "제천시", 130),
        ("boeun", "보은군", 31), ("okcheon", "옥천군", 49), ("yeongdong", "영동군", 44),
        ("jeungpyeong", "증평군", 37), ("jincheon", "진천군", 86), ("goesan", "괴산군", 36),
        ("eumseong", "음성군", 91), ("danyang", "단양군", 28),
    )),
    ("chungnam", "충청남도", "충남", "대전지방변호사회", (
        ("cheonan", "천안시", 660), ("gongju", "공주시", 100), ("boryeong", "보령시", 97),
        ("asan", "아산시", 340), ("seosan", "서산시", 176), ("nonsan", "논산시", 110),
        ("gyeryong", "계룡시", 43), ("dangjin", "당진시", 170), ("geumsan", "금산군", 50),
        ("buyeo", "부여군", 62), ("seocheon", "서천군", 50), ("cheongyang", "청양군", 30),
        ("hongseong", "홍성군", 97), ("yesan", "예산군", 77), ("taean", "태안군", 60),
    )),
    ("jeonbuk", "전북특별자치도", "전북", "전북지방변호사회", (
        ("jeonju", "전주시", 640), ("gunsan", "군산시", 260), ("iksan", "익산시", 270),
        ("jeongeup", "정읍시", 103), ("namwon", "남원시", 77), ("gimje", "김제시", 81),
        ("wanju", "완주군", 92), ("jinan", "진안군", 25), ("muju", "무주군", 23),
        ("jangsu", "장수군", 21), ("imsil", "임실군", 26), ("sunchang", "순창군", 26),
        ("gochang", "고창군", 52), ("buan", "부안군", 50),
    )),
    ("jeonnam", "전라남도", "전남", "광주지방변호사회", (
        ("mokpo", "목포시", 215), ("yeosu", "여수시", 272), ("suncheon", "순천시", 277),
        ("naju", "나주시", 116), ("gwangyang", "광양시", 152), ("damyang", "담양군", 45),
        ("gokseong", "곡성군", 27), ("gurye", "구례군", 25), ("goheung", "고흥군", 61),
        ("boseong", "보성군", 38), ("hwasun", "화순군", 61), ("jangheung", "장흥군", 35),
        ("gangjin", "강진군", 33), ("haenam", "해남군", 64), ("yeongam", "영암군", 52),
        ("muan", "무안군", 92), ("hampyeong", "함평군", 31), ("yeonggwang", "영광군", 51),
        ("jangseong", "장성군", 43), ("wando", "완도군", 47), ("jindo", "진도군", 30),
        ("sinan", "신안군", 38),
    )),
    ("gyeongbuk", "경상북도", "경북", "대구지방변호사회", (
        ("pohang", "포항시", 495), ("gyeongju", "경주시", 245), ("gimcheon", "김천시", 138),
        ("andong", "안동시", 155), ("gumi", "구미시", 405), ("yeongju", "영주시", 100),
        ("yeongcheon", "영천시", 101), ("sangju", "상주시", 94), ("mungyeong", "문경시", 69),
        ("gyeongsan", "경산시", 265), ("uiseong", "의성군", 49), ("cheongsong", "청송군", 24),
        ("yeongyang", "영양군", 16), ("yeongdeok", "영덕군", 34), ("cheongdo", "청도군", 41),
        ("goryeong", "고령군", 31), ("seongju", "성주군", 43), ("chilgok", "칠곡군", 110),
        ("yecheon", "예천군", 54), ("bonghwa", "봉화군", 30), ("uljin", "울진군", 47),
        ("ulleung", "울릉군", 9),
    )),
    ("gyeongnam", "경상남도", "경남", "경남지방변호사회", (
        ("changwon", "창원시", 1010), ("jinju", "진주시", 340), ("tongyeong", "통영시", 122),
        ("sacheon", "사천시", 109), ("gimhae", "김해시", 530), ("miryang", "밀양시", 101),
        ("geoje", "거제시", 237), ("yangsan", "양산시", 355), ("uiryeong", "의령군", 25),
        ("haman", "함안군", 61), ("changnyeong", "창녕군", 58), ("goseong", "고성군", 50),
        ("namhae", "남해군", 40), ("hadong", "하동군", 42), ("sancheong", "산청군", 34),
        ("hamyang", "함양군", 37), ("geochang", "거창군", 60), ("hapcheon", "합천군", 41),
    )),
    ("jeju", "제주특별자치도", "제주", "제주지방변호사회", (
        ("jeju", "제주시", 490), ("seogwipo", "서귀포시", 185),
    )),
)
MAX_PROVINCES = 1 + len(OTHER_PROVINCES)

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
_GIVEN = "민서지현수영준호우진하은도윤예린시우주원채아건태희성훈경미정숙순자옥재동혁상철"


def dong_names(city: str, n: int) -> list[str]:
    """Neutral numbered names of a city's ``n`` dongs.

    "수원시 제1동", "수원시 제2동"…; a county's "연천군 제1읍", "연천군 제1면", "연천군 제2면"….

    A synthetic world cannot know which real dong belongs to which city without
    a gazetteer, so it names none: the number says which one, the prefix where.
    """
    if city.endswith("군"):
        return [f"{city} 제1읍"] + [f"{city} 제{k}면" for k in range(1, n)]
    return [f"{city} 제{k}동" for k in range(1, n + 1)]


@dataclass(frozen=True)
class _Program:
    """One entry of an organization's catalogue of services."""

    name: str
    domains: tuple[Domain, ...]
    #: places per 1,000 households of the area served, as a (low, high) range; None: unlimited
    places: tuple[float, float] | None
    max_income: int | None = None
    traits: tuple[HouseholdTrait, ...] = ()
    lead: tuple[int, int] = (1, 7)
    cost: int = 0
    #: "city" (the whole city), "dongs" (a few dongs of it) or "province"
    scope: str = "city"
    #: name of a program of the same organization this one excludes
    excludes: str | None = None


@dataclass(frozen=True)
class _OrgKind:
    slug: str
    name: str          # "{city}" is replaced by the city's name
    sector: Sector
    programs: tuple[_Program, ...]


P = _Program


def _hall(name: str, living: str, casework: str) -> _OrgKind:
    """City hall's welfare center: Gyeonggi's Moohandolbom center, elsewhere the 희망복지지원단."""
    return _OrgKind("hall", name, Sector.PUBLIC, (
        P("긴급복지 생계지원", (IN,), (6, 12), 75, lead=(0, 2)),
        P(living, (IN, FO), (4, 9), 85, lead=(1, 3), excludes="긴급복지 생계지원"),
        P("긴급 주거비 지원", (HO,), (3, 8), 75, lead=(1, 3)),
        P("임시 거처 제공", (HO,), (0.5, 1.5), None, lead=(0, 1), excludes="긴급 주거비 지원"),
        P(casework, (CA, MH), None, None, lead=(1, 5)),
        P("노인 맞춤돌봄", (CA,), (4, 10), 100, (T.ELDERLY,), lead=(3, 10)),
        P("장애인 활동지원", (CA,), (2, 5), None, (T.DISABLED,), lead=(7, 21)),
        P("한부모가족 아동양육비", (IN, ED), (2, 6), 60, (T.SINGLE_PARENT,), lead=(7, 14)),
    ))


CITY_HALL = _hall("{city} 무한돌봄센터", "무한돌봄 생계비 지원", "무한돌봄 사례관리")
OTHER_HALL = _hall("{city} 희망복지지원단", "지자체 긴급 생계비 지원", "통합사례관리")
HEALTH_CENTER = _OrgKind("health", "{city} 보건소", Sector.PUBLIC, (
    P("방문 건강관리", (H,), (5, 12), None, lead=(2, 7)),
    P("의료비 지원", (H,), (2, 6), 80, lead=(3, 10)),
    P("정신건강 상담", (MH,), (2, 5), None, lead=(3, 14)),
))
JOB_CENTER = _OrgKind("job", "{city} 고용복지플러스센터", Sector.PUBLIC, (
    P("국민취업지원제도", (EM, IN), (6, 14), 100, (T.UNEMPLOYED,), lead=(5, 14)),
    P("직업훈련 바우처", (EM, ED), (3, 8), 120, lead=(7, 21), cost=0),
    P("재취업 상담", (EM,), None, None, lead=(1, 5)),
))
WELFARE_CENTER = _OrgKind("welfare", "{city} {n}종합사회복지관", Sector.NONPROFIT, (
    P("사랑의 도시락", (FO,), (3, 8), 100, scope="dongs", lead=(1, 3)),
    P("주거환경 개선", (HO,), (1, 3), 80, scope="dongs", lead=(14, 45)),
    P("방과후 학습지원", (ED,), (3, 7), 120, (T.CHILDREN,), scope="dongs", lead=(3, 10)),
    P("긴급 생계비 후원", (IN,), (1, 4), 70, scope="dongs", lead=(1, 5)),
))
SENIOR_CENTER = _OrgKind("senior", "{city} 노인복지관", Sector.NONPROFIT, (
    P("독거노인 안부확인", (CA,), (5, 12), None, (T.ELDERLY,), scope="dongs", lead=(1, 5)),
    P("경로식당 무료급식", (FO,), (4, 9), 100, (T.ELDERLY,), scope="dongs", lead=(0, 3)),
))
DISABILITY_CENTER = _OrgKind("disab", "{city} 장애인복지관", Sector.NONPROFIT, (
    P("장애인 재활치료", (H, CA), (1, 3), None, (T.DISABLED,), lead=(7, 30)),
    P("장애인 직업재활", (EM,), (1, 2), None, (T.DISABLED,), lead=(14, 30)),
))
SELF_SUFFICIENCY = _OrgKind("jahwal", "{city} 지역자활센터", Sector.NONPROFIT, (
    P("자활근로 사업", (EM, IN), (2, 5), 50, lead=(7, 21)),
))
FAMILY_CENTER = _OrgKind("family", "{city} 가족센터", Sector.NONPROFIT, (
    P("다문화가족 한국어 교육", (ED,), (1, 4), None, (T.MULTICULTURAL,), lead=(3, 14)),
    P("통번역 및 생활 상담", (LE, CA), (1, 3), None, (T.MULTICULTURAL,), lead=(1, 7)),
    P("한부모 가족 상담", (MH, CA), (1, 3), None, (T.SINGLE_PARENT,), lead=(3, 10)),
))
FOOD_BANK = _OrgKind("food", "{city} 푸드뱅크", Sector.NONPROFIT, (
    P("푸드마켓 이용 지원", (FO,), None, 80, lead=(0, 2)),
))
CHILDREN_CENTER = _OrgKind("kids", "{city} {n}지역아동센터", Sector.NONPROFIT, (
    P("아동 돌봄 및 급식", (CA, FO, ED), (2, 5), 100, (T.CHILDREN,), scope="dongs", lead=(1, 7)),
))
CHURCH = _OrgKind("church", "{city} {n}교회", Sector.RELIGIOUS, (
    P("반찬 나눔", (FO,), (1, 3), None, scope="dongs", lead=(0, 3)),
    P("이웃 돌봄 방문", (CA,), (1, 3), None, scope="dongs", lead=(1, 5)),
))
LOCAL_KINDS: tuple[tuple[_OrgKind, float], ...] = (
    # kind, how many per 1,000 households of the city (at least one where households live)
    (WELFARE_CENTER, 0.8), (SENIOR_CENTER, 0.3), (DISABILITY_CENTER, 0.15), (SELF_SUFFICIENCY, 0.1),
    (FAMILY_CENTER, 0.1), (FOOD_BANK, 0.1), (CHILDREN_CENTER, 1.0), (CHURCH, 1.0),
)
#: the city's public agencies, one each (the hall is the province's: see :func:`_public_kinds`)
PUBLIC_KINDS = (CITY_HALL, HEALTH_CENTER, JOB_CENTER)
OTHER_PUBLIC_KINDS = (OTHER_HALL, HEALTH_CENTER, JOB_CENTER)


@dataclass(frozen=True)
class _Partner:
    """A province-wide organization; with an MOU when ``quota`` is given."""

    id: str
    name: str
    sector: Sector
    programs: tuple[_Program, ...]
    #: MOU: (annual quota per 1,000 households of the province, signed on, expires on or None); None: no MOU
    mou: tuple[float | None, dt.date, dt.date | None] | None = None
    #: the cities it serves (slugs of its province's cities); None: all
    cities: frozenset[str] | None = None
    #: the MOU's quota for the year is used up
    spent: bool = False


PARTNERS: tuple[_Partner, ...] = (
    _Partner("org-gg-center", "경기도 무한돌봄센터", Sector.PUBLIC, (
        P("위기가정 통합 사례관리", (CA,), None, None, scope="province", lead=(1, 3)),
    )),
    _Partner("org-gh", "경기주택도시공사", Sector.PUBLIC, (
        P("매입임대 주택 공급", (HO,), (0.5, 1.2), 50, scope="province", lead=(30, 90)),
        P("전세임대 보증금 지원", (HO,), (0.5, 1.5), 70, scope="province", lead=(14, 45)),
    )),
    _Partner("org-gg-mental", "경기도 광역정신건강복지센터", Sector.PUBLIC, (
        P("위기 정신건강 상담", (MH,), (1, 3), None, scope="province", lead=(0, 3)),
    )),
    _Partner("org-legal-aid", "대한법률구조공단 경기지부", Sector.PUBLIC, (
        P("법률구조 소송 지원", (LE,), (1, 3), 125, scope="province", lead=(7, 30)),
    )),
    _Partner("org-bar-central", "경기중앙지방변호사회", Sector.ASSOCIATION, (
        P("무료 법률 상담", (LE,), None, None, scope="province", lead=(3, 10)),
        P("임금체불 소송 대리", (LE,), (0.3, 0.8), 100, scope="province", lead=(7, 21)),
    ), mou=(1.2, dt.date(2025, 3, 1), dt.date(2027, 2, 28)), cities=None),
    _Partner("org-bar-north", "경기북부지방변호사회", Sector.ASSOCIATION, (
        P("찾아가는 법률 상담", (LE,), None, None, scope="province", lead=(3, 10)),
    ), mou=(0.6, dt.date(2024, 9, 1), dt.date(2026, 8, 31)), cities=NORTH),
    _Partner("org-gg-medical", "경기도의사회", Sector.ASSOCIATION, (
        P("의료비 지원 진료", (H,), (1, 3), 100, scope="province", lead=(2, 10)),
    ), mou=(2.0, dt.date(2025, 1, 1), None), spent=True),
    _Partner("org-gg-pharm", "경기도약사회", Sector.ASSOCIATION, (
        P("복약 지도 및 의약품 지원", (H,), (1, 3), 100, scope="province", lead=(1, 5)),
    ), mou=(1.5, dt.date(2025, 6, 1), dt.date(2027, 5, 31))),
    _Partner("org-gg-kmed", "경기도한의사회", Sector.ASSOCIATION, (
        P("한방 방문 진료", (H,), (0.5, 1.5), 100, (T.ELDERLY,), scope="province", lead=(7, 21)),
    ), mou=(0.8, dt.date(2023, 4, 1), dt.date(2025, 3, 31))),
    _Partner("org-diocese-suwon", "천주교 수원교구", Sector.RELIGIOUS, (
        P("사랑의 쌀 나눔", (FO,), None, None, scope="province", lead=(1, 5)),
        P("무료 급식소", (FO, CA), None, None, scope="province", lead=(0, 2)),
    ), mou=(None, dt.date(2024, 6, 1), None), cities=frozenset(c for c, _, _ in CITIES) - NORTH),
    _Partner("org-diocese-uijeongbu", "천주교 의정부교구", Sector.RELIGIOUS, (
        P("이웃사랑 생계 후원", (IN, FO), (0.5, 1.5), 60, scope="province", lead=(3, 10)),
    ), mou=(None, dt.date(2024, 6, 1), None), cities=NORTH),
    _Partner("org-samsung-vol", "삼성전자 봉사단", Sector.CORPORATE, (
        P("저소득 가정 학습 멘토링", (ED,), (0.5, 1.5), 100, (T.CHILDREN,), scope="province", lead=(7, 21)),
    ), mou=(0.8, dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
        cities=frozenset({"suwon", "yongin", "hwaseong", "pyeongtaek"})),
    _Partner("org-sk-vol", "SK하이닉스 행복나눔 봉사단", Sector.CORPORATE, (
        P("겨울철 난방비 지원", (HO, IN), (0.5, 1.5), 80, scope="province", lead=(7, 14)),
    ), mou=(0.5, dt.date(2025, 10, 1), dt.date(2026, 9, 30)), cities=frozenset({"icheon", "yeoju"})),
    _Partner("org-hyundai-vol", "현대자동차 나눔봉사단", Sector.CORPORATE, (
        P("가장 재취업 직업교육", (EM,), (0.3, 0.8), 100, (T.UNEMPLOYED,), scope="province", lead=(14, 30)),
    ), mou=(0.4, dt.date(2026, 1, 1), None), cities=frozenset({"hwaseong", "ansan", "uiwang"})),
    _Partner("org-gg-hope", "경기사회복지공동모금회", Sector.NONPROFIT, (
        P("희망나눔 긴급 지원금", (IN,), (0.5, 1.5), 60, scope="province", lead=(3, 14)),
    )),
)


def _other_partners(pid: str, name: str, short: str, bar: str) -> tuple[_Partner, ...]:
    """Another province's partners: its mental-health center, bar, medical and pharmaceutical
    associations (under MOUs) and its community chest."""
    return (
        _Partner(f"org-{pid}-mental", f"{name} 광역정신건강복지센터", Sector.PUBLIC, (
            P("위기 정신건강 상담", (MH,), (1, 3), None, scope="province", lead=(0, 3)),
        )),
        _Partner(f"org-{pid}-bar", bar, Sector.ASSOCIATION, (
            P("무료 법률 상담", (LE,), None, None, scope="province", lead=(3, 10)),
            P("임금체불 소송 대리", (LE,), (0.3, 0.8), 100, scope="province", lead=(7, 21)),
        ), mou=(1.2, dt.date(2025, 3, 1), dt.date(2027, 2, 28))),
        _Partner(f"org-{pid}-medical", f"{name}의사회", Sector.ASSOCIATION, (
            P("의료비 지원 진료", (H,), (1, 3), 100, scope="province", lead=(2, 10)),
        ), mou=(2.0, dt.date(2025, 1, 1), None)),
        _Partner(f"org-{pid}-pharm", f"{name}약사회", Sector.ASSOCIATION, (
            P("복약 지도 및 의약품 지원", (H,), (1, 3), 100, scope="province", lead=(1, 5)),
        ), mou=(1.5, dt.date(2025, 6, 1), dt.date(2027, 5, 31))),
        _Partner(f"org-{pid}-hope", f"{short}사회복지공동모금회", Sector.NONPROFIT, (
            P("희망나눔 긴급 지원금", (IN,), (0.5, 1.5), 60, scope="province", lead=(3, 14)),
        )),
    )


@dataclass(frozen=True)
class _Province:
    id: str
    name: str
    cities: tuple[tuple[str, str, int], ...]
    partners: tuple[_Partner, ...]
    public: tuple[_OrgKind, ...]
    #: slugs of the cities where blind spots may fall (rural counties first)
    remote: tuple[str, ...]
    #: how many city x domain blind spots it has
    blind: int


def _remote(cities: tuple[tuple[str, str, int], ...]) -> tuple[str, ...]:
    """The five least populated cities and counties, never more than half of them."""
    smallest = sorted(cities, key=lambda c: (c[2], c[0]))[: min(5, len(cities) // 2)]
    return tuple(slug for slug, _, _ in smallest)


#: how each program helps: its support form (CASH 현금, IN_KIND 현물, VOUCHER 이용권, SERVICE 서비스)
#: and its type tags (graph/taxonomy.csv). Two programs of one form sharing a tag duplicate each
#: other for the people both serve: a city hall's and a welfare center's livelihood cash, a welfare
#: center's lunch boxes and a church's side dishes.
HOW: dict[str, tuple[SupportForm, tuple[str, ...]]] = {
    # city halls
    "긴급복지 생계지원": (SupportForm.CASH, ("livelihood-cash",)),
    "무한돌봄 생계비 지원": (SupportForm.CASH, ("livelihood-cash",)),
    "지자체 긴급 생계비 지원": (SupportForm.CASH, ("livelihood-cash",)),
    "긴급 주거비 지원": (SupportForm.CASH, ("rent-support",)),
    "임시 거처 제공": (SupportForm.SERVICE, ("emergency-shelter",)),
    "무한돌봄 사례관리": (SupportForm.SERVICE, ("case-management",)),
    "통합사례관리": (SupportForm.SERVICE, ("case-management",)),
    "노인 맞춤돌봄": (SupportForm.SERVICE, ("elderly-care", "safety-check")),
    "장애인 활동지원": (SupportForm.VOUCHER, ("caregiver-relief",)),
    "한부모가족 아동양육비": (SupportForm.CASH, ("child-allowance",)),
    # health and employment centers
    "방문 건강관리": (SupportForm.SERVICE, ("home-health-visit",)),
    "의료비 지원": (SupportForm.CASH, ("emergency-medical-cost",)),
    "정신건강 상담": (SupportForm.SERVICE, ("counselling",)),
    "국민취업지원제도": (SupportForm.CASH, ("job-placement", "job-seeker-allowance")),
    "직업훈련 바우처": (SupportForm.VOUCHER, ("job-training",)),
    "재취업 상담": (SupportForm.SERVICE, ("job-placement",)),
    # local centers and churches
    "사랑의 도시락": (SupportForm.IN_KIND, ("meal-delivery",)),
    "주거환경 개선": (SupportForm.SERVICE, ("housing-repair",)),
    "방과후 학습지원": (SupportForm.SERVICE, ("after-school",)),
    "긴급 생계비 후원": (SupportForm.CASH, ("livelihood-cash",)),
    "독거노인 안부확인": (SupportForm.SERVICE, ("safety-check",)),
    "경로식당 무료급식": (SupportForm.IN_KIND, ("free-meals",)),
    "장애인 재활치료": (SupportForm.SERVICE, ("rehabilitation",)),
    "장애인 직업재활": (SupportForm.SERVICE, ("vocational-rehab",)),
    "자활근로 사업": (SupportForm.SERVICE, ("public-works",)),
    "다문화가족 한국어 교육": (SupportForm.SERVICE, ("korean-class",)),
    "통번역 및 생활 상담": (SupportForm.SERVICE, ("interpretation",)),
    "한부모 가족 상담": (SupportForm.SERVICE, ("family-counselling",)),
    "푸드마켓 이용 지원": (SupportForm.IN_KIND, ("food-parcel",)),
    "아동 돌봄 및 급식": (SupportForm.SERVICE, ("after-school", "childcare", "free-meals")),
    "반찬 나눔": (SupportForm.IN_KIND, ("meal-delivery",)),
    "이웃 돌봄 방문": (SupportForm.SERVICE, ("safety-check",)),
    # province-wide partners
    "위기가정 통합 사례관리": (SupportForm.SERVICE, ("case-management",)),
    "매입임대 주택 공급": (SupportForm.IN_KIND, ("public-housing",)),
    "전세임대 보증금 지원": (SupportForm.IN_KIND, ("public-housing",)),
    "위기 정신건강 상담": (SupportForm.SERVICE, ("counselling", "crisis-intervention")),
    "법률구조 소송 지원": (SupportForm.SERVICE, ("legal-aid",)),
    "무료 법률 상담": (SupportForm.SERVICE, ("legal-counselling",)),
    "임금체불 소송 대리": (SupportForm.SERVICE, ("legal-aid", "wage-claim")),
    "찾아가는 법률 상담": (SupportForm.SERVICE, ("legal-counselling",)),
    "의료비 지원 진료": (SupportForm.SERVICE, ("medical-care",)),
    "복약 지도 및 의약품 지원": (SupportForm.IN_KIND, ("medication-support",)),
    "한방 방문 진료": (SupportForm.SERVICE, ("home-health-visit", "medical-care")),
    "사랑의 쌀 나눔": (SupportForm.IN_KIND, ("food-parcel",)),
    "무료 급식소": (SupportForm.IN_KIND, ("free-meals",)),
    "이웃사랑 생계 후원": (SupportForm.CASH, ("livelihood-cash",)),
    "저소득 가정 학습 멘토링": (SupportForm.SERVICE, ("mentoring",)),
    "겨울철 난방비 지원": (SupportForm.CASH, ("heating-cost",)),
    "가장 재취업 직업교육": (SupportForm.SERVICE, ("job-training",)),
    "희망나눔 긴급 지원금": (SupportForm.CASH, ("livelihood-cash",)),
}
#: what a volunteer with a skill does (a volunteer speaking a migrant family's language also interprets)
VOLUNTEER_TAGS: dict[Domain, str] = {
    CA: "safety-check", ED: "mentoring", FO: "meal-delivery", H: "home-health-visit", HO: "housing-repair",
    MH: "counselling", LE: "legal-counselling", EM: "job-placement",
}


PROVINCES: tuple[_Province, ...] = (
    _Province(PROVINCE_ID, PROVINCE_NAME, CITIES, PARTNERS, PUBLIC_KINDS,
              ("yeoncheon", "gapyeong", "yangpyeong", "dongducheon", "gwacheon"), 4),
    *(_Province(pid, name, cities, _other_partners(pid, name, short, bar), OTHER_PUBLIC_KINDS,
                _remote(cities), max(1, round(len(_remote(cities)) * 3 * 4 / 15)))
      for pid, name, short, bar, cities in OTHER_PROVINCES),
)


# ---------------------------------------------------------------------------
# households: the cases of the source documents


@dataclass(frozen=True)
class _Case:
    weight: int
    traits: tuple[HouseholdTrait, ...]
    maybe_traits: tuple[HouseholdTrait, ...]
    size: tuple[int, int]
    income: tuple[int, int]
    #: (domain, probability, detail lines)
    needs: tuple[tuple[Domain, float, tuple[str, ...]], ...]


CASES: tuple[_Case, ...] = (
    _Case(22, (T.UNEMPLOYED,), (T.CHILDREN, T.CHRONIC_ILLNESS), (1, 5), (10, 80), (
        (EM, 0.95, ("폐업 후 실직", "정리해고 후 구직 중", "자영업 폐업으로 소득 중단")),
        (IN, 0.8, ("생계비 부족", "가장의 실직으로 소득 없음")),
        (HO, 0.5, ("월세 3개월 체납", "관리비 및 공과금 체납", "전세 보증금 반환 분쟁")),
        (LE, 0.25, ("임금 체불 분쟁", "사업 채무 상담 필요", "개인회생 절차 문의")),
        (MH, 0.3, ("실직 후 우울감 호소", "음주 문제 상담 필요")),
        (FO, 0.2, ("식료품 구입 어려움",)),
    )),
    _Case(20, (T.ELDERLY,), (T.CHRONIC_ILLNESS, T.DISABLED), (1, 2), (10, 60), (
        (CA, 0.9, ("독거 어르신 안부 확인 필요", "거동 불편으로 일상생활 지원 필요")),
        (H, 0.7, ("만성질환 관리 필요", "병원 동행 필요", "치과 치료비 부담")),
        (FO, 0.6, ("식사 지원 필요", "결식 우려")),
        (HO, 0.2, ("노후 주택 수리 필요", "난방비 부담")),
        (MH, 0.15, ("고독감 및 우울 호소",)),
    )),
    _Case(14, (T.SINGLE_PARENT, T.CHILDREN), (T.UNEMPLOYED,), (2, 4), (10, 70), (
        (IN, 0.8, ("양육비 미지급으로 생계 곤란", "한부모 생계비 부족")),
        (ED, 0.6, ("자녀 방과후 돌봄 필요", "자녀 학습 지원 필요")),
        (CA, 0.5, ("아동 돌봄 공백",)),
        (HO, 0.4, ("월세 체납", "주거 불안정")),
        (LE, 0.2, ("양육비 이행 소송 필요", "이혼 후 법률 문제")),
        (EM, 0.3, ("경력 단절 후 구직",)),
    )),
    _Case(10, (T.DISABLED,), (T.CHRONIC_ILLNESS, T.ELDERLY), (1, 4), (10, 70), (
        (CA, 0.85, ("활동 보조 필요", "주간 돌봄 필요")),
        (H, 0.7, ("재활 치료 필요", "의료비 부담")),
        (IN, 0.5, ("생계비 부족",)),
        (EM, 0.2, ("장애인 일자리 희망",)),
    )),
    _Case(8, (T.CHRONIC_ILLNESS,), (T.UNEMPLOYED,), (1, 4), (10, 80), (
        (H, 0.95, ("중증 질환 치료비 부담", "입원 후 간병 필요", "투석 치료 중")),
        (IN, 0.6, ("치료로 인한 소득 중단",)),
        (CA, 0.3, ("간병 부담",)),
        (MH, 0.2, ("투병 중 우울감",)),
    )),
    _Case(8, (T.MULTICULTURAL, T.CHILDREN), (T.SINGLE_PARENT, T.UNEMPLOYED), (2, 5), (20, 90), (
        (ED, 0.7, ("한국어 교육 필요", "자녀 학습 지원 필요")),
        (LE, 0.4, ("체류 자격 상담 필요", "가정폭력 관련 법률 지원")),
        (EM, 0.4, ("구직 지원 필요",)),
        (CA, 0.3, ("통번역 지원 필요",)),
        (IN, 0.3, ("생계비 부족",)),
    )),
    _Case(10, (), (T.CHILDREN, T.UNEMPLOYED), (1, 5), (20, 100), (
        (HO, 0.95, ("월세 3개월 체납", "퇴거 위기", "단전 단수 예고")),
        (IN, 0.6, ("생계비 부족",)),
        (LE, 0.35, ("임대차 분쟁", "퇴거 소송 대응")),
        (FO, 0.2, ("식료품 지원 필요",)),
    )),
    _Case(8, (), (T.CHILDREN,), (1, 5), (30, 110), (
        (LE, 0.95, ("임금 체불 분쟁", "부당 해고 구제 신청", "산업재해 보상 문제")),
        (IN, 0.7, ("체불로 생계 곤란",)),
        (EM, 0.4, ("이직 준비",)),
        (MH, 0.2, ("분쟁 스트레스 상담",)),
    )),
)
_CASE_CUM = list(itertools.accumulate(c.weight for c in CASES))
_URGENCY = ((Urgency.EMERGENCY, 15), (Urgency.FOCUSED, 35), (Urgency.GENERAL, 50))
#: the stages a generated referral is at, drawn with the weights 15, 30, 20, 25, 10
_REFERRAL_STAGES = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED,
                    ReferralStatus.DELIVERED, ReferralStatus.DECLINED)
_LANGUAGES = ("vi", "zh", "tl", "km", "uz", "ru", "en", "ja", "th", "mn")
_KST = dt.timezone(dt.timedelta(hours=9))
#: the referral stages drawn that hold a place (and count against an MOU's quota)
_TAKES_A_PLACE = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED})


# ---------------------------------------------------------------------------
# the shape of a world: size and scarcity


@dataclass(frozen=True)
class Shape:
    """How big and how scarce a world is; the defaults are the demo's."""

    households: int = 2_000
    #: 1: Gyeonggi alone; up to 9: then Gangwon, Chungbuk, Chungnam, Jeonbuk, Jeonnam, Gyeongbuk,
    #: Gyeongnam and Jeju
    provinces: int = 1
    #: exactly this many services (the partners' first, the rest city by city in proportion to
    #: population); None: as many as the catalogue gives for the households
    services: int | None = None
    #: exactly this many volunteers; None: one per 12 households (at least 3)
    volunteers: int | None = None
    #: services each household already receives, (fewest, most), among those it qualifies for;
    #: None: as in the source documents (one or two for two households in five)
    receipts: tuple[int, int] | None = None
    #: the catalogue's places per household times this (below 1: scarcer)
    places: float = 1.0
    #: the share of services with capacity that start full
    full: float = 0.12

    def check(self) -> Shape:
        """This shape, or a ValidationError naming the field that is out of range."""
        def whole(name: str, value: object, lo: int, hi: int | None = None) -> None:
            if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None
                                                                                      and value > hi):
                span = f"between {lo:,} and {hi:,}" if hi is not None else f"at least {lo:,}"
                raise ValidationError(name, f"must be a whole number {span} (got {value!r})")

        whole("households", self.households, MIN_HOUSEHOLDS, MAX_HOUSEHOLDS)
        whole("provinces", self.provinces, 1, MAX_PROVINCES)
        if self.services is not None:
            whole("services", self.services, partner_services(self.provinces))
        if self.volunteers is not None:
            whole("volunteers", self.volunteers, 0)
        if self.receipts is not None:
            if not (isinstance(self.receipts, tuple) and len(self.receipts) == 2):
                raise ValidationError("receipts", f"must be a (fewest, most) pair (got {self.receipts!r})")
            whole("receipts", self.receipts[0], 0)
            whole("receipts", self.receipts[1], self.receipts[0])
        for name in ("places", "full"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 \
                    or (name == "full" and value > 1):
                top = "1" if name == "full" else "any"
                raise ValidationError(name, f"must be a number from 0 to {top} (got {value!r})")
        return self


_Reach = tuple[str, tuple[Domain, ...], int | None, tuple[HouseholdTrait, ...], bool, bool]


def partner_services(provinces: int = 1) -> int:
    """The fewest services a world of ``provinces`` provinces has: its partners' (they always run)."""
    return sum(len(p.programs) for prov in PROVINCES[:provinces] for p in prov.partners)


@dataclass
class _Place:
    """A dong: where a household lives and what reaches it."""

    id: str
    city: str
    #: services in reach: (service id, domains, max income, required traits, has room, has a place taken)
    services: list[_Reach] = field(default_factory=list)


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return out


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)


def _ordinal(n: int) -> str:
    return f"제{n}"


def _cities(provinces: int) -> list[tuple[_Province, str, str, str, int]]:
    """(province, city id, slug, name, population) of every city of the first ``provinces``."""
    return [(prov, f"{prov.id}-{slug}", slug, name, pop)
            for prov in PROVINCES[:provinces] for slug, name, pop in prov.cities]


def plan_sizes(households: int, provinces: int = 1) -> dict[str, int]:
    """How many households each city gets (by city id): in proportion to its population."""
    cities = _cities(provinces)
    sizes = _split(households, [pop for _, _, _, _, pop in cities])
    return {cid: n for (_, cid, _, _, _), n in zip(cities, sizes, strict=True)}


def _tag(prov: _Province, slug: str) -> str:
    """A city's part of its organizations' ids: its slug in Gyeonggi, else province and slug."""
    return slug if prov.id == PROVINCE_ID else f"{prov.id}-{slug}"


def _weighted_round_robin(weights: Sequence[float]) -> Iterator[int]:
    """Indexes of ``weights``, each as often as its weight, spread evenly (smooth weighted round robin)."""
    total = sum(weights)
    current = [0.0] * len(weights)
    while True:
        for i, w in enumerate(weights):
            current[i] += w
        best = max(range(len(weights)), key=lambda i: (current[i], -i))
        current[best] -= total
        yield best


def _plan_city(rng: random.Random, public: tuple[_OrgKind, ...], households: int, budget: int | None,
               dark: set[Domain]) -> list[tuple[_OrgKind, list[tuple[int, _Program]]]]:
    """The city's organizations, each with the catalogue entries it runs (their index and program).

    Without a budget: the public agencies run every program, and each local kind has one center per
    its rate of households (at least one), running three programs in four. With one: exactly
    ``budget`` programs — the public agencies' in turns, then local centers of the kinds in
    proportion to their rates.
    """
    def runs(kind: _OrgKind, local: bool) -> list[tuple[int, _Program]]:
        return [(k, p) for k, p in enumerate(kind.programs)
                if not any(d in dark for d in p.domains) and not (local and rng.random() < 0.25)]

    if budget is None:
        plan = [(kind, runs(kind, False)) for kind in public]
        for kind, rate in LOCAL_KINDS:
            plan += [(kind, runs(kind, True)) for _ in range(max(1, math.ceil(rate * households / 1000)))]
        return plan
    # the public agencies' programs in turns, so a small budget still reaches several domains
    offered = [runs(kind, False) for kind in public]
    turns_of_public = sorted(((j, i) for i, o in enumerate(offered) for j in range(len(o))))[:budget]
    taken: list[list[tuple[int, _Program]]] = [[] for _ in public]
    for j, i in sorted(turns_of_public, key=lambda t: (t[1], t[0])):
        taken[i].append(offered[i][j])
    budget -= len(turns_of_public)
    plan = list(zip(public, taken, strict=True))
    turns = _weighted_round_robin([rate for _, rate in LOCAL_KINDS])
    idle = 0
    while budget > 0 and idle < 10 * len(LOCAL_KINDS):
        kind = LOCAL_KINDS[next(turns)][0]
        programs = runs(kind, True)[:budget]
        idle = 0 if programs else idle + 1
        if programs:
            plan.append((kind, programs))
            budget -= len(programs)
    if budget > 0:
        raise ValueError("every local program of a city is dark")  # not reachable: churches are never dark
    return plan


def generate(households: int = 2_000, seed: int = 1, *, provinces: int = 1, services: int | None = None,
             volunteers: int | None = None, receipts: tuple[int, int] | None = None, places: float = 1.0,
             full: float = 0.12) -> Iterator[Record]:
    """Yield the world's records; each record comes after every record it names.

    ``households`` and ``seed`` as the demo; the other parameters are the fields of :class:`Shape`.
    A parameter out of range is a ValidationError naming it (raised by the first ``next``).
    """
    shape = Shape(households, provinces, services, volunteers,
                  tuple(receipts) if isinstance(receipts, list) else receipts, places, full).check()
    rng = random.Random(f"dolbom-synthetic:{seed}")
    cities = _cities(shape.provinces)
    per_city = plan_sizes(households, shape.provinces)
    province_households = {prov.id: 0 for prov in PROVINCES[: shape.provinces]}
    for prov, cid, _, _, _ in cities:
        province_households[prov.id] += per_city[cid]

    # --- regions ------------------------------------------------------------------------
    city_dongs: dict[str, list[str]] = {}
    dongs_of: dict[str, list[str]] = {}  # a region id -> the dongs it covers
    for prov in PROVINCES[: shape.provinces]:
        yield Region(id=prov.id, name=prov.name, level=RegionLevel.PROVINCE)
        dongs_of[prov.id] = []
    for prov, cid, _, name, pop in cities:
        yield Region(id=cid, name=name, level=RegionLevel.CITY, parent_id=prov.id)
        dongs = []
        for k, dong in enumerate(dong_names(name, max(4, round(pop / 27)))):
            did = f"{cid}-d{k + 1:02d}"
            yield Region(id=did, name=dong, level=RegionLevel.DONG, parent_id=cid)
            dongs.append(did)
            dongs_of[did] = [did]
        city_dongs[cid] = dongs
        dongs_of[cid] = dongs
        dongs_of[prov.id] += dongs

    # blind spots: city x domain pairs no service or volunteer offers (rural counties first)
    blind: set[tuple[str, Domain]] = set()
    for prov in PROVINCES[: shape.provinces]:
        candidates = [(f"{prov.id}-{c}", d) for c in prov.remote for d in (MH, ED, EM)]
        blind.update(rng.sample(candidates, min(prov.blind, len(candidates))))

    reach: dict[str, _Place] = {d: _Place(d, c) for c, ds in city_dongs.items() for d in ds}

    def service(sid: str, provider: str, prog: _Program, where: list[str], households_served: float,
                agreement: str | None, excludes: list[str]) -> Service:
        if prog.places is None:
            capacity, used = None, 0
        else:
            lo, hi = prog.places
            capacity = max(1, round(rng.uniform(lo, hi) * shape.places * households_served / 1000))
            # full for the share ``full`` asks; otherwise a place or more is left, however few there are
            u = rng.random()
            used = capacity if u < shape.full else min(capacity - 1, round(capacity * rng.uniform(0, 0.9)))
        form, tags = HOW[prog.name]
        svc = Service(
            id=sid, name=prog.name, provider_id=provider, domains=prog.domains, region_ids=tuple(where),
            max_income_percent=prog.max_income, required_traits=prog.traits, capacity=capacity, used=used,
            lead_time_days=rng.randint(*prog.lead), cost=prog.cost, excludes_ids=tuple(excludes),
            agreement_id=agreement, active=rng.random() > 0.03, form=form, tags=tags,
        )
        if svc.active:
            entry = (sid, prog.domains, prog.max_income, prog.traits, capacity is None or used < capacity,
                     capacity is None or used > 0)
            for w in where:
                for d in dongs_of[w]:
                    reach[d].services.append(entry)
        return svc

    # --- each province's partners and their agreements ------------------------------------------
    all_services: list[Service] = []
    partner_count = 0
    # an MOU's ``used`` is counted from the referrals drawn below that take a place under it, so the
    # agreement, its services and what names them come after the households (see the end)
    agreements: list[tuple[Agreement, bool]] = []
    for prov in PROVINCES[: shape.provinces]:
        slugs = [slug for slug, _, _ in prov.cities]
        for partner in prov.partners:
            # a partner does not reach the blind spots of its domains
            domains = {d for p in partner.programs for d in p.domains}
            dark = {c for c, d in blind if d in domains}
            served_slugs = None
            if partner.cities is not None or any(c.startswith(f"{prov.id}-") for c in dark):
                served_slugs = [c for c in sorted(partner.cities or slugs) if f"{prov.id}-{c}" not in dark]
            region_ids = [prov.id] if served_slugs is None else [f"{prov.id}-{c}" for c in served_slugs]
            yield Organization(id=partner.id, name=partner.name, sector=partner.sector,
                               region_ids=tuple(region_ids))
            agreement = None
            if partner.mou is not None:
                per_k, signed, expires = partner.mou
                quota = None if per_k is None else max(1, round(per_k * province_households[prov.id] / 1000))
                agreement = Agreement(
                    id=f"mou-{partner.id.removeprefix('org-')}", partner_id=partner.id,
                    domains=tuple(sorted(domains, key=list(Domain).index)),
                    signed_on=signed, expires_on=expires, annual_quota=quota,
                )
                if quota is not None and not partner.spent:
                    rng.randint(0, quota)  # the draw the count replaced: every later draw stays the same
                agreements.append((agreement, partner.spent))
            reached = province_households[prov.id] if served_slugs is None else sum(
                per_city[f"{prov.id}-{c}"] for c in served_slugs)
            for k, prog in enumerate(partner.programs):
                sid = f"svc-{partner.id.removeprefix('org-')}-{k + 1}"
                all_services.append(service(sid, partner.id, prog, region_ids, reached,
                                            agreement.id if agreement else None, []))
                partner_count += 1

    # --- each city's public agencies and local nonprofits -------------------------------------------
    budgets: list[int | None] = [None] * len(cities)
    if shape.services is not None:
        budgets = list(_split(shape.services - partner_count, [c[4] for c in cities]))
    for (prov, cid, slug, name, _), budget in zip(cities, budgets, strict=True):
        hh = per_city[cid]
        dongs = city_dongs[cid]
        plan = _plan_city(rng, prov.public, hh, budget, {d for c, d in blind if c == cid})
        count = collections.Counter(kind.slug for kind, _ in plan)
        seen: dict[str, int] = {}
        for kind, programs in plan:
            n = seen[kind.slug] = seen.get(kind.slug, 0) + 1
            many = count[kind.slug] > 1
            oid = f"org-{_tag(prov, slug)}-{kind.slug}" + (f"-{n}" if many else "")
            oname = " ".join(kind.name.format(city=name, n=_ordinal(n) if many else "").split())
            # a local center works in a stretch of the city's dongs
            if kind in prov.public:
                area = dongs
            else:
                width = max(1, min(len(dongs), round(len(dongs) * rng.uniform(1.2, 2.5) / count[kind.slug])))
                start = rng.randrange(len(dongs))
                area = [dongs[(start + i) % len(dongs)] for i in range(width)]
            yield Organization(id=oid, name=oname, sector=kind.sector, region_ids=(cid,))
            ids_by_name: dict[str, str] = {}
            for k, prog in programs:
                sid = f"svc-{oid.removeprefix('org-')}-{k + 1}"
                if prog.scope == "dongs":
                    where = sorted(rng.sample(area, max(1, min(len(area), rng.randint(2, 6)))))
                    served = hh * len(where) / len(dongs)
                else:
                    where = [cid]
                    served = float(hh)
                excl = [ids_by_name[prog.excludes]] if prog.excludes in ids_by_name else []
                all_services.append(service(sid, oid, prog, where, served, None, excl))
                ids_by_name[prog.name] = sid
    under_mou = [s for s in all_services if s.agreement_id is not None]
    yield from (s for s in all_services if s.agreement_id is None)
    del all_services
    late_ids = {s.id for s in under_mou}
    late: list[Record] = []  # referrals and receipts of services under an MOU
    mou_of = {s.id: s.agreement_id for s in under_mou if s.agreement_id is not None}
    # a spent quota was spent before the referrals drawn here; a referral takes a place under an MOU
    # only while the MOU is in force and its quota has room (else it is only SENT), as a case worker's
    # referral past the quota would wait
    mou_used: collections.Counter[str] = collections.Counter(
        {a.id: a.annual_quota for a, spent in agreements if spent and a.annual_quota is not None})
    mou_of_id = {a.id: a for a, _ in agreements}

    def mou_room(aid: str) -> bool:
        a = mou_of_id[aid]
        in_force = a.signed_on <= ON and (a.expires_on is None or a.expires_on >= ON)
        return in_force and (a.annual_quota is None or mou_used[aid] < a.annual_quota)

    # --- volunteers: about one per 12 households, skills and languages --------------------------
    n_vol = max(3, households // 12) if shape.volunteers is None else shape.volunteers
    skills_pool = [CA, ED, FO, H, HO, MH, LE, EM, IN]
    skill_w = [30, 22, 18, 8, 6, 6, 4, 4, 2]
    vol_city = _split(n_vol, [per_city[c[1]] + 1 for c in cities])
    v = 0
    for (_, cid, _, _, _), vols in zip(cities, vol_city, strict=True):
        dongs = city_dongs[cid]
        for _ in range(vols):
            v += 1
            chosen = [rng.choices(skills_pool, skill_w)[0] for _ in range(rng.randint(1, 3))]
            skills = [s for s in dict.fromkeys(chosen) if (cid, s) not in blind] or [CA]
            where = [cid] if rng.random() < 0.3 else sorted(
                rng.sample(dongs, min(len(dongs), rng.randint(1, 3))))
            langs = ["ko"] + (rng.sample(_LANGUAGES, rng.randint(1, 2)) if rng.random() < 0.12 else [])
            tags = [VOLUNTEER_TAGS[s] for s in skills if s in VOLUNTEER_TAGS]
            yield Volunteer(id=f"vol-{v:07d}", name=_person(rng), region_ids=tuple(where),
                            languages=tuple(langs), skills=tuple(sorted(skills, key=skills_pool.index)),
                            tags=(*tags, *(["interpretation"] if len(langs) > 1 else [])),
                            hours_per_week=0 if rng.random() < 0.05 else rng.randint(1, 16))

    # --- households, one at a time with their needs, referrals and receipts ----------------------
    dong_cum = {cid: list(itertools.accumulate(rng.uniform(0.5, 1.5) for _ in city_dongs[cid]))
                for _, cid, _, _, _ in cities}
    h = 0
    r = 0
    for _, cid, _, _, _ in cities:
        dongs, cum = city_dongs[cid], dong_cum[cid]
        for _ in range(per_city[cid]):
            h += 1
            hid = f"hh-{h:07d}"
            case = CASES[bisect.bisect_right(_CASE_CUM, rng.random() * _CASE_CUM[-1])]
            traits = [*case.traits, *(t for t in case.maybe_traits if rng.random() < 0.3)]
            size = rng.randint(*case.size)
            if T.ELDERLY in traits and size == 1:
                traits = [t for t in traits if t is not T.CHILDREN]
            urgency = rng.choices([u for u, _ in _URGENCY], [w for _, w in _URGENCY])[0]
            dong = dongs[min(len(dongs) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))]
            income = rng.randint(*case.income)
            yield Household(id=hid, region_id=dong, size=size, income_percent=income,
                            traits=tuple(sorted(traits, key=list(T).index)), urgency=urgency)
            bump = {Urgency.EMERGENCY: 2, Urgency.FOCUSED: 1, Urgency.GENERAL: 0}[urgency]
            needs: list[Need] = []
            for domain, p, details in case.needs:
                if rng.random() >= p and needs:
                    continue
                severity = max(1, min(5, rng.randint(1, 3) + bump))
                needs.append(Need(id=f"need-{h:07d}-{len(needs) + 1}", household_id=hid, domain=domain,
                                  severity=severity, detail=rng.choice(details)))
            # what reaches this household, and what it qualifies for
            fits = [s for s in reach[dong].services
                    if (s[2] is None or income <= s[2]) and all(t in traits for t in s[3])]
            # a referral for about one household in three, at any stage
            referral: Referral | None = None
            if fits and rng.random() < 0.35:
                need = rng.choice(needs)
                matching = [s for s in fits if need.domain in s[1] and s[4]]
                if matching:
                    chosen_service = rng.choice(matching)
                    status = rng.choices(_REFERRAL_STAGES, (15, 30, 20, 25, 10))[0]
                    if status is ReferralStatus.ACCEPTED and not chosen_service[5]:
                        # an accepted referral holds a place the service counts as used
                        status = ReferralStatus.SENT
                    under = mou_of.get(chosen_service[0])
                    if under is not None and status in _TAKES_A_PLACE:
                        if mou_room(under):
                            mou_used[under] += 1
                        else:
                            status = ReferralStatus.SENT
                    r += 1
                    created = dt.datetime.combine(ON - dt.timedelta(days=rng.randint(1, 60)), dt.time(9),
                                                  tzinfo=_KST)
                    updated = created + dt.timedelta(hours=rng.randint(0, 240))
                    referral = Referral(id=f"ref-{r:07d}", household_id=hid, resource_label="Service",
                                        resource_id=chosen_service[0], need_ids=(need.id,), status=status,
                                        created_at=created.isoformat(), updated_at=updated.isoformat())
                    if status is ReferralStatus.DELIVERED:
                        needs[needs.index(need)] = dataclasses.replace(need, status=NeedStatus.MET)
            yield from needs
            if referral is not None:
                if referral.resource_id in late_ids:
                    late.append(referral)
                else:
                    yield referral
            # services already received: sometimes one that duplicates what it is being referred to
            received: list[str] = []
            if shape.receipts is None:
                if fits and rng.random() < 0.4:
                    # in the order drawn, once each (a set here would order them by string hash)
                    received = list(dict.fromkeys(rng.choice(fits)[0] for _ in range(rng.randint(1, 2))))
            elif fits:
                k = rng.randint(*shape.receipts)
                received = [s[0] for s in rng.sample(fits, min(k, len(fits)))]
            for sid in received:
                receipt = Receipt(household_id=hid, service_id=sid)
                if sid in late_ids:
                    late.append(receipt)
                else:
                    yield receipt
    # the agreements with their use this year: the referrals that took a place under them (all dated
    # within 60 days, inside the agreement year), or the whole quota when it was spent before
    for agreement, _ in agreements:
        yield dataclasses.replace(agreement, used=mou_used[agreement.id])
    yield from under_mou
    yield from late


def populate(store: Any, households: int = 2_000, seed: int = 1, **shape: Any) -> int:
    """Write the world into ``store`` in one unit of work (all or nothing); returns the record count."""
    with store.unit_of_work() as uow:
        return int(uow.put_many(generate(households, seed, **shape)))


def records(households: int = 2_000, seed: int = 1, **shape: Any) -> list[Record]:
    """:func:`generate` as a list (for small sizes)."""
    return list(generate(households, seed, **shape))


# ---------------------------------------------------------------------------
# the small world: a few records around one household, every rule often at its edge

#: its map: a province, two cities, three dongs; the household lives in the first dong
SMALL_REGIONS: tuple[Region, ...] = (
    Region(id="prov", name="시험도", level=RegionLevel.PROVINCE),
    Region(id="city-a", name="가시", level=RegionLevel.CITY, parent_id="prov"),
    Region(id="city-b", name="나시", level=RegionLevel.CITY, parent_id="prov"),
    *(Region(id=f"dong-{c}{k}", name=name, level=RegionLevel.DONG, parent_id=f"city-{c}")
      for c, city, n in (("a", "가시", 2), ("b", "나시", 1))
      for k, name in enumerate(dong_names(city, n), start=1)),
)
#: the small world's pools: four domains, three traits, ceilings and incomes drawn so that
#: "equal", "just over" and "10 over" happen often
SMALL_DOMAINS: tuple[Domain, ...] = (Domain.HEALTH, Domain.HOUSING, Domain.LEGAL, Domain.FOOD)
SMALL_TRAITS: tuple[HouseholdTrait, ...] = (T.ELDERLY, T.UNEMPLOYED, T.CHILDREN)
SMALL_CEILINGS = (50, 60, 75, 100)
SMALL_INCOMES = (50, 51, 60, 61, 70, 71, 75, 76, 85, 86, 100)


class Draws(Protocol):
    """Where the small world's choices come from: :class:`RandomDraws` over a seeded random, or
    Hypothesis's ``draw`` in the property tests (so that a failing world shrinks and replays).
    ``coin()`` False is the simpler side: no value, the first alternative."""

    def integer(self, lo: int, hi: int) -> int: ...
    def pick(self, items: Sequence[_T]) -> _T: ...
    def coin(self) -> bool: ...
    #: ``least`` to ``most`` distinct items
    def subset(self, items: Sequence[_T], most: int, least: int = 0) -> list[_T]: ...
    #: ``least`` to ``most`` items, repeats allowed
    def sequence(self, items: Sequence[_T], most: int, least: int = 0) -> list[_T]: ...


class RandomDraws:
    """:class:`Draws` from a :class:`random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, items: Sequence[_T]) -> _T:
        return self.rng.choice(items)

    def coin(self) -> bool:
        return self.rng.random() < 0.5

    def subset(self, items: Sequence[_T], most: int, least: int = 0) -> list[_T]:
        return self.rng.sample(list(items), self.rng.randint(min(least, len(items)), min(most, len(items))))

    def sequence(self, items: Sequence[_T], most: int, least: int = 0) -> list[_T]:
        return [self.rng.choice(items) for _ in range(self.rng.randint(least, most))]


def small_world(source: Draws | random.Random, regions: Sequence[Region] = SMALL_REGIONS, *,
                home: str = "dong-a1", household_id: str = "hh-1", on: dt.date = ON, services: int = 8,
                volunteers: int = 3, capacity: tuple[int, int] = (0, 3),
                domains: Sequence[Domain] = SMALL_DOMAINS,
                traits: Sequence[HouseholdTrait] = SMALL_TRAITS) -> list[Record]:
    """A small random world around household ``household_id`` in ``home``, every rule often at its edge.

    Up to ``services`` services and ``volunteers`` volunteers of one to four organizations serve
    one or two of ``regions``; up to two agreements were signed, or expire, around ``on``; a
    service's places are drawn from ``capacity`` (its scarcity) and some are over-booked;
    incomes fall on and just over the ceilings; needs, services received and referrals in every
    status. ``source`` makes every choice: a seeded :class:`random.Random` repeats the world.
    """
    d = RandomDraws(source) if isinstance(source, random.Random) else source
    recs: list[Record] = [*regions]
    pool = [r.id for r in regions]

    org_ids = [f"o{i}" for i in range(d.integer(1, 4))]
    for oid in org_ids:
        recs.append(Organization(id=oid, name=f"기관 {oid}", sector=d.pick(list(Sector))))
    agreement_of: dict[str, str] = {}
    for oid in d.subset(org_ids, 2):
        signed = on + dt.timedelta(days=d.pick([-400, -10, 0, 1, 30]))
        expires = max(signed, on + dt.timedelta(days=d.pick([-1, 0, 10, 400]))) if d.coin() else None
        quota = d.integer(0, 3) if d.coin() else None
        aid = f"mou-{oid}"
        recs.append(Agreement(id=aid, partner_id=oid, domains=(Domain.HEALTH,), signed_on=signed,
                              expires_on=expires, annual_quota=quota,
                              used=0 if quota is None else d.integer(0, quota)))
        agreement_of[oid] = aid
    service_ids: list[str] = []
    for i in range(d.integer(0, services)):
        sid = f"s{i}"
        provider = d.pick(org_ids)
        cap = d.integer(*capacity) if d.coin() else None
        recs.append(Service(
            id=sid, name=f"서비스 {i}", provider_id=provider, domains=tuple(d.subset(domains, 2, 1)),
            region_ids=tuple(d.subset(pool, 2, 1)),
            max_income_percent=d.pick(SMALL_CEILINGS) if d.coin() else None,
            required_traits=tuple(d.subset(traits, 2)),
            capacity=cap, used=0 if cap is None else d.integer(0, cap + 1),
            lead_time_days=d.integer(0, 6), cost=d.pick([0, 0, 5000, 20000]),
            excludes_ids=tuple(d.subset(service_ids, 1)),
            agreement_id=agreement_of.get(provider) if d.coin() else None,
            active=d.integer(0, 9) > 1,
        ))
        service_ids.append(sid)
    volunteer_ids = []
    for i in range(d.integer(0, volunteers)):
        vid = f"v{i}"
        recs.append(Volunteer(id=vid, name=f"봉사자 {i}", skills=tuple(d.subset(domains, 2, 1)),
                              region_ids=tuple(d.subset(pool, 2, 1)), hours_per_week=d.integer(0, 5)))
        volunteer_ids.append(vid)
    recs.append(Household(
        id=household_id, region_id=home, size=2,
        income_percent=d.integer(0, 120) if d.coin() else d.pick(SMALL_INCOMES),
        traits=tuple(d.subset(traits, 3)), urgency=d.pick(list(Urgency)),
    ))
    need_ids = []
    for i, domain in enumerate(d.sequence(domains, 4, 1)):
        nid = f"n{i}"
        recs.append(Need(id=nid, household_id=household_id, domain=domain, severity=d.integer(1, 5),
                         status=d.pick([NeedStatus.OPEN, NeedStatus.OPEN, NeedStatus.OPEN, NeedStatus.MET])))
        need_ids.append(nid)
    for sid in d.subset(service_ids, 2):
        recs.append(Receipt(household_id=household_id, service_id=sid))
    targets = [("Service", s) for s in service_ids] + [("Volunteer", v) for v in volunteer_ids]
    for i in range(d.integer(0, 2) if targets else 0):
        label, rid = d.pick(targets)
        recs.append(Referral(
            id=f"r{i}", household_id=household_id, resource_label=label, resource_id=rid,
            need_ids=tuple(d.subset(need_ids, 2, 1)),
            status=d.pick(list(ReferralStatus)),
            created_at=dt.datetime.combine(on - dt.timedelta(days=31), dt.time(9), tzinfo=_KST).isoformat(),
        ))
    return recs
