"""The contract's input types, and their translation to model fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from graph import taxonomy

from .consent_types import ConsentMethod
from .enums import CapacityPeriod, Domain, HouseholdTrait, RegionLevel, Sector, SupportForm, Urgency


def _tags(given: list[str] | None) -> list[str]:
    """Tags of an input, each one of the taxonomy in force (BAD_USER_INPUT naming ``tags`` otherwise)."""
    tags = list(given or ())
    taxonomy.active().check("tags", tags)
    return tags


@strawberry.input
class RegionInput:
    id: strawberry.ID
    name: str
    level: RegionLevel
    parent_id: strawberry.ID | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level, "parent_id": self.parent_id}


@strawberry.input
class OrganizationInput:
    id: strawberry.ID
    name: str
    sector: Sector
    region_ids: list[strawberry.ID]

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "sector": self.sector, "region_ids": list(self.region_ids)}


@strawberry.input
class EligibilityInput:
    max_income_percent: int | None = None
    required_traits: list[HouseholdTrait] | None = strawberry.field(default_factory=list)


@strawberry.input
class ServiceInput:
    id: strawberry.ID
    name: str
    provider_id: strawberry.ID
    domains: list[Domain]
    region_ids: list[strawberry.ID]
    eligibility: EligibilityInput | None = None
    capacity: int | None = None
    lead_time_days: int | None = 0
    cost: int | None = 0
    excludes_ids: list[strawberry.ID] | None = strawberry.field(default_factory=list)
    agreement_id: strawberry.ID | None = None
    form: SupportForm | None = strawberry.field(
        default=SupportForm.SERVICE, description="How it helps (지원형태); SERVICE when not given.")
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy (docs/taxonomy.md).")
    capacity_period: CapacityPeriod | None = strawberry.field(
        default=None, description="What capacity counts over (null: places held now); docs/inbox.md.")

    def fields(self) -> dict[str, Any]:
        e = self.eligibility
        return {"capacity_period": self.capacity_period,
            "form": self.form or SupportForm.SERVICE, "tags": _tags(self.tags),
            "id": self.id, "name": self.name, "provider_id": self.provider_id, "domains": list(self.domains),
            "region_ids": list(self.region_ids),
            "max_income_percent": e.max_income_percent if e else None,
            "required_traits": list(e.required_traits or ()) if e else (),
            "capacity": self.capacity,
            "lead_time_days": 0 if self.lead_time_days is None else self.lead_time_days,
            "cost": 0 if self.cost is None else self.cost, "excludes_ids": list(self.excludes_ids or ()),
            "agreement_id": self.agreement_id,
        }


@strawberry.input
class AgreementInput:
    id: strawberry.ID
    partner_id: strawberry.ID
    domains: list[Domain]
    signed_on: dt.date
    expires_on: dt.date | None = None
    annual_quota: int | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "partner_id": self.partner_id, "domains": list(self.domains),
                "signed_on": self.signed_on, "expires_on": self.expires_on, "annual_quota": self.annual_quota}


@strawberry.input
class VolunteerInput:
    id: strawberry.ID
    name: str
    skills: list[Domain]
    region_ids: list[strawberry.ID]
    form: SupportForm | None = strawberry.field(
        default=SupportForm.SERVICE, description="How the volunteer helps; SERVICE when not given.")
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy (docs/taxonomy.md).")
    languages: list[str] | None = strawberry.field(default_factory=list)
    hours_per_week: int

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "skills": list(self.skills),
                "region_ids": list(self.region_ids), "languages": list(self.languages or ()),
                "hours_per_week": self.hours_per_week,
                "form": self.form or SupportForm.SERVICE, "tags": _tags(self.tags)}


@strawberry.input
class HouseholdInput:
    id: strawberry.ID
    region_id: strawberry.ID
    size: int
    income_percent: int
    traits: list[HouseholdTrait] | None = strawberry.field(default_factory=list)
    urgency: Urgency

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "region_id": self.region_id, "size": self.size,
                "income_percent": self.income_percent, "traits": list(self.traits or ()),
                "urgency": self.urgency}


@strawberry.input
class NeedInput:
    id: strawberry.ID
    domain: Domain
    detail: str | None = None
    severity: int
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy; none given: derived from the detail.")

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "domain": self.domain, "detail": self.detail, "severity": self.severity,
                "tags": _tags(self.tags)}


@strawberry.input
class ReferralInput:
    id: strawberry.ID
    household_id: strawberry.ID
    resource_id: strawberry.ID = strawberry.field(description="A Service id or a Volunteer id.")
    need_ids: list[strawberry.ID]
    reason: str | None = strawberry.field(default=None, description="Why the household is referred: the "
                                          "partner reads it in its inbox.")
    hours: int | None = strawberry.field(default=None, description="Hours a week a volunteer gives it while "
                                         "ACCEPTED (1 when not given; ignored for services).")

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "household_id": self.household_id, "resource_id": self.resource_id,
                "need_ids": list(self.need_ids), "reason": self.reason, "hours": self.hours}


@strawberry.input(description="Eligibility to change: a field left out stays as it is.")
class EligibilityUpdateInput:
    max_income_percent: int | None = strawberry.UNSET
    required_traits: list[HouseholdTrait] | None = strawberry.UNSET


@strawberry.input(description="updateService: only the fields given change (null capacity: unlimited).")
class ServiceUpdateInput:
    name: str | None = strawberry.UNSET
    capacity: int | None = strawberry.UNSET
    capacity_period: CapacityPeriod | None = strawberry.UNSET
    eligibility: EligibilityUpdateInput | None = strawberry.UNSET
    region_ids: list[strawberry.ID] | None = strawberry.UNSET
    lead_time_days: int | None = strawberry.UNSET

    def fields(self) -> dict[str, Any]:
        from graph.errors import ValidationError

        out: dict[str, Any] = {}
        for name in ("name", "capacity", "capacity_period", "region_ids", "lead_time_days"):
            v = getattr(self, name)
            if v is strawberry.UNSET:
                continue
            if v is None and name in ("name", "region_ids", "lead_time_days"):
                raise ValidationError(_CAMEL[name], "cannot be null (leave it out to keep it)")
            out[name] = list(v) if name == "region_ids" else v
        e = self.eligibility
        if e is not None and e is not strawberry.UNSET:
            if e.max_income_percent is not strawberry.UNSET:
                out["max_income_percent"] = e.max_income_percent
            if e.required_traits is not strawberry.UNSET:
                out["required_traits"] = list(e.required_traits or ())
        return out


_CAMEL = {"name": "name", "region_ids": "regionIds", "lead_time_days": "leadTimeDays"}


@strawberry.input(description="A household's consent to share with partners: domains, organizations or both.")
class ConsentInput:
    id: strawberry.ID
    domains: list[Domain] | None = strawberry.field(default_factory=list)
    organization_ids: list[strawberry.ID] | None = strawberry.field(default_factory=list)
    given_on: dt.date
    method: ConsentMethod
    note: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "domains": list(self.domains or ()),
                "organization_ids": list(self.organization_ids or ()), "given_on": self.given_on,
                "method": self.method, "note": self.note}


@strawberry.input(description="An emergency override of consent for one organization.")
class ConsentOverrideInput:
    organization_id: strawberry.ID
    reason: str
    approved_by: str = strawberry.field(description="Who approved it (name or staff id).")

    def fields(self) -> dict[str, Any]:
        return {"organization_id": self.organization_id, "reason": self.reason,
                "approved_by": self.approved_by}
