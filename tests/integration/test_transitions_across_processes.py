"""Two app processes firing the same trigger on the same cases at the same moment: each case has exactly one
winner, the other gets a refusal, and the audit trail holds one event for each case (issue 12 item 3). SQLite
runs on a file database here, so both processes really share it."""

import multiprocessing
import os

from sqlmodel import func, select

from core.models import AuditEvent, Case
from core.platform import audit
from tests.factories import make_account, register_case

CASES = 6


def _fire_each(url: str, targets: list[tuple[int, int]], start, results) -> None:
    """One process: its own engine on the shared database, every case fired once as soon as both are ready."""
    os.environ["DATABASE_URL"] = url
    from core.platform.config import settings

    settings.database_url = url
    import core.workflow.subscribers  # noqa: F401 - the deadline and message subscribers, as the app wires them
    from core.platform.db import UnitOfWork, get_engine
    from core.platform.errors import DomainError
    from core.services.cases import fire_trigger
    from tests.factories import CLERK

    get_engine(url).connect().close()
    start.wait()
    for case_id, version in targets:
        try:
            fire_trigger(uow=UnitOfWork(get_engine(url)), case_id=case_id, expected_version=version,
                         trigger="reject", actor=CLERK, reason="Cerere dublă")
            results.put((case_id, "fired"))
        except DomainError as err:
            results.put((case_id, err.key))


def test_two_processes_rejecting_the_same_cases_give_one_winner_per_case(uow, engine):
    cases = [register_case(uow, make_account(uow, pod=f"RO009E{n:09d}"), pod=f"RO009E{n:09d}")
             for n in range(CASES)]
    targets = [(c.id, c.version) for c in cases]
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    children = [context.Process(target=_fire_each, args=(url, targets[::step], start, results))
                for step in (1, -1)]  # opposite orders: each process meets the other on some case
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * CASES)]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0

    for case in cases:
        mine = sorted(outcome for case_id, outcome in outcomes if case_id == case.id)
        assert len(mine) == 2 and mine.count("fired") == 1, mine
        assert set(mine) - {"fired"} <= {"error.stale", "engine.wrong_state"}, mine  # the loser is refused
    with uow() as u:
        assert {c.state for c in u.session.exec(select(Case).where(Case.id.in_([c.id for c in cases])))} == {
            "rejected"}
        rejections = u.session.exec(select(AuditEvent.case_id, func.count()).where(
            AuditEvent.trigger == "reject").group_by(AuditEvent.case_id)).all()
        assert dict(rejections) == {c.id: 1 for c in cases}
        assert audit.verify(u.session.connection()).ok  # and the chain stayed one unbroken line
