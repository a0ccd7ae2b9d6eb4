"""Upload-time limits on what a file may cost to open: pixels of an image, pages of a PDF. Checked in
the app process from the headers alone, with our own message next to the file."""

from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.cases.documents import check_upload
from core.platform.config import settings
from core.platform.i18n import t
from core.platform.validation import FieldError
from seed_data.sample_documents import sample_image
from tests import bombs


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(FieldError) as refused:
        check_upload(name, data)
    return t(refused.value.key, lang="ro", **refused.value.params)


def test_a_13000_by_13000_png_is_refused_at_upload_for_its_pixels():
    assert refusal("scan.png", bombs.png(13_000, 13_000)) == t("files.too_many_pixels", lang="ro", max_mp=50)


def test_a_decompression_bomb_png_gets_our_pixel_message_not_pillows_guard():
    bomb = bombs.png(60_000, 60_000)  # 3.6 gigapixels in about 2 MB
    assert len(bomb) < settings.upload_max_bytes
    assert "megapixeli" in refusal("bomb.png", bomb)


def test_an_ordinary_photo_of_a_document_is_accepted():
    jpeg = sample_image("id_card", ["Ionescu Maria"], "JPEG")
    assert check_upload("buletin.jpg", jpeg).content_type == "image/jpeg"


@hypothesis_settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 3_000), height=st.integers(1, 3_000),
       offset=st.integers(-2, 2) | st.integers(-10_000_000, 10_000_000))
def test_an_image_is_accepted_exactly_when_its_pixels_are_within_the_limit(width, height, offset):
    limit = max(1, width * height + offset)  # around the boundary, and anywhere
    image = bombs.png(width, height)
    with patch.object(settings, "upload_max_pixels", limit):
        if width * height <= limit:
            assert check_upload("scan.png", image).size == len(image)
        else:
            with pytest.raises(FieldError, match="files.too_many_pixels"):
                check_upload("scan.png", image)


def test_a_pdf_with_more_pages_than_allowed_is_refused_with_the_count():
    message = refusal("dosar.pdf", bombs.pdf_with_many_pages(settings.upload_max_pdf_pages + 1))
    assert message == t("files.too_many_pages", lang="ro", pages=settings.upload_max_pdf_pages + 1,
                        max_pages=settings.upload_max_pdf_pages)


def test_a_pdf_at_the_page_limit_is_accepted():
    assert check_upload("dosar.pdf", bombs.pdf_with_many_pages(settings.upload_max_pdf_pages)).size > 0
