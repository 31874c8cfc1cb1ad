"""``dolbom generate OUT``: write a synthetic province as a CSV bundle."""

from __future__ import annotations

import argparse
import itertools
from typing import TextIO

from api.progress import progress_bar
from loaders.csvbundle import ENCODINGS, write_bundle
from loaders.synthetic import generate


def run(args: argparse.Namespace, out: TextIO) -> int:
    records = generate(args.households, args.seed)
    first = next(records)  # checks --households before anything is written
    with progress_bar(f"generating {args.households:,} households", None, unit="records") as update:
        counts = write_bundle(itertools.chain([first], records), args.directory, encoding=args.encoding,
                              progress=lambda n: update(n, None))
    out.write(f"wrote {sum(counts.values()):,} rows ({args.households:,} households, seed {args.seed}) "
              f"to {args.directory}\n")
    out.writelines(f"  {name:<18} {n:>10,}\n" for name, n in counts.items())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("generate", help="write a synthetic Gyeonggi-like province as a CSV bundle")
    p.add_argument("directory", metavar="OUT", help="folder to write the bundle to")
    p.add_argument("--households", type=int, default=2_000, help="households to generate (100 to 1,000,000)")
    p.add_argument("--seed", type=int, default=1, help="the same seed gives the same bundle")
    p.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig",
                   help="file encoding (default utf-8-sig)")
    p.set_defaults(func=run)
