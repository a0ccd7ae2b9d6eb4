"""Uploaded files: what we accept (PDF, JPEG, PNG detected from the bytes, within a size limit),
how they are stored (behind one small storage interface) and how staff preview them."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import pypdfium2
from PIL import Image
from sqlmodel import Session

from core.config import settings
from core.models import DocumentContent
from core.validation import FILE_NAME_MAX, FieldError, clean_text

ALLOWED = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


@dataclass(frozen=True)
class CheckedFile:
    file_name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def check_upload(file_name: str, data: bytes) -> CheckedFile:
    """Refuses empty, oversized, unsupported, mislabelled or unreadable files with a specific reason."""
    name = PurePath(clean_text(file_name, max_length=FILE_NAME_MAX, required=False) or "document").name
    if not data:
        raise FieldError("upload.empty")
    if len(data) > settings.upload_max_bytes:
        raise FieldError("upload.too_large", max_mb=settings.upload_max_bytes // (1024 * 1024))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise FieldError("upload.type")
    if PurePath(name).suffix.lower() not in ALLOWED[kind.mime]:
        raise FieldError("upload.extension_mismatch", detected=kind.extension.upper())
    if not _readable(kind.mime, data):
        raise FieldError("upload.damaged")
    return CheckedFile(name, kind.mime, len(data), hashlib.sha256(data).hexdigest(), data)


def _readable(mime: str, data: bytes) -> bool:
    try:
        if mime == "application/pdf":
            return len(pypdfium2.PdfDocument(data)) > 0
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        return True
    except Exception:  # any parser failure means the file cannot be reviewed
        return False


class DatabaseStore:
    """Keeps document bytes in the database, so they commit atomically with their case."""

    def put(self, session: Session, data: bytes) -> int:
        content = DocumentContent(data=data)
        session.add(content)
        session.flush()
        return content.id

    def get(self, session: Session, content_id: int) -> bytes:
        return session.get(DocumentContent, content_id).data


store = DatabaseStore()


MAX_PREVIEW_PIXELS = 4_000_000  # a hostile PDF page of 1 x 14400 pt must not become a 50 GB bitmap


def preview_pages(content_type: str, data: bytes, max_pages: int = 3, width: int = 1000) -> list[bytes]:
    """PNG images of the first pages of a PDF, or the image itself, for review in the browser."""
    if content_type != "application/pdf":
        return [data]
    pdf = pypdfium2.PdfDocument(data)
    pages = []
    for index in range(min(len(pdf), max_pages)):
        page = pdf[index]
        page_width, page_height = page.get_size()
        scale = min(width / page_width, (MAX_PREVIEW_PIXELS / (page_width * page_height)) ** 0.5)
        bitmap = page.render(scale=scale)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG")
        pages.append(buffer.getvalue())
    return pages
