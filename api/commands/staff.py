"""``dolbom staff add|list|disable``: the people behind the tokens.

``add`` prints the new staff member's id and nothing else on stdout (so
``STAFF=$(dolbom staff add --name 김민지 --role caseworker --region gg-suwon)``
works); give it to ``dolbom token create --staff``. ``disable`` stops every
token of that person at once. Acts as the operator on the database file (a
coordinator, ``cli`` in the audit trail).

Korean first: ``list``'s headers, roles and states, ``disable``'s line and every
error are in ``--lang`` (default ``$DOLBOM_LOCALE`` or ko); times are shown in
the deployment's zone (``DOLBOM_TIMEZONE``, Asia/Seoul). ``list --format csv|xlsx``
writes a spreadsheet as the reports do (CSV with a BOM; ``--output FILE``).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api import spreadsheet
from api.commands.report import emit
from api.terminal import DB_HELP, lang_arg
from graph.errors import ValidationError
from graph.factory import open_store
from i18n import Message, render, word
from i18n.clock import show

FORMATS = ("table", "csv", "xlsx")


def zone() -> str:
    """The zone people read times in (``DOLBOM_TIMEZONE``, default Asia/Seoul)."""
    from service.settings import Settings

    return Settings.from_env().timezone


def role_word(role: object, lang: str) -> str:
    """A role as the list shows it: its word in Korean, its API spelling in English."""
    return word(role, lang) if lang == "ko" else str(getattr(role, "value", role))


def check_output(args: argparse.Namespace) -> None:
    if args.output and args.format not in spreadsheet.FORMATS:
        raise ValidationError("output", Message.of("cli.output.format"))


def add_list_options(p: argparse.ArgumentParser) -> None:
    """``--format table|csv|xlsx``, ``--output FILE`` and ``--lang``, as the reports take them."""
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), csv (UTF-8 with a BOM, for Excel) or xlsx (needs --output)")
    p.add_argument("--output", metavar="FILE", help="csv/xlsx: write the spreadsheet to FILE")
    lang_arg(p)


def add(args: argparse.Namespace, out: TextIO) -> int:
    from service.principal import Principal
    from service.staff import add_staff_audited

    with open_store(args.db) as store:
        s = add_staff_audited(store, Principal.local(), None, name=args.name, role=args.role,
                              organization_id=args.org, region_id=args.region, staff_id=args.id)
    out.write(s.id + "\n")
    return 0


def list_(args: argparse.Namespace, out: TextIO) -> int:
    from service.principal import Principal
    from service.staff import list_staff

    check_output(args)
    lang, tz = args.lang, zone()
    with open_store(args.db) as store:
        people = list_staff(store, Principal.local(), role=args.role, region_id=args.region,
                            organization_id=args.org, active=None if args.all else True)
    rows = [(s.id, s.name, role_word(s.role, lang), s.organization_id or s.region_id or "-",
             render("cli.staff.active", lang) if s.active
             else render("cli.staff.disabled", lang, at=show(s.disabled_at, tz)),
             show(s.created_at, tz)) for s in people]
    emit(rows, ("staff_id", "name", "role", "bound_to", "state", "created"), args.format, out, None, args,
         sheet="staff")
    return 0


def disable(args: argparse.Namespace, out: TextIO) -> int:
    from service.principal import Principal
    from service.staff import disable_staff_audited

    with open_store(args.db) as store:
        s = disable_staff_audited(store, Principal.local(), None, args.id)
    at = show(s.disabled_at, zone())
    out.write(render("cli.staff.disabled_now", args.lang, id=s.id, name=s.name, at=at) + "\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("staff", help="add, list or disable staff (the people tokens belong to)")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    roles = ["coordinator", "caseworker", "partner"]
    a = verbs.add_parser("add", help="add a staff member and print their id")
    a.add_argument("--name", required=True, help="the person's name (e.g. 김민지)")
    a.add_argument("--role", required=True, choices=roles)
    a.add_argument("--org", help="the partner's organization id (partners only)")
    a.add_argument("--region", help="the case worker's region id, their center's area (case workers only)")
    a.add_argument("--id", help="the staff id (default: generated, stf-...)")
    a.add_argument("--db", help=DB_HELP)
    lang_arg(a)
    a.set_defaults(func=add)
    ls = verbs.add_parser("list", help="active staff (--all: disabled ones too); times in DOLBOM_TIMEZONE")
    ls.add_argument("--role", choices=roles)
    ls.add_argument("--region", help="only staff of this region's subtree")
    ls.add_argument("--org", help="only this organization's staff")
    ls.add_argument("--all", action="store_true", help="disabled staff too")
    ls.add_argument("--db", help=DB_HELP)
    add_list_options(ls)
    ls.set_defaults(func=list_)
    d = verbs.add_parser("disable", help="disable a staff member: their tokens stop working at once")
    d.add_argument("id")
    d.add_argument("--db", help=DB_HELP)
    lang_arg(d)
    d.set_defaults(func=disable)
