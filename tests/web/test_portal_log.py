"""data/logs/portal.log: refused logins, 500s with their traceback and refused payment notifications are written
there, rotated, once per event however many apps the process opened, and never with a password or health data."""
from __future__ import annotations

import logging

import pytest
from bottle import request
from webtest import TestApp

from helpers import DEMO_FAMILY, login_agent, login_family
from portal import create_app
from storage.portal_log import MASK, PortalLogFile, SensitiveDataFilter, redact

SECRET = "Secr3tMotDePasse"
HEALTH = "arachides-anaphylaxie"


def log_text(data_dir) -> str:
    path = data_dir / "logs" / "portal.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def portal_file_handlers() -> list:
    return [h for h in logging.getLogger("portal").handlers if isinstance(h, PortalLogFile)]


def test_a_refused_login_writes_a_line_without_the_password(demo_app, demo_dir):
    client = TestApp(demo_app)
    assert login_family(client, DEMO_FAMILY[0], SECRET).status_int == 200
    assert login_agent(client, "agent", SECRET).status_int == 200
    assert login_family(client, SECRET, SECRET).status_int == 200  # the password typed in the identifiant field

    text = log_text(demo_dir)
    assert f"Connexion famille refusée : compte {DEMO_FAMILY[0]}, adresse " in text
    assert "Connexion agent refusée : compte agent, adresse " in text
    assert "Connexion famille refusée : compte (identifiant inconnu)" in text
    assert SECRET not in text


def test_a_500_writes_its_traceback_without_the_form_values(demo_app, demo_dir):
    @demo_app.get("/essai/plantage")
    def crash():  # a bug that puts the request's fields in its exception
        raise RuntimeError(f"champs {dict(request.query)} ; brut {request.query_string}")

    query = f"mot_de_passe={SECRET}&allergies_allergen_0={HEALTH}&iban=FR7630006000011234567890189"
    answer = TestApp(demo_app).get(f"/essai/plantage?{query}", status=500, expect_errors=True)
    assert SECRET not in answer.text and "Traceback" not in answer.text
    assert "RuntimeError" in answer.errors and SECRET not in answer.errors  # Bottle's copy on wsgi.errors (stderr)

    text = log_text(demo_dir)
    assert "ERROR portal: Erreur 500 sur GET /essai/plantage" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: champs {" in text
    assert f"'mot_de_passe': {MASK}" in text and f"mot_de_passe={MASK}" in text
    assert SECRET not in text and HEALTH not in text and "FR7630006000011234567890189" not in text


def test_a_refused_payment_notification_writes_a_line(demo_app, demo_dir):
    query = f"montant=27345&ref=770400070-20261203101500-0a1b2c3d&erreur=00000&mot_de_passe={SECRET}&sign=AAAA"
    TestApp(demo_app).get(f"/paiement-en-ligne/notification?{query}", status=400)

    text = log_text(demo_dir)
    assert "WARNING portal.payment: Notification de paiement refusée" in text
    assert "montant=27345" in text and SECRET not in text


def test_info_lines_of_the_portal_and_its_children_are_written_debug_ones_are_not(app, data_dir):
    logging.getLogger("portal.payment").info("Paiement en ligne essai enregistré")
    logging.getLogger("portal").debug("détail de mise au point")
    logging.getLogger("ailleurs").warning("pas le portail")
    text = log_text(data_dir)
    assert "INFO portal.payment: Paiement en ligne essai enregistré" in text
    assert "mise au point" not in text and "pas le portail" not in text


def test_opening_the_same_folder_twice_writes_each_line_once(data_dir, tmp_path):
    first = create_app(data_dir)
    second = create_app(data_dir)  # a restart simulated in one process
    assert len(portal_file_handlers()) == 1
    login_family(TestApp(second), "770400070", SECRET)
    assert log_text(data_dir).count("Connexion famille refusée") == 1

    other_dir = tmp_path / "autre"
    other = create_app(other_dir)  # the latest folder gets the lines; still one handler
    assert len(portal_file_handlers()) == 1
    logging.getLogger("portal").warning("après le changement de dossier")
    assert "après le changement" in log_text(other_dir) and "après le changement" not in log_text(data_dir)
    for app in (first, second, other):
        app.portal.close()
    assert portal_file_handlers() == []


def test_the_log_file_rotates_at_5_mb_keeping_5_files(app, data_dir):
    [handler] = portal_file_handlers()
    assert handler.baseFilename == str((data_dir / "logs" / "portal.log").resolve())
    assert (handler.maxBytes, handler.backupCount, handler.encoding) == (5 * 1024 * 1024, 5, "utf-8")
    assert handler.level == logging.INFO
    assert any(isinstance(f, SensitiveDataFilter) for f in handler.filters)


@pytest.mark.parametrize("line, hidden", [
    ("identifiant=770400070&mot_de_passe=abc123&csrf_token=jeton42", ("abc123", "jeton42")),
    ("{'nouveau': 'Neuf2026', 'confirmation': 'Neuf2026', 'actuel': 'Vieux'}", ("Neuf2026", "Vieux")),
    ('{"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"}', ("3000 6000", "AGRIFRPP")),
    ("vaccinations_name_0=DTP&allergies_consequence_1=choc;pai_details=trousse", ("DTP", "choc", "trousse")),
    ("Cookie: pf_session=abcdef; pf_csrf=ghijk", ("abcdef", "ghijk")),
    ("password: hunter2\nautre: visible", ("hunter2",)),
    ("{'doctor_name': 'Dr. O\\'Neil', 'remarks': \"asthme\"}", ("Neil", "asthme")),
])
def test_sensitive_values_are_masked_whatever_the_shape(line, hidden):
    cleaned = redact(line)
    assert MASK in cleaned
    for value in hidden:
        assert value not in cleaned, cleaned


def test_ordinary_lines_are_left_alone():
    line = "Paiement en ligne 770400070-20261203101500-0a1b2c3d enregistré : 27345 centimes, famille 770400070"
    assert redact(line) == line
    for line in ("montant=27345&ref=abc&paiement=carte", "public_url=https://famille.ville.fr", "identifiant=770400070"):
        assert redact(line) == line
