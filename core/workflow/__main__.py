"""`python -m core.workflow migrate holder_change --to 2 [--dry-run]`: moves the open cases of a workflow onto
a newer version of its table (core.workflow.migrate) and prints the report; with --dry-run it writes nothing."""

import argparse
import sys

from core.platform.db import UnitOfWork, get_engine
from core.workflow import migrate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.workflow")
    commands = parser.add_subparsers(dest="command", required=True)
    move = commands.add_parser("migrate", help="move open cases onto a newer version of their workflow")
    move.add_argument("workflow", help="e.g. holder_change")
    move.add_argument("--to", type=int, required=True, dest="version", help="the version to move to")
    move.add_argument("--dry-run", action="store_true", help="report what would move and what is refused")
    args = parser.parse_args(argv)
    try:
        migrate.target(args.workflow, args.version)
    except LookupError as err:
        parser.error(str(err))
    engine = get_engine()
    report = migrate.migrate(uow_factory=lambda: UnitOfWork(engine), name=args.workflow,
                             to_version=args.version, dry_run=args.dry_run)
    print("\n".join(migrate.report_lines(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
