"""What an e-mail address and a header value must look like before anything is queued or sent."""
from __future__ import annotations

import re

MAX_ADDRESS_LENGTH = 254
EMAIL_ERROR = "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."
# Pragmatic, not RFC 5322: the characters a real mailbox uses before the @ (no quotes, no comments, no commas or
# angle brackets that would let one field name several recipients), and a domain of at least two labels.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def valid_email(address: str) -> bool:
    """True for a plausible mailbox: one @, no spaces or line breaks, a domain with a dot, 254 characters at most,
    ASCII only (what every French provider accepts)."""
    return (isinstance(address, str) and 0 < len(address) <= MAX_ADDRESS_LENGTH
            and _ADDRESS.fullmatch(address) is not None)


def has_line_break(value: str) -> bool:
    """True when value holds a CR, LF or another character that ends a line: it could add a header to a mail."""
    return bool(_LINE_BREAKS.search(value or ""))
