"""Reading an uploaded CSV file: its encoding (UTF-8 with or without BOM, else Windows-1252), its separator (';' or
',', the one the header line uses) and its rows with the line number each starts on."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

MAX_LINES = 60_000
UTF8_BOM = b"\xef\xbb\xbf"


class UnreadableFile(ValueError):
    """The file cannot be read as CSV; str() says why in French, `line` where."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class CsvFile:
    """The header (as typed) and the rows of a file, each row as (line number, cells)."""
    encoding: str
    separator: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding's name in French) of the file's bytes."""
    if raw.startswith(UTF8_BOM):
        raw, label = raw[len(UTF8_BOM):], "UTF-8 (avec BOM)"
    else:
        label = "UTF-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if label != "UTF-8":  # a BOM says UTF-8: a bad byte after it is a damaged file, not another encoding
            raise UnreadableFile(raw[:utf8_error.start].count(b"\n") + 1, _BAD_ENCODING) from None
        try:
            text, label = raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as error:
            raise UnreadableFile(raw[:error.start].count(b"\n") + 1, _BAD_ENCODING) from None
    if "\x00" in text:
        raise UnreadableFile(text[:text.index("\x00")].count("\n") + 1,
                             "Le fichier contient des caractères nuls : ce n'est pas un fichier CSV (texte).")
    return text, label


_BAD_ENCODING = ("Caractère illisible : enregistrez le fichier au format CSV en UTF-8 ou en Windows-1252 (« CSV "
                 "séparateur point-virgule » dans le tableur).")


def separator_of(header_line: str) -> str:
    """';' or ',': whichever the header line has more of (';' when equal, as French spreadsheets write)."""
    return "," if header_line.count(",") > header_line.count(";") else ";"


def read_csv(raw: bytes) -> CsvFile:
    """The file's header and rows; raises UnreadableFile for an encoding, quoting or size the portal cannot read."""
    text, encoding = decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends alike
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise UnreadableFile(1, "Le fichier est vide.")
    separator = separator_of(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows, header = [], None
    try:
        while True:
            start = reader.line_num + 1
            if start > MAX_LINES:
                raise UnreadableFile(start, f"Fichier trop long : {MAX_LINES} lignes au plus.")
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
            else:
                rows.append((start, cells))
    except csv.Error as error:
        raise UnreadableFile(reader.line_num or 1, f"Ligne illisible pour un fichier CSV ({error}) : vérifiez les "
                                                   "guillemets.") from None
    return CsvFile(encoding, separator, header or [], rows)
