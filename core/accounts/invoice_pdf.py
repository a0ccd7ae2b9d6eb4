"""The invoice copy as a one-page PDF, drawn from the stored invoice and its lines (never recomputed), for
staff and for the customer self-service alike. DejaVu Sans is embedded so Romanian diacritics render."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from core.accounts.ledger import InvoiceDetail
from core.accounts.money import format_lei
from core.models import utcnow
from core.platform.config import settings
from core.platform.i18n import format_count, t
from core.platform.workdays import local_time

FONTS = Path(__file__).parents[1] / "assets" / "fonts"
FONT = "DejaVu"
INK, MUTED, ACCENT, RULE, SHADE = (33, 37, 41), (108, 117, 125), (14, 99, 156), (206, 212, 218), (240, 245, 250)
LEFT, WIDTH = 15, 180  # mm: A4 is 210 wide


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _lei(amount: Decimal) -> str:
    return format_lei(amount).removesuffix(" lei")


class _Invoice(FPDF):
    def __init__(self, lang: str):
        super().__init__(format="A4", unit="mm")
        self.lang = lang
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(LEFT, 15, LEFT)
        self.set_auto_page_break(False)

    def t(self, key: str, **params) -> str:
        return t(f"ledger.pdf.{key}", lang=self.lang, **params)

    def text_at(self, x: float, y: float, w: float, text: str, size: float = 9, bold: bool = False,
                color=INK, align: str = "L", h: float = 5) -> None:
        self.set_xy(x, y)
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.cell(w, h, text, align=align)

    def facts(self, x: float, y: float, w: float, rows: list[tuple[str, str]], label_w: float) -> float:
        """Label: value lines; long values wrap. Returns the y below the last line."""
        for label, value in rows:
            indent = label_w if label else 0  # an unlabelled line (an address) starts at the edge
            self.text_at(x, y, label_w, label, 8, color=MUTED)
            self.set_xy(x + indent, y)
            self.set_font(FONT, "", 9)
            self.set_text_color(*INK)
            self.multi_cell(w - indent, 5, value or "—", new_x=XPos.LEFT, new_y=YPos.NEXT)
            y = self.get_y() + 0.6
        return y

    def box_title(self, x: float, y: float, w: float, text: str) -> None:
        self.text_at(x, y, w, text.upper(), 8, bold=True, color=ACCENT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        self.line(x, y + 5.5, x + w, y + 5.5)


def invoice_pdf(detail: InvoiceDetail, lang: str = "ro") -> bytes:
    """A clean one-page invoice: supplier, customer and place, consumption, totals, how to pay."""
    pdf = _Invoice(lang)
    pdf.set_title(f"{pdf.t('title')} {detail.series}")
    pdf.set_author(t("ledger.supplier", lang=lang))
    pdf.add_page()
    _header(pdf, detail)
    y = _parties(pdf, detail, 52)
    y = _consumption(pdf, detail, y + 6)
    y = _totals(pdf, detail, y + 6)
    y = _pay(pdf, detail, y + 8)
    _notes(pdf, y + 10)
    _footer(pdf)
    return bytes(pdf.output())


def _header(pdf: _Invoice, d: InvoiceDetail) -> None:
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, 210, 4, style="F")
    pdf.text_at(LEFT, 12, 100, t("ledger.supplier", lang=pdf.lang), 15, bold=True, color=ACCENT, h=7)
    pdf.set_xy(LEFT, 20)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(95, 4, t("ledger.supplier_details", lang=pdf.lang).replace(" · ", "\n"))
    pdf.text_at(110, 11, 85, pdf.t("title"), 20, bold=True, align="R", h=9)
    kind = t(f"ledger.invoice_kind.{d.kind}", lang=pdf.lang).lower()
    pdf.text_at(110, 20, 85, pdf.t("kind", kind=kind), 9, color=MUTED, align="R")
    rows = [(pdf.t("series"), d.series), (pdf.t("invoice_id"), d.invoice_number),
            (pdf.t("issue_date"), _day(d.issue_date)), (pdf.t("due_date"), _day(d.due_date))]
    for n, (label, value) in enumerate(rows):
        pdf.text_at(120, 27 + n * 5, 40, label, 8, color=MUTED)
        pdf.text_at(155, 27 + n * 5, 40, value, 9, bold=True, align="R")
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(LEFT, 49, LEFT + WIDTH, 49)


def _parties(pdf: _Invoice, d: InvoiceDetail, y: float) -> float:
    half = (WIDTH - 10) / 2
    pdf.box_title(LEFT, y, half, pdf.t("client"))
    pdf.text_at(LEFT, y + 8, half, d.holder_name, 11, bold=True, h=6)
    left = pdf.facts(LEFT, y + 15, half, [
        ("", d.correspondence_address), (pdf.t("client_code"), d.client_code),
        (pdf.t("payment_code"), d.payment_code), (pdf.t("contract"), d.contract_number)], 37)
    x = LEFT + half + 10
    pdf.box_title(x, y, half, pdf.t("place"))
    right = pdf.facts(x, y + 8, half, [
        (pdf.t("pod"), d.pod), ("", d.place_address), (pdf.t("meter"), d.meter_serial),
        (pdf.t("period"), f"{_day(d.period_start)} – {_day(d.period_end)}")], 37)
    return max(left, right)


def _consumption(pdf: _Invoice, d: InvoiceDetail, y: float) -> float:
    """The indexes, then one row per stored line: what it bills, its period, kWh, price, value and VAT."""
    pdf.box_title(LEFT, y, WIDTH, pdf.t("details"))
    pdf.text_at(LEFT, y + 7.5, WIDTH, f"{pdf.t('old_index')}: {format_count(d.old_index)}  ·  "
                f"{pdf.t('new_index')}: {format_count(d.new_index)}  ·  "
                f"{pdf.t('quantity')}: {format_count(d.kwh)}", 8, color=MUTED)
    headings = [t(f"lines.table.{k}", lang=pdf.lang)
                for k in ("kind", "period", "kwh", "unit_price", "value", "vat_rate", "vat", "total")]
    rows = [[t(line.label_key, lang=pdf.lang), f"{_day(line.period_start)} – {_day(line.period_end)}",
             format_count(line.kwh), f"{line.unit_price_net:f}".replace(".", ","), _lei(line.value_net),
             f"{line.vat_percent}%", _lei(line.vat), _lei(line.total)] for line in d.lines]
    pdf.set_xy(LEFT, y + 14)
    pdf.set_draw_color(*RULE)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=(44, 38, 13, 17, 19, 12, 17, 20),
                   text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=_heading_style(), line_height=4.2, borders_layout="HORIZONTAL_LINES",
                   padding=1.2) as table:
        for cells in (headings, *rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    return pdf.get_y()


def _heading_style() -> FontFace:
    return FontFace(family=FONT, emphasis="BOLD", size_pt=7.5, color=MUTED, fill_color=SHADE)


def _totals(pdf: _Invoice, d: InvoiceDetail, y: float) -> float:
    """Right-aligned block: value, VAT per rate its lines charge, total, previous balance, to pay."""
    x, label_w, value_w = 105, 55, 35
    by_rate: dict[str, Decimal] = {}
    for line in d.lines:
        by_rate[line.vat_percent] = by_rate.get(line.vat_percent, Decimal("0.00")) + line.vat
    rows = [(pdf.t("value_net"), d.value_net), *((pdf.t("vat", rate=rate), vat) for rate, vat in by_rate.items()),
            (pdf.t("invoice_total"), d.total), (pdf.t("previous_balance"), d.balance_at_issue - d.total)]
    pdf.set_font(FONT, "", 9)
    for n, (label, amount) in enumerate(rows):
        bold = n == len(rows) - 2
        pdf.text_at(x, y, label_w, label, 9, bold=bold)
        pdf.text_at(x + label_w, y, value_w, format_lei(amount), 9, bold=bold, align="R")
        y += 6
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y + 1, label_w + value_w, 11, style="F")
    pdf.text_at(x + 2, y + 2, label_w, pdf.t("to_pay"), 11, bold=True, color=(255, 255, 255), h=9)
    pdf.text_at(x + label_w - 2, y + 2, value_w, format_lei(d.balance_at_issue), 11, bold=True,
                color=(255, 255, 255), align="R", h=9)
    pdf.text_at(x, y + 13, label_w + value_w, pdf.t("pay_by", date=_day(d.due_date)), 8, color=MUTED, align="R")
    return y + 18


def _pay(pdf: _Invoice, d: InvoiceDetail, y: float) -> None:
    pdf.set_fill_color(*SHADE)
    pdf.rect(LEFT, y, WIDTH, 14, style="F")
    pdf.text_at(LEFT + 4, y + 2, 60, pdf.t("payment_code"), 8, color=MUTED)
    pdf.text_at(LEFT + 4, y + 7, 60, d.payment_code, 13, bold=True, color=ACCENT, h=6)
    pdf.set_xy(LEFT + 55, y + 3)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(WIDTH - 60, 4.5, pdf.t("pay_hint", code=d.payment_code), align="L")
    return y + 14


def _notes(pdf: _Invoice, y: float) -> None:
    """What a customer usually asks next: how to dispute, when penalties start, how to send the index."""
    pdf.box_title(LEFT, y, WIDTH, pdf.t("notes"))
    pdf.set_xy(LEFT, y + 8)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*INK)
    rate = f"{(settings.penalty_daily_rate * 100).normalize():f}".replace(".", ",")
    for text in (pdf.t("note_dispute", days=settings.dispute_filing_calendar_days),
                 pdf.t("note_penalty", rate=rate, days=settings.penalty_grace_days), pdf.t("note_index")):
        pdf.set_x(LEFT)
        pdf.multi_cell(WIDTH, 4.5, f"•  {text}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _footer(pdf: _Invoice) -> None:
    pdf.set_draw_color(*RULE)
    pdf.line(LEFT, 280, LEFT + WIDTH, 280)
    generated = local_time(utcnow()).strftime("%d.%m.%Y %H:%M")
    pdf.text_at(LEFT, 281, WIDTH, pdf.t("footer", date=generated), 7, color=MUTED, align="C")
