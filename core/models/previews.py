"""The preview cache: what the sandbox drew for a file, kept in the database so that every app instance
shares it and a bomb (whose failure is cached too) is rendered once, not on every click."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from core.models.common import code_field, utcnow


# One preview page of the file with this content hash, or (page 0, no image) the reason it has none.
class DocumentPreview(SQLModel, table=True):
    sha256: str = Field(primary_key=True, max_length=64)
    page: int = Field(primary_key=True)
    failure: str | None = code_field(16, default=None)  # core.cases.preview_sandbox TOO_LARGE, TOO_SLOW, UNREADABLE
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # PNG
    rendered_at: datetime = Field(default_factory=utcnow)
