"""``dolbom match HOUSEHOLD_ID``: ranked coordinated packages for one household."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TextIO

from api.terminal import DB_HELP, date_arg, lang_arg, pad
from graph.factory import open_store
from graph.model import Domain
from matching import DEFAULT_POLICY, MatchResult
from matching.messages import render, word
from service.analysis import match_result
from service.principal import Principal

#: the largest --limit (the API's ``max_match_limit`` default)
MAX_LIMIT = 20


def _words(domains: Sequence[Domain], locale: str) -> str:
    return ", ".join(word(d, locale) for d in domains) if domains else render("cli.none", locale)


def write_table(result: MatchResult, out: TextIO, locale: str = "en") -> None:
    """The packages as a readable table: one row per item, reasons under it, then flags."""
    out.write(render("cli.header", locale, household=result.household_id, packages=len(result.packages),
                     on=result.on.isoformat(), candidates=result.candidate_count,
                     engine=result.engine) + "\n")
    widths = (("needs", 28), ("resource", 34), ("provider", 20), ("cost", 7))
    cols = tuple((render(f"col.{c}", locale), w) for c, w in widths)
    for p in result.packages:
        proof = "" if p.optimal else render("cli.not_proven", locale)
        out.write("\n" + render("cli.package", locale, rank=p.rank, cost=f"{p.cost:.2f}",
                                providers=p.provider_count, proof=proof) + "\n")
        if not p.items:
            out.write(render("cli.no_items", locale) + "\n")
        else:
            out.write("  " + " ".join(pad(h, w) for h, w in cols).rstrip() + "\n")
            for item in p.items:
                needs = ", ".join(word(d, locale) for d in item.domains) + f" ({len(item.need_ids)})"
                row = (needs, f"{item.name} [{item.resource_id}]", item.provider_id, f"{item.cost:.2f}")
                cells = " ".join(pad(v, w) for v, (_, w) in zip(row, cols, strict=True))
                out.write("  " + cells.rstrip() + "\n")
                out.writelines(f"      - {reason}\n" for reason in item.reasons)
        out.write(render("cli.covered", locale, domains=_words(p.covered_domains, locale)) + "\n")
        out.write(render("cli.missing", locale, domains=_words(p.missing_domains, locale)) + "\n")
        if p.flags:
            out.write(render("cli.flags", locale) + "\n")
            out.writelines(f"    {f.kind.value:<9} {f.message}\n" for f in p.flags)


def run(args: argparse.Namespace, out: TextIO) -> int:
    policy = DEFAULT_POLICY if args.time_limit is None else DEFAULT_POLICY.with_(time_limit=args.time_limit)
    with open_store(args.db) as store:
        result = match_result(store, Principal.local(), args.household_id, args.limit, max_limit=MAX_LIMIT,
                              on=args.on, policy=policy, locale=args.lang)
    if args.json:
        json.dump(result.as_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        write_table(result, out, args.lang)
    return 0


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIMIT} (got {value})")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds (got {text!r})")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("match", help="ranked coordinated service packages for one household")
    p.add_argument("household_id", metavar="HOUSEHOLD_ID")
    p.add_argument("--limit", type=_limit, default=3, help="how many alternative packages (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--on", type=date_arg, help="the day agreements must be in force (default: today)")
    lang_arg(p)
    p.add_argument("--time-limit", type=_seconds, dest="time_limit",
                   help=f"solver seconds for all packages (default {DEFAULT_POLICY.time_limit:g})")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)
