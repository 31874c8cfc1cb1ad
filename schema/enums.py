"""The contract's enums. The model's own str-enums are registered with
strawberry in place (one definition of each value set, and the names below
are the model's classes, so they type-check as types); NodeKind exists only
at the API."""

from __future__ import annotations

import enum

import strawberry

from graph.model import (
    CapacityPeriod,
    Domain,
    HouseholdTrait,
    NeedStatus,
    ReferralStatus,
    RegionLevel,
    Sector,
    SupportForm,
    Urgency,
)
from matching.results import FlagKind, Reason

__all__ = [
    "CapacityPeriod",
    "Domain", "FlagKind", "HouseholdTrait", "NeedStatus", "NodeKind", "Reason", "ReferralStatus",
    "RegionLevel", "Sector", "SupportForm", "Urgency",
]

# strawberry.enum marks the class itself (and returns it): registered here, once
strawberry.enum(Domain, name="Domain")
strawberry.enum(Sector, name="Sector")
strawberry.enum(Urgency, name="Urgency")
strawberry.enum(HouseholdTrait, name="HouseholdTrait")
strawberry.enum(RegionLevel, name="RegionLevel")
strawberry.enum(NeedStatus, name="NeedStatus")
strawberry.enum(ReferralStatus, name="ReferralStatus")
strawberry.enum(FlagKind, name="FlagKind")
strawberry.enum(CapacityPeriod, name="CapacityPeriod",
                description="What a service's capacity counts over: calendar WEEK (Monday first), MONTH or "
                "YEAR in Korean time.")
strawberry.enum(
    SupportForm, name="SupportForm",
    description="How a resource helps (지원형태): CASH 현금, IN_KIND 현물, VOUCHER 이용권, SERVICE 서비스.")
strawberry.enum(Reason, name="Reason",
                description="What a flag or an unmet need is about, as a code a client can act on "
                "(the message is for people).")


@strawberry.enum(name="NodeKind")
class NodeKind(str, enum.Enum):
    HOUSEHOLD = "HOUSEHOLD"
    NEED = "NEED"
    ORGANIZATION = "ORGANIZATION"
    SERVICE = "SERVICE"
    AGREEMENT = "AGREEMENT"
    VOLUNTEER = "VOLUNTEER"
    REGION = "REGION"
