"""Password hashing (scrypt) and the families' password rule, with French messages."""
from __future__ import annotations

import pytest

from storage.passwords import (family_password_errors, generate_password, hash_password,
                               verify_password)


def test_hash_then_verify():
    stored = hash_password("demo2026")
    assert verify_password("demo2026", stored)
    assert not verify_password("demo2027", stored)
    assert not verify_password("", stored)


def test_hash_is_salted_and_never_contains_the_password():
    first, second = hash_password("demo2026"), hash_password("demo2026")
    assert first != second
    assert "demo2026" not in first
    assert first.startswith("scrypt$")


def test_verify_accepts_non_ascii_password():
    stored = hash_password("mötdepässe1")
    assert verify_password("mötdepässe1", stored)
    assert not verify_password("motdepasse1", stored)


@pytest.mark.parametrize("stored", ["", "garbage", "md5$abc", "scrypt$x$y$z$salt$hash", "scrypt$1$2$3",
                                    "scrypt$16384$8$1$!!notbase64$abc", "scrypt$3$8$1$c2FsdA==$aGFzaA=="])
def test_verify_refuses_malformed_hashes_without_crashing(stored):
    assert verify_password("demo2026", stored) is False


@pytest.mark.parametrize("password", ["demo2026", "abcdefg1", "A1b2C3d4", "a" * 19 + "1", "12345678x"])
def test_family_rule_accepts(password):
    assert family_password_errors(password) == []


@pytest.mark.parametrize("password, message", [
    ("abc123", "au moins 8 caractères"),
    ("a1" * 10 + "x", "au plus 20 caractères"),
    ("motdepasse", "au moins un chiffre"),
    ("12345678", "au moins une lettre"),
    ("mot de passe1", "que des lettres"),
    ("motdepassé1", "que des lettres"),
    ("motdepasse-1", "que des lettres"),
    ("", "au moins 8 caractères"),
])
def test_family_rule_refuses_with_french_message(password, message):
    errors = family_password_errors(password)
    assert errors, password
    assert any(message in error for error in errors), errors


def test_generated_passwords_follow_the_family_rule():
    for length in (8, 12, 14, 20):
        password = generate_password(length)
        assert len(password) == length
        assert family_password_errors(password) == []
