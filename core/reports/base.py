"""What every report shares: who may run one, its period and filters, its columns, and rows streamed
from SQL in batches (a server-side cursor on PostgreSQL), never a whole table in memory."""

import argparse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, text
from sqlmodel import Session, select

from core.models import Role
from core.platform.errors import DomainError
from core.platform.i18n import has_key, t
from core.platform.workdays import day_bounds
from core.staff.auth import Actor, require_role
from core.staff.masking import mask_name, sees_personal_data

# the back office's readers of figures; clerks work cases and have no use for bulk extracts
READERS = (Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)
BATCH = 2000


@dataclass(frozen=True)
class Period:
    """Calendar days in Bucharest, both ends included."""

    date_from: date
    date_to: date

    def __post_init__(self):
        if self.date_from > self.date_to:
            raise DomainError("reports.bad_range")

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware moments, to compare with stored UTC timestamps."""
        return day_bounds(self.date_from, self.date_to)


@dataclass(frozen=True)
class Filters:
    case_type: str | None = None


@dataclass(frozen=True)
class Column:
    key: str  # its heading is t(f"reports.col.{key}")
    kind: str  # a core.platform.xlsx cell kind
    width: float = 14
    total: bool = False  # summed on the first sheet
    title: str | None = None  # a heading built at run time (e.g. "Reached: Documents received")

    @property
    def heading(self) -> str:
        return self.title or t(f"reports.col.{self.key}")


@dataclass
class Table:
    """One data sheet: its columns, its rows (a generator, consumed once) and how many rows to expect
    (exact where a COUNT is cheap, an estimate for grouped sheets: it only drives the progress bar)."""

    sheet: str  # its name is t(f"reports.sheet.{sheet}")
    columns: list[Column]
    rows: Iterator[tuple]
    count: int
    totals: dict[str, object] = field(default_factory=dict)  # filled by the writer while streaming


@dataclass(frozen=True)
class Report:
    name: str  # t(f"reports.name.{name}")
    build: Callable[[Session, Actor, Period, Filters], list[Table]]
    case_type_filter: bool = False

    def tables(self, session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
        require_role(actor, READERS)
        return self.build(session, actor, period, filters)


def cli_day(value: str) -> date:
    """A command line's YYYY-MM-DD argument (the reports' and the e-Factura export's), refused in words."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("reports.bad_date", value=value)) from None


def stream(session: Session, statement) -> Iterator:
    """Rows in batches of BATCH: memory holds one batch, whatever the row count."""
    result = session.exec(statement.execution_options(yield_per=BATCH))
    for batch in result.partitions():
        yield from batch


def read_whole(session: Session) -> None:
    """Plans the transaction's cursors for every row they hold: PostgreSQL plans a server-side cursor for its first
    10 % (`cursor_tuple_fraction`), right for a preview's 20 rows, not for a workbook that reads them all (at 1M
    accounts the payments sheet streamed in 24 s on such a plan, 10 s on one for every row)."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SET LOCAL cursor_tuple_fraction = 1"))


def count(session: Session, statement) -> int:
    return session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()


def name_for(role: Role) -> Callable[[str | None], str]:
    """Names as stored for roles that see personal data, initials for the others."""
    return (lambda value: value or "") if sees_personal_data(role) else mask_name


def label(prefix: str, code: str | None) -> str:
    """A code's name in the current language; a code the catalog does not know yet shows as stored."""
    if not code:
        return ""
    key = f"{prefix}.{code}"
    return t(key) if has_key(key) else code


def yes_no(flag: bool) -> str:
    return t("reports.yes") if flag else t("reports.no")
