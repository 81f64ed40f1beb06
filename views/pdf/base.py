"""The common page of every PDF: A4, the commune's letterhead, page numbers, the Unicode font DejaVu Sans."""
from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from views.formats import euros
from views.pdf.fonts import FAMILY, lend_fonts, printable

HEADING = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))
ALERT_HEADING = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(176, 32, 32), size_pt=12)


def pdf_text(value) -> str:
    """Text the PDF font can print (every accent of Latin, Greek and Cyrillic names); narrow no-break spaces become
    no-break spaces, which PDF readers copy out as spaces."""
    text = "" if value is None else str(value)
    return printable(text.replace("\u202f", "\u00a0"))


def pdf_euros(cents: int) -> str:
    return pdf_text(euros(cents))


class PortalPDF(FPDF):
    """A4 portrait page with the commune's name and address on top and the page number below."""

    def __init__(self, commune: dict, title: str, created: datetime | None = None, running_head: str = ""):
        """running_head: a line repeated under the letterhead of every page (whose document this is)."""
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_head = running_head
        if created is not None:
            self.set_creation_date(created)
        lend_fonts(self)
        self.commune = commune
        self.document_title = title
        self.set_title(pdf_text(title))
        self.set_author(pdf_text(commune.get("name", "")))
        self.set_creator("Portail Famille")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages()
        self.add_page()

    def header(self) -> None:
        c = self.commune
        self.set_font(FAMILY, "B", 13)
        self.cell(0, 6, pdf_text(c.get("name", "")), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 9)
        for line in (c.get("service", ""), c.get("address1", ""), f"{c.get('postcode', '')} {c.get('city', '')}",
                     " - ".join(x for x in (c.get("phone", ""), c.get("email", "")) if x)):
            if line.strip():
                self.cell(0, 4.5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(11, 79, 156)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.ln(6)
        if self.running_head:
            self.set_font(FAMILY, "B", 10)
            self.cell(0, 5, pdf_text(self.running_head), align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, pdf_text(f"{self.document_title} - page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font(FAMILY, "B", 16)
        self.multi_cell(0, 8, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FAMILY, "", 10)
            self.multi_cell(0, 5, pdf_text(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def section(self, title: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(2)
        self.set_font(FAMILY, "B", 12)
        self.set_text_color(11, 79, 156)
        self.cell(0, 7, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font(FAMILY, "", 10)

    def key_values(self, pairs: list[tuple[str, str]]) -> None:
        """Label / value lines, both wrapping when long (a table without borders); empty values print as a dash."""
        self.set_font(FAMILY, "", 10)
        with self.table(col_widths=(66, 108), first_row_as_headings=False, borders_layout="NONE", line_height=5.5,
                        text_align=("LEFT", "LEFT"), padding=(0, 1, 0, 0)) as table:
            for label, value in pairs:
                row = table.row()
                row.cell(pdf_text(label), style=FontFace(emphasis="BOLD"))
                row.cell(pdf_text(value or "-"))

    def table_rows(self, headings: list[str], rows: list[list[str]], widths: tuple, align_right: set = frozenset()) -> None:
        self.set_font(FAMILY, "", 9)
        aligns = tuple("RIGHT" if i in align_right else "LEFT" for i in range(len(headings)))
        with self.table(col_widths=widths, headings_style=HEADING, text_align=aligns, line_height=5.5,
                        first_row_as_headings=True) as table:
            table.row([pdf_text(h) for h in headings])
            for row in rows:
                table.row([pdf_text(cell) for cell in row])

    def framed_box(self, title: str, pairs: list[tuple[str, str]], widths: tuple = (52, 122)) -> None:
        """A titled, framed box of label / value rows (what staff must see at once); values may hold several lines."""
        self.ln(1)
        self.set_font(FAMILY, "", 10)
        with self.table(col_widths=widths, first_row_as_headings=True, headings_style=ALERT_HEADING, line_height=5.5,
                        text_align=("LEFT", "LEFT"), padding=1.5) as table:
            table.row().cell(pdf_text(title), colspan=2)
            for label, value in pairs:
                row = table.row()
                row.cell(pdf_text(label), style=FontFace(emphasis="BOLD"))
                row.cell(pdf_text(value or "-"))
        self.ln(2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
