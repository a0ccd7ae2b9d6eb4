"""Alembic environment: the models' metadata, the URL from the one settings object, and a
connection handed in by core.platform.db.create_schema when the app or the tests migrate."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on the metadata)
from core.platform.config import settings

target_metadata = SQLModel.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(settings.database_url).connect() as new_connection:
        run(new_connection)
