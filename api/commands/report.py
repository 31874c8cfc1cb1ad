"""``dolbom report coverage|overlaps|network|overdue|capacity``: the coordinator's reports.

* ``coverage`` — one row per region and domain of the subtree (see
  :mod:`matching.coverage`) with both kinds of blind spot: NOTHING (open needs
  no eligible resource offers at all: nothing exists) and SHORT (not enough
  places: eligible resources full, plus UNMET, the needs beyond what today's
  places can cover together, as the conference's optimal plan leaves them).
  The table leaves out rows with no open need and no service, CSV and JSON
  have every cell. ``--plot FILE.png`` also draws the two heatmaps side by
  side: the regions one level below ``--region`` (or below each root) by domain.
* ``overlaps`` — groups of services of different organizations giving the same
  benefit (form and tag) to the same people (:mod:`matching.overlaps`), most
  redundant first: the top ``--top`` (20) unless ``--all``.
* ``network`` — the organizations' collaboration analytics
  (:func:`matching.network.analytics`) as a table or CSV (one row per
  organization); JSON has the whole picture (:func:`matching.network.network`,
  ``--kinds`` to choose node kinds) and the analytics.
* ``capacity`` — used, left and next reset of each limited service, MOU quota
  and volunteer (:func:`service.capacity.report`, as the ``capacityReport``
  query), for ``--region``'s subtree, on ``--on`` (today).
* ``audit`` — the audit log as the ``auditLog`` query filters it (``--actor``,
  ``--action``, ``--target``, ``--since``, ``--until``; the first ``--limit``,
  500), times in the deployment's zone; a ``--since``/``--until`` without an
  offset is read in that zone too (``2025-03-02`` is midnight in Seoul).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from api import spreadsheet
from api.terminal import DB_HELP, date_arg, lang_arg, table
from graph.errors import ValidationError
from graph.factory import open_store
from graph.model import Domain
from graph.store import Store
from i18n import render, word
from i18n.clock import local_today, show
from matching import CoverageCell
from matching.network import NODE_KINDS
from service import analysis, audit, capacity, deadlines
from service.principal import Principal
from service.settings import Settings

FORMATS = ("table", "csv", "xlsx", "json")


def _emit(rows: list[tuple[Any, ...]], columns: tuple[str, ...], fmt: str, out: TextIO, data: Any,
          args: argparse.Namespace) -> None:
    emit(rows, columns, fmt, out, data, args, sheet=args.report)


def emit(rows: list[tuple[Any, ...]], columns: tuple[str, ...], fmt: str, out: TextIO, data: Any,
         args: argparse.Namespace, *, sheet: str) -> None:
    """Rows of a report or a list (``dolbom token list``, ``dolbom staff list``) in the asked
    format; headers are ``col.<name>`` of the catalogue in ``--lang``, the XLSX sheet
    ``sheet.<sheet>``. CSV and XLSX go through :mod:`api.spreadsheet` (CSV with a BOM,
    formula-safe cells; ``--output`` when given)."""
    lang = args.lang
    headers = tuple(render(f"col.{c}", lang) for c in columns)
    if fmt == "json":
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt in spreadsheet.FORMATS:
        path = getattr(args, "output", None)
        n = spreadsheet.write(fmt, headers, rows, out=out, path=path, sheet=render(f"sheet.{sheet}", lang))
        if path:
            print(render("report.written", lang, rows=str(n), path=path), file=sys.stderr)
    elif rows:
        table(rows, headers, out)
    else:
        out.write(render("report.none", lang) + "\n")


def _free(v: int | None, lang: str = "en") -> str:
    return render("report.unlimited", lang) if v is None else str(v)


#: what ``--plot`` can write (matplotlib's formats that need nothing more installed)
PLOT_FORMATS = (".png", ".svg", ".pdf")


def check_plot_path(path: str) -> None:
    """Refuse a ``--plot`` file that cannot be written, before any work is done."""
    target = Path(path)
    if target.suffix.lower() not in PLOT_FORMATS:
        raise ValidationError("plot", f"must end in {', '.join(PLOT_FORMATS)} (got {target.name!r})")
    folder = target.parent
    if not folder.is_dir():
        raise ValidationError("plot", f"folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValidationError("plot", f"folder {str(folder)!r} is not writable")
    if importlib.util.find_spec("matplotlib") is None:
        raise ValidationError("plot", "drawing needs matplotlib: pip install 'dolbom[plot]'")


def _hangul_font() -> str | None:
    """The name of an installed font that has Hangul, if any."""
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if any(k in f.name for k in ("CJK", "Nanum", "Noto Sans KR", "Malgun", "UnDotum", "Baekmuk")):
            return f.name
    return None


def plot_coverage(cells: list[CoverageCell], rows: list[str], names: dict[str, str], path: str,
                  title: str, lang: str = "ko") -> None:
    """Two heatmaps side by side, ``rows`` (region ids) by domain, written to ``path``: needs for
    which nothing exists, and needs short of places."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    domains = list(Domain)
    at = {(c.region_id, c.domain): c for c in cells}
    hangul = _hangul_font()
    if hangul:
        plt.rcParams["font.family"] = [hangul, "DejaVu Sans"]
    else:  # no font can draw the Korean names: label the rows by id alone
        names = {r: r for r in rows}
    if not hangul and lang == "ko":  # no font can draw Hangul labels: English ones rather than boxes
        lang = "en"
    kinds: tuple[tuple[str, Callable[[CoverageCell], int], str], ...] = (
        (render("plot.nothing", lang), lambda c: c.missing_needs, "Reds"),
        (render("plot.short", lang), lambda c: c.short_of_places, "Oranges"))
    fig, axes = plt.subplots(1, 2, sharey=True,
                             figsize=(3 + 1.8 * len(domains), 1.5 + 0.3 * max(1, len(rows))))
    for ax, (label, value, cmap) in zip(axes, kinds, strict=True):
        data = np.array([[value(at[r, d]) if (r, d) in at else 0 for d in domains] for r in rows])
        im = ax.imshow(data, cmap=cmap, aspect="auto", vmin=0)
        ax.set_xticks(range(len(domains)), [word(d, lang) for d in domains], rotation=45, ha="right")
        if len(rows) <= 40:
            for i in range(len(rows)):
                for j in range(len(domains)):
                    if data[i, j]:
                        dark = data[i, j] > data.max() / 2
                        ax.text(j, i, str(data[i, j]), ha="center", va="center", fontsize=7,
                                color="white" if dark else "black")
        fig.colorbar(im, ax=ax, label=label)
        ax.set_title(label)
    axes[0].set_yticks(range(len(rows)), [r if names.get(r, r) == r else f"{names[r]} ({r})" for r in rows])
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_coverage(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    lang = args.lang
    on = args.on or local_today(Settings.from_env().timezone)  # today in the offices' zone, not UTC's
    cells = analysis.coverage_cells(store, Principal.local(), args.region, on=on)
    headers = ("region", "domain", "open", "uncovered", "nothing", "short", "unmet", "services", "free")
    shown = cells if args.format != "table" else [c for c in cells if c.open_needs or c.services]
    rows = [(c.region_id, c.domain.value if lang == "en" else word(c.domain, lang), c.open_needs,
             c.uncovered_needs, c.missing_needs, c.short_of_places, c.unmet_needs, c.services,
             _free(c.free_capacity, lang) if args.format == "table" else
             ("" if c.free_capacity is None else c.free_capacity)) for c in shown]
    _emit(rows, headers, args.format, out, [c.as_dict() for c in cells], args)
    if args.format == "table":
        top = [c for c in cells if c.region_id == args.region] if args.region else []
        nothing = sum(c.missing_needs for c in top) if top else sum(1 for c in cells if c.missing_needs)
        short = sum(c.short_of_places for c in top) if top else sum(1 for c in cells if c.short_of_places)
        unmet = sum(c.unmet_needs for c in top)
        if top:
            out.write("\n" + render("report.coverage.region", lang, region=args.region, nothing=str(nothing),
                                    short=str(short), unmet=str(unmet)) + "\n")
        else:
            out.write("\n" + render("report.coverage.cells", lang, nothing=str(nothing), short=str(short))
                      + "\n")
    if args.plot:
        rows_, names = analysis.heatmap_rows(store, args.region)
        where = args.region or render("plot.every_region", lang)
        plot_coverage(cells, rows_, names, args.plot, render("plot.title", lang, region=where), lang)


def run_overlaps(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    lang = args.lang
    groups = analysis.overlap_groups(store, Principal.local(), args.region, locale=lang)
    shown = groups if args.all else groups[:args.top]
    rows = [(o.region_id, o.form.value if lang == "en" else word(o.form, lang), o.tag,
             " ".join(o.service_ids),
             _free(o.capacity, lang) if o.capacity is None else o.capacity, o.demand, f"{o.redundancy:g}",
             o.message) for o in shown]
    headers = ("region", "form", "tag", "service_ids", "capacity", "demand", "redundancy", "message")
    _emit(rows, headers, args.format, out, [o.as_dict() for o in shown], args)
    if args.format == "table" and len(shown) < len(groups):
        out.write("\n" + render("report.overlaps.more", lang, shown=str(len(shown)), total=str(len(groups)))
                  + "\n")


def run_network(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    picture, a = analysis.network_report(store, Principal.local(), args.region, args.kinds,
                                         picture=args.format == "json")
    lang = args.lang
    if picture is not None:
        _emit([], (), "json", out, {**picture.as_dict(), "analytics": a.as_dict()}, args)
        return
    headers = ("organization", "name", "degree", "weighted", "betweenness", "community")
    rows = [(o.id, o.name, f"{o.degree:.4f}", f"{o.weighted_degree:g}", f"{o.betweenness:.4f}", o.community)
            for o in a.organizations]
    _emit(rows, headers, args.format, out, None, args)
    if args.format == "table":
        largest = len(a.components[0]) if a.components else 0
        out.write("\n" + render("report.network.components", lang, count=str(len(a.components)),
                                largest=str(largest)) + "\n")
        out.write(render("report.network.communities", lang, count=str(len(a.communities)))
                  + (render("report.network.sampled", lang) if a.sampled_betweenness else "") + "\n")
        out.writelines(f"  {i}: {', '.join(c[:12])}{' ...' if len(c) > 12 else ''}\n"
                       for i, c in enumerate(a.communities[:10]))
        out.write(render("report.network.unreferred", lang, count=str(len(a.unreferred))) + "\n")
        if a.unreferred:
            out.write("  " + ", ".join(a.unreferred[:30]) + (" ..." if len(a.unreferred) > 30 else "") + "\n")


def run_overdue(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    """Households past their response deadline, by region and the case worker who opened them."""
    settings = Settings.from_env()
    rows = deadlines.overdue(store, Principal.local(), settings, region_id=args.region, as_of=args.as_of)
    clock = settings.deadline_clock
    if args.format == "table":  # which clock: what "in time" meant for this report
        out.write(render(f"report.overdue.clock.{clock}", args.lang) + "\n")
    # the case worker who opened the case, by name when the token named a person (its id beside)
    headers = ("region", "case_worker", "household", "urgency", "opened", "due", "days_late", "token",
               "case_manager", "clock")  # col.* of the catalogue, in --lang
    tz = settings.timezone  # people read times in the offices' zone (DOLBOM_TIMEZONE); JSON keeps stored UTC
    urgency = (lambda u: u.value) if args.lang == "en" else (lambda u: word(u, args.lang))
    table = [(o.region_id, o.opened_by_name or o.opened_by or "-", o.household_id, urgency(o.urgency),
              show(o.opened_at, tz), show(o.due_at, tz), o.days_late, o.opened_by or "-",
              o.case_manager_id or "-", clock)
             for o in rows]
    data = [{"regionId": o.region_id, "openedBy": o.opened_by, "openedByName": o.opened_by_name,
             "openedByStaffId": o.opened_by_staff_id, "householdId": o.household_id,
             "urgency": o.urgency.value,
             "openedAt": o.opened_at, "dueAt": o.due_at, "daysLate": o.days_late,
             "caseManagerId": o.case_manager_id, "clock": clock} for o in rows]
    _emit(table, headers, args.format, out, data, args)


def run_capacity(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    """Used, left and next reset of each limited service, MOU quota and volunteer (service/capacity.py)."""
    lang = args.lang
    rows = capacity.report(store, Principal.local(), args.on, region_id=args.region)
    headers = ("resource_kind", "resource_id", "name", "organization", "limit", "period", "used_now",
               "left_now", "next_reset")
    shown = [(render(f"capacity.kind.{r.kind}", lang), r.id, r.name, r.organization_id or "-",
              _free(r.limit, lang) if r.limit is None else r.limit,
              render(f"capacity.period.{r.period}", lang), r.used,
              _free(r.left, lang) if r.left is None else r.left,
              r.next_reset.isoformat() if r.next_reset else render("capacity.never", lang)) for r in rows]
    data = [{"kind": r.kind, "id": r.id, "name": r.name, "organizationId": r.organization_id,
             "limit": r.limit, "period": r.period, "used": r.used, "left": r.left,
             "nextReset": r.next_reset.isoformat() if r.next_reset else None} for r in rows]
    _emit(shown, headers, args.format, out, data, args)


def _local_bound(value: str | None, tz: str) -> str | None:
    """A ``--since``/``--until`` as the audit log compares it: a time without an offset is local."""
    import datetime as dt

    from i18n.clock import zone

    if value is None:
        return None
    try:
        t = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # the audit log refuses it, naming the field
    return (t if t.tzinfo else t.replace(tzinfo=zone(tz))).isoformat()


def _role(role: str | None, lang: str) -> str:
    from service.principal import Role

    try:
        return word(Role(role), lang) if lang == "ko" else str(role)
    except ValueError:
        return role or "-"


def run_audit(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    """The audit log, oldest first, as the coordinators' ``auditLog`` query filters it; times local."""
    import json as _json

    from i18n.clock import show as _show

    lang, tz = args.lang, Settings.from_env().timezone
    since, until = _local_bound(args.since, tz), _local_bound(args.until, tz)
    entries: list[dict[str, Any]] = []
    after: str | None = None
    while len(entries) < args.limit:
        page = audit.audit_log(store, Principal.local(), first=min(500, args.limit - len(entries)),
                               after=after, max_first=500, actor=args.actor, action=args.action,
                               target_id=args.target, since=since, until=until)
        entries.extend(d for _, d in page.entries)
        if not page.has_next or not page.entries:
            break
        after = audit.encode_cursor(page.entries[-1][0])
    headers = ("at", "staff", "actor", "role", "action", "target_ids", "request", "detail")
    rows = [(_show(e.get("at"), tz, seconds=True), e.get("staffName") or e.get("staffId") or "-",
             e.get("actor") or "-", _role(e.get("role"), lang),
             e.get("action") or "", " ".join(e.get("targetIds") or ()), e.get("requestId") or "-",
             _json.dumps(e.get("detail") or {}, ensure_ascii=False, sort_keys=True)) for e in entries]
    data = [{**e, "atLocal": _show(e.get("at"), tz, seconds=True)} for e in entries]
    _emit(rows, headers, args.format, out, data, args)


RUNNERS = {"coverage": run_coverage, "overlaps": run_overlaps, "network": run_network, "overdue": run_overdue,
           "capacity": run_capacity, "audit": run_audit}


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.plot and args.report != "coverage":
        raise ValidationError("plot", "--plot works with the coverage report only")
    if args.as_of and args.report != "overdue":
        raise ValidationError("as-of", "--as-of works with the overdue report only")
    if args.all and args.report != "overlaps":
        raise ValidationError("all", "--all works with the overlaps report only")
    if args.plot:
        check_plot_path(args.plot)
    if args.format == "xlsx" and not args.output:
        raise ValidationError("output", "--format xlsx needs --output FILE.xlsx (a spreadsheet is not text)")
    if args.output and args.format not in spreadsheet.FORMATS:
        raise ValidationError("output", "--output works with --format csv or xlsx")
    with open_store(args.db) as store:
        RUNNERS[args.report](args, store, out)
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r})")
    return int(text)


def _kinds(text: str) -> list[str]:
    kinds = [k.strip().upper() for k in text.split(",") if k.strip()]
    bad = [k for k in kinds if k not in NODE_KINDS]
    if bad or not kinds:
        raise argparse.ArgumentTypeError(f"must be a comma-separated list of {', '.join(NODE_KINDS)} "
                                         f"(got {text!r})")
    return kinds


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("report", help="coverage, overlaps, network, overdue and capacity reports for "
                                      "coordinators")
    p.add_argument("report", choices=tuple(RUNNERS), help="which report")
    p.add_argument("--region", help="a region id: report on its subtree (default: every region)")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="output format (default table); csv has a UTF-8 BOM for Excel, xlsx needs --output")
    p.add_argument("--output", metavar="FILE", help="csv/xlsx: write the spreadsheet to FILE")
    p.add_argument("--plot", metavar="FILE.png", help="coverage: also draw a heatmap of uncovered needs")
    p.add_argument("--on", type=date_arg,
                   help="coverage: the day agreements must be in force; capacity: the day whose period "
                        "counts (default: today)")
    lang_arg(p)
    p.add_argument("--top", type=_positive, default=20,
                   help="overlaps: how many groups, most redundant first (20)")
    p.add_argument("--all", action="store_true", help="overlaps: every group")
    p.add_argument("--kinds", type=_kinds,
                   help="network --format json: node kinds, comma-separated (default all)")
    p.add_argument("--as-of", help="overdue: judge deadlines at this ISO date or time (default: now)")
    p.add_argument("--actor", help="audit: only entries of this token id (`dolbom token list`)")
    p.add_argument("--action", help="audit: only this action (a mutation's name, or read)")
    p.add_argument("--target", help="audit: only entries naming this record id")
    p.add_argument("--since", help="audit: from this ISO date or time (no offset: in DOLBOM_TIMEZONE)")
    p.add_argument("--until", help="audit: before this ISO date or time (no offset: in DOLBOM_TIMEZONE)")
    p.add_argument("--limit", type=_positive, default=500, help="audit: at most this many entries (500)")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)
