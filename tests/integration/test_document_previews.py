"""Previews of uploaded files are drawn in a sandboxed child process and cached in the database by
content hash (a failure too), so a bomb costs the app neither memory nor responsiveness, and is drawn
once whoever opens it, on whichever app instance."""

import io
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from core.cases import documents as files
from core.cases.preview_sandbox import TOO_SLOW, UNREADABLE, Preview
from core.models import DocumentPreview
from core.platform.config import settings
from core.platform.errors import PermissionDenied
from core.services import documents
from seed_data.sample_documents import sample_pdf
from tests import bombs
from tests.factories import ANALYST, CLERK, make_account, register_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def upload(uow):
    """Uploads a file to one case of the test; the second file of a test goes in as another document."""
    case = register_case(uow, make_account(uow), documents=())
    doc_types = iter(("id_card", "right_of_use", "contract_request"))

    def uploaded(name: str, data: bytes) -> int:
        return documents.upload_document(uow=uow(), case_id=case.id, doc_type=next(doc_types), file_name=name,
                                         data=data, actor=CLERK).id
    return uploaded


def preview(uow, document_id: int) -> Preview:
    return documents.document_preview(uow=uow(), document_id=document_id, actor=CLERK)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_an_ordinary_pdf_previews_as_page_images(uow, upload):
    shown = preview(uow, upload("buletin.pdf", sample_pdf("id_card", ["Ionescu Maria"])))
    assert shown.failure is None and len(shown.pages) == 1
    with Image.open(io.BytesIO(shown.pages[0])) as page:
        assert page.format == "PNG" and page.width == 1000


def test_a_pdf_hiding_a_gigapixel_image_is_drawn_outside_the_app_within_its_memory(uow, upload):
    document_id = upload("bomb.pdf", bombs.pdf_with_huge_image())  # 6.4 GB once decoded
    before = peak_rss_mb()
    shown = preview(uow, document_id)
    assert peak_rss_mb() - before < 100  # the app process did not decode it
    assert shown.pages or shown.failure  # bounded by the child's 512 MB: a blank page or a reason
    assert sandbox_peak_mb(bombs.pdf_with_huge_image()) <= settings.preview_memory_mb


def sandbox_peak_mb(pdf: bytes) -> float:
    """The sandbox child's own peak memory: measured by a fresh process whose only child it is (this test
    process has had other children, the browser tests' servers among them)."""
    script = ("import resource, sys; from core.cases.documents import render_preview; "
              "render_preview('application/pdf', sys.stdin.buffer.read()); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    done = subprocess.run([sys.executable, "-c", script], input=pdf, capture_output=True, cwd=ROOT, timeout=120,
                          check=True)
    return float(done.stdout)


def test_a_page_that_takes_minutes_to_draw_is_stopped_and_the_clerk_is_told_why(uow, upload, monkeypatch):
    monkeypatch.setattr(settings, "preview_cpu_seconds", 1)
    shown = preview(uow, upload("slow.pdf", bombs.pdf_with_slow_page()))
    assert (shown.pages, shown.failure) == ((), TOO_SLOW)


def test_the_parent_kills_a_render_that_outlives_the_wall_clock_timeout(monkeypatch):
    monkeypatch.setattr(settings, "preview_timeout_seconds", 0.5)  # the CPU limit (10 s) would come later
    assert files.render_preview("application/pdf", bombs.pdf_with_slow_page()) == Preview(failure=TOO_SLOW)


def test_the_app_serves_another_request_while_a_bomb_renders(uow, upload, monkeypatch):
    monkeypatch.setattr(settings, "preview_cpu_seconds", 3)
    document_id = upload("slow.pdf", bombs.pdf_with_slow_page())
    finished: dict[str, float] = {}
    bomb = threading.Thread(target=lambda: (preview(uow, document_id), finished.setdefault("bomb", time.monotonic())))
    bomb.start()
    time.sleep(0.3)  # the child is drawing
    other = preview(uow, upload("act.pdf", sample_pdf("right_of_use", ["Popa Ana"])))
    finished["other"] = time.monotonic()
    bomb.join()
    assert other.pages and finished["other"] < finished["bomb"]


def test_a_failed_preview_is_cached_so_a_bomb_is_drawn_only_once(uow, upload, monkeypatch):
    document_id = upload("broken.pdf", bombs.pdf_with_slow_page())
    calls = []
    monkeypatch.setattr(files, "render_in_sandbox", lambda *args, **kwargs: calls.append(args) or Preview(
        failure=UNREADABLE))
    assert [preview(uow, document_id) for _ in range(3)] == [Preview(failure=UNREADABLE)] * 3
    assert len(calls) == 1


def test_the_same_content_uploaded_twice_is_drawn_once(uow, upload, monkeypatch):
    pdf = sample_pdf("id_card", ["Ionescu Maria"])
    first = preview(uow, upload("a.pdf", pdf))
    monkeypatch.setattr(files, "render_in_sandbox", lambda *args, **kwargs: pytest.fail("drawn again"))
    assert preview(uow, upload("b.pdf", pdf)) == first


def test_when_two_instances_draw_the_same_file_at_once_the_first_cached_copy_wins(uow):
    first, second = Preview(pages=(b"page one",)), Preview(failure=TOO_SLOW)
    with uow() as u:
        assert files.save_preview(u.session, "ab" * 32, first) == first
        u.commit()
    with uow() as u:  # the other instance, which started drawing before the first one saved
        assert files.save_preview(u.session, "ab" * 32, second) == first
        u.commit()
    with uow() as u:
        assert [(row.page, row.image, row.failure) for row in u.session.exec(select(DocumentPreview))] == [
            (0, b"page one", None)]


def test_an_analyst_gets_no_preview(uow, upload):
    document_id = upload("buletin.pdf", sample_pdf("id_card", ["Ionescu Maria"]))
    with pytest.raises(PermissionDenied):
        documents.document_preview(uow=uow(), document_id=document_id, actor=ANALYST)


def test_no_more_previews_are_drawn_at_once_than_the_workers_allowed(monkeypatch):
    drawing, most = [0], [0]
    lock = threading.Lock()

    def slow_render(*args, **kwargs):
        with lock:
            drawing[0] += 1
            most[0] = max(most[0], drawing[0])
        time.sleep(0.2)
        with lock:
            drawing[0] -= 1
        return Preview(failure=UNREADABLE)

    monkeypatch.setattr(files, "render_in_sandbox", slow_render)
    clerks = [threading.Thread(target=files.render_preview, args=("application/pdf", b"%PDF")) for _ in range(6)]
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join()
    assert most[0] == settings.preview_workers
