"""The contract's enums. The model's own str-enums are registered with
strawberry directly (one definition of each value set); NodeKind exists only
at the API."""

from __future__ import annotations

import enum

import strawberry

from graph import model
from matching import results

Domain = strawberry.enum(model.Domain, name="Domain")
Sector = strawberry.enum(model.Sector, name="Sector")
Urgency = strawberry.enum(model.Urgency, name="Urgency")
HouseholdTrait = strawberry.enum(model.HouseholdTrait, name="HouseholdTrait")
RegionLevel = strawberry.enum(model.RegionLevel, name="RegionLevel")
NeedStatus = strawberry.enum(model.NeedStatus, name="NeedStatus")
ReferralStatus = strawberry.enum(model.ReferralStatus, name="ReferralStatus")
FlagKind = strawberry.enum(results.FlagKind, name="FlagKind")
SupportForm = strawberry.enum(
    model.SupportForm, name="SupportForm",
    description="How a resource helps (지원형태): CASH 현금, IN_KIND 현물, VOUCHER 이용권, SERVICE 서비스.")
Reason = strawberry.enum(results.Reason, name="Reason",
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
