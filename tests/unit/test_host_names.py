"""Host names, the public URL and the allowed hosts (storage/public_address.py), without a server."""
from __future__ import annotations

import pytest

from storage.public_address import allowed_host_names, clean_public_url, configured_public_url, host_name, public_url
from storage.settings import DEFAULT_SETTINGS, merged


@pytest.mark.parametrize("header, name", [
    ("famille.ville.fr", "famille.ville.fr"), ("Famille.Ville.FR:8443", "famille.ville.fr"), ("localhost.", "localhost"),
    ("[::1]:8080", "::1"), ("[::1]", "::1"), ("127.0.0.1:80", "127.0.0.1"),
    ("", None), ("evil.example/x", None), ("a b", None), ("evil.example:", None), ("evil.example:123456", None),
    ("user@evil.example", None), ("-evil.example", None), ("evil.example\r\nX: y", None),
])
def test_host_name_of_a_host_header(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("text, url", [
    ("https://famille.ville.fr", "https://famille.ville.fr"), (" https://Famille.Ville.fr/ ", "https://famille.ville.fr"),
    ("http://192.168.1.10:8080", "http://192.168.1.10:8080"), ("", ""),
])
def test_a_valid_public_url_is_kept_in_one_spelling(text, url):
    assert clean_public_url(text) == (url, None)


@pytest.mark.parametrize("text", ["famille.ville.fr", "javascript:alert(1)", "https://", "https://a.fr/famille",
                                  "https://a.fr?x", "https://a.fr#x", "https://u:p@a.fr", "https://a .fr"])
def test_an_invalid_public_url_gets_a_french_error(text):
    url, error = clean_public_url(text)
    assert url == "" and error.startswith("Adresse publique invalide")


def settings(**values) -> dict:
    return merged(DEFAULT_SETTINGS, values)


def test_the_public_url_wins_over_the_older_paybox_portal_url():
    assert configured_public_url(settings()) == ""
    assert configured_public_url(settings(paybox={"portal_url": "https://ancien.fr/"})) == "https://ancien.fr"
    assert configured_public_url(settings(public_url="https://neuf.fr", paybox={"portal_url": "https://ancien.fr"})) \
        == "https://neuf.fr"


def test_allowed_hosts_are_the_public_urls_the_extra_ones_and_the_local_machine():
    assert allowed_host_names(settings()) == {"localhost", "127.0.0.1", "::1"}
    assert allowed_host_names(settings(public_url="https://famille.ville.fr:8443", allowed_hosts=["Portail.LAN"])) \
        == {"localhost", "127.0.0.1", "::1", "famille.ville.fr", "portail.lan"}


def test_public_url_of_a_path():
    assert public_url(settings(public_url="https://famille.ville.fr"), "/connexion", "http://localhost:80") \
        == "https://famille.ville.fr/connexion"
    assert public_url(settings(), "/connexion", "http://portail.lan") == "http://portail.lan/connexion"
    assert public_url(settings(), "/connexion") == "/connexion"  # no public URL, no request: a path is all we know
