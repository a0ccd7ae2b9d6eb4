"""Volume demo data without the services: accounts with 12+ months of invoices (their lines from
core.accounts.invoice_lines), payments and their allocations, cases in every state of every workflow with their
hash-chained audit events, and documents, generated in batches and written with COPY (PostgreSQL) or
executemany in large transactions (SQLite). It appends to whatever the database holds: ids, number
sequences and the audit chain continue from what is there, and are advanced past what was loaded."""

import hashlib
import json
import multiprocessing
import random
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from queue import Empty
from types import SimpleNamespace

from faker import Faker
from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from stdnum.ro import cnp, cui

from core.accounts import payment_days
from core.accounts.invoice_lines import Charged, Line, estimate_lines, reading_lines, vat_rate_on
from core.models import (
    AuditEvent,
    AuditHead,
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    Customer,
    CustomerKind,
    DocumentContent,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineKind,
    NumberSequence,
    Payment,
    PaymentAllocation,
    Role,
    SlaStatus,
    clock_at,
    utcnow,
)
from core.platform import audit
from core.platform.config import settings
from core.platform.search import fold
from core.services.users import DEMO_USERS
from core.workflow import deadlines, registry, stays
from core.workflow.spec import Transition, Workflow
from seed_data.accounts import (
    COMPANY_SHARE,
    DEBTOR_SHARE,
    LONG_HISTORY_FIRST_MONTH,
    LONG_HISTORY_SHARE,
    OVER_ESTIMATED,
    UNDER_ESTIMATED,
)
from seed_data.fake import COMPANY_WORDS, COUNTIES, LOCALITIES, METER_MAKERS, _ascii_slug
from seed_data.history import _payments_of, _seasonal, add_months
from seed_data.sample_documents import sample_pdf

BATCH_ACCOUNTS = 2_000  # accounts generated and written per transaction
# generator processes on PostgreSQL (one per core); batch b is lane b % LANES's. Identifiers drawn at random
# (CNP/CUI, POD) are split by residue into LANES + 1 parts, the last one the cases', so no two lanes can draw
# the same one without sharing what they drew
LANES = 2
PARTS = LANES + 1
POOL = 400  # names and streets drawn once from Faker (per row it is the slowest part)
PHONES = 2_000
# the bulk's consumption places use POD operator codes the scenario seed (seed_data.fake: 001-008) never uses
POD_OPERATORS = range(9, 100)
# the tables loaded, parents first; PostgreSQL drops their plain indexes for the load and rebuilds them after
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (
    Customer, ConsumptionPlace, Contract, Invoice, InvoiceLine, Payment, PaymentAllocation, DocumentContent, Case,
    CaseDocument, AuditEvent))
STAFF_BY_ROLE = {role: username for username, _, role, _ in DEMO_USERS}
Progress = Callable[[float, str], None]


def open_amount(total: Decimal, allocated: Decimal) -> Decimal:
    """What is still to pay on an invoice: its total less what settled it; a credit invoice owes nothing."""
    return max(total, Decimal("0.00")) - allocated


def utc(moment: datetime) -> datetime:
    """Stored timestamps are aware UTC (the models' column type refuses naive ones)."""
    return moment.astimezone(UTC)


class Ids:
    """The next primary key of every loaded table, from what the database already holds; a lane takes every
    LANES-th id from its own offset, so lanes need not agree on how many rows each batch makes."""

    def __init__(self, first: dict[str, int], step: int = 1):
        self.next, self._step = dict(first), step

    @classmethod
    def of(cls, connection: Connection) -> "Ids":
        return cls({t.name: (connection.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in TABLES})

    def lane(self, lane: int) -> "Ids":
        return Ids({name: value + lane for name, value in self.next.items()}, LANES)

    @classmethod
    def after(cls, lanes: list[dict[str, int]]) -> "Ids":
        """Past every id the lanes took."""
        return cls({name: max(lane[name] for lane in lanes) for name in lanes[0]})

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + self._step
        return value


class Sequences:
    """The human-facing counters (core.platform.numbers) taken in memory, written back once after the load."""

    STARTS = {"client-code": 100_000_001, "payment-code": 300_000_001}

    def __init__(self, values: dict[str, int]):
        self.values = dict(values)

    @classmethod
    def of(cls, connection: Connection) -> "Sequences":
        table = NumberSequence.__table__
        return cls(dict(connection.execute(select(table.c.name, table.c.next_value)).all()))

    def take(self, name: str) -> int:
        value = self.first(name)
        self.values[name] = value + 1
        return value

    def first(self, name: str) -> int:
        return self.values.get(name, self.STARTS.get(name, 1))

    def store(self, connection: Connection) -> None:
        table = NumberSequence.__table__
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        for name, value in self.values.items():
            statement = insert(table).values(name=name, next_value=value)
            connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"next_value": value}))


@dataclass
class Pools:
    """Faker's names and streets drawn once, towns from the demo seed's list; valid CNP/CUI and phones made from
    the shared Random."""

    rng: random.Random
    used_ids: set[str]
    used_pods: set[str]
    part: int = LANES  # which residue (mod PARTS) of the random identifiers this generator draws
    female: list[str] = field(default_factory=list)
    male: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, seed: int, used_ids: set[str], used_pods: set[str]) -> "Pools":
        import phonenumbers

        faker = Faker("ro_RO")
        faker.seed_instance(seed)
        pools = cls(random.Random(seed), used_ids, used_pods)
        pools.female = sorted({faker.first_name_female() for _ in range(POOL)})
        pools.male = sorted({faker.first_name_male() for _ in range(POOL)})
        pools.last = sorted({faker.last_name() for _ in range(POOL)})
        pools.streets = sorted({faker.street_name() for _ in range(POOL)})
        pools.cities = list(LOCALITIES)  # towns whose county an e-invoice can name, as the demo seed's
        while len(pools.phones) < PHONES:
            number = f"+407{pools.rng.randint(2, 9)}{pools.rng.randrange(10**7):07d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                pools.phones.append(number)
        return pools

    def unique_id(self, make: Callable[[], str]) -> str:
        value = make()
        while value in self.used_ids:
            value = make()
        self.used_ids.add(value)
        return value

    def cnp(self, female: bool) -> str:
        rng = self.rng
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(66 * 365))
        sex = (1 if born.year < 2000 else 5) + female  # 1/2 for 1900-1999, 5/6 from 2000
        serial = PARTS * rng.randrange(1, 999 // PARTS) + self.part
        body = f"{sex}{born:%y%m%d}{rng.choice(COUNTIES):02d}{serial:03d}"
        return body + cnp.calc_check_digit(body)

    def cui(self) -> str:
        body = str(PARTS * self.rng.randint(100_000 // PARTS + 1, 49_999_997 // PARTS) + self.part)
        return body + cui.calc_check_digit(body)

    def pod(self) -> str:
        rng, part = self.rng, self.part
        value = f"RO{rng.choice(POD_OPERATORS):03d}E{PARTS * rng.randrange(10**9 // PARTS) + part:09d}"
        while value in self.used_pods:
            value = f"RO{rng.choice(POD_OPERATORS):03d}E{PARTS * rng.randrange(10**9 // PARTS) + part:09d}"
        self.used_pods.add(value)
        return value

    def address(self) -> str:
        rng = self.rng
        street = f"{rng.choice(self.streets)} nr. {rng.randint(1, 250)}"
        if rng.random() < 0.4:
            street += f", bl. {rng.randint(1, 90)}, sc. {rng.choice('ABCD')}, ap. {rng.randint(1, 80)}"
        return f"{street}, {rng.choice(self.cities)}"


@dataclass
class Holder:
    """What the cases need of an account loaded."""

    kind: str
    name: str
    first_name: str
    last_name: str
    national_id: str
    email: str
    phone: str
    address: str
    contract_id: int
    place_id: int
    pod: str
    payment_code: str
    client_code: str
    last_invoice: tuple[int, Decimal] | None  # (id, total) of the newest positive invoice


NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_SPECIAL = re.compile(r"[\\\t\n\r]").search


def _escaped(value: str) -> str:
    """COPY's text escapes, looked for first: translating every string was most of the formatting time."""
    return value.translate(_ESCAPES) if _SPECIAL(value) else value


def _json_text(value) -> str:
    return _escaped(json.dumps(value, ensure_ascii=False))


class _TextOf(dict):
    """COPY's text form of a value by its exact type (an enum, say, resolves once through its bases)."""

    def __missing__(self, kind: type) -> Callable[[object], str]:
        found = next(self[base] for base in kind.__mro__[1:] if base in self)
        self[kind] = found
        return found


TEXT_OF = _TextOf({
    type(None): lambda _: NULL, bool: lambda v: "t" if v else "f", int: str, Decimal: str,
    str: _escaped, date: date.isoformat, datetime: datetime.isoformat,
    dict: _json_text, list: _json_text, bytes: lambda v: "\\\\x" + v.hex()})


def copy_text(table: Table, rows: list[dict]) -> tuple[list[str], str]:
    """The columns the rows carry (the others take their server default) and the rows as COPY text lines:
    formatted here rather than by psycopg's row encoder, which was a third of the load's time."""
    names = [c.name for c in table.columns if c.name in rows[0]]
    values, text_of = itemgetter(*names), TEXT_OF
    return names, "".join(["\t".join([text_of[v.__class__](v) for v in values(row)]) + "\n" for row in rows])


@dataclass
class Chunk:
    """One transaction's rows: dicts per table (SQLite) or COPY text (PostgreSQL), and how many per table; a
    batch of accounts also carries its payments per day and the holders the cases will be about."""

    tables: dict[str, list[dict] | tuple[list[str], str]]
    counts: dict[str, int]
    accounts_done: int
    days: dict[tuple[date, str], list] = field(default_factory=dict)
    holders: list[Holder] = field(default_factory=list)


@dataclass
class LaneDone:
    """What a lane hands back once: the next id of every table it reached, the counters after every batch."""

    ids: dict[str, int]
    sequences: dict[str, int]


@dataclass(frozen=True)
class Shape:
    """What fixes an account's numbers (its kind, first billed month, billing day, contract start), drawn from a
    Random of its batch's own so that any lane can count a batch's invoices and contracts without generating it."""

    company: bool
    first_month: date
    billing_day: int
    start_date: date


def _shapes(seed: int, batch: int, count: int, now: datetime) -> list[Shape]:
    rng, shapes = random.Random(f"{seed}:{batch}:shape"), []
    for _ in range(count):
        company = rng.random() < COMPANY_SHARE
        first_month = add_months(now.date(), -rng.choice((13, 14)))
        if rng.random() < LONG_HISTORY_SHARE:
            first_month = min(first_month, LONG_HISTORY_FIRST_MONTH)
        billing_day = rng.randint(2, 10)
        start_date = date(2012, 1, 1) + timedelta(days=rng.randrange((first_month - date(2012, 1, 1)).days))
        shapes.append(Shape(company, first_month, billing_day, start_date))
    return shapes


def _bills(shape: Shape, now: datetime) -> int:
    """How many monthly invoices `_account` issues for this shape: one per month after the first billed one
    whose issue moment (the billing day, 06:00 UTC) is before `now`."""
    now = now.astimezone(UTC)
    first = shape.first_month.year * 12 + shape.first_month.month - 1
    last = now.year * 12 + now.month - 1
    if datetime.combine(date(now.year, now.month, shape.billing_day), clock(6), UTC) >= now:
        last -= 1
    return max(last - first, 0)


def _numbers_used(shapes: list[Shape], now: datetime) -> Counter[str]:
    """How far a batch of these shapes moves each counter."""
    used = Counter({"client-code": len(shapes), "payment-code": len(shapes),
                    "invoice": sum(_bills(shape, now) for shape in shapes)})
    used.update(f"contract-{shape.start_date.year}" for shape in shapes)
    return used


def load(engine: Engine, *, accounts: int, cases: int, seed: int, now: datetime | None = None,
         progress: Progress | None = None) -> dict[str, int]:
    """Appends `accounts` billed accounts and `cases` cases (on as many of them) to the database; returns the
    rows written per table. On PostgreSQL the accounts are generated in LANES processes while this one copies
    them in and then makes the cases, the loaded tables' foreign keys and plain indexes set aside for the
    load and restored (and so checked) after it."""
    if cases > accounts:
        raise ValueError("every case needs an account of its own: cases must not exceed accounts")
    if accounts <= 0:
        return {}
    now = now or utcnow()
    report = progress or stderr_progress()
    with engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        ids, sequences, pools, head = _prepare(connection, seed)
        set_aside = _set_aside(connection) if postgres else []
    lanes = [_lane(k, pools, ids, sequences, seed=seed, accounts=accounts, cases=cases, now=now, as_text=postgres)
             for k in range(LANES)]
    counts: Counter[str] = Counter()
    days: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0)])
    holders: list[Holder] = []
    reached: list[LaneDone] = []
    started = time.perf_counter()

    def write(chunk: Chunk) -> None:
        with engine.begin() as connection:
            _fast_session(connection)
            _write(connection, chunk.tables)
        counts.update(chunk.counts)
        rows = sum(counts.values())
        report(0.9 * chunk.accounts_done / accounts, f"Conturi: {chunk.accounts_done} din {accounts}, "
               f"{rows} rânduri, {rows / (time.perf_counter() - started):,.0f} rânduri/s")

    try:
        for item in _round_robin([_in_child(lane) for lane in lanes] if postgres else lanes):
            if isinstance(item, LaneDone):
                reached.append(item)
                continue
            write(item)
            holders += item.holders
            for key, (count, amount) in item.days.items():
                days[key][0] += count
                days[key][1] += amount
        sequences.values = reached[0].sequences
        pools.rng = random.Random(f"{seed}:cases")
        tables, head = _cases(pools, Ids.after([lane.ids for lane in reached]), sequences, holders, now, head)
        write(_chunk(tables, accounts, postgres))
    finally:
        if set_aside:
            report(0.95, "Se refac indexurile și cheile străine")
            with engine.begin() as connection:
                connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
                for statement in set_aside:
                    connection.exec_driver_sql(statement)
    with engine.begin() as connection:
        sequences.store(connection)
        for (day, channel), (count, amount) in sorted(days.items()):
            payment_days.add_to_day(connection, day, channel, count, amount)
        _store_head(connection, *head)
        if postgres:
            _advance_serials(connection)
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # VACUUM marks the loaded pages all-visible, so sums over covering indexes (overdue receivables, the
            # dashboard's closings and stays) read the index alone instead of every row's page
            connection.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(f'"{t.name}"' for t in TABLES))
    rows, seconds = sum(counts.values()), time.perf_counter() - started
    report(1.0, f"Gata: {rows} rânduri în {seconds:.1f} s ({rows / seconds:,.0f} rânduri/s)")
    return dict(counts)


def _chunk(tables: dict[Table, list[dict]], done: int, as_text: bool, **more) -> Chunk:
    kept = {t.name: rows for t, rows in tables.items() if rows}
    by_name = {t.name: t for t in TABLES}
    rows = {name: copy_text(by_name[name], rows) for name, rows in kept.items()} if as_text else kept
    return Chunk(rows, {name: len(rows) for name, rows in kept.items()}, done, **more)


def _lane(lane: int, pools: Pools, ids: Ids, sequences: Sequences, *, seed: int, accounts: int, cases: int,
          now: datetime, as_text: bool) -> Iterator[Chunk | LaneDone]:
    """Lane `lane`'s batches of accounts (each from a Random of its own), then where its ids and the counters
    ended. Every lane walks every batch's shapes to know where the counters stand when its own batch begins,
    so the numbers stay gap-free and unique whichever lane issues them."""
    pools, ids, at = replace(pools, part=lane), ids.lane(lane), Sequences(sequences.values)
    for batch, start in enumerate(range(0, accounts, BATCH_ACCOUNTS)):
        shapes = _shapes(seed, batch, min(BATCH_ACCOUNTS, accounts - start), now)
        taken = Sequences(at.values)
        for name, count in _numbers_used(shapes, now).items():
            at.values[name] = at.first(name) + count
        if batch % LANES != lane:
            continue
        pools.rng = random.Random(f"{seed}:{batch}")
        made = _accounts(pools, ids, taken, shapes, now)
        if taken.values != at.values:
            raise RuntimeError(f"batch {batch} took other numbers than its shapes count: {taken.values} {at.values}")
        yield _chunk(made.tables, start + len(shapes), as_text,
                     days=_days(made.tables.get(Payment.__table__, [])), holders=made.holders[:max(cases - start, 0)])
    yield LaneDone(ids.next, at.values)


def _round_robin(lanes: list[Iterator]) -> Iterator:
    """The lanes' items in turn (batch b is lane b % LANES's), each lane to its end; all closed after."""
    try:
        active = list(lanes)
        while active:
            for lane in list(active):
                item = next(lane, None)
                if item is None:
                    active.remove(lane)
                else:
                    yield item
    finally:
        for lane in lanes:
            lane.close()


def _in_child(items: Iterator[Chunk | LaneDone]) -> Iterator[Chunk | LaneDone]:
    """`items` produced by a forked process, two chunks ahead of the one being copied: generating and copying
    each keep a core busy. An error there is raised here."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)

    def produce() -> None:
        try:
            for item in items:
                queue.put(item)
        except BaseException:  # noqa: BLE001 - whatever stopped the generator is the parent's error
            queue.put(RuntimeError("bulk generator failed:\n" + traceback.format_exc()))
        queue.put(None)

    child = context.Process(target=produce, name="bulk-generator", daemon=True)
    child.start()
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except Empty:
                if not child.is_alive():
                    raise RuntimeError(f"bulk generator exited with code {child.exitcode}") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _write(connection: Connection, tables: dict[str, list[dict] | tuple[list[str], str]]) -> None:
    by_name = {t.name: t for t in TABLES}
    for name, rows in tables.items():
        if isinstance(rows, list):
            connection.execute(by_name[name].insert(), rows)
            continue
        columns, lines = rows
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{name}" ({", ".join(columns)}) FROM STDIN') as copy:
            copy.write(lines)


def _days(payments: list[dict]) -> dict[tuple[date, str], list]:
    """The payments' count and amount per (local day, channel), for core.accounts.payment_days."""
    days: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for payment in payments:
        day = days[payment_days.local_day(payment["paid_at"]), payment["channel"]]
        day[0] += 1
        day[1] += payment["amount"]
    return dict(days)


def stderr_progress() -> Progress:
    return lambda fraction, label: print(f"[{fraction:4.0%}] {label}", file=sys.stderr, flush=True)


def _prepare(connection: Connection, seed: int) -> tuple[Ids, Sequences, Pools, tuple[int, str]]:
    used_ids = set(connection.execute(select(Customer.__table__.c.national_id)).scalars())
    used_pods = set(connection.execute(select(ConsumptionPlace.__table__.c.pod)).scalars())
    head_t = AuditHead.__table__
    head = connection.execute(select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)).first()
    return (Ids.of(connection), Sequences.of(connection), Pools.make(seed, used_ids, used_pods),
            tuple(head) if head else (0, audit.GENESIS))


def _fast_session(connection: Connection) -> None:
    """The load writes big transactions; neither database need wait for the disk between them (a crash
    mid-load leaves a demo database to seed again)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        connection.exec_driver_sql("PRAGMA cache_size = -200000")
    else:
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")


def _set_aside(connection: Connection) -> list[str]:
    """Drops the loaded tables' foreign keys and non-unique indexes, as PostgreSQL's catalog defines them
    (whatever the migrations built), and returns the statements that restore them: checked row by row they
    slow COPY; built once after, each costs a sort, and each restored key checks every row in one join.
    Unique indexes stay (they are what keeps a reused database consistent)."""
    names = [t.name for t in TABLES]
    keys = connection.execute(text(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' AND c.relname = ANY(:names) "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY k.conname"), {"names": names}).all()
    indexes = connection.execute(text(
        "SELECT x.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_class x ON x.oid = i.indexrelid WHERE c.relname = ANY(:names) AND NOT i.indisunique "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY x.relname"), {"names": names}).all()
    for table, name, _ in keys:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys]


def _advance_serials(connection: Connection) -> None:
    """PostgreSQL's id sequences past the ids COPY wrote, so the services' inserts get new ones."""
    for table in TABLES:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)")


@dataclass
class Batch:
    tables: dict[Table, list[dict]]
    holders: list[Holder]


def _accounts(pools: Pools, ids: Ids, sequences: Sequences, shapes: list[Shape], now: datetime) -> Batch:
    rows: dict[Table, list[dict]] = {t: [] for t in TABLES[:7]}
    return Batch(rows, [_account(pools, ids, sequences, shape, now, rows) for shape in shapes])


def _account(pools: Pools, ids: Ids, sequences: Sequences, shape: Shape, now: datetime,
             rows: dict[Table, list[dict]]) -> Holder:
    """One holder, place and contract opened on its start date and billed month by month up to now, paid
    as the demo's payers pay (seed_data.history), every credit settling the oldest open invoices."""
    rng = pools.rng
    customer_t, place_t, contract_t, invoice_t, line_t, payment_t, allocation_t = TABLES[:7]
    company, first_month, billing_day, start_date = (shape.company, shape.first_month, shape.billing_day,
                                                     shape.start_date)
    start_index = rng.randint(0, 40_000)
    monthly = rng.randint(500, 5000) if company else rng.randint(80, 400)
    regularisation_month = rng.randrange(6)
    pays_until = now - timedelta(days=rng.uniform(40, 100)) if rng.random() < DEBTOR_SHARE else now
    share = OVER_ESTIMATED if start_index % 4 == 0 else UNDER_ESTIMATED
    if company:
        last = rng.choice(pools.last)
        first, name = "", f"{last} {rng.choice(COMPANY_WORDS)} {rng.choice(('SRL', 'SA'))}"
        national_id, email = pools.unique_id(pools.cui), f"office.{_ascii_slug(last)}"
    else:
        female = rng.random() < 0.5
        first, last = rng.choice(pools.female if female else pools.male), rng.choice(pools.last)
        name, national_id = f"{last} {first}", pools.unique_id(lambda: pools.cnp(female))
        email = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
    customer_id, place_id, contract_id = ids.take(customer_t), ids.take(place_t), ids.take(contract_t)
    email = f"{email}.b{customer_id}@{'example.com' if company else 'example.org'}"
    address, pod, phone = pools.address(), pools.pod(), rng.choice(pools.phones)
    opened = utc(datetime.combine(start_date, clock(9), UTC))
    rows[customer_t].append(dict(
        id=customer_id, kind=(CustomerKind.COMPANY if company else CustomerKind.PERSON).value, name=name,
        search_name=fold(name), national_id=national_id, email=email, phone=phone, correspondence_address=address,
        created_at=opened))
    number = f"CF-{start_date.year}-{sequences.take(f'contract-{start_date.year}'):07d}"
    client_code = f"C{sequences.take('client-code'):09d}"
    payment_code = f"{sequences.take('payment-code'):09d}"
    rows[contract_t].append(dict(
        id=contract_id, number=number, client_code=client_code, payment_code=payment_code, customer_id=customer_id,
        place_id=place_id, status="active", start_date=start_date, start_index=start_index, end_date=None,
        end_index=None, e_invoice_email=None, sms_phone=None, created_at=opened))

    price = settings.tariff_kwh_net
    invoices, payments = [], []
    actual = last_read = last_billed = start_index
    charged: list[Charged] = []
    month = first_month
    while True:
        next_month = add_months(month, 1)
        issued_at = datetime.combine(next_month.replace(day=billing_day), clock(6), UTC)
        if issued_at >= now:
            break
        expected = monthly * _seasonal(month.month)
        actual += round(expected * rng.uniform(0.85, 1.15))
        regularise = month.month % 6 == regularisation_month
        new_index = actual if regularise else last_billed + round(expected * share)
        period_start, period_end, issue_date = max(month, start_date), next_month - timedelta(days=1), issued_at.date()
        if regularise:
            lines = reading_lines(read_kwh=new_index - last_read, charged=charged, period_start=period_start,
                                  period_end=period_end, unit_price=price)
        else:
            lines = estimate_lines(kwh=max(new_index - last_billed, 0), period_start=period_start,
                                   period_end=period_end, issue_date=issue_date, unit_price=price)
        amounts = [_line_amounts(line.kwh, line.unit_price_net, line.vat_rate) for line in lines]
        value_net, vat = sum(a[0] for a in amounts), sum(a[1] for a in amounts)
        kwh = sum(line.kwh for line in lines)
        invoice_id, n = ids.take(invoice_t), sequences.take("invoice")
        invoice = dict(
            id=invoice_id, invoice_number=f"{10_000_000_000 + n:011d}",
            series=f"{issue_date.year % 100:02d}EI{10_000_000 + n:08d}", contract_id=contract_id, place_id=place_id,
            customer_id=customer_id, kind=(InvoiceKind.REGULARISATION if regularise else InvoiceKind.ESTIMATE).value,
            issue_date=issue_date, due_date=issue_date + timedelta(days=settings.invoice_due_days),
            period_start=period_start, period_end=period_end, old_index=last_billed, new_index=new_index,
            kwh=kwh, value_net=value_net, vat_rate=vat_rate_on(issue_date), vat=vat, total=value_net + vat,
            balance_at_issue=None, correspondence_address=address, issued_by="billing", created_at=utc(issued_at))
        invoices.append(invoice)
        rows[line_t] += [dict(id=ids.take(line_t), invoice_id=invoice_id, position=p, kind=line.kind.value,
                              period_start=line.period_start, period_end=line.period_end, kwh=line.kwh,
                              unit_price_net=line.unit_price_net, value_net=a[0], vat_rate=line.vat_rate,
                              vat=a[1], total=a[2]) for p, (line, a) in enumerate(zip(lines, amounts, strict=True), 1)]
        if regularise:
            last_read = last_billed = new_index
            charged = []
        else:
            last_billed = new_index
            charged.append(Charged(period_start, period_end, kwh, invoice["vat_rate"]))
        for k, (paid_at, amount, channel) in enumerate(_payments_of(rng, invoice["total"], issued_at, pays_until), 1):
            if paid_at < now:
                payments.append(dict(
                    id=None, contract_id=contract_id, amount=amount, paid_at=utc(paid_at), channel=channel,
                    reference=f"SEED-{number}-{invoice['invoice_number']}-{k}", reverses_id=None, note=None,
                    recorded_by="system", created_at=utc(paid_at)))
        month = next_month
    payments.sort(key=lambda p: p["paid_at"])
    for payment in payments:
        payment["id"] = ids.take(payment_t)
    _balances_at_issue(invoices, payments)
    rows[allocation_t] += _settle(ids, allocation_t, invoices, payments)
    rows[invoice_t] += invoices
    rows[payment_t] += payments
    rows[place_t].append(dict(id=place_id, pod=pod, address=address, meter_serial=f"{rng.choice(METER_MAKERS)}-"
                              f"{rng.randrange(10**8):08d}", last_index=last_read, created_at=opened))
    newest = next(((i["id"], i["total"]) for i in reversed(invoices) if i["total"] > 0), None)
    return Holder(str(rows[customer_t][-1]["kind"]), name, first, last, national_id, email, phone, address,
                  contract_id, place_id, pod, payment_code, client_code, newest)


@lru_cache(maxsize=1 << 18)
def _line_amounts(kwh: int, unit_price: Decimal, rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """A line's (net, VAT, total) by core.accounts.invoice_lines.Line's own rounding, once per (kWh, price, rate): the
    Decimal arithmetic per line was the slowest part of generating rows."""
    line = Line(LineKind.CONSUMPTION, date.min, date.min, kwh, unit_price, rate)
    return line.value_net, line.vat, line.total


def _balances_at_issue(invoices: list[dict], payments: list[dict]) -> None:
    """Each invoice's balance as printed on it: everything invoiced up to it less what was paid before it."""
    invoiced, k, paid = Decimal("0.00"), 0, Decimal("0.00")
    for invoice in invoices:
        issued = invoice["created_at"]
        while k < len(payments) and payments[k]["paid_at"] < issued:
            paid += payments[k]["amount"]
            k += 1
        invoiced += invoice["total"]
        invoice["balance_at_issue"] = invoiced - paid


def _settle(ids: Ids, table: Table, invoices: list[dict], payments: list[dict]) -> list[dict]:
    """The allocation rows core.accounts.allocation.allocate would make for this history in one call: the credits
    (credit invoices, then payments on the same moment) oldest first onto the open invoices oldest first;
    each invoice's open amount written from them."""
    sources = sorted([*((utc(datetime.combine(i["issue_date"], clock.min, UTC)), 0, i["id"], "credit_invoice_id",
                         -i["total"]) for i in invoices if i["total"] < 0),
                      *((p["paid_at"], 1, p["id"], "payment_id", p["amount"]) for p in payments)])
    free = [[at, column, source_id, amount] for at, _, source_id, column, amount in sources]
    made, first = [], 0
    for invoice in invoices:
        need, settled = max(invoice["total"], Decimal("0.00")), Decimal("0.00")
        while need > 0 and first < len(free):
            source = free[first]
            share = min(need, source[3])
            made.append({"id": ids.take(table), "payment_id": None, "credit_note_id": None, "credit_invoice_id": None,
                         source[1]: source[2], "invoice_id": invoice["id"], "amount": share, "reverses_id": None,
                         "created_at": max(source[0], invoice["created_at"])})
            source[3] -= share
            need -= share
            settled += share
            if source[3] == 0:
                first += 1
        invoice["open_amount"] = open_amount(invoice["total"], settled)
    return made


def workflow_paths() -> list[tuple[Workflow, str, list[Transition]]]:
    """Every state of every workflow with the shortest run of transitions from registration to it."""
    found = []
    for wf in registry.latest_workflows():
        paths = {str(wf.initial): [wf.transition("register")]}
        frontier = [str(wf.initial)]
        while frontier:
            state = frontier.pop(0)
            for tr in wf.transitions:
                if str(state) in map(str, tr.source) and str(tr.dest) not in paths:
                    paths[str(tr.dest)] = [*paths[state], tr]
                    frontier.append(str(tr.dest))
        found += [(wf, str(state), paths[str(state)]) for state in wf.states if str(state) in paths]
    return found


def _actor(tr: Transition, rng: random.Random) -> tuple[str, str]:
    staff = [role for role in (Role.CLERK, Role.SUPERVISOR, Role.ADMIN) if role in tr.roles]
    if staff:
        role = staff[0] if len(staff) == 1 or rng.random() < 0.8 else staff[1]
        return STAFF_BY_ROLE[role], str(role)
    role = next(iter(sorted(tr.roles)))
    return ("system", str(role)) if role == Role.SYSTEM else ("customer", str(role))


def _cases(pools: Pools, ids: Ids, sequences: Sequences, holders: list[Holder], now: datetime,
           head: tuple[int, str]) -> tuple[dict[Table, list[dict]], tuple[int, str]]:
    """Cases spread over every (workflow, state), each with the audit events of its run and, where its
    workflow asks for documents, the documents, all of them the same sample PDF's bytes. The state, the
    deadline and the audit trail are the engine's; effects (a new contract, a credit note, a refund
    payment) are not replayed: the scenario seed shows those."""
    place_t, content_t, case_t, document_t, event_t = (TABLES[1], TABLES[7], TABLES[8], TABLES[9], TABLES[10])
    rng, out = pools.rng, {place_t: [], content_t: [], case_t: [], document_t: [], event_t: []}
    if not holders:
        return out, head
    pdf = sample_pdf("id_card", ["Document demonstrativ"])
    content_id = ids.take(content_t)
    out[content_t].append({"id": content_id, "data": pdf})
    digest, targets, events = hashlib.sha256(pdf).hexdigest(), workflow_paths(), []
    for k, holder in enumerate(holders):
        wf, state, path = targets[k % len(targets)]
        case_id, registered = ids.take(case_t), now - timedelta(days=rng.uniform(1, 90))
        year = registered.year
        row = dict(id=case_id, registration_number=f"{wf.registration_prefix}-{year}-"
                   f"{sequences.take(f'reg-{wf.registration_prefix}-{year}'):06d}",
                   case_type=wf.name, workflow_version=wf.version, state=state, version=len(path) + 1,
                   assignee_id=None, created_by=STAFF_BY_ROLE[Role.CLERK], channel="counter",
                   registered_at=utc(registered), applicant_name=holder.name, search_name=fold(holder.name),
                   payment_code=holder.payment_code, client_code=holder.client_code, pod=holder.pod,
                   place_id=holder.place_id, old_contract_id=holder.contract_id, invoice_id=None,
                   disputed_amount=None, credit_amount=None, credit_proposed_by=None, new_contract_id=None,
                   verified_by=None, closed_at=None,
                   data={"applicant_kind": holder.kind, "applicant_name": holder.name, "first_name": holder.first_name,
                         "last_name": holder.last_name, "national_id": holder.national_id, "email": holder.email,
                         "phone": holder.phone, "language": "ro", "correspondence_address": holder.address})
        if wf.name == "new_contract":  # a place with no contract on it
            row.update(place_id=ids.take(place_t), pod=pools.pod(), payment_code=None, client_code=None,
                       old_contract_id=None)
            out[place_t].append(dict(id=row["place_id"], pod=row["pod"], address=holder.address,
                                     meter_serial=f"ZMD-{rng.randrange(10**8):08d}", last_index=0,
                                     created_at=utc(registered)))
        elif wf.name in ("payment_dispute", "refund"):
            row.update(place_id=None)
            if wf.name == "payment_dispute" and holder.last_invoice:
                row.update(invoice_id=holder.last_invoice[0], disputed_amount=holder.last_invoice[1])
        deadline = SimpleNamespace(deadline_name=None, due_date=None, sla_status=SlaStatus.STOPPED, sla_paused_on=None)
        at, previous, since = registered, None, None
        for tr in path:
            with clock_at(at):
                if tr.sla:
                    deadlines.apply_sla(deadline, wf, tr.sla)
            actor, role = _actor(tr, rng)
            marks = stays.marks(registered_at=utc(registered), state_since=since, from_state=previous,
                                to_state=str(tr.dest), at=utc(at))
            events.append(dict(id=ids.take(event_t), case_id=case_id, subject=None, at=utc(at), actor=actor,
                               role=role, trigger=tr.trigger, from_state=previous, to_state=str(tr.dest),
                               reason="Date demonstrative" if "reason" in tr.requires else None, workflow=wf.name,
                               workflow_version=wf.version, details={}, entered_at=marks.entered_at,
                               working_days=marks.working_days))
            previous, last, since = str(tr.dest), at, marks.state_since
            at = min(at + timedelta(hours=rng.uniform(1, 72)), now)
        row.update(deadline_name=deadline.deadline_name, due_date=deadline.due_date,
                   sla_status=str(deadline.sla_status),
                   sla_paused_on=deadline.sla_paused_on, updated_at=utc(last), state_entered_at=since,
                   closed_at=utc(last) if state in map(str, wf.final_states) else None)
        out[case_t].append(row)
        waiting = set(map(str, wf.document_states))
        required = wf.required_documents(holder.kind)
        if state == str(wf.initial) and required:  # still awaiting documents: some have not come yet
            required = required[:rng.randrange(len(required))]
        for doc_type in required:
            out[document_t].append(dict(
                id=ids.take(document_t), case_id=case_id, doc_type=doc_type, file_name=f"{doc_type}.pdf",
                content_type="application/pdf", size=len(pdf), sha256=digest, content_id=content_id,
                status=str(DocumentStatus.PENDING if state in waiting else DocumentStatus.APPROVED),
                is_current=True, replaces_id=None, uploaded_by=STAFF_BY_ROLE[Role.CLERK], uploaded_at=utc(registered),
                reviewed_by=None, reviewed_at=None, review_reason=None))
    seq, previous = head
    last = audit.chain_rows(events, previous=previous, first_seq=seq + 1)  # linked after the chain's head
    out[event_t] = events
    return out, (seq + len(events), last)


def _store_head(connection: Connection, seq: int, last: str) -> None:
    """The audit head moved to the last loaded event."""
    values = {"id": 1, "seq": seq, "hash": last}
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(AuditHead.__table__).values(**values)
                       .on_conflict_do_update(index_elements=["id"], set_=values))
