"""The commune's settings: its name and address (on every page and PDF) and the optional modules."""
from __future__ import annotations

import copy

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.mail.config import MAIL_DEFAULTS
from storage.mail.preferences import NOTICE_DEFAULTS
from storage.pieces.kinds import DEFAULT_RULES as DOCUMENT_RULES
from storage.retention.periods import RETENTION_DEFAULTS

DEFAULT_SETTINGS = {
    "schema": SCHEMA_VERSION,
    "commune": {
        "name": "Ville de Démo",
        "service": "Service Enfance",
        "address1": "1 place de la Mairie",
        "postcode": "77000",
        "city": "Démoville",
        "phone": "01 23 45 67 89",
        "email": "enfance@ville-demo.fr",
    },
    "modules": {"enrolments": False, "payment": False},
    # The portal's public address, base of every absolute URL (letters, bank, e-mails): "https://famille.ma-commune.fr".
    # --public-url / PORTAL_PUBLIC_URL override it; see storage/public_address.py.
    "public_url": "",
    # Host names the portal answers to besides the public URL's and localhost's (--allowed-hosts, start-up only).
    "allowed_hosts": [],
    # Online card payment (module "payment") with Paybox System / Up2pay e-Transactions: the values the bank gives
    # the commune. "simulator" sends families to the built-in bank simulator instead (demo and tests only).
    "paybox": {
        "site": "",
        "rang": "",
        "identifiant": "",
        "hmac_key_hex": "",
        "bank_url": "https://tpeweb.paybox.com/cgi/MYchoix_pagepaiement.cgi",
        "public_key_path": "",  # the bank's public key (PEM), absolute or relative to the data folder
        "portal_url": "",  # before "public_url" existed, the base of the bank's URLs: still read when public_url is empty
        "simulator": False,
    },
    "secure_cookies": False,
    # gzip text answers (routes/compression.py); off behind a reverse proxy that compresses itself: --no-compression,
    # PORTAL_COMPRESSION=0 (start-up only).
    "compression": True,
    # Reverse proxies whose X-Forwarded-For header is believed (addresses or networks); empty: the TCP peer is the
    # client. Set with --trusted-proxy / PORTAL_TRUSTED_PROXIES or in Paramètres.
    "trusted_proxies": [],
    # E-mail (storage/mail/): the SMTP server; PORTAL_SMTP_* environment variables win over these (see Portal).
    "mail": MAIL_DEFAULTS,
    # Legal details of the mentions légales and données personnelles pages (storage/legal_pages.py, edited in
    # Paramètres › Pages d'information); empty: the default texts say a placeholder.
    "legal": {"publication_director": "", "host_name": "", "host_address": "", "dpo_contact": ""},
    # Notices to families and the agent (storage/mail/preferences.py): reminder delay, the agent's daily summary.
    "notices": NOTICE_DEFAULTS,
    # Supporting documents (storage/pieces/kinds.py): which document each section asks for, and which it requires.
    "documents": {"rules": DOCUMENT_RULES},
    # How long personal data is kept (months or days per kind) and the hour of the daily purge: storage/retention/.
    "retention": RETENTION_DEFAULTS,
}


def merged(base: dict, override: dict) -> dict:
    """base updated by override, recursively for nested dicts."""
    result = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


class Settings:
    """Settings saved in data/settings.json over the defaults, plus overrides given at start-up."""

    def __init__(self, documents: DocumentStore, overrides: dict | None = None):
        self._documents = documents
        self._path = documents.root / "settings.json"
        self._overrides = overrides or {}
        self.values = self._load()

    def _load(self) -> dict:
        saved = self._documents.read(self._path).table("settings").get(doc_id=1) or {}
        return merged(merged(DEFAULT_SETTINGS, dict(saved)), self._overrides)

    def __getitem__(self, key: str):
        return self.values[key]

    def fixed_at_start(self, key: str) -> bool:
        """Whether key was given at start-up (flag or environment): it wins over settings.json, read-only in Paramètres."""
        return key in self._overrides

    def save(self, changes: dict) -> None:
        """Store changes (merged into what is saved) and apply them at once."""
        from tinydb.table import Document
        with self._documents.transaction(self._path) as db:
            table = db.table("settings")
            saved = merged(dict(table.get(doc_id=1) or {"schema": SCHEMA_VERSION}), changes)
            table.upsert(Document(saved, doc_id=1))
        self.values = self._load()
