"""A realistic synthetic province: the demo's data, the tests' scale fixture, the benchmarks' input.

:func:`generate` yields the records of one province shaped like Gyeonggi-do:
its 31 cities and counties with their real names, dongs in proportion to
population, and the agencies and partners the source documents describe —

* public agencies: each city's Moohandolbom center at city hall, a public
  health center and an employment-welfare center; the province's own center,
  its housing corporation and mental-health center, the legal-aid corporation;
* MOU partners with agreements and annual quotas: the two bar associations,
  the medical, pharmaceutical and Korean-medicine associations, the two
  Catholic dioceses, companies' volunteer corps (some agreements expired);
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

Deterministic: the same ``households`` and ``seed`` give the same records in
the same order, on every machine. Streams: households are generated one at a
time with their needs, referrals and receipts, so a million households need
no more memory than a hundred (apart from the few thousand services).
Every record comes after every record it names, so the stream can be written
to a store batch by batch.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph.model import (
    Agreement,
    Domain,
    Household,
    HouseholdTrait,
    Need,
    Organization,
    Receipt,
    Record,
    Referral,
    Region,
    Service,
    Volunteer,
)

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

# (id slug, name, population in thousands, county?) — Gyeonggi's 28 cities and 3 counties
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

_DONG_STEMS = tuple(dict.fromkeys((
    "중앙", "신흥", "태평", "매탄", "조원", "원천", "영통", "권선", "세류", "인계", "우만", "행궁",
    "송죽", "정자", "율천", "금곡", "상동", "중동", "본오", "선부", "호계", "비산", "부림", "철산",
    "하안", "소하", "산본", "금정", "백석", "마두", "주엽", "대화", "행신", "화정", "능곡", "풍산",
    "탄현", "일산", "장항", "운정", "금촌", "교하", "광탄", "문산", "송내", "심곡", "원미", "역곡",
    "소사", "범박", "오정", "신장", "덕풍", "감일", "위례", "미사", "교문", "인창", "수택", "동인",
    "도농", "별내", "다산", "와부", "진접", "오남", "평내", "호평", "금곡", "송산", "봉담", "향남",
    "동탄", "남양", "병점", "진안", "반월", "기배", "정남", "비전", "세교", "송탄", "안중", "포승",
    "신장", "고덕", "창내", "장당", "초지", "와동", "고잔", "월피", "이동", "사동", "해양", "대부",
)))

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
_GIVEN = "민서지현수영준호우진하은도윤예린시우주원채아건태희성훈경미정숙순자옥재동혁상철"


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
    sector: str
    programs: tuple[_Program, ...]


P = _Program
CITY_HALL = _OrgKind("hall", "{city} 무한돌봄센터", "PUBLIC", (
    P("긴급복지 생계지원", (IN,), (6, 12), 75, lead=(0, 2)),
    P("무한돌봄 생계비 지원", (IN, FO), (4, 9), 85, lead=(1, 3), excludes="긴급복지 생계지원"),
    P("긴급 주거비 지원", (HO,), (3, 8), 75, lead=(1, 3)),
    P("임시 거처 제공", (HO,), (0.5, 1.5), None, lead=(0, 1), excludes="긴급 주거비 지원"),
    P("무한돌봄 사례관리", (CA, MH), None, None, lead=(1, 5)),
    P("노인 맞춤돌봄", (CA,), (4, 10), 100, (T.ELDERLY,), lead=(3, 10)),
    P("장애인 활동지원", (CA,), (2, 5), None, (T.DISABLED,), lead=(7, 21)),
    P("한부모가족 아동양육비", (IN, ED), (2, 6), 60, (T.SINGLE_PARENT,), lead=(7, 14)),
))
HEALTH_CENTER = _OrgKind("health", "{city} 보건소", "PUBLIC", (
    P("방문 건강관리", (H,), (5, 12), None, lead=(2, 7)),
    P("의료비 지원", (H,), (2, 6), 80, lead=(3, 10)),
    P("정신건강 상담", (MH,), (2, 5), None, lead=(3, 14)),
))
JOB_CENTER = _OrgKind("job", "{city} 고용복지플러스센터", "PUBLIC", (
    P("국민취업지원제도", (EM, IN), (6, 14), 100, (T.UNEMPLOYED,), lead=(5, 14)),
    P("직업훈련 바우처", (EM, ED), (3, 8), 120, lead=(7, 21), cost=0),
    P("재취업 상담", (EM,), None, None, lead=(1, 5)),
))
WELFARE_CENTER = _OrgKind("welfare", "{city} {n}종합사회복지관", "NONPROFIT", (
    P("사랑의 도시락", (FO,), (3, 8), 100, scope="dongs", lead=(1, 3)),
    P("주거환경 개선", (HO,), (1, 3), 80, scope="dongs", lead=(14, 45)),
    P("방과후 학습지원", (ED,), (3, 7), 120, (T.CHILDREN,), scope="dongs", lead=(3, 10)),
    P("긴급 생계비 후원", (IN,), (1, 4), 70, scope="dongs", lead=(1, 5)),
))
SENIOR_CENTER = _OrgKind("senior", "{city} 노인복지관", "NONPROFIT", (
    P("독거노인 안부확인", (CA,), (5, 12), None, (T.ELDERLY,), scope="dongs", lead=(1, 5)),
    P("경로식당 무료급식", (FO,), (4, 9), 100, (T.ELDERLY,), scope="dongs", lead=(0, 3)),
))
DISABILITY_CENTER = _OrgKind("disab", "{city} 장애인복지관", "NONPROFIT", (
    P("장애인 재활치료", (H, CA), (1, 3), None, (T.DISABLED,), lead=(7, 30)),
    P("장애인 직업재활", (EM,), (1, 2), None, (T.DISABLED,), lead=(14, 30)),
))
SELF_SUFFICIENCY = _OrgKind("jahwal", "{city} 지역자활센터", "NONPROFIT", (
    P("자활근로 사업", (EM, IN), (2, 5), 50, lead=(7, 21)),
))
FAMILY_CENTER = _OrgKind("family", "{city} 가족센터", "NONPROFIT", (
    P("다문화가족 한국어 교육", (ED,), (1, 4), None, (T.MULTICULTURAL,), lead=(3, 14)),
    P("통번역 및 생활 상담", (LE, CA), (1, 3), None, (T.MULTICULTURAL,), lead=(1, 7)),
    P("한부모 가족 상담", (MH, CA), (1, 3), None, (T.SINGLE_PARENT,), lead=(3, 10)),
))
FOOD_BANK = _OrgKind("food", "{city} 푸드뱅크", "NONPROFIT", (
    P("푸드마켓 이용 지원", (FO,), None, 80, lead=(0, 2)),
))
CHILDREN_CENTER = _OrgKind("kids", "{city} {n}지역아동센터", "NONPROFIT", (
    P("아동 돌봄 및 급식", (CA, FO, ED), (2, 5), 100, (T.CHILDREN,), scope="dongs", lead=(1, 7)),
))
CHURCH = _OrgKind("church", "{city} {n}교회", "RELIGIOUS", (
    P("반찬 나눔", (FO,), (1, 3), None, scope="dongs", lead=(0, 3)),
    P("이웃 돌봄 방문", (CA,), (1, 3), None, scope="dongs", lead=(1, 5)),
))
LOCAL_KINDS: tuple[tuple[_OrgKind, float], ...] = (
    # kind, how many per 1,000 households of the city (at least one where households live)
    (WELFARE_CENTER, 0.8), (SENIOR_CENTER, 0.3), (DISABILITY_CENTER, 0.15), (SELF_SUFFICIENCY, 0.1),
    (FAMILY_CENTER, 0.1), (FOOD_BANK, 0.1), (CHILDREN_CENTER, 1.0), (CHURCH, 1.0),
)
#: the city's public agencies, one each; a county shares the job center of its neighbour
PUBLIC_KINDS = (CITY_HALL, HEALTH_CENTER, JOB_CENTER)


@dataclass(frozen=True)
class _Partner:
    """A province-wide organization; with an MOU when ``quota`` is given."""

    id: str
    name: str
    sector: str
    programs: tuple[_Program, ...]
    #: MOU: (annual quota per 1,000 households of the province, signed on, expires on or None); None: no MOU
    mou: tuple[float | None, dt.date, dt.date | None] | None = None
    #: the cities it serves; None: all
    cities: frozenset[str] | None = None
    #: the MOU's quota for the year is used up
    spent: bool = False


PARTNERS: tuple[_Partner, ...] = (
    _Partner("org-gg-center", "경기도 무한돌봄센터", "PUBLIC", (
        P("위기가정 통합 사례관리", (CA,), None, None, scope="province", lead=(1, 3)),
    )),
    _Partner("org-gh", "경기주택도시공사", "PUBLIC", (
        P("매입임대 주택 공급", (HO,), (0.5, 1.2), 50, scope="province", lead=(30, 90)),
        P("전세임대 보증금 지원", (HO,), (0.5, 1.5), 70, scope="province", lead=(14, 45)),
    )),
    _Partner("org-gg-mental", "경기도 광역정신건강복지센터", "PUBLIC", (
        P("위기 정신건강 상담", (MH,), (1, 3), None, scope="province", lead=(0, 3)),
    )),
    _Partner("org-legal-aid", "대한법률구조공단 경기지부", "PUBLIC", (
        P("법률구조 소송 지원", (LE,), (1, 3), 125, scope="province", lead=(7, 30)),
    )),
    _Partner("org-bar-central", "경기중앙지방변호사회", "ASSOCIATION", (
        P("무료 법률 상담", (LE,), None, None, scope="province", lead=(3, 10)),
        P("임금체불 소송 대리", (LE,), (0.3, 0.8), 100, scope="province", lead=(7, 21)),
    ), mou=(1.2, dt.date(2025, 3, 1), dt.date(2027, 2, 28)), cities=None),
    _Partner("org-bar-north", "경기북부지방변호사회", "ASSOCIATION", (
        P("찾아가는 법률 상담", (LE,), None, None, scope="province", lead=(3, 10)),
    ), mou=(0.6, dt.date(2024, 9, 1), dt.date(2026, 8, 31)), cities=NORTH),
    _Partner("org-gg-medical", "경기도의사회", "ASSOCIATION", (
        P("의료비 지원 진료", (H,), (1, 3), 100, scope="province", lead=(2, 10)),
    ), mou=(2.0, dt.date(2025, 1, 1), None), spent=True),
    _Partner("org-gg-pharm", "경기도약사회", "ASSOCIATION", (
        P("복약 지도 및 의약품 지원", (H,), (1, 3), 100, scope="province", lead=(1, 5)),
    ), mou=(1.5, dt.date(2025, 6, 1), dt.date(2027, 5, 31))),
    _Partner("org-gg-kmed", "경기도한의사회", "ASSOCIATION", (
        P("한방 방문 진료", (H,), (0.5, 1.5), 100, (T.ELDERLY,), scope="province", lead=(7, 21)),
    ), mou=(0.8, dt.date(2023, 4, 1), dt.date(2025, 3, 31))),
    _Partner("org-diocese-suwon", "천주교 수원교구", "RELIGIOUS", (
        P("사랑의 쌀 나눔", (FO,), None, None, scope="province", lead=(1, 5)),
        P("무료 급식소", (FO, CA), None, None, scope="province", lead=(0, 2)),
    ), mou=(None, dt.date(2024, 6, 1), None), cities=frozenset(c for c, _, _ in CITIES) - NORTH),
    _Partner("org-diocese-uijeongbu", "천주교 의정부교구", "RELIGIOUS", (
        P("이웃사랑 생계 후원", (IN, FO), (0.5, 1.5), 60, scope="province", lead=(3, 10)),
    ), mou=(None, dt.date(2024, 6, 1), None), cities=NORTH),
    _Partner("org-samsung-vol", "삼성전자 봉사단", "CORPORATE", (
        P("저소득 가정 학습 멘토링", (ED,), (0.5, 1.5), 100, (T.CHILDREN,), scope="province", lead=(7, 21)),
    ), mou=(0.8, dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
        cities=frozenset({"suwon", "yongin", "hwaseong", "pyeongtaek"})),
    _Partner("org-sk-vol", "SK하이닉스 행복나눔 봉사단", "CORPORATE", (
        P("겨울철 난방비 지원", (HO, IN), (0.5, 1.5), 80, scope="province", lead=(7, 14)),
    ), mou=(0.5, dt.date(2025, 10, 1), dt.date(2026, 9, 30)), cities=frozenset({"icheon", "yeoju"})),
    _Partner("org-hyundai-vol", "현대자동차 나눔봉사단", "CORPORATE", (
        P("가장 재취업 직업교육", (EM,), (0.3, 0.8), 100, (T.UNEMPLOYED,), scope="province", lead=(14, 30)),
    ), mou=(0.4, dt.date(2026, 1, 1), None), cities=frozenset({"hwaseong", "ansan", "uiwang"})),
    _Partner("org-gg-hope", "경기사회복지공동모금회", "NONPROFIT", (
        P("희망나눔 긴급 지원금", (IN,), (0.5, 1.5), 60, scope="province", lead=(3, 14)),
    )),
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
_URGENCY = (("EMERGENCY", 15), ("FOCUSED", 35), ("GENERAL", 50))
_LANGUAGES = ("vi", "zh", "tl", "km", "uz", "ru", "en", "ja", "th", "mn")


# ---------------------------------------------------------------------------


@dataclass
class _Place:
    """A dong: where a household lives and what reaches it."""

    id: str
    city: str
    #: services in reach: (service id, domains, max income, required traits, has room, has a place taken)
    services: list[tuple[str, tuple[Domain, ...], int | None, tuple[HouseholdTrait, ...], bool, bool]] = field(
        default_factory=list)


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return out


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)


def plan_sizes(households: int) -> dict[str, int]:
    """How many households each city gets: in proportion to its population."""
    return dict(zip((c for c, _, _ in CITIES), _split(households, [p for _, _, p in CITIES])))


def generate(households: int = 2_000, seed: int = 1) -> Iterator[Record]:
    """Yield the province's records; each record comes after every record it names."""
    if isinstance(households, bool) or not isinstance(households, int) \
            or not MIN_HOUSEHOLDS <= households <= MAX_HOUSEHOLDS:
        from graph.errors import ValidationError
        raise ValidationError(
            "households", f"must be a whole number between {MIN_HOUSEHOLDS} and {MAX_HOUSEHOLDS:,} "
                          f"(got {households!r})")
    rng = random.Random(f"dolbom-synthetic:{seed}")
    per_city = plan_sizes(households)
    scale = households / 1000  # thousands of households in the province

    # --- regions ------------------------------------------------------------------------
    yield Region(id=PROVINCE_ID, name=PROVINCE_NAME, level="PROVINCE")
    city_dongs: dict[str, list[str]] = {}
    for slug, name, pop in CITIES:
        cid = f"{PROVINCE_ID}-{slug}"
        yield Region(id=cid, name=name, level="CITY", parent_id=PROVINCE_ID)
        n_dongs = max(4, round(pop / 27))
        stems = rng.sample(_DONG_STEMS, min(len(_DONG_STEMS), n_dongs))
        dongs = []
        for k in range(n_dongs):
            stem = stems[k % len(stems)]
            number = k // len(stems) + 1 if n_dongs > len(stems) else rng.choice((1, 1, 2, 3))
            did = f"{cid}-d{k + 1:02d}"
            yield Region(id=did, name=f"{stem}{number}동", level="DONG", parent_id=cid)
            dongs.append(did)
        city_dongs[slug] = dongs

    # blind spots: city x domain pairs no service or volunteer offers (rural counties first)
    candidates = [(c, d) for c in ("yeoncheon", "gapyeong", "yangpyeong", "dongducheon", "gwacheon")
                  for d in (MH, ED, EM)]
    blind = set(rng.sample(candidates, 4))

    places: dict[str, _Place] = {d: _Place(d, c) for c, ds in city_dongs.items() for d in ds}

    def reach(sid: str, prog: _Program, where: list[str], has_room: bool, taken: bool) -> None:
        for w in where:
            targets = [w] if w in places else [
                d for c, ds in city_dongs.items() for d in ds
                if w == PROVINCE_ID or w == f"{PROVINCE_ID}-{c}"]
            for d in targets:
                places[d].services.append((sid, prog.domains, prog.max_income, prog.traits, has_room, taken))

    def service(sid: str, provider: str, prog: _Program, where: list[str], households_served: float,
                agreement: str | None, excludes: list[str]) -> Service:
        if prog.places is None:
            capacity, used = None, 0
        else:
            lo, hi = prog.places
            capacity = max(1, round(rng.uniform(lo, hi) * households_served / 1000))
            u = rng.random()
            used = capacity if u < 0.12 else round(capacity * rng.uniform(0, 0.9))
        svc = Service(
            id=sid, name=prog.name, provider_id=provider, domains=prog.domains, region_ids=where,
            max_income_percent=prog.max_income, required_traits=prog.traits, capacity=capacity, used=used,
            lead_time_days=rng.randint(*prog.lead), cost=prog.cost, excludes_ids=excludes,
            agreement_id=agreement, active=rng.random() > 0.03,
        )
        if svc.active:
            reach(sid, prog, where, capacity is None or used < capacity, capacity is None or used > 0)
        return svc

    # --- province-wide partners and their agreements -------------------------------------------
    services: list[Service] = []
    all_cities = [c for c, _, _ in CITIES]
    for partner in PARTNERS:
        # a partner does not reach the blind spots of its domains
        domains = {d for p in partner.programs for d in p.domains}
        dark = {c for c, d in blind if d in domains}
        cities = None
        if partner.cities is not None or dark:
            cities = sorted(c for c in (partner.cities or all_cities) if c not in dark)
        region_ids = [PROVINCE_ID] if cities is None else [f"{PROVINCE_ID}-{c}" for c in cities]
        yield Organization(id=partner.id, name=partner.name, sector=partner.sector, region_ids=region_ids)
        agreement = None
        if partner.mou is not None:
            per_k, signed, expires = partner.mou
            quota = None if per_k is None else max(1, round(per_k * scale))
            agreement = Agreement(
                id=f"mou-{partner.id.removeprefix('org-')}", partner_id=partner.id,
                domains=sorted({d for p in partner.programs for d in p.domains}, key=list(Domain).index),
                signed_on=signed, expires_on=expires, annual_quota=quota,
                used=0 if quota is None else (quota if partner.spent else rng.randint(0, quota)),
            )
            yield agreement
        served = households if cities is None else sum(per_city[c] for c in cities)
        for k, prog in enumerate(partner.programs):
            sid = f"svc-{partner.id.removeprefix('org-')}-{k + 1}"
            services.append(service(sid, partner.id, prog, region_ids, served,
                                    agreement.id if agreement else None, []))

    # --- each city's public agencies and local nonprofits -------------------------------------------
    for slug, name, _ in CITIES:
        cid = f"{PROVINCE_ID}-{slug}"
        hh = per_city[slug]
        kinds: list[tuple[_OrgKind, int]] = [(k, 1) for k in PUBLIC_KINDS]
        kinds += [(k, max(1, math.ceil(rate * hh / 1000))) for k, rate in LOCAL_KINDS]
        dongs = city_dongs[slug]
        for kind, count in kinds:
            for n in range(1, count + 1):
                oid = f"org-{slug}-{kind.slug}" + (f"-{n}" if count > 1 else "")
                oname = kind.name.format(city=name, n=_ordinal(n) if count > 1 else "")
                oname = " ".join(oname.split())
                # a local center works in a stretch of the city's dongs
                if kind in PUBLIC_KINDS:
                    area = dongs
                else:
                    width = max(1, min(len(dongs), round(len(dongs) * rng.uniform(1.2, 2.5) / count)))
                    start = rng.randrange(len(dongs))
                    area = [dongs[(start + i) % len(dongs)] for i in range(width)]
                yield Organization(id=oid, name=oname, sector=kind.sector, region_ids=[cid])
                ids_by_name: dict[str, str] = {}
                for k, prog in enumerate(kind.programs):
                    if any((slug, d) in blind for d in prog.domains):
                        continue
                    if kind not in PUBLIC_KINDS and rng.random() < 0.25:
                        continue  # not every center runs every program
                    sid = f"svc-{oid.removeprefix('org-')}-{k + 1}"
                    if prog.scope == "dongs":
                        where = sorted(rng.sample(area, max(1, min(len(area), rng.randint(2, 6)))))
                        served = hh * len(where) / len(dongs)
                    else:
                        where = [cid]
                        served = hh
                    excl = [ids_by_name[prog.excludes]] if prog.excludes in ids_by_name else []
                    services.append(service(sid, oid, prog, where, served, None, excl))
                    ids_by_name[prog.name] = sid
    yield from services

    # --- volunteers: about one per 12 households, skills and languages --------------------------
    n_vol = max(3, households // 12)
    skills_pool = [CA, ED, FO, H, HO, MH, LE, EM, IN]
    skill_w = [30, 22, 18, 8, 6, 6, 4, 4, 2]
    city_slugs = [c for c, _, _ in CITIES]
    vol_city = _split(n_vol, [per_city[c] + 1 for c in city_slugs])
    v = 0
    for slug, count in zip(city_slugs, vol_city):
        dongs = city_dongs[slug]
        for _ in range(count):
            v += 1
            skills = {rng.choices(skills_pool, skill_w)[0] for _ in range(rng.randint(1, 3))}
            skills = {s for s in skills if (slug, s) not in blind} or {CA}
            where = [f"{PROVINCE_ID}-{slug}"] if rng.random() < 0.3 else sorted(
                rng.sample(dongs, min(len(dongs), rng.randint(1, 3))))
            langs = ["ko"] + (rng.sample(_LANGUAGES, rng.randint(1, 2)) if rng.random() < 0.12 else [])
            vid = f"vol-{v:07d}"
            yield Volunteer(id=vid, name=_person(rng), skills=sorted(skills, key=skills_pool.index),
                            region_ids=where, languages=langs,
                            hours_per_week=0 if rng.random() < 0.05 else rng.randint(1, 16))

    # --- households, one at a time with their needs, referrals and receipts ----------------------
    dong_weights = {slug: [rng.uniform(0.5, 1.5) for _ in city_dongs[slug]] for slug in city_slugs}
    dong_cum = {slug: list(itertools.accumulate(w)) for slug, w in dong_weights.items()}
    h = 0
    r = 0
    for slug in city_slugs:
        dongs, cum = city_dongs[slug], dong_cum[slug]
        for _ in range(per_city[slug]):
            h += 1
            hid = f"hh-{h:07d}"
            case = CASES[bisect.bisect_right(_CASE_CUM, rng.random() * _CASE_CUM[-1])]
            traits = set(case.traits) | {t for t in case.maybe_traits if rng.random() < 0.3}
            size = rng.randint(*case.size)
            if T.ELDERLY in traits and size == 1 and T.CHILDREN in traits:
                traits.discard(T.CHILDREN)
            urgency = rng.choices([u for u, _ in _URGENCY], [w for _, w in _URGENCY])[0]
            dong = dongs[min(len(dongs) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))]
            income = rng.randint(*case.income)
            yield Household(id=hid, region_id=dong, size=size, income_percent=income,
                            traits=sorted(traits, key=list(T).index), urgency=urgency)
            bump = {"EMERGENCY": 2, "FOCUSED": 1, "GENERAL": 0}[urgency]
            needs: list[Need] = []
            for domain, p, details in case.needs:
                if rng.random() >= p and needs:
                    continue
                severity = max(1, min(5, rng.randint(1, 3) + bump))
                needs.append(Need(id=f"need-{h:07d}-{len(needs) + 1}", household_id=hid, domain=domain,
                                  severity=severity, detail=rng.choice(details)))
            # what reaches this household, and what it qualifies for
            place = places[dong]
            fits = [s for s in place.services
                    if (s[2] is None or income <= s[2]) and all(t in traits for t in s[3])]
            # a referral for about one household in three, at any stage
            referral: Referral | None = None
            if fits and rng.random() < 0.35:
                need = rng.choice(needs)
                matching = [s for s in fits if need.domain in s[1] and s[4]]
                if matching:
                    chosen = rng.choice(matching)
                    sid = chosen[0]
                    status = rng.choices(("PROPOSED", "SENT", "ACCEPTED", "DELIVERED", "DECLINED"),
                                         (15, 30, 20, 25, 10))[0]
                    if status == "ACCEPTED" and not chosen[5]:
                        status = "SENT"  # an accepted referral holds a place the service counts as used
                    r += 1
                    created = dt.datetime.combine(ON - dt.timedelta(days=rng.randint(1, 60)), dt.time(9),
                                                  tzinfo=_KST)
                    updated = created + dt.timedelta(hours=rng.randint(0, 240))
                    referral = Referral(id=f"ref-{r:07d}", household_id=hid, resource_label="Service",
                                        resource_id=sid, need_ids=[need.id], status=status,
                                        created_at=created.isoformat(), updated_at=updated.isoformat())
                    if status == "DELIVERED":
                        needs[needs.index(need)] = need.replace(status="MET")
            yield from needs
            if referral is not None:
                yield referral
            # services already received: sometimes one that duplicates what it is being referred to
            if fits and rng.random() < 0.4:
                for s in {rng.choice(fits)[0] for _ in range(rng.randint(1, 2))}:
                    yield Receipt(household_id=hid, service_id=s)


_KST = dt.timezone(dt.timedelta(hours=9))


def _ordinal(n: int) -> str:
    return {1: "제1", 2: "제2", 3: "제3"}.get(n, f"제{n}")


def populate(store, households: int = 2_000, seed: int = 1) -> int:
    """Write the province into ``store`` in one unit of work (all or nothing); returns the record count."""
    with store.unit_of_work() as uow:
        return uow.put_many(generate(households, seed))


def records(households: int = 2_000, seed: int = 1) -> list[Record]:
    """:func:`generate` as a list (for small sizes)."""
    return list(generate(households, seed))
