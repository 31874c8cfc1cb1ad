"""``dolbom report recruit|whatif|fairness|burndown|takes``: the what-would-it-take reports.

They join ``dolbom report`` (:mod:`api.commands.report`, registered before
this module: commands register in name order) as more choices of its
``report`` argument, with their own options; the other reports run as before.

* ``recruit --region ID [--top N] [--new DOMAIN:REGION[:CAPACITY[:FORM]]]`` — the
  recruitment advisor (:mod:`matching.recruit`);
* ``whatif --region ID --change KIND:ARGS ...`` — the difference hypothetical
  changes make (nothing is written). KIND:ARGS is one of ``retire:SERVICE``,
  ``expire:MOU:YYYY-MM-DD``, ``capacity:SERVICE:N`` (or ``unlimited``),
  ``places:SERVICE:N``, ``quota:MOU:N``, ``extend:SERVICE:REGION``,
  ``new:DOMAIN:REGION:CAPACITY[:FORM]``;
* ``fairness [--region ID]`` — need-adjusted coverage per city and county;
* ``burndown [--region ID] [--window DAYS]`` — quota and capacity run-out forecast;
* ``takes --household ID`` — what would cover the household's missing needs.

Like the other reports they speak ``--lang`` (``--locale``; Korean by default):
headers are ``col.*`` of the catalogue, summaries and sentences too
(``i18n/texts/whatif.py``); CSV and XLSX go through :mod:`api.spreadsheet`
(``--format csv|xlsx --output FILE``) by the reports' one emitter.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any, TextIO

from api import spreadsheet
from graph.errors import ValidationError
from graph.factory import open_store
from graph.model import Domain, SupportForm
from graph.store import Store
from i18n import render, word
from matching import whatif as w
from matching.recruit import NewProgram
from service import whatif as service
from service.principal import Principal

from .report import _emit

REPORTS = ("recruit", "whatif", "fairness", "burndown", "takes")


def _loc(args: argparse.Namespace) -> str:
    """The report's language (``--lang``, ``--locale``; see :func:`api.terminal.lang_arg`)."""
    return str(args.lang)


def _kind(kind: str, lang: str) -> str:
    """A kind of change in the report's language (codes in JSON)."""
    return render(f"change.kind.{kind}", lang)


def _dom(d: Domain, lang: str) -> str:
    return d.value if lang == "en" else word(d, lang)


def _domain(text: str) -> Domain:
    try:
        return Domain(text.upper())
    except ValueError:
        raise ValidationError(
            "change", f"{text!r} is not a domain ({', '.join(d.value for d in Domain)})"
        ) from None


def _form(text: str) -> SupportForm:
    try:
        return SupportForm(text.upper())
    except ValueError:
        raise ValidationError("change", f"{text!r} is not a support form") from None


def _int(text: str, what: str) -> int:
    if not text.isdigit():
        raise ValidationError("change", f"{what} must be a whole number (got {text!r})")
    return int(text)


def parse_change(text: str) -> w.Change:
    """One ``--change KIND:ARGS`` (see the module docstring); a coded error naming ``change`` otherwise."""
    kind, _, rest = text.partition(":")
    args = rest.split(":") if rest else []
    kind = kind.lower()
    try:
        if kind == "retire" and len(args) == 1:
            return w.Retire(args[0])
        if kind == "expire" and len(args) == 2:
            return w.Expire(args[0], dt.date.fromisoformat(args[1]))
        if kind == "capacity" and len(args) == 2:
            return w.Capacity(args[0], None if args[1] == "unlimited" else _int(args[1], "capacity"))
        if kind == "places" and len(args) == 2:
            return w.AddPlaces(args[0], _int(args[1], "places"))
        if kind == "quota" and len(args) == 2:
            return w.AddQuota(args[0], _int(args[1], "quota"))
        if kind == "extend" and len(args) == 2:
            return w.Extend(args[0], args[1])
        if kind == "new" and len(args) in (3, 4):
            form = _form(args[3]) if len(args) == 4 else SupportForm.SERVICE
            cap = None if args[2] == "unlimited" else _int(args[2], "capacity")
            return w.NewService(
                f"whatif-new-{args[1]}-{args[0].lower()}",
                (_domain(args[0]),),
                (args[1],),
                capacity=cap,
                form=form,
            )
    except ValueError as e:
        raise ValidationError("change", f"{text!r}: {e}") from None
    raise ValidationError(
        "change",
        f"{text!r} is not KIND:ARGS (retire:SERVICE, expire:MOU:DATE, capacity:SERVICE:N, "
        "places:SERVICE:N, quota:MOU:N, extend:SERVICE:REGION, new:DOMAIN:REGION:N[:FORM])",
    )


def _new_program(text: str) -> NewProgram:
    parts = text.split(":")
    if len(parts) not in (2, 3, 4):
        raise ValidationError("new", f"{text!r} is not DOMAIN:REGION[:CAPACITY[:FORM]]")
    cap = 1 if len(parts) < 3 else (None if parts[2] == "unlimited" else _int(parts[2], "capacity"))
    form = _form(parts[3]) if len(parts) == 4 else SupportForm.SERVICE
    return NewProgram(_domain(parts[0]), parts[1], cap, form)


def run_recruit(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    new = [_new_program(t) for t in args.new or ()]
    a = service.recruitment(store, Principal.local(), args.region, top=args.top, new=new, on=args.on)
    rows = [
        (
            i + 1,
            _kind(r.kind, _loc(args)),
            r.target_id,
            r.region_id or "-",
            f"{r.value:,.0f}",
            r.needs,
            r.message.render(_loc(args)),
        )
        for i, r in enumerate(a.ranked)
    ]
    if args.format == "table":
        out.write(render("report.recruit.summary", _loc(args), households=a.households,
                         needs=a.uncovered_needs, value=f"{a.uncovered_value:,.0f}", candidates=a.candidates,
                         seconds=f"{a.seconds:.2f}") + "\n")
    data = {
        "households": a.households,
        "uncoveredNeeds": a.uncovered_needs,
        "uncoveredValue": a.uncovered_value,
        "candidates": a.candidates,
        "seconds": a.seconds,
        "exact": a.exact,
        "ranked": [
            {
                "kind": r.kind,
                "targetId": r.target_id,
                "regionId": r.region_id,
                "value": r.value,
                "needs": r.needs,
                "change": w.describe(r.change),
                "message": r.message.render(_loc(args)),
            }
            for r in a.ranked
        ],
    }
    _emit(rows, ("rank", "kind", "change_target", "region", "value", "needs", "why"), args.format, out, data,
          args)


def run_whatif(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    changes = [parse_change(t) for t in args.change or ()]
    r = service.what_if(store, Principal.local(), args.region, changes, on=args.on, locale=_loc(args))
    rows: list[tuple[Any, ...]] = []
    lang = _loc(args)
    rows += [
        (
            render("report.whatif.row.cover", lang),
            c.household_id,
            # under "before" the needs covered only before the change (lost), under "after" those
            # covered only after it (gained)
            ",".join(c.lost) or "-",
            ",".join(c.gained) or "-",
            c.message.render(_loc(args)),
        )
        for c in r.cover
    ]
    rows += [
        (render("report.whatif.row.spot", lang), f"{s.region_id} {_dom(s.domain, lang)}", s.before, s.after,
         s.message.render(lang))
        for s in r.spots
    ]
    rows += [
        (
            render("report.whatif.row.duplicate", lang),
            f"{d.region_id} {_dom(d.domain, lang)}",
            d.tag,
            ",".join(d.service_ids),
            d.message.render(_loc(args)),
        )
        for d in r.duplicates
    ]
    if args.format == "table":
        said = "; ".join(w.describe(c) for c in r.changes) or render("report.whatif.no_change", lang)
        out.write(render("report.whatif.changes", lang, changes=said) + "\n")
        out.write(render("report.whatif.compliance", lang, households=r.households,
                         within_before=r.compliance_before.within, needs_before=r.compliance_before.needs,
                         within_after=r.compliance_after.within, needs_after=r.compliance_after.needs)
                  + (render("report.whatif.no_difference", lang) if r.no_difference else "") + "\n")
    data = {
        "changes": [w.describe(c) for c in r.changes],
        "households": r.households,
        "noDifference": r.no_difference,
        "cover": [
            {"householdId": c.household_id, "gained": list(c.gained), "lost": list(c.lost)} for c in r.cover
        ],
        "blindSpots": [
            {
                "regionId": s.region_id,
                "domain": s.domain.value,
                "kind": s.kind,
                "before": s.before,
                "after": s.after,
            }
            for s in r.spots
        ],
        "duplicates": [
            {
                "regionId": d.region_id,
                "domain": d.domain.value,
                "tag": d.tag,
                "serviceIds": list(d.service_ids),
            }
            for d in r.duplicates
        ],
        "compliance": {
            "before": [r.compliance_before.within, r.compliance_before.needs],
            "after": [r.compliance_after.within, r.compliance_after.needs],
        },
    }
    _emit(rows, ("what", "who_where", "before", "after", "message"), args.format, out, data, args)


def run_fairness(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    rows = service.fairness_rows(store, Principal.local(), args.region, on=args.on)
    table = [
        (
            r.region_id,
            r.name,
            r.households,
            r.open_needs,
            r.covered_needs,
            f"{r.coverage:.3f}",
            f"{r.unmet_value:,.0f}",
            r.emergency_uncovered,
        )
        for r in rows
    ]
    data = [
        {
            "regionId": r.region_id,
            "name": r.name,
            "households": r.households,
            "openNeeds": r.open_needs,
            "coveredNeeds": r.covered_needs,
            "coverage": r.coverage,
            "unmetValue": r.unmet_value,
            "emergencyUncovered": r.emergency_uncovered,
        }
        for r in rows
    ]
    _emit(
        table,
        ("region", "name", "households", "open", "covered", "coverage", "unmet_value", "emergency_unmet"),
        args.format,
        out,
        data,
        args,
    )


def run_burndown(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    rows = service.burn_down_rows(store, Principal.local(), args.region, on=args.on, window_days=args.window)
    table = [
        (
            render(f"burndown.kind.{b.kind}", _loc(args)),
            b.id,
            b.total,
            b.used,
            b.left,
            f"{b.per_month:.1f}",
            b.runs_out.isoformat() if b.runs_out else "-",
            b.message.render(_loc(args)),
        )
        for b in rows
    ]
    data = [
        {
            "kind": b.kind,
            "id": b.id,
            "total": b.total,
            "used": b.used,
            "left": b.left,
            "perMonth": b.per_month,
            "runsOut": b.runs_out.isoformat() if b.runs_out else None,
        }
        for b in rows
    ]
    _emit(
        table,
        ("kind", "id", "total", "used", "left", "per_month", "runs_out", "message"),
        args.format,
        out,
        data,
        args,
    )


def run_takes(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    if not args.household:
        raise ValidationError("household", "takes needs --household ID")
    t = service.household_takes(store, Principal.local(), args.household, on=args.on)
    rows = [
        (
            a.need_id,
            _dom(a.domain, _loc(args)),
            a.reason.value,
            _kind(s.kind, _loc(args)),
            f"{s.cost:g}",
            ",".join(s.covers),
            s.message.render(_loc(args)),
        )
        for a in t.answers
        for s in a.suggestions
    ]
    rows += [
        (a.need_id, _dom(a.domain, _loc(args)), a.reason.value, "-", "-", "-", a.message.render(_loc(args)))
        for a in t.answers
        if not a.suggestions and a.message is not None
    ]
    data = [
        {
            "needId": a.need_id,
            "domain": a.domain.value,
            "reason": a.reason.value,
            "suggestions": [
                {
                    "kind": s.kind,
                    "cost": s.cost,
                    "covers": list(s.covers),
                    "change": w.describe(s.change),
                    "message": s.message.render(_loc(args)),
                }
                for s in a.suggestions
            ],
        }
        for a in t.answers
    ]
    _emit(rows, ("need", "domain", "reason", "change", "cost", "covers", "why"), args.format, out, data, args)


RUNNERS: dict[str, Callable[[argparse.Namespace, Store, TextIO], None]] = {
    "recruit": run_recruit,
    "whatif": run_whatif,
    "fairness": run_fairness,
    "burndown": run_burndown,
    "takes": run_takes,
}


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r})")
    return int(text)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the reports above to ``dolbom report`` (registered before this module)."""
    p = sub.choices.get("report")
    if p is None:  # pragma: no cover - api.cli registers commands in name order
        raise RuntimeError("dolbom report must be registered before its what-if reports")
    for action in p._actions:
        if action.dest == "report" and action.choices is not None:
            action.choices = (*tuple(action.choices), *REPORTS)
    p.add_argument(
        "--change",
        action="append",
        metavar="KIND:ARGS",
        help="whatif: a hypothetical change (repeatable): retire:SERVICE, expire:MOU:DATE, "
        "capacity:SERVICE:N, places:SERVICE:N, quota:MOU:N, extend:SERVICE:REGION, "
        "new:DOMAIN:REGION:N[:FORM]",
    )
    p.add_argument(
        "--new",
        action="append",
        metavar="DOMAIN:REGION[:CAPACITY[:FORM]]",
        help="recruit: also value a new program (repeatable)",
    )
    p.add_argument("--household", help="takes: the household to ask about")
    p.add_argument("--window", type=_positive, default=90, help="burndown: days of referral history (90)")
    base = p.get_default("func")

    def run(args: argparse.Namespace, out: TextIO) -> int:
        if args.report not in RUNNERS:
            for opt, name in ((args.change, "change"), (args.new, "new"), (args.household, "household")):
                if opt:
                    raise ValidationError(name, f"--{name} works with the {', '.join(REPORTS)} reports only")
            return int(base(args, out) or 0)
        others = ((args.plot, "plot"), (args.as_of, "as-of"), (args.all, "all"), (args.kinds, "kinds"))
        for opt, name in others:
            if opt:
                raise ValidationError(name, f"--{name} does not work with the {args.report} report")
        if args.format == "xlsx" and not args.output:
            raise ValidationError("output",
                                  "--format xlsx needs --output FILE.xlsx (a spreadsheet is not text)")
        if args.output and args.format not in spreadsheet.FORMATS:
            raise ValidationError("output", "--output works with --format csv or xlsx")
        with open_store(args.db) as store:
            RUNNERS[args.report](args, store, out)
        return 0

    p.set_defaults(func=run)
