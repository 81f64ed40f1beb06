"""The portal's log file: what the "portal" logger says at INFO and above goes to data/logs/portal.log, rotated.

500s with their traceback, refused payment notifications, refused logins and throttling all log through
logging.getLogger("portal") (or a child such as "portal.payment"). Nothing sensitive may reach a log line: a filter
on every handler of ours replaces the values of sensitive form fields (passwords, bank details, health data) by
[masqué], whatever shape the line gives them (form body, query string, dict, JSON).
"""
from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOGGER_NAME = "portal"
LOG_FOLDER = "logs"
LOG_FILE_NAME = "portal.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 5  # portal.log.1 … portal.log.5: at most 30 MB
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[masqué]"

# Form field names (or parts of them: "allergies_allergen_0", "nouveau_mot_de_passe") whose values never go to a log:
# passwords and secrets, bank details, the child's health data (storage/sections.py) and session tokens.
SENSITIVE_FIELD_PARTS = (
    "mot_de_passe", "password", "passwd", "actuel", "nouveau", "confirmation", "hmac_key", "csrf_token", "pf_session",
    "pf_csrf", "iban", "bic", "allergies", "allergen", "consequence", "treatments", "vaccinations", "pai",
    "doctor", "medecin", "remarks", "diet",
)
# A part counts as a whole word of the name ("pai_details", not "paiement"; "bic", not "public_url").
_NAME = r"[\w.-]*(?<![A-Za-z])(?:" + "|".join(SENSITIVE_FIELD_PARTS) + r")(?![A-Za-z])[\w.-]*"
_SENSITIVE_VALUES = (
    # name=value in a form body, a query string or a cookie header; stops at & ; , space or a quote
    re.compile(rf"(?i)(\b{_NAME}=)[^&;,\s'\"]*"),
    # 'name': 'value' / "name": "value" (repr of a dict, JSON); the value may hold escaped quotes
    re.compile(rf"(?i)(['\"]{_NAME}['\"]\s*:\s*)(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^,}}\s]+)"),
    # name: value, one per line (headers, "key: value" dumps)
    re.compile(rf"(?im)(^\s*{_NAME}\s*:\s)[^\n]*"),
    # the secret of a link to choose a password, in a logged path (/mot-de-passe/<family number>.<secret>)
    re.compile(r"(/mot-de-passe/[0-9]{1,12}\.)[A-Za-z0-9_-]+"),
)


def redact(text: str) -> str:
    """text with the value of every sensitive field replaced by [masqué]."""
    for pattern in _SENSITIVE_VALUES:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


class SensitiveDataFilter(logging.Filter):
    """Masks sensitive form values in a record's message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class MaskedErrorStream:
    """A stream (wsgi.errors: Bottle writes each 500's traceback there) that masks sensitive values on the way."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> None:
        self._stream.write(redact(text))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()


class PortalLogFile(logging.handlers.RotatingFileHandler):
    """The rotating handler of data/logs/portal.log (a class of its own, so that set-up finds and replaces it)."""


def attach_log_file(data_dir: Path) -> PortalLogFile:
    """Send the portal logger's INFO and above to data_dir/logs/portal.log. One such handler per process: calling
    again for the same folder reuses it, for another folder (tests open many) replaces it."""
    path = (Path(data_dir) / LOG_FOLDER / LOG_FILE_NAME).resolve()
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if isinstance(h, PortalLogFile)]:
        if Path(handler.baseFilename) == path:
            return handler
        detach_log_file(handler)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = PortalLogFile(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    handler.addFilter(SensitiveDataFilter())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


def detach_log_file(handler: logging.Handler) -> None:
    """Stop writing to that log file (when its portal closes)."""
    logging.getLogger(LOGGER_NAME).removeHandler(handler)
    handler.close()


def mask_sensitive_data_on(handler: logging.Handler) -> None:
    """Add the filter to another handler (the console's in main()), once."""
    if not any(isinstance(f, SensitiveDataFilter) for f in handler.filters):
        handler.addFilter(SensitiveDataFilter())
