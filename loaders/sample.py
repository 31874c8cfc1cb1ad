"""A small hand-made welfare graph: the demo's data and the tests' fixture.

One province (Gyeonggi), two cities, four dongs; a city hall, a job center,
the bar and hospital associations under MOUs, a diocese and a company; a few
services including a full one, an inactive one and two that exclude each
other; two volunteers; three households with needs, receipts and a referral.
Every record here is written by hand so tests can state exact expectations.
"""

from __future__ import annotations

import datetime as dt

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
    ReferralStatus,
    Region,
    RegionLevel,
    Sector,
    Service,
    SupportForm,
    Urgency,
    Volunteer,
)


def sample_records() -> list[Record]:
    """The sample graph, in an order a store can write without forward references."""
    R, Org, S, A = Region, Organization, Service, Agreement
    D, T, L = Domain, HouseholdTrait, RegionLevel
    return [
        R(id="gg", name="경기도", level=L.PROVINCE),
        R(id="gg-suwon", name="수원시", level=L.CITY, parent_id="gg"),
        R(id="gg-seongnam", name="성남시", level=L.CITY, parent_id="gg"),
        R(id="gg-suwon-maetan", name="매탄1동", level=L.DONG, parent_id="gg-suwon"),
        R(id="gg-suwon-jowon", name="조원1동", level=L.DONG, parent_id="gg-suwon"),
        R(id="gg-seongnam-sinheung", name="신흥2동", level=L.DONG, parent_id="gg-seongnam"),
        R(id="gg-seongnam-taepyeong", name="태평3동", level=L.DONG, parent_id="gg-seongnam"),
        Org(id="org-suwon-city", name="수원시청 무한돌봄센터", sector=Sector.PUBLIC,
            region_ids=("gg-suwon",)),
        Org(id="org-suwon-job", name="수원고용센터", sector=Sector.PUBLIC, region_ids=("gg-suwon",)),
        Org(id="org-gg-bar", name="경기중앙지방변호사회", sector=Sector.ASSOCIATION, region_ids=("gg",)),
        Org(id="org-gg-medical", name="경기도의사회", sector=Sector.ASSOCIATION, region_ids=("gg",)),
        Org(id="org-diocese", name="천주교 수원교구", sector=Sector.RELIGIOUS, region_ids=("gg",)),
        Org(id="org-samsung-vol", name="삼성전자 봉사단", sector=Sector.CORPORATE, region_ids=("gg-suwon",)),
        Org(id="org-seongnam-city", name="성남시청", sector=Sector.PUBLIC, region_ids=("gg-seongnam",)),
        A(id="mou-bar", partner_id="org-gg-bar", domains=(D.LEGAL,), signed_on=dt.date(2025, 3, 1),
          expires_on=dt.date(2027, 2, 28), annual_quota=120, used=37),
        A(id="mou-medical", partner_id="org-gg-medical", domains=(D.HEALTH,),
          signed_on=dt.date(2025, 1, 1), annual_quota=300, used=300),
        A(id="mou-diocese", partner_id="org-diocese", domains=(D.FOOD, D.CARE),
          signed_on=dt.date(2024, 6, 1)),
        S(id="svc-suwon-rent", name="긴급 주거비 지원", provider_id="org-suwon-city",
          domains=(D.HOUSING,), region_ids=("gg-suwon",), max_income_percent=75, capacity=40, used=12,
          lead_time_days=2, excludes_ids=("svc-suwon-shelter",), form=SupportForm.CASH,
          tags=("rent-support",)),
        S(id="svc-suwon-shelter", name="임시 거처 제공", provider_id="org-suwon-city",
          domains=(D.HOUSING,), region_ids=("gg-suwon",), capacity=5, used=5, lead_time_days=1,
          tags=("emergency-shelter",)),
        S(id="svc-suwon-jobs", name="취업성공패키지", provider_id="org-suwon-job",
          domains=(D.EMPLOYMENT, D.INCOME), region_ids=("gg-suwon",), max_income_percent=100,
          required_traits=(T.UNEMPLOYED,), lead_time_days=7, form=SupportForm.CASH,
          tags=("job-placement", "job-seeker-allowance")),
        S(id="svc-gg-legal", name="무료 법률 상담", provider_id="org-gg-bar", domains=(D.LEGAL,),
          region_ids=("gg",), agreement_id="mou-bar", lead_time_days=5,
          tags=("legal-counselling", "wage-claim")),
        S(id="svc-gg-clinic", name="의료비 지원 진료", provider_id="org-gg-medical", domains=(D.HEALTH,),
          region_ids=("gg",), agreement_id="mou-medical", capacity=100, used=20, lead_time_days=3,
          tags=("medical-care",)),
        S(id="svc-diocese-food", name="사랑의 도시락", provider_id="org-diocese", domains=(D.FOOD,),
          region_ids=("gg-suwon", "gg-seongnam"), agreement_id="mou-diocese", form=SupportForm.IN_KIND,
          tags=("meal-delivery",)),
        S(id="svc-seongnam-care", name="노인 돌봄 방문", provider_id="org-seongnam-city", domains=(D.CARE,),
          region_ids=("gg-seongnam",), required_traits=(T.ELDERLY,), capacity=30, used=3,
          tags=("elderly-care", "safety-check")),
        S(id="svc-suwon-old-counsel", name="심리 상담 (종료)", provider_id="org-suwon-city",
          domains=(D.MENTAL_HEALTH,), region_ids=("gg-suwon",), active=False, tags=("counselling",)),
        Volunteer(id="vol-kim", name="김민지", skills=(D.EDUCATION, D.CARE),
                  region_ids=("gg-suwon-maetan",), languages=("ko", "vi"), hours_per_week=6,
                  tags=("interpretation", "mentoring", "safety-check")),
        Volunteer(id="vol-park", name="박준호", skills=(D.HOUSING,), region_ids=("gg-seongnam",),
                  languages=("ko",), hours_per_week=4, tags=("housing-repair",)),
        Household(id="hh-0001", region_id="gg-suwon-maetan", size=4, income_percent=62,
                  traits=(T.UNEMPLOYED, T.CHILDREN), urgency=Urgency.EMERGENCY),
        Household(id="hh-0002", region_id="gg-seongnam-sinheung", size=1, income_percent=45,
                  traits=(T.ELDERLY, T.CHRONIC_ILLNESS), urgency=Urgency.FOCUSED),
        Household(id="hh-0003", region_id="gg-suwon-jowon", size=3, income_percent=80,
                  traits=(T.SINGLE_PARENT, T.CHILDREN), urgency=Urgency.GENERAL),
        Need(id="need-0001-rent", household_id="hh-0001", domain=D.HOUSING, severity=5,
             detail="월세 3개월 체납"),
        Need(id="need-0001-job", household_id="hh-0001", domain=D.EMPLOYMENT, severity=4,
             detail="폐업 후 실직"),
        Need(id="need-0001-legal", household_id="hh-0001", domain=D.LEGAL, severity=3,
             detail="임금 체불 분쟁"),
        Need(id="need-0001-health", household_id="hh-0001", domain=D.HEALTH, severity=2),
        Need(id="need-0002-care", household_id="hh-0002", domain=D.CARE, severity=4),
        Need(id="need-0002-food", household_id="hh-0002", domain=D.FOOD, severity=3),
        Need(id="need-0003-edu", household_id="hh-0003", domain=D.EDUCATION, severity=2),
        Receipt(household_id="hh-0001", service_id="svc-diocese-food"),
        Receipt(household_id="hh-0002", service_id="svc-seongnam-care"),
        Referral(id="ref-0001", household_id="hh-0001", resource_label="Service",
                 resource_id="svc-gg-legal", need_ids=("need-0001-legal",), status=ReferralStatus.SENT,
                 created_at="2026-11-02T09:00:00+09:00", updated_at="2026-11-02T10:30:00+09:00"),
    ]
