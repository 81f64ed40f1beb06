"""The common page of every PDF: A4, the commune's letterhead, page numbers, Windows-1252 core fonts."""
from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from views.formats import euros

HEADING = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))


def pdf_text(value) -> str:
    """Text the core fonts can print: narrow spaces become no-break spaces, the rest is Windows-1252."""
    text = "" if value is None else str(value)
    text = text.replace("\u202f", "\u00a0").replace("\u2019", "'")
    return text.encode("cp1252", "replace").decode("cp1252")


def pdf_euros(cents: int) -> str:
    return pdf_text(euros(cents))


class PortalPDF(FPDF):
    """A4 portrait page with the commune's name and address on top and the page number below."""

    def __init__(self, commune: dict, title: str, created: datetime | None = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        if created is not None:
            self.set_creation_date(created)
        self.core_fonts_encoding = "windows-1252"
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
        self.set_font("helvetica", "B", 13)
        self.cell(0, 6, pdf_text(c.get("name", "")), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "", 9)
        for line in (c.get("service", ""), c.get("address1", ""), f"{c.get('postcode', '')} {c.get('city', '')}",
                     " - ".join(x for x in (c.get("phone", ""), c.get("email", "")) if x)):
            if line.strip():
                self.cell(0, 4.5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(11, 79, 156)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, pdf_text(f"{self.document_title} - page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font("helvetica", "B", 16)
        self.multi_cell(0, 8, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font("helvetica", "", 10)
            self.multi_cell(0, 5, pdf_text(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def section(self, title: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(2)
        self.set_font("helvetica", "B", 12)
        self.set_text_color(11, 79, 156)
        self.cell(0, 7, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("helvetica", "", 10)

    def key_values(self, pairs: list[tuple[str, str]]) -> None:
        """Label / value lines, the value wrapping when long; empty values print as a dash."""
        for label, value in pairs:
            self.set_font("helvetica", "B", 10)
            self.cell(66, 5.5, pdf_text(label))
            self.set_font("helvetica", "", 10)
            self.multi_cell(0, 5.5, pdf_text(value or "-"), new_x="LMARGIN", new_y="NEXT")

    def table_rows(self, headings: list[str], rows: list[list[str]], widths: tuple, align_right: set = frozenset()) -> None:
        self.set_font("helvetica", "", 9)
        aligns = tuple("RIGHT" if i in align_right else "LEFT" for i in range(len(headings)))
        with self.table(col_widths=widths, headings_style=HEADING, text_align=aligns, line_height=5.5,
                        first_row_as_headings=True) as table:
            table.row([pdf_text(h) for h in headings])
            for row in rows:
                table.row([pdf_text(cell) for cell in row])

    def output_bytes(self) -> bytes:
        return bytes(self.output())
