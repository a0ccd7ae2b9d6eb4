"""Generated sample documents (PDF, JPEG, PNG) standing in for scans of IDs, deeds and forms.
No real person's data: the text comes from the generated applicant."""

import io

from fpdf import FPDF
from PIL import Image, ImageDraw

TITLES = {
    "id_card": "CARTE DE IDENTITATE (SPECIMEN)",
    "onrc_certificate": "CERTIFICAT DE INREGISTRARE ONRC (SPECIMEN)",
    "right_of_use": "ACT DE SPATIU (SPECIMEN)",
    "contract_request": "CERERE DE CONTRACT DE FURNIZARE",
    "supply_offer": "OFERTA DE FURNIZARE ENERGIE ELECTRICA",
    "meter_reading": "PROCES-VERBAL DE PREDARE-PRIMIRE INDEX",
}


def sample_pdf(doc_type: str, lines: list[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(TITLES.get(doc_type, doc_type))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, TITLES.get(doc_type, doc_type), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(0, 9, line.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(11, 92, 173)
    pdf.rect(10, 10, 190, 120)
    return bytes(pdf.output())


def sample_image(doc_type: str, lines: list[str], fmt: str = "PNG") -> bytes:
    """A card-like picture (PNG or JPEG) with the document's title and the applicant's lines."""
    image = Image.new("RGB", (640, 400), (236, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 631, 391), outline=(11, 92, 173), width=4)
    draw.text((24, 24), TITLES.get(doc_type, doc_type), fill=(11, 92, 173))
    for row, line in enumerate(lines):
        draw.text((24, 70 + row * 26), line, fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=80) if fmt == "JPEG" else image.save(buffer, format=fmt)
    return buffer.getvalue()


def sample_document(doc_type: str, lines: list[str], variant: int) -> tuple[str, bytes]:
    """(file name, bytes); the variant picks PDF, PNG or JPEG so every format appears in the demo."""
    kind = variant % 3
    if kind == 0:
        return f"{doc_type}.pdf", sample_pdf(doc_type, lines)
    if kind == 1:
        return f"{doc_type}.png", sample_image(doc_type, lines, "PNG")
    return f"{doc_type}.jpg", sample_image(doc_type, lines, "JPEG")
