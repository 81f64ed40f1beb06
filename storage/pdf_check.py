"""Inspection of an uploaded PDF (an absence certificate): a PDF that could run code, launch a program, open an
address, carry other files, or hide its objects where we cannot read them, is refused.

Two readings, both bounded by the upload size and by INFLATE_BUDGET:
- a raw reading of every byte, for the long names of actions (/JavaScript, /Launch, /EmbeddedFile...), also written
  with #xx escapes, wherever they hide (a fake stream, a comment, a broken cross-reference a viewer would repair);
- a reading as a viewer tokenizes it: strings and comments skipped, stream bodies skipped by their /Length, every
  name compared with REFUSED_NAMES (short ones such as /JS and /URI too). Object streams, where a PDF 1.5 keeps
  compressed objects, are inflated with zlib and read the same way.
A stream we cannot undo (another filter than FlateDecode, a predictor, an encrypted file, data that does not
inflate, or inflates past the budget, an object stream whose dictionary hides inside another stream) makes the
PDF uninspectable, and so refused.
"""
from __future__ import annotations

import re
import zlib

ACTIVE = "active"
UNINSPECTABLE = "uninspectable"
# Actions and contents a viewer would run or open: scripts, programs, addresses, forms sending data, other files,
# multimedia players. (/OpenAction alone only sets the first view; with a script it carries /JS or /JavaScript.)
REFUSED_NAMES = frozenset({"JavaScript", "JS", "Launch", "URI", "SubmitForm", "ImportData", "GoToR", "GoToE",
                           "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "Rendition", "Movie", "Sound"})
# The names long enough to look for in raw bytes (compressed images hold random bytes: "/JS " turns up by chance).
RAW_REFUSED_NAMES = frozenset(name for name in REFUSED_NAMES if len(name) >= 5)
OBJECT_STREAM_NAMES = ("ObjStm", "First")  # a viewer reads compressed objects only from such a stream
INFLATE_BUDGET = 20 * 1024 * 1024  # bytes inflated for one upload, all object streams together
MAX_TOKENS = 400_000  # a certificate has a few thousand tokens outside its streams

MAX_ESCAPED_NAMES = 10_000  # names written with #xx escapes (a font name with a space has one)
_LONGEST_WATCHED = 3 * 13  # /EmbeddedFiles written all in #xx escapes: a longer name is none of ours

_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_WATCHED = RAW_REFUSED_NAMES | set(OBJECT_STREAM_NAMES)
_PLAIN_WATCHED = re.compile(rb"/(" + "|".join(sorted(_WATCHED)).encode() + rb")(?![^" + _DELIMITERS + rb"])")
_ESCAPED_NAME = re.compile(rb"/[^" + _DELIMITERS + rb"#]*#[0-9A-Fa-f]{2}(?:[^" + _DELIMITERS + rb"#]|#[0-9A-Fa-f]{2})*")
_TOKEN = re.compile(rb"[\x00\t\n\x0c\r ]+|%[^\r\n]*|/[^" + _DELIMITERS + rb"]*|<<|>>|<[^<>]*>|[()\[\]{}]"
                    rb"|[^" + _DELIMITERS + rb"]+")
_STRING_STOP = re.compile(rb"[()\\]")
_STREAM_END = re.compile(rb"\r?\n?endstream")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class Uninspectable(Exception):
    """A part of the PDF we cannot read through."""


def pdf_problem(raw: bytes) -> str | None:
    """None for a PDF read through and found passive; ACTIVE or UNINSPECTABLE otherwise."""
    raw_names = _raw_names(raw)
    if raw_names is None:
        return UNINSPECTABLE
    if RAW_REFUSED_NAMES.intersection(raw_names):
        return ACTIVE
    reader = _Reader()
    try:
        reader.read(raw, top_level=True)
    except Uninspectable:
        return UNINSPECTABLE
    if reader.names & REFUSED_NAMES:
        return ACTIVE
    if "Encrypt" in reader.names:
        return UNINSPECTABLE  # its strings and streams are ciphered: nothing can be checked
    raw_object_streams = sum(1 for name in raw_names if name in OBJECT_STREAM_NAMES)
    if raw_object_streams > reader.object_stream_names:
        return UNINSPECTABLE  # an object stream's dictionary hides where a viewer's tokenizer would not look
    return None


def _raw_names(data: bytes) -> list[str] | None:
    """The watched names (long refused ones, object streams') anywhere in the bytes, #xx escapes undone; None when
    there are too many escaped names to read them all."""
    found = [match.group(1).decode() for match in _PLAIN_WATCHED.finditer(data)]
    for count, match in enumerate(_ESCAPED_NAME.finditer(data)):
        if count >= MAX_ESCAPED_NAMES:
            return None
        if len(match.group()) <= _LONGEST_WATCHED + 1 and _decoded_name(match.group()[1:]) in _WATCHED:
            found.append(_decoded_name(match.group()[1:]))
    return found


def _decoded_name(text: bytes) -> str:
    """A name's text with its #xx escapes undone: /J#61vaScript is /JavaScript."""
    if b"#" in text:
        text = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text)
    return text.decode("latin-1")


class _Reader:
    """Tokens of a PDF (or of an inflated object stream): the names met, the object streams read."""

    def __init__(self):
        self.names: set[str] = set()
        self.object_stream_names = 0  # how many /ObjStm and /First names a tokenizer met
        self.tokens = 0
        self.inflated = 0

    def read(self, data: bytes, top_level: bool) -> None:
        position, depth, dictionary, previous = 0, 0, [], b""
        while position < len(data):
            match = _TOKEN.match(data, position)
            if match is None:
                raise Uninspectable("unexpected byte")
            token, position = match.group(), match.end()
            self._count()
            if token[:1] in b"\x00\t\n\x0c\r %":
                continue
            if token == b"(":
                position, token = self._after_string(data, position), b"()"
            elif token[:1] == b"/":
                name = _decoded_name(token[1:]) if len(token) <= _LONGEST_WATCHED + 1 else "(long)"
                self.names.add(name)
                self.object_stream_names += name in OBJECT_STREAM_NAMES
                token = b"/" + name.encode("latin-1")
            if token == b"<<":
                if depth == 0:
                    dictionary = []
                depth += 1
            if depth:
                dictionary.append(token)
                depth -= token == b">>"
            elif token == b"stream":
                if not top_level:
                    raise Uninspectable("a stream inside an object stream")
                position = self._stream(data, position, dictionary if previous == b">>" else [])
            previous = token

    def _stream(self, data: bytes, position: int, dictionary: list[bytes]) -> int:
        """Skip (or inflate and read, for an object stream) the body after 'stream'; the position after it."""
        if data[position:position + 2] == b"\r\n":
            position += 2
        elif data[position:position + 1] in (b"\n", b"\r"):
            position += 1
        body_end, after = _body_end(data, position, dictionary)
        names = {t[1:].decode("latin-1") for t in dictionary if t[:1] == b"/"}
        if names & set(OBJECT_STREAM_NAMES):
            self.read(self._inflated(data[position:body_end], names), top_level=False)
        return after

    def _inflated(self, body: bytes, names: set[str]) -> bytes:
        filters = names & {"FlateDecode", "Fl", "LZWDecode", "LZW", "ASCII85Decode", "A85", "ASCIIHexDecode", "AHx",
                           "RunLengthDecode", "RL", "Crypt", "DCTDecode", "JPXDecode", "CCITTFaxDecode", "JBIG2Decode"}
        if "Filter" not in names:
            return body
        if filters != {"FlateDecode"} or names & {"DecodeParms", "Predictor"}:
            raise Uninspectable("an object stream we cannot decode")
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(body, INFLATE_BUDGET - self.inflated + 1)
        except zlib.error:
            raise Uninspectable("damaged compressed data")
        self.inflated += len(data)
        if self.inflated > INFLATE_BUDGET or not inflater.eof:
            raise Uninspectable("too large once inflated, or cut short")
        return data

    def _after_string(self, data: bytes, position: int) -> int:
        """The position after a literal string opened just before position (nested parentheses, escapes)."""
        depth = 1
        while depth:
            match = _STRING_STOP.search(data, position)
            if match is None:
                raise Uninspectable("a string never closed")
            self._count()
            position = match.end()
            if match.group() == b"\\":
                position += 1
            else:
                depth += 1 if match.group() == b"(" else -1
        return position

    def _count(self) -> None:
        self.tokens += 1
        if self.tokens > MAX_TOKENS:
            raise Uninspectable("too many tokens")


def _body_end(data: bytes, start: int, dictionary: list[bytes]) -> tuple[int, int]:
    """(end of a stream body, position after its 'endstream'): after /Length bytes when 'endstream' follows them (as
    a viewer reads it), else at the next 'endstream'."""
    length = _direct_length(dictionary)
    if length is not None:
        match = _STREAM_END.match(data, start + length)
        if match:
            return start + length, match.end()
    found = data.find(b"endstream", start)
    if found < 0:
        raise Uninspectable("a stream without its end")
    return found, found + len(b"endstream")


def _direct_length(dictionary: list[bytes]) -> int | None:
    """The /Length of a stream dictionary when it is written as a number (not a reference to another object)."""
    for index, token in enumerate(dictionary[:-1]):
        if token == b"/Length":
            following = dictionary[index + 1:index + 4]
            if following[0].isdigit() and not (len(following) == 3 and following[2] == b"R"):
                return int(following[0])
    return None
