"""Settings of the API server: limits, CORS, GraphiQL, body cap.

``Settings.from_env()`` reads ``DOLBOM_*`` environment variables (CLI flags,
added by ``dolbom serve``, override them with :meth:`Settings.replace`).
Every limit is configurable; the defaults are what a public deployment needs.

===========================  ====================  =======================================================
variable                     field                 meaning
===========================  ====================  =======================================================
DOLBOM_MAX_DEPTH             max_depth             deepest selection nesting of a document
DOLBOM_MAX_ALIASES           max_aliases           aliases in one document
DOLBOM_MAX_TOKENS            max_tokens            lexer tokens in one document
DOLBOM_MAX_FIRST             max_first             largest ``first`` of a page
DOLBOM_MAX_ALLOCATE          max_allocate          most households in one ``allocate``
DOLBOM_MAX_MATCH_LIMIT       max_match_limit       most packages ``matchPackages`` returns
DOLBOM_MAX_BODY_BYTES        max_body_bytes        request body cap (HTTP 413 past it)
DOLBOM_BODY_TIMEOUT          body_timeout          seconds a request body may take to arrive (HTTP 408 past)
DOLBOM_MAX_COST_ANONYMOUS    max_cost_anonymous    estimated cost of one document, no token
DOLBOM_MAX_COST_PARTNER      max_cost_partner      the same for partners
DOLBOM_MAX_COST_CASEWORKER   max_cost_caseworker   the same for case workers
DOLBOM_MAX_COST_COORDINATOR  max_cost_coordinator  the same for coordinators
DOLBOM_TIME_BUDGET           time_budget           seconds a query may run before it ends with an error
DOLBOM_HEAVY_WORKERS         heavy_workers         analytics (coverage, network, allocate...) run at once
DOLBOM_ALLOCATE_TIME_LIMIT   allocate_time_limit   solver seconds for one ``allocate``
DOLBOM_EMERGENCY_DAYS        emergency_days        days from opening to a started service, EMERGENCY
DOLBOM_FOCUSED_DAYS          focused_days          the same for FOCUSED households
DOLBOM_DEADLINE_CLOCK        deadline_clock        what "started" means: accepted (a referral ACCEPTED,
                                                   the default) or delivered (DELIVERED)
DOLBOM_FOLLOW_UP_DAYS        follow_up_days        days from delivery to a DELIVERED referral's follow-up
DOLBOM_CORS_ORIGINS          cors_origins          comma-separated allowed origins ("" = no CORS)
DOLBOM_GRAPHIQL              graphiql              1/0: serve GraphiQL on GET /graphql
DOLBOM_LOCALE                locale                ko (default) or en: the language of messages, unless a
                                                   request asks (docs/locale.md)
DOLBOM_TIMEZONE              timezone              the zone times are shown and days counted in (Asia/Seoul)
DOLBOM_FAST_EXECUTION        fast_execution        1/0: queries run from compiled plans (schema/fastpath.py);
                                                   0 runs every field through graphql-core's executor
===========================  ====================  =======================================================
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import ValidationError
from i18n import LOCALES, Message
from i18n.clock import DEFAULT_TIMEZONE, zone

#: what starts a service for the response deadlines (service/deadlines.py)
DEADLINE_CLOCKS = ("accepted", "delivered")


@dataclass(frozen=True)
class Settings:
    """The API's knobs (see the module docstring for the environment names)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    max_first: int = 500
    max_allocate: int = 5000
    max_match_limit: int = 20
    max_body_bytes: int = 1_000_000
    body_timeout: float = 10.0
    max_cost_anonymous: int = 10_000
    max_cost_partner: int = 50_000
    max_cost_caseworker: int = 100_000
    max_cost_coordinator: int = 200_000
    time_budget: float = 30.0
    heavy_workers: int = 1
    allocate_time_limit: float = 10.0
    emergency_days: int = 3
    focused_days: int = 14
    follow_up_days: int = 7
    deadline_clock: str = "accepted"
    cors_origins: tuple[str, ...] = ()
    graphiql: bool = True
    locale: str = "ko"
    timezone: str = DEFAULT_TIMEZONE
    fast_execution: bool = True

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            if f.type in ("int", "float") and (not number or v <= 0):
                raise ValidationError(f.name, Message.of("settings.positive", got=repr(v)))
        if self.locale not in LOCALES:
            raise ValidationError("locale", Message.of("error.enum", allowed=", ".join(LOCALES),
                                                       got=repr(self.locale)))
        try:
            zone(self.timezone)
        except ValueError:
            raise ValidationError("timezone",
                                  Message.of("settings.timezone", zone=repr(self.timezone))) from None
        if self.deadline_clock not in DEADLINE_CLOCKS:
            raise ValidationError("deadline_clock", Message.of(
                "error.enum", allowed=", ".join(DEADLINE_CLOCKS), got=repr(self.deadline_clock)))

    def max_cost(self, role: str) -> int:
        """The cost limit of a role (``Role.value``: anonymous, partner, caseworker, coordinator, local)."""
        return {"anonymous": self.max_cost_anonymous, "partner": self.max_cost_partner,
                "caseworker": self.max_cost_caseworker}.get(role, self.max_cost_coordinator)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``DOLBOM_*`` variables; unset ones keep their defaults.
        A malformed value raises :class:`ValidationError` naming the variable."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            name = f"DOLBOM_{f.name.upper()}"
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            raw = raw.strip()
            try:
                if f.type == "int":
                    values[f.name] = int(raw)
                elif f.type == "float":
                    values[f.name] = float(raw)
                elif f.type == "bool":
                    if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                        raise ValueError(raw)
                    values[f.name] = raw.lower() in ("1", "true", "yes", "on")
                elif f.type == "str":  # zone names have case (Asia/Seoul)
                    values[f.name] = raw if f.name == "timezone" else raw.lower()
                else:
                    values[f.name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            except ValueError:
                raise ValidationError(name, Message.of("settings.cannot_read", raw=repr(raw),
                                                       type=str(f.type))) from None
        try:
            return cls(**values)
        except ValidationError as e:
            raise ValidationError(f"DOLBOM_{(e.field or '').upper()}", e.text or e.message) from None
