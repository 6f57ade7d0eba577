"""The `guarantees` command line: one entry point, one module per subcommand.

Subcommand modules are imported only when used, so that `guarantees countries` answers without
loading Dagster. Each module exposes `add_arguments(parser)` and `run(args) -> int`.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "run": ("pipelines.commands.run", "run the whole pipeline over the seeds folder and publish a release"),
    "countries": ("pipelines.countries.cli", "normalise country names read one per line from stdin"),
    "score": ("pipelines.commands.score", "run the pipeline on the evaluation documents and score it against the gold"),
    "releases": ("pipelines.commands.releases", "list, show, verify, diff and download releases"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guarantees", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        build_parser().parse_args(argv)  # prints usage or the error and exits
        return 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(COMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"guarantees {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(rest)) or 0)


if __name__ == "__main__":
    sys.exit(main())
