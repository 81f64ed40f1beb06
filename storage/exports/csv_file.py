"""CSV files a spreadsheet opens safely: `;`-separated (French spreadsheets), UTF-8 with BOM or Windows-1252, written
in chunks so that a large export streams, and no text cell that a spreadsheet would run as a formula.

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell starting with =, +, - or @ (and, in some, after a
tab or a carriage return) as a formula, e.g. a family named `=HYPERLINK("http://…")`. Every text cell that starts so,
also after leading spaces, is prefixed with an apostrophe, which the spreadsheet shows as text. Numbers the portal
computes itself (Cents, int) are written as numbers: a reversal's amount stays -12,50, a number the spreadsheet sums.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

# What the export form offers: key -> (label, codec, Content-Type charset).
ENCODINGS = {
    "utf-8": ("UTF-8 (tableurs récents, LibreOffice, Excel 2016 et suivants)", "utf-8", "utf-8"),
    "windows-1252": ("Windows-1252 (anciens logiciels, Excel ancien)", "cp1252", "windows-1252"),
}
DEFAULT_ENCODING = "utf-8"
UTF8_BOM = b"\xef\xbb\xbf"  # tells Excel the file is UTF-8 (without it, Excel reads "é" as "Ã©")
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width forms
CHUNK_CHARS = 64 * 1024
# Characters Windows-1252 lacks whose best stand-in is not their decomposition (NFKD handles accents: ő -> o).
CP1252_STAND_INS = {
    "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",  # narrow, thin, figure spaces
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",  # hyphens and the minus sign
    "\u2032": "'", "\u2033": '"', "\u02bc": "'", "\u2044": "/",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l", "Ŀ": "L",
}
UNREPRESENTABLE = "?"


class Cents(int):
    """An amount in cents, written as a number in euros with a decimal comma: 123456 -> 1234,56; -1250 -> -12,50."""

    def as_cell(self) -> str:
        whole, rest = divmod(abs(int(self)), 100)
        return f"{'-' if self < 0 else ''}{whole},{rest:02d}"


def neutralised(text: str) -> str:
    """text, prefixed with an apostrophe when a spreadsheet would take it for a formula."""
    if text.startswith(FORMULA_STARTS) or text.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unneutralised(text: str) -> str:
    """The text a neutralised cell stood for: the apostrophe neutralised() put before a formula start removed (an
    import reading our own export gets "+32 470 12 34 56" back)."""
    if text.startswith("'") and neutralised(text[1:]) == text:
        return text[1:]
    return text


def cell(value) -> str:
    """One value as the text of its cell: numbers we computed as numbers, every text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Cents):
        return value.as_cell()
    if isinstance(value, int):
        return str(value)
    return neutralised(str(value))


@lru_cache(maxsize=4096)
def cp1252_stand_in(char: str) -> str:
    """What replaces a character Windows-1252 cannot hold: a chosen stand-in, else the letter without its accents
    (ő -> o, ș -> s, ﬁ -> fi), else '?'."""
    if char in CP1252_STAND_INS:
        return CP1252_STAND_INS[char]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    try:
        stripped.encode("cp1252")
    except UnicodeEncodeError:
        return UNREPRESENTABLE
    return stripped or UNREPRESENTABLE


def encode_cp1252(text: str) -> bytes:
    """text in Windows-1252, each character it lacks replaced by its stand-in (never an error)."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(c if _in_cp1252(c) else cp1252_stand_in(c) for c in text).encode("cp1252")


@lru_cache(maxsize=4096)
def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def encoder(encoding: str):
    """text -> bytes for one of ENCODINGS' keys."""
    if encoding == "windows-1252":
        return encode_cp1252
    return lambda text: text.encode("utf-8")


def csv_chunks(rows: Iterable[Sequence], encoding: str = DEFAULT_ENCODING) -> Iterator[bytes]:
    """The encoded CSV file of rows (the first one the header), in chunks of about 64 KB; UTF-8 starts with its BOM."""
    encode = encoder(encoding)
    if encoding == "utf-8":
        yield UTF8_BOM
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([cell(value) for value in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield encode(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield encode(buffer.getvalue())


def csv_bytes(rows: Iterable[Sequence], encoding: str = DEFAULT_ENCODING) -> bytes:
    """The whole CSV file at once (tests, small files)."""
    return b"".join(csv_chunks(rows, encoding))
