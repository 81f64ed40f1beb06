"""The data folder's secret and the signed values made with it (the pre-registration form's time stamp, the
known-device cookie): a value with an HMAC that only this portal can make, for one purpose each."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from storage.atomic import write_atomically

SECRET_FILE = "secret.key"
SECRET_TEXT = re.compile(rb"[0-9a-f]{64}")
MAX_TOKEN_LENGTH = 512


def data_folder_secret(root: Path) -> bytes:
    """The folder's secret key (data/secret.key, created at the first start, readable by its owner only)."""
    path = Path(root) / SECRET_FILE
    try:
        text = path.read_bytes().strip()
        if SECRET_TEXT.fullmatch(text):
            return bytes.fromhex(text.decode("ascii"))
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    write_atomically(path, key.hex().encode("ascii") + b"\n")
    os.chmod(path, 0o600)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs text for one purpose; a value signed for one purpose is refused for any other."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, purpose: str, value: bytes) -> bytes:
        return hmac.new(self._secret, purpose.encode("utf-8") + b"\0" + value, hashlib.sha256).digest()

    def sign(self, purpose: str, value: str) -> str:
        data = value.encode("utf-8")
        return _b64(data) + "." + _b64(self._mac(purpose, data))

    def unsign(self, purpose: str, token: str | None) -> str | None:
        """The value of a token signed for purpose, or None when it is missing, malformed or forged."""
        if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
            return None
        encoded, mac = token.split(".")
        try:
            data, sent_mac = _unb64(encoded), _unb64(mac)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(sent_mac, self._mac(purpose, data)):
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None
