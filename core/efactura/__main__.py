"""RO e-Factura from the command line:
  python -m core.efactura export --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--no-check]
  python -m core.efactura validate FILE.xml [FILE.xml ...]
  python -m core.efactura submit [--passes N]
Progress on stderr. A bad date or range exits with status 2; a refused document makes the status 1."""

import argparse
import sys
from pathlib import Path

from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.platform.errors import DomainError
from core.reports.base import Period, cli_day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.efactura", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the XML of every document issued in a period")
    export.add_argument("--from", dest="date_from", type=cli_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=cli_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    export.add_argument("--no-check", action="store_true", help="skip the official rules (faster; not for sending)")
    check = commands.add_parser("validate", help="check XML files against the official rules")
    check.add_argument("files", nargs="+", type=Path)
    submit = commands.add_parser("submit", help="prepare what is not yet submitted and send what is due")
    submit.add_argument("--passes", type=int, default=1, help="passes over the due documents (polls the answers)")
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


def _submit(args) -> int:
    from core.efactura.anaf import AuthorityError, HttpClient
    from core.efactura.submission import prepare_pending, run_due

    uow = UnitOfWork(get_engine(settings.database_url))
    prepared = prepare_pending(uow=uow)
    sys.stderr.write(f"prepared {prepared['prepared']:,}, refused by the rules {prepared['invalid']:,}\n")
    try:
        client = HttpClient()
    except AuthorityError as missing:
        sys.stderr.write(f"{missing}; nothing sent\n")
        return 2
    for n in range(1, args.passes + 1):
        counts = run_due(uow=uow, client=client)
        sys.stderr.write(f"pass {n}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + "\n")
    return 1 if prepared["invalid"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(args, parser)
    if args.command == "submit":
        return _submit(args)
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
