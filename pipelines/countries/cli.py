"""`guarantees countries`: names on stdin, one per line -> `name<TAB>iso2<TAB>method` on stdout.

iso2 is empty unless the name is exactly one current country. With `--explain` two more columns
follow: the score and the reason. Lines are resolved in order, each distinct name once.
"""
from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    parser.add_argument("--explain", action="store_true", help="add score and reason columns")


def run(args, stdin=None, stdout=None) -> int:
    from pipelines.countries import resolve_many

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    names = [line.rstrip("\r\n") for line in stdin]
    out = []
    for name, r in zip(names, resolve_many(names)):
        cols = [name.replace("\t", " "), r.iso2 or "", r.method]
        if args.explain:
            cols += [f"{r.score:g}", r.reason]
        out.append("\t".join(cols))
    stdout.write("\n".join(out) + ("\n" if out else ""))
    return 0
