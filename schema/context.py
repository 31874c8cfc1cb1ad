"""The per-request GraphQL context: who calls, on which store, with which
settings, under which request id, with fresh DataLoaders.

Built once per request by :mod:`api.app`; DataLoaders live here and die with
the request (a global loader would leak one caller's reads to another, past
authorization, and bind futures to the wrong event loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.store import Store
from service.principal import Principal
from service.settings import Settings

from .loaders import Loaders


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    store: Store
    principal: Principal
    settings: Settings = field(default_factory=Settings)
    request_id: str | None = None
    request: Any = None
    response: Any = None
    #: per-request caches and DataLoaders (see schema.loaders.Loaders)
    loaders: Loaders | None = None
    #: households whose data this request showed: one audit entry at its end
    households_read: set[str] = field(default_factory=set)
    #: the language of this request's messages, "ko" or "en" (i18n.locale.negotiate; api/app.py)
    locale: str = "ko"

    def __post_init__(self) -> None:
        if self.loaders is None:
            self.loaders = Loaders(self.store, self.principal)
