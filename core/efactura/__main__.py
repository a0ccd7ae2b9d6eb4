"""RO e-Factura from the command line:
  python -m core.efactura export --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--no-check]
  python -m core.efactura validate FILE.xml [FILE.xml ...]
Progress on stderr. A bad date or range exits with status 2; a refused document makes the status 1."""

import argparse
import sys
from datetime import date
from pathlib import Path

from core.config import settings
from core.db import UnitOfWork, get_engine
from core.errors import DomainError
from core.i18n import t
from core.reports.base import Period


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("reports.bad_date", value=value)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.efactura", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the XML of every document issued in a period")
    export.add_argument("--from", dest="date_from", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    export.add_argument("--no-check", action="store_true", help="skip the official rules (faster; not for sending)")
    check = commands.add_parser("validate", help="check XML files against the official rules")
    check.add_argument("files", nargs="+", type=Path)
    return parser


def _progress(done: int, seconds: float) -> None:
    rate = done / seconds if seconds else 0.0
    sys.stderr.write(f"\r{done:,} documents, {rate:,.0f}/s")
    sys.stderr.flush()


def _export(args, parser) -> int:
    from core.efactura.export import ERRORS_FILE, export_period

    try:
        period = Period(args.date_from, args.date_to)
    except DomainError as err:
        parser.error(str(err))  # exits with status 2
    result = export_period(uow=UnitOfWork(get_engine(settings.database_url)), period=period, out=args.out,
                           check=not args.no_check, progress=_progress)
    sys.stderr.write(f"\n{result.written:,} written to {args.out}, {len(result.refused):,} refused"
                     + (f" (see {args.out / ERRORS_FILE})" if result.refused else "") + "\n")
    return 1 if result.refused else 0


def _validate(args) -> int:
    from core.efactura.validate import validate

    bad = 0
    for path in args.files:
        failed = validate(path.read_bytes())
        bad += bool(failed)
        print(f"{path}: " + ("OK" if not failed else f"{len(failed)} error(s)"))
        for rule in failed:
            print(f"    {rule}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(args, parser)
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
