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


@strawberry.enum(name="NodeKind")
class NodeKind(str, enum.Enum):
    HOUSEHOLD = "HOUSEHOLD"
    NEED = "NEED"
    ORGANIZATION = "ORGANIZATION"
    SERVICE = "SERVICE"
    AGREEMENT = "AGREEMENT"
    VOLUNTEER = "VOLUNTEER"
    REGION = "REGION"
