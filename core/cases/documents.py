"""Uploaded files: what we accept (PDF, JPEG, PNG detected from the bytes, within limits of size,
pixels and pages, checked cheaply in this process), how they are stored (behind one small storage
interface) and how staff preview them (drawn in a sandboxed child process, cached by content hash)."""

import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import pypdfium2
from PIL import Image
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.cases.preview_sandbox import Preview, render_in_sandbox, render_pages
from core.models import DocumentContent, DocumentPreview
from core.platform.config import settings
from core.platform.validation import FILE_NAME_MAX, FieldError, clean_text

# drawn in this process: only for files we generated ourselves (an invoice copy), never for an upload
preview_pages = render_pages

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
    _check_content(kind.mime, data)
    return CheckedFile(name, kind.mime, len(data), hashlib.sha256(data).hexdigest(), data)


def _check_content(mime: str, data: bytes) -> None:
    """Opens the file as far as its headers (no pixel is decoded, no page drawn): a page count, or an
    image's dimensions and chunk checksums."""
    try:
        if mime == "application/pdf":
            pages = len(pypdfium2.PdfDocument(data))
        else:
            with Image.open(io.BytesIO(data)) as image:
                pixels = image.width * image.height
                image.verify()
    except Image.DecompressionBombError:  # Pillow's own guard, far above ours: the same answer
        raise FieldError("files.too_many_pixels", max_mp=settings.upload_max_pixels // 1_000_000) from None
    except Exception:  # any parser failure means the file cannot be reviewed
        raise FieldError("upload.damaged") from None
    if mime == "application/pdf":
        if pages == 0:
            raise FieldError("upload.damaged")
        if pages > settings.upload_max_pdf_pages:
            raise FieldError("files.too_many_pages", pages=pages, max_pages=settings.upload_max_pdf_pages)
    elif pixels > settings.upload_max_pixels:
        raise FieldError("files.too_many_pixels", max_mp=settings.upload_max_pixels // 1_000_000)


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


def cached_preview(session: Session, sha256: str) -> Preview | None:
    """What the sandbox drew for this content before (by any app instance), or None."""
    rows = session.exec(select(DocumentPreview).where(DocumentPreview.sha256 == sha256)
                        .order_by(DocumentPreview.page)).all()
    if not rows:
        return None
    return Preview(failure=rows[0].failure) if rows[0].failure else Preview(pages=tuple(r.image for r in rows))


_drawing = threading.BoundedSemaphore(settings.preview_workers)  # ten clerks opening ten bombs: not 5 GB


def render_preview(content_type: str, data: bytes) -> Preview:
    """The first pages drawn in the sandbox, under the limits in the settings, at most PREVIEW_WORKERS
    children at a time in this process."""
    with _drawing:
        return render_in_sandbox(content_type, data, memory_mb=settings.preview_memory_mb,
                                 cpu_seconds=settings.preview_cpu_seconds,
                                 timeout_seconds=settings.preview_timeout_seconds)


def save_preview(session: Session, sha256: str, preview: Preview) -> Preview:
    """Caches a preview, or the reason there is none; when another instance cached the same content
    first (the primary key refuses the second), its copy wins. Flushes in a savepoint, never commits."""
    rows = ([DocumentPreview(sha256=sha256, page=0, failure=preview.failure)] if preview.failure else
            [DocumentPreview(sha256=sha256, page=i, image=image) for i, image in enumerate(preview.pages)])
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:
        return cached_preview(session, sha256)
    return preview
