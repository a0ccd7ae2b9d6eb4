"""The queue sorted by the database over every matching case (not one page), by each column a clerk
sorts on, and paged without overlaps; the default and closed views walk their ordering index."""

from datetime import UTC, datetime, timedelta

import pytest

from core.cases.queries import QueueFilter, QueueSort, SortKey, list_queue
from core.models import Case, clock_at
from core.services import cases
from core.services.users import ensure_demo_users
from tests.factories import CLERK, SUPERVISOR, make_account, register_case, valid_cnp
from tests.integration.test_reads_at_scale import plans_of, scans

NAMES = ["Zamfir", "Albu", "Moraru", "Ionescu", "Barbu"]


def five_cases(uow) -> list[Case]:
    """Five open cases registered a day apart, with different applicants; two of them assigned."""
    ensure_demo_users(uow=uow())
    made = []
    for n, name in enumerate(NAMES):
        contract = make_account(uow, pod=f"RO005E51234567{n}", national_id=valid_cnp(f"18001012211{n}"))
        with clock_at(datetime(2026, 3, 2 + n, 9, tzinfo=UTC)):
            made.append(register_case(uow, contract, documents=(), pod=f"RO005E51234567{n}", last_name=name,
                                      national_id=valid_cnp(f"28505054000{n}")))
    cases.assign_cases(uow=uow(), case_ids=[made[0].id], assignee="clerk2", actor=SUPERVISOR)
    cases.assign_cases(uow=uow(), case_ids=[made[3].id], assignee="clerk", actor=SUPERVISOR)
    return made


def value(row, key: SortKey, names: dict[str, str]):
    return {SortKey.DEADLINE: row.due_date, SortKey.NUMBER: row.registration_number,
            SortKey.REGISTERED: row.registered_at, SortKey.STATE: row.state, SortKey.TYPE: row.case_type,
            SortKey.ASSIGNEE: names.get(row.assignee), SortKey.APPLICANT: row.applicant_name}[key]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", list(SortKey))
def test_every_column_sorts_every_matching_case_across_pages(uow, key, descending):
    made = five_cases(uow)
    names = {"clerk": "Ana Popa", "clerk2": "Mihai Stan"}
    order = QueueSort(key, descending)
    pages = [list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(), sort=order, page=p, page_size=2)
             for p in (1, 2, 3)]
    rows = [row for page in pages for row in page.rows]
    assert {r.id for r in rows} == {c.id for c in made} and len(rows) == 5  # no overlap, nothing missed
    assert [p.total for p in pages] == [5, 5, 5]
    shown = [value(r, key, names) for r in rows]
    present = [v for v in shown if v is not None]
    assert present == sorted(present, reverse=descending), shown
    if key == SortKey.APPLICANT:  # the first row of page 2 follows the last of page 1
        expected = sorted(NAMES, reverse=descending)
        assert [r.applicant_name.split()[0] for r in rows] == expected
        assert pages[1].rows[0].applicant_name.split()[0] == expected[2]


def test_the_assignee_sort_uses_the_names_the_queue_shows(uow):
    made = five_cases(uow)
    rows = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(), sort=QueueSort(SortKey.ASSIGNEE)).rows
    assert [r.id for r in rows if r.assignee] == [made[3].id, made[0].id]  # Ana Popa before Mihai Stan


def test_the_default_and_closed_views_read_their_ordering_index(uow, engine):
    five_cases(uow)
    later = datetime(2026, 3, 20, 9, tzinfo=UTC)
    for view, index in ((QueueFilter(), "ix_case_open_due"), (QueueFilter(open_only=False), "ix_case_due_order")):
        with clock_at(later - timedelta(days=1)):
            plans = plans_of(engine, lambda: list_queue(uow=uow(), actor=CLERK, filters=view,  # noqa: B023
                                                        page=2, page_size=2))
        count, page = plans  # the count, then the page's rows (their ids chosen in a subquery)
        assert "staff_user" not in count, count  # the count joins no staff users
        walks = [line for line in scans(page, "service_case") if not line.endswith(f"INDEX {index}")]
        assert index in page and walks == [], page  # the order walks the index (SQLite: SCAN ... USING INDEX)
