"""The light markup of the texts the agent writes (legal pages, aide): blocks and links a template displays escaped.

Paragraphs are separated by blank lines (a line break inside one is kept); a line starting with "## " is a heading
("### " a sub-heading, once a heading came before it, so that heading levels never skip); lines starting with "- "
make a list. Web addresses (https://…), e-mail addresses and [link text](address) become links, to https, mailto or a
page of the portal ("/aide") only. No HTML is ever interpreted: the template escapes every piece of text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(r"(#{1,6})\s+(\S.*)")
ITEM = re.compile(r"-\s+(\S.*)")
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
LINKS = re.compile(r"\[(?P<label>[^\[\]]{1,300})\]\((?P<target>[^()\s]{1,1000})\)"
                   r"|(?P<url>https?://[^\s<>\"'\]]+)"
                   rf"|(?P<email>{EMAIL})", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)»"


@dataclass(frozen=True)
class Segment:
    """A piece of a line: text, and the address it links to (None for plain text)."""
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """kind "h2", "h3" (one line), "p" (lines shown with line breaks) or "ul" (one line per item)."""
    kind: str
    lines: tuple[tuple[Segment, ...], ...]


def safe_href(target: str) -> str | None:
    """The address a link may point to: https/http, mailto, or a page of the portal; None for anything else
    (javascript:, data:, //other-site, …)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    if re.match(r"https?://[^/\s]", target, re.IGNORECASE):
        return target
    if target.lower().startswith("mailto:") and re.fullmatch(EMAIL, target[7:]):
        return target
    if re.fullmatch(EMAIL, target):
        return "mailto:" + target
    return None


def segments(line: str) -> tuple[Segment, ...]:
    """The text and links of one line."""
    found: list[Segment] = []

    def text(value: str) -> None:
        if not value:
            return
        if found and found[-1].href is None:
            found[-1] = Segment(found[-1].text + value)
        else:
            found.append(Segment(value))

    position = 0
    for match in LINKS.finditer(line):
        text(line[position:match.start()])
        position = match.end()
        if match["label"] is not None:
            href = safe_href(match["target"])
            if href is None:
                text(match[0])
            else:
                found.append(Segment(match["label"].strip() or match["target"], href))
        elif match["url"] is not None:
            url = match["url"]
            kept = url.rstrip(TRAILING_PUNCTUATION)
            found.append(Segment(kept, kept))
            text(url[len(kept):])
        else:
            found.append(Segment(match["email"], "mailto:" + match["email"]))
    text(line[position:])
    return tuple(found)


def parse_markup(text: str) -> list[Block]:
    """The blocks of a text written in the light markup."""
    blocks: list[Block] = []
    paragraph: list[tuple[Segment, ...]] = []
    items: list[tuple[Segment, ...]] = []
    heading_seen = False

    def flush() -> None:
        if paragraph:
            blocks.append(Block("p", tuple(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(Block("ul", tuple(items)))
            items.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = HEADING.fullmatch(line)
        if heading:
            flush()
            level = 3 if len(heading[1]) >= 3 and heading_seen else 2
            heading_seen = heading_seen or level == 2
            blocks.append(Block(f"h{level}", (segments(heading[2]),)))
            continue
        item = ITEM.fullmatch(line)
        if item:
            if paragraph:
                flush()
            items.append(segments(item[1]))
            continue
        if items:
            flush()
        paragraph.append(segments(line))
    flush()
    return blocks
