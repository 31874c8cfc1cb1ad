"""The domain model: typed, validated, immutable records of the welfare graph.

Every record is a frozen dataclass whose constructor checks and normalises its
own fields (types, ranges, lengths) and raises :class:`ValidationError` naming
the field as the public contract spells it. Rules that need the rest of the
graph (references exist, region levels, cycles) live in :mod:`graph.rules`.

Lists are normalised to sorted, de-duplicated tuples (enums in declaration
order), so two records with the same content compare equal whatever order the
caller gave, and both stores return them identically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, TypeVar

from i18n.catalogue import Message

from . import periods
from .errors import ValidationError

MAX_ID = 128
MAX_NAME = 200
MAX_TEXT = 2000
MAX_LANGUAGE = 35


class _Enum(str, enum.Enum):
    """A string enum whose values are the contract's names."""

    _value_: str

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.value


class Domain(_Enum):
    HEALTH = "HEALTH"
    HOUSING = "HOUSING"
    EMPLOYMENT = "EMPLOYMENT"
    LEGAL = "LEGAL"
    INCOME = "INCOME"
    EDUCATION = "EDUCATION"
    CARE = "CARE"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    FOOD = "FOOD"


class Sector(_Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"
    NONPROFIT = "NONPROFIT"
    RELIGIOUS = "RELIGIOUS"
    CORPORATE = "CORPORATE"
    ASSOCIATION = "ASSOCIATION"


class Urgency(_Enum):
    EMERGENCY = "EMERGENCY"
    FOCUSED = "FOCUSED"
    GENERAL = "GENERAL"


class HouseholdTrait(_Enum):
    ELDERLY = "ELDERLY"
    DISABLED = "DISABLED"
    CHILDREN = "CHILDREN"
    SINGLE_PARENT = "SINGLE_PARENT"
    MULTICULTURAL = "MULTICULTURAL"
    UNEMPLOYED = "UNEMPLOYED"
    CHRONIC_ILLNESS = "CHRONIC_ILLNESS"


class CaseStatus(_Enum):
    """Where a household's case stands (service/cases.py has the moves)."""

    OPEN = "OPEN"
    IN_CONFERENCE = "IN_CONFERENCE"
    MONITORING = "MONITORING"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"


class RegionLevel(_Enum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    DONG = "DONG"


class NeedStatus(_Enum):
    OPEN = "OPEN"
    MET = "MET"
    CLOSED = "CLOSED"


class ReferralStatus(_Enum):
    PROPOSED = "PROPOSED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    DELIVERED = "DELIVERED"
    DECLINED = "DECLINED"
    CLOSED = "CLOSED"


class SupportForm(_Enum):
    """How a resource helps (지원형태): cash 현금, in kind 현물, a voucher 이용권, a service 서비스."""

    CASH = "CASH"
    IN_KIND = "IN_KIND"
    VOUCHER = "VOUCHER"
    SERVICE = "SERVICE"


class CapacityPeriod(_Enum):
    """The period a service's places count over (none: places held now, given back when declined);
    periods are calendar weeks (Monday first), months and years in Korean time (service/capacity.py)."""

    WEEK = "WEEK"
    MONTH = "MONTH"
    YEAR = "YEAR"


#: a type tag's spelling (the tags themselves are in :mod:`graph.taxonomy`)
TAG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TAG = 40
MAX_TAGS = 20


# --------------------------------------------------------------------------
# field checks: each returns the normalised value or raises ValidationError


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: what an id must not hold beyond ASCII: C1 controls, format characters (soft hyphen, zero-width
#: spaces and joiners, bidi marks, embeddings, overrides and isolates, word joiner, BOM, tags),
#: line and paragraph separators, variation selectors, Hangul fillers and lone surrogates. Each
#: is invisible or reorders text, so two ids that print the same would name different records.
_INVISIBLE = re.compile(
    "[\x80-\x9f\xad\u034f\u061c\u115f\u1160\u180b-\u180f\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff"
    "\U000e0000-\U000e0fff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, Message.of("error.id.empty"))
    text: str = value
    if not text.isascii():
        bad = _INVISIBLE.search(text)
        if bad:
            raise ValidationError(name, Message.of("error.id.invisible", char=f"U+{ord(bad.group()):04X}",
                                                    position=str(bad.start() + 1)))
        text = unicodedata.normalize("NFC", text)  # one spelling per id: NFD input names the same record
    if len(text) > MAX_ID:
        raise ValidationError(name, Message.of("error.too_long", limit=str(MAX_ID), got=str(len(text))))
    if text != text.strip() or _CONTROL.search(text):
        raise ValidationError(name, Message.of("error.id.spaces"))
    return text


def _opt_id(name: str, value: Any) -> str | None:
    return None if value is None or value == "" else _id(name, value)


def _ids(name: str, values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(name, Message.of("error.id.list"))
    return tuple(sorted({_id(name, v) for v in values}))


def _text(name: str, value: Any, limit: int, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(name, Message.of("error.text.required" if required else "error.text.string"))
    if len(value) > limit:
        raise ValidationError(name, Message.of("error.too_long", limit=str(limit), got=str(len(value))))
    bad = None if value.isascii() else _SURROGATE.search(value)
    if bad:  # half of a UTF-16 pair: not text, and no store can write it
        raise ValidationError(name, Message.of("error.text.surrogate", char=f"U+{ord(bad.group()):04X}",
                                                position=str(bad.start() + 1)))
    return value


def _int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, Message.of("error.int.whole"))
    if lo is not None and value < lo or hi is not None and value > hi:
        if hi is None:
            raise ValidationError(name, Message.of("error.int.at_least", lo=str(lo), got=str(value)))
        raise ValidationError(name, Message.of("error.int.between", lo=str(lo), hi=str(hi), got=str(value)))
    return value


def _opt_int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int | None:
    return None if value is None else _int(name, value, lo, hi)


E = TypeVar("E", bound=_Enum)


def _enum(name: str, cls: type[E], value: Any) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise ValidationError(name, Message.of("error.enum", allowed=allowed, got=repr(value))) from None


def _enums(name: str, cls: type[E], values: Any) -> tuple[E, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(name, Message.of("error.list"))
    members = {_enum(name, cls, v) for v in values}
    return tuple(m for m in cls if m in members)


def _tags(name: str, values: Any) -> tuple[str, ...]:
    """Type tags: slugs of lower-case letters, digits and single hyphens, sorted and de-duplicated."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(name, Message.of("error.tags.list"))
    out = set()
    for v in values:
        if not isinstance(v, str) or len(v) > MAX_TAG or not TAG_PATTERN.fullmatch(v):
            raise ValidationError(name, Message.of("error.tags.bad", tag=repr(v), limit=str(MAX_TAG)))
        out.add(v)
    if len(out) > MAX_TAGS:
        raise ValidationError(name, Message.of("error.tags.too_many", limit=str(MAX_TAGS), got=str(len(out))))
    return tuple(sorted(out))


def _date(name: str, value: Any, *, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(name, Message.of("error.date", got=repr(value)))


def _timestamp(name: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValidationError(name, Message.of("error.timestamp", got=repr(value)))


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(name, Message.of("error.bool"))
    return value


def camel(name: str) -> str:
    """A Python field name in the contract's spelling: ``max_income_percent`` -> ``maxIncomePercent``."""
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def now_iso() -> str:
    """The current UTC time as the ISO-8601 string referrals carry."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------
# references between records: the graph's relationships are derived from these


class Ref(NamedTuple):
    """A field that names other records.

    ``targets`` are the labels it may name; ``rel`` the relationship type;
    ``outgoing`` True when the edge runs from the owner to the target
    (``(Service)-[:SERVES]->(Region)``), False when it runs the other way
    (``(Organization)-[:OFFERS]->(Service)`` is owned by ``Service.provider_id``).
    """

    field: str
    contract_name: str
    targets: tuple[str, ...]
    rel: str
    outgoing: bool = True


def field_value(v: Any) -> Any:
    """A record field's value as JSON and a Neo4j property hold it: a tuple as a list (its enums as
    their values), an enum as its value, a date as its ISO string; anything else as it is."""
    if isinstance(v, tuple):
        return [x.value if isinstance(x, enum.Enum) else x for x in v]
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


class Record:
    """Behaviour shared by every record kind (mixed into the dataclasses)."""

    __slots__ = ()

    LABEL: ClassVar[str]
    REFS: ClassVar[tuple[Ref, ...]] = ()
    #: contract names of fields whose Python name differs
    CONTRACT: ClassVar[dict[str, str]] = {}

    @property
    def key(self) -> str:
        # every node kind has an id field; Receipt, the one without, overrides key
        return self.id  # type: ignore[attr-defined,no-any-return]

    def refs(self) -> Iterator[tuple[Ref, str, str]]:
        """Yield ``(ref, target_label, target_id)`` for every id this record names."""
        for ref in self.REFS:
            value = getattr(self, ref.field)
            if value is None:
                continue
            label = self._target_label(ref)
            for target in value if isinstance(value, tuple) else (value,):
                yield ref, label, target

    def _target_label(self, ref: Ref) -> str:
        return ref.targets[0]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as names, dates as ISO strings: :func:`field_value`)."""
        return {f.name: field_value(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        names = _FIELD_NAMES.get(cls)
        if names is None:
            fields = dataclasses.fields(cls)  # type: ignore[arg-type]
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields)
        return cls(**{k: v for k, v in data.items() if k in names})

    def replace(self, **changes: Any) -> Record:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Region(Record):
    LABEL: ClassVar[str] = "Region"
    REFS: ClassVar[tuple[Ref, ...]] = (Ref("parent_id", "parentId", ("Region",), "PART_OF"),)

    id: str
    name: str
    level: RegionLevel
    parent_id: str | None = None

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "name", _text("name", self.name, MAX_NAME))
        _set(self, "level", _enum("level", RegionLevel, self.level))
        _set(self, "parent_id", _opt_id("parentId", self.parent_id))
        if self.parent_id == self.id:
            raise ValidationError("parentId", Message.of("model.region.own_parent", region=repr(self.id)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization(Record):
    LABEL: ClassVar[str] = "Organization"
    REFS: ClassVar[tuple[Ref, ...]] = (Ref("region_ids", "regionIds", ("Region",), "ACTIVE_IN"),)

    id: str
    name: str
    sector: Sector
    region_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "name", _text("name", self.name, MAX_NAME))
        _set(self, "sector", _enum("sector", Sector, self.sector))
        _set(self, "region_ids", _ids("regionIds", self.region_ids))


@dataclass(frozen=True, slots=True, kw_only=True)
class Service(Record):
    LABEL: ClassVar[str] = "Service"
    REFS: ClassVar[tuple[Ref, ...]] = (
        Ref("provider_id", "providerId", ("Organization",), "OFFERS", outgoing=False),
        Ref("region_ids", "regionIds", ("Region",), "SERVES"),
        Ref("excludes_ids", "excludesIds", ("Service",), "EXCLUDES"),
        Ref("agreement_id", "agreementId", ("Agreement",), "UNDER"),
    )

    id: str
    name: str
    provider_id: str
    domains: tuple[Domain, ...]
    region_ids: tuple[str, ...]
    #: eligibility: highest income in % of median that qualifies (None: no rule)
    max_income_percent: int | None = None
    #: eligibility: the household must have every one of these traits
    required_traits: tuple[HouseholdTrait, ...] = ()
    #: places per period (None: unlimited)
    capacity: int | None = None
    #: places taken now
    used: int = 0
    lead_time_days: int = 0
    #: cost to the household, in ``cost_currency`` (None: unknown, which is not free)
    cost: int | None = 0
    excludes_ids: tuple[str, ...] = ()
    agreement_id: str | None = None
    active: bool = True
    #: how it helps: cash, in kind, a voucher or a service (지원형태)
    form: SupportForm = SupportForm.SERVICE
    #: type tags from the taxonomy (:mod:`graph.taxonomy`)
    tags: tuple[str, ...] = ()
    #: the currency ``cost`` is in, as the source gave it (None: Korean won)
    cost_currency: str | None = None
    #: the period ``capacity`` counts over (None: places held now); ``used_since``: the start of the
    #: period ``used`` counts (service/capacity.py)
    capacity_period: CapacityPeriod | None = None
    used_since: dt.date | None = None

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "name", _text("name", self.name, MAX_NAME))
        _set(self, "provider_id", _id("providerId", self.provider_id))
        _set(self, "domains", _enums("domains", Domain, self.domains))
        if not self.domains:
            raise ValidationError("domains", Message.of("model.domains.empty"))
        _set(self, "region_ids", _ids("regionIds", self.region_ids))
        if not self.region_ids:
            raise ValidationError("regionIds", Message.of("model.regions.empty"))
        _set(self, "max_income_percent",
             _opt_int("eligibility.maxIncomePercent", self.max_income_percent, 0, 1000))
        _set(self, "required_traits",
             _enums("eligibility.requiredTraits", HouseholdTrait, self.required_traits))
        _set(self, "capacity", _opt_int("capacity", self.capacity, 0))
        _set(self, "used", _int("used", self.used, 0))
        _set(self, "lead_time_days", _int("leadTimeDays", self.lead_time_days, 0, 3650))
        _set(self, "cost", _opt_int("cost", self.cost, 0))
        _set(self, "cost_currency", _text("costCurrency", self.cost_currency, 16, required=False))
        if self.cost_currency is not None and not self.cost_currency.strip():
            raise ValidationError("costCurrency", Message.of("model.currency"))
        _set(self, "excludes_ids", _ids("excludesIds", self.excludes_ids))
        if self.id in self.excludes_ids:
            raise ValidationError("excludesIds",
                                  Message.of("model.service.excludes_itself", service=repr(self.id)))
        _set(self, "agreement_id", _opt_id("agreementId", self.agreement_id))
        _set(self, "active", _bool("active", self.active))
        _set(self, "form", _enum("form", SupportForm, self.form))
        _set(self, "tags", _tags("tags", self.tags))
        if self.capacity_period is not None:
            _set(self, "capacity_period", _enum("capacityPeriod", CapacityPeriod, self.capacity_period))
        _set(self, "used_since", _date("usedSince", self.used_since, required=False))

    @property
    def available(self) -> int | None:
        """Places left now (in the current period: graph/periods.py); None means unlimited."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - periods.service_used(self, periods.today()))

    @property
    def cost_won(self) -> int | None:
        """The cost in won; None when unknown or given in another currency."""
        return self.cost if self.cost_currency is None else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement(Record):
    LABEL: ClassVar[str] = "Agreement"
    REFS: ClassVar[tuple[Ref, ...]] = (
        Ref("partner_id", "partnerId", ("Organization",), "SIGNED", outgoing=False),
    )

    id: str
    partner_id: str
    domains: tuple[Domain, ...]
    signed_on: dt.date
    expires_on: dt.date | None = None
    annual_quota: int | None = None
    used: int = 0
    #: the first day of the agreement year ``used`` counts (None: the current one; service/capacity.py)
    used_since: dt.date | None = None

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "partner_id", _id("partnerId", self.partner_id))
        _set(self, "domains", _enums("domains", Domain, self.domains))
        if not self.domains:
            raise ValidationError("domains", Message.of("model.domains.empty"))
        _set(self, "signed_on", _date("signedOn", self.signed_on))
        _set(self, "expires_on", _date("expiresOn", self.expires_on, required=False))
        if self.expires_on is not None and self.expires_on < self.signed_on:
            raise ValidationError("expiresOn",
                                  Message.of("model.expires.before", signed=self.signed_on.isoformat()))
        _set(self, "annual_quota", _opt_int("annualQuota", self.annual_quota, 0))
        _set(self, "used", _int("used", self.used, 0))
        _set(self, "used_since", _date("usedSince", self.used_since, required=False))

    def in_force(self, on: dt.date) -> bool:
        return self.signed_on <= on and (self.expires_on is None or on <= self.expires_on)

    @property
    def quota_left(self) -> int | None:
        """Quota left in the current agreement year (graph/periods.py); None: no quota."""
        if self.annual_quota is None:
            return None
        return max(0, self.annual_quota - periods.agreement_used(self, periods.today()))


@dataclass(frozen=True, slots=True, kw_only=True)
class Volunteer(Record):
    LABEL: ClassVar[str] = "Volunteer"
    REFS: ClassVar[tuple[Ref, ...]] = (Ref("region_ids", "regionIds", ("Region",), "SERVES"),)

    id: str
    name: str
    skills: tuple[Domain, ...]
    region_ids: tuple[str, ...]
    languages: tuple[str, ...] = ()
    hours_per_week: int = 0
    #: how the volunteer helps (a service by default: time and skills)
    form: SupportForm = SupportForm.SERVICE
    #: type tags from the taxonomy (:mod:`graph.taxonomy`)
    tags: tuple[str, ...] = ()
    #: hours a week its ACCEPTED referrals take now, kept by service/capacity.py (what matching reads)
    hours_used: int = 0

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "name", _text("name", self.name, MAX_NAME))
        _set(self, "skills", _enums("skills", Domain, self.skills))
        if not self.skills:
            raise ValidationError("skills", Message.of("model.domains.empty"))
        _set(self, "region_ids", _ids("regionIds", self.region_ids))
        if not self.region_ids:
            raise ValidationError("regionIds", Message.of("model.regions.empty"))
        if isinstance(self.languages, str) or not isinstance(self.languages, Iterable):
            raise ValidationError("languages", Message.of("model.strings"))
        langs = {_text("languages", x, MAX_LANGUAGE) for x in self.languages}
        _set(self, "languages", tuple(sorted(langs)))
        _set(self, "hours_per_week", _int("hoursPerWeek", self.hours_per_week, 0, 168))
        _set(self, "hours_used", _int("hoursUsed", self.hours_used, 0))
        _set(self, "form", _enum("form", SupportForm, self.form))
        _set(self, "tags", _tags("tags", self.tags))


def household_traits(values: Any) -> tuple[HouseholdTrait, ...]:
    """A household's ``traits`` as its record holds them: checked, in the enum's order."""
    return _enums("traits", HouseholdTrait, values)


def household_urgency(value: Any) -> Urgency:
    """A household's ``urgency`` as its record holds it, checked."""
    return _enum("urgency", Urgency, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Household(Record):
    LABEL: ClassVar[str] = "Household"
    REFS: ClassVar[tuple[Ref, ...]] = (Ref("region_id", "regionId", ("Region",), "LIVES_IN"),)

    id: str
    region_id: str
    size: int
    income_percent: int
    traits: tuple[HouseholdTrait, ...] = ()
    urgency: Urgency = Urgency.GENERAL
    #: the case (service/cases.py): its status, lead case manager (a staff id, service/staff.py) and
    #: next review date; kept on the record because the ``households`` query filters on them
    case_status: CaseStatus = CaseStatus.OPEN
    case_manager_id: str | None = None
    review_on: dt.date | None = None

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "region_id", _id("regionId", self.region_id))
        _set(self, "size", _int("size", self.size, 1, 100))
        _set(self, "income_percent", _int("incomePercent", self.income_percent, 0, 1000))
        _set(self, "traits", household_traits(self.traits))
        _set(self, "urgency", household_urgency(self.urgency))
        _set(self, "case_status", _enum("caseStatus", CaseStatus, self.case_status))
        _set(self, "case_manager_id", _opt_id("caseManagerId", self.case_manager_id))
        _set(self, "review_on", _date("reviewOn", self.review_on, required=False))


def need_domain(value: Any) -> Domain:
    """A need's ``domain`` as its record holds it, checked."""
    return _enum("domain", Domain, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Need(Record):
    LABEL: ClassVar[str] = "Need"
    REFS: ClassVar[tuple[Ref, ...]] = (
        Ref("household_id", "householdId", ("Household",), "HAS_NEED", outgoing=False),
    )

    id: str
    household_id: str
    domain: Domain
    severity: int
    detail: str | None = None
    status: NeedStatus = NeedStatus.OPEN
    #: type tags given explicitly; none given: derived from ``detail`` where needed (:mod:`graph.taxonomy`)
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "household_id", _id("householdId", self.household_id))
        _set(self, "domain", need_domain(self.domain))
        _set(self, "severity", _int("severity", self.severity, 1, 5))
        _set(self, "detail", _text("detail", self.detail, MAX_TEXT, required=False))
        _set(self, "status", _enum("status", NeedStatus, self.status))
        _set(self, "tags", _tags("tags", self.tags))


RESOURCE_LABELS = ("Service", "Volunteer")


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral(Record):
    LABEL: ClassVar[str] = "Referral"
    REFS: ClassVar[tuple[Ref, ...]] = (
        Ref("household_id", "householdId", ("Household",), "FOR"),
        Ref("resource_id", "resourceId", RESOURCE_LABELS, "TO"),
        Ref("need_ids", "needIds", ("Need",), "COVERS"),
    )

    id: str
    household_id: str
    #: "Service" or "Volunteer": which kind of record resource_id names
    resource_label: str
    resource_id: str
    need_ids: tuple[str, ...]
    status: ReferralStatus = ReferralStatus.PROPOSED
    created_at: str = field(default_factory=now_iso)
    updated_at: str = ""
    #: the partner's inbox (service/inbox.py): why the household is referred, the hours a week a
    #: volunteer gives it, why it was declined, the outcome note, the partner's first answer
    #: (ACCEPTED or DECLINED) and when it was accepted (the place's period counts from then)
    reason: str | None = None
    hours: int = 1
    decline_reason: str | None = None
    outcome_note: str | None = None
    responded_at: str | None = None
    accepted_at: str | None = None

    def __post_init__(self) -> None:
        _set(self, "id", _id("id", self.id))
        _set(self, "household_id", _id("householdId", self.household_id))
        _set(self, "reason", _text("reason", self.reason, MAX_TEXT, required=False))
        _set(self, "hours", _int("hours", self.hours, 0, 168))
        _set(self, "decline_reason", _text("reason", self.decline_reason, MAX_TEXT, required=False))
        _set(self, "outcome_note", _text("note", self.outcome_note, MAX_TEXT, required=False))
        if self.responded_at is not None:
            _set(self, "responded_at", _timestamp("respondedAt", self.responded_at))
        if self.accepted_at is not None:
            _set(self, "accepted_at", _timestamp("acceptedAt", self.accepted_at))
        if self.resource_label not in RESOURCE_LABELS:
            raise ValidationError("resourceId",
                                  Message.of("model.resource.label", got=repr(self.resource_label)))
        _set(self, "resource_id", _id("resourceId", self.resource_id))
        _set(self, "need_ids", _ids("needIds", self.need_ids))
        if not self.need_ids:
            raise ValidationError("needIds", Message.of("model.needs.empty"))
        _set(self, "status", _enum("status", ReferralStatus, self.status))
        _set(self, "created_at", _timestamp("createdAt", self.created_at))
        _set(self, "updated_at", _timestamp("updatedAt", self.updated_at or self.created_at))

    def _target_label(self, ref: Ref) -> str:
        return self.resource_label if ref.field == "resource_id" else ref.targets[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt(Record):
    """A service the household already receives: an edge, not a node."""

    LABEL: ClassVar[str] = "Receipt"
    REFS: ClassVar[tuple[Ref, ...]] = (
        Ref("household_id", "householdId", ("Household",), "RECEIVES"),
        Ref("service_id", "serviceId", ("Service",), "RECEIVES"),
    )
    SEP: ClassVar[str] = "\x1f"

    household_id: str
    service_id: str

    def __post_init__(self) -> None:
        _set(self, "household_id", _id("householdId", self.household_id))
        _set(self, "service_id", _id("serviceId", self.service_id))

    @property
    def key(self) -> str:
        return receipt_key(self.household_id, self.service_id)


def receipt_key(household_id: str, service_id: str) -> str:
    return f"{household_id}{Receipt.SEP}{service_id}"


def split_receipt_key(key: str) -> tuple[str, str]:
    """``(household_id, service_id)`` of a receipt key (the inverse of :func:`receipt_key`)."""
    household_id, _, service_id = key.partition(Receipt.SEP)
    return household_id, service_id


#: node kinds in the order a bundle can be written without forward references
NODE_TYPES: tuple[type[Record], ...] = (
    Region, Organization, Agreement, Service, Volunteer, Household, Need, Referral,
)
RECORD_TYPES: dict[str, type[Record]] = {t.LABEL: t for t in NODE_TYPES + (Receipt,)}
NODE_LABELS: tuple[str, ...] = tuple(t.LABEL for t in NODE_TYPES)
EDGE_LABELS: tuple[str, ...] = ("Receipt",)


def record_type(label: str) -> type[Record]:
    try:
        return RECORD_TYPES[label]
    except KeyError:
        raise ValidationError("label", Message.of("model.label.unknown", label=repr(label))) from None


def node_key(label: str, id: str) -> str:
    """The networkx node key of a record: ``"Service:svc-1"``."""
    return f"{label}:{id}"


def split_node_key(key: str) -> tuple[str, str]:
    label, _, id = key.partition(":")
    return label, id
