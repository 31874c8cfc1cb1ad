"""Matching: coordinated service packages over a networkx view (pure, no I/O).

The entry point is :func:`match`; see :mod:`matching.packages` for the steps,
:mod:`matching.policy` for the cost, :mod:`matching.flags` for the flags.
"""

from .messages import Message, render
from .packages import compose, match
from .policy import DEFAULT_POLICY, Policy
from .results import Flag, FlagKind, MatchResult, MissingReason, Package, PackageItem

__all__ = [
    "DEFAULT_POLICY", "Flag", "FlagKind", "MatchResult", "Message", "MissingReason", "Package",
    "PackageItem", "Policy", "compose", "match", "render",
]
