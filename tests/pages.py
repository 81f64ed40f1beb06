"""Reading a page as a person does: its text, its flash messages, the error shown next to a field; and the files
tests upload."""
from __future__ import annotations

from bs4 import BeautifulSoup

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"  # the smallest clean PDF
UPLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox; default-src 'none'",
                  "Cache-Control": "private, no-store"}  # how every uploaded file is served back


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def soup(page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def flashes(page) -> list[str]:
    return [text(f) for f in soup(page).select(".flash")]


def field_error(page, field_id: str) -> str:
    """The error text shown inside the field's wrapper (the element holding the control), "" when there is none."""
    control = soup(page).find(id=field_id)
    assert control is not None, field_id
    wrapper = control if "field" in (control.get("class") or []) else control.find_parent(class_="field")
    error = wrapper.find(class_="error-text") if wrapper else None
    return text(error) if error else ""
