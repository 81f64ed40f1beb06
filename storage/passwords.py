"""Password hashing (scrypt, memory-hard, stdlib) and the families' password rule."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
import threading

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # about 16 MB of memory per hash
SCRYPT_MAXMEM = 64 * 1024 * 1024
_HASHING = threading.BoundedSemaphore(2)  # 16 MB and ~50 ms each: a burst of logins must not eat the memory
FAMILY_PASSWORD_MAX = 20
FAMILY_PASSWORD_MIN = 8
FAMILY_PASSWORD_RULE = (
    "Le mot de passe comporte de 8 à 20 caractères, uniquement des lettres et des chiffres, "
    "avec au moins une lettre et au moins un chiffre."
)


def hash_password(password: str) -> str:
    """A self-describing scrypt hash: scrypt$n$r$p$salt$hash (base64)."""
    salt = secrets.token_bytes(16)
    with _HASHING:
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                                maxmem=SCRYPT_MAXMEM)
    return "scrypt${}${}${}${}${}".format(SCRYPT_N, SCRYPT_R, SCRYPT_P, _b64(salt), _b64(digest))


def verify_password(password: str, stored: str) -> bool:
    """True when password matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        with _HASHING:
            actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                    p=int(p), maxmem=SCRYPT_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def family_password_errors(password: str) -> list[str]:
    """French reasons why password breaks the families' rule (empty when it is acceptable)."""
    errors = []
    if len(password) < FAMILY_PASSWORD_MIN:
        errors.append(f"Le mot de passe doit comporter au moins {FAMILY_PASSWORD_MIN} caractères.")
    if len(password) > FAMILY_PASSWORD_MAX:
        errors.append(f"Le mot de passe doit comporter au plus {FAMILY_PASSWORD_MAX} caractères.")
    if not re.fullmatch(r"[A-Za-z0-9]*", password):
        errors.append("Le mot de passe ne doit contenir que des lettres (sans accent) et des chiffres.")
    if not re.search(r"[A-Za-z]", password):
        errors.append("Le mot de passe doit contenir au moins une lettre.")
    if not re.search(r"[0-9]", password):
        errors.append("Le mot de passe doit contenir au moins un chiffre.")
    return errors


AGENT_PASSWORD_RULE = "Le mot de passe de l'agent comporte au moins 10 caractères, dont au moins une lettre et un chiffre."


def agent_password_errors(password: str) -> list[str]:
    """French reasons why an agent's password is too weak (empty when it is acceptable)."""
    if len(password) < 10 or len(password) > 128 or not re.search(r"[A-Za-z]", password) \
            or not re.search(r"[0-9]", password):
        return [AGENT_PASSWORD_RULE]
    return []


def generate_password(length: int = 12) -> str:
    """A random password that satisfies the families' rule (also used for the agent's first one)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if not family_password_errors(candidate):
            return candidate


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
