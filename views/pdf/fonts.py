"""The PDFs' Unicode font: DejaVu Sans, regular and bold (views/pdf/fonts/, its LICENSE beside it), so that every
name prints (Łukasz, Nguyễn, Çağlar, Ørsted, Dvořák), read and parsed once per process and lent to each document.

fpdf2 parses a TrueType file at every add_font() and, at output, subsets the whole font to the glyphs the document
used: with the full DejaVu Sans (6,000 glyphs) an invoice took ~70 ms. Here the font is cut down once per process
(~0.6 s, at the first PDF) to the scripts that names and addresses are written in at a French town hall (Latin with
every accent, Greek, Cyrillic, punctuation, currency signs) and parsed once; each document gets a copy of the parsed
metrics with its own lazily read font file to subset: an invoice takes ~25 ms of CPU (8 ms with the Latin-1 core
fonts of before). A character outside these scripts prints as "?".
"""
from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# fontTools logs each step of every subsetting at INFO (~60 lines per PDF): the portal's console and journal at INFO
# would fill with them at every invoice. Its warnings still show.
logging.getLogger("fontTools").setLevel(logging.WARNING)
FAMILY = "dejavu"
FONT_DIR = Path(__file__).with_name("fonts")
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # fpdf2 style -> file
PRINTED_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B: é, œ, Ł, ř, ğ, ș…
    (0x02B0, 0x036F),  # spacing modifiers (ʻ) and combining accents
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional: Vietnamese (ễ, ạ…)
    (0x2000, 0x206F),  # punctuation: narrow no-break space, dashes, quotes, …, •
    (0x20A0, 0x20CF),  # currency signs: €
    (0x2116, 0x2116),  # numero sign
    (0x2122, 0x2122),  # trade mark sign
    (0x2190, 0x2193),  # arrows ← ↑ → ↓
    (0x2212, 0x2212),  # minus sign
    (0xFB00, 0xFB06),  # Latin ligatures
)


@dataclass(frozen=True)
class ParsedFont:
    """One style of the font, cut down to PRINTED_RANGES: its file, fpdf2's parsed metrics of it and its glyph
    names (read once: decoding them is most of the cost of subsetting a font)."""
    data: bytes
    template: TTFFont
    glyph_order: tuple[str, ...]


_lock = threading.Lock()
_parsed: dict[str, ParsedFont] = {}


def parsed_fonts() -> dict[str, ParsedFont]:
    """Style -> parsed font; the files are read, reduced and parsed at the first call of the process only."""
    with _lock:
        if not _parsed:
            scratch = FPDF()
            for style, name in FILES.items():
                data = _reduced_font(FONT_DIR / name)
                template = TTFFont(scratch, BytesIO(data), FAMILY + style, style)
                _parsed[style] = ParsedFont(data, template, tuple(template.ttfont.getGlyphOrder()))
        return _parsed


def _reduced_font(path: Path) -> bytes:
    """The TrueType file with only the glyphs of PRINTED_RANGES, without hinting (a PDF is printed or zoomed, not
    drawn on a 96 dpi grid), glyph names or the layout tables that fpdf2 drops anyway."""
    font = TTFont(path, recalcTimestamp=False)
    options = font_subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=False, hinting=False,
                                  layout_features=[], name_IDs=["*"], name_languages=["*"])
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "kern"]  # FFTM: FontForge's time stamp
    subsetter = font_subset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in PRINTED_RANGES for code in range(low, high + 1)])
    subsetter.subset(font)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def lend_fonts(pdf: FPDF) -> None:
    """Make FAMILY (regular and bold) available to pdf.set_font(), without parsing anything again.

    fpdf2 subsets a font's file in place when the document is output: each document gets its own file object, read
    lazily from the bytes in memory with the glyph names already known (bounding boxes kept as they are: the glyphs
    are not changed), and its own map of the glyphs it uses; the metrics (widths, character map) are shared,
    read-only."""
    for style, parsed in parsed_fonts().items():
        font = TTFFont.__new__(TTFFont)
        for name in TTFFont.__slots__:
            if hasattr(parsed.template, name):
                setattr(font, name, getattr(parsed.template, name))
        font.i = len(pdf.fonts) + 1
        font.ttfont = TTFont(BytesIO(parsed.data), recalcBBoxes=False, recalcTimestamp=False, lazy=True)
        font.ttfont.setGlyphOrder(list(parsed.glyph_order))
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


def printable(text: str) -> str:
    """text as the font can print it: composed accents (NFC, as a Mac may send them decomposed), "?" for a character
    outside the font."""
    covered = parsed_fonts()[""].template.cmap
    composed = unicodedata.normalize("NFC", text)
    return "".join(char if ord(char) in covered or char == "\n" else "?" for char in composed)
