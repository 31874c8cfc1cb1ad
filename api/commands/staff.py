"""``dolbom staff add|list|disable``: the people behind the tokens.

``add`` prints the new staff member's id and nothing else on stdout (so
``STAFF=$(dolbom staff add --name 김민지 --role caseworker --region gg-suwon)``
works); give it to ``dolbom token create --staff``. ``disable`` stops every
token of that person at once. Acts as the operator on the database file (a
coordinator, ``cli`` in the audit trail).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP, table
from graph.factory import open_store


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

    with open_store(args.db) as store:
        rows = list_staff(store, Principal.local(), role=args.role, region_id=args.region,
                          organization_id=args.org, active=None if args.all else True)
    table([(s.id, s.name, s.role.value, s.organization_id or s.region_id or "-",
            "active" if s.active else f"disabled {s.disabled_at}", s.created_at) for s in rows],
          ("id", "name", "role", "bound to", "state", "created"), out)
    return 0


def disable(args: argparse.Namespace, out: TextIO) -> int:
    from service.principal import Principal
    from service.staff import disable_staff_audited

    with open_store(args.db) as store:
        s = disable_staff_audited(store, Principal.local(), None, args.id)
    out.write(f"disabled {s.id} ({s.name}) at {s.disabled_at}: their tokens no longer work\n")
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
    a.set_defaults(func=add)
    ls = verbs.add_parser("list", help="active staff (--all: disabled ones too)")
    ls.add_argument("--role", choices=roles)
    ls.add_argument("--region", help="only staff of this region's subtree")
    ls.add_argument("--org", help="only this organization's staff")
    ls.add_argument("--all", action="store_true", help="disabled staff too")
    ls.add_argument("--db", help=DB_HELP)
    ls.set_defaults(func=list_)
    d = verbs.add_parser("disable", help="disable a staff member: their tokens stop working at once")
    d.add_argument("id")
    d.add_argument("--db", help=DB_HELP)
    d.set_defaults(func=disable)
