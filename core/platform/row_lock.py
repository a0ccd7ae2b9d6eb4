"""Holding one row until the transaction ends, on both databases. PostgreSQL does it with SELECT ... FOR
NO KEY UPDATE (it excludes the other holders, but not the insert of a row that merely refers to this one,
whose foreign-key check takes a KEY SHARE lock: plain FOR UPDATE would deadlock two requests that each
inserted such a row first). SQLite ignores that clause, and pysqlite runs a SELECT outside any transaction
(it opens one only at the first write), so two requests can both read a row and both act on what they
read. There the lock is a write: a no-op UPDATE of the row takes the database's write lock (waiting, up to
the busy timeout, for the writer in progress), and every read after it in the transaction sees the latest
committed data. Use it before the reads a decision rests on; the check that follows is then made by one
request at a time."""

from typing import TypeVar

from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

Row = TypeVar("Row", bound=SQLModel)


def lock_row(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row, freshly read and held until commit or rollback; None when there is no such row."""
    if session.get_bind().dialect.name == "postgresql":
        return session.exec(select(model).where(model.id == row_id).with_for_update(key_share=True)
                            .execution_options(populate_existing=True)).first()
    touched = session.exec(update(model).where(model.id == row_id).values(id=model.id)
                           .execution_options(synchronize_session=False)).rowcount
    return session.get(model, row_id, populate_existing=True) if touched else None
