"""End to end with a real SMTP server (aiosmtpd on 127.0.0.1) and the portal's own threads: the agent validates a
request and the family's mail arrives within seconds; an announcement reaches every demo family once."""
from __future__ import annotations

import time

import pytest

from helpers import DEMO_FAMILY, csrf_from, logged_in
from mail_server import running_smtp_server
from portal import create_app, stop_jobs
from storage.demo import DEMO_AGENT
from storage.requests import pending_requests

PUBLIC = "https://famille.ville-demo.fr"


@pytest.fixture
def smtp_server(tmp_path):
    with running_smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
def live_app(demo_dir, smtp_server):
    """The demo portal with its background jobs running, sending to the test's SMTP server."""
    app = create_app(demo_dir, {"mail": smtp_server.settings(), "public_url": PUBLIC}, start_jobs=True)
    yield app
    stop_jobs(app)
    app.portal.close()


def body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_the_family_receives_the_decision_within_seconds(live_app, smtp_server):
    agent = logged_in(live_app, *DEMO_AGENT, agent=True)
    (request,) = pending_requests(live_app.portal.families.read(DEMO_FAMILY[0]))
    page = agent.get(f"/agent/demandes/{DEMO_FAMILY[0]}")
    started = time.monotonic()
    answer = agent.post(f"/agent/demandes/{DEMO_FAMILY[0]}/{request.doc_id}/valider", {"csrf_token": csrf_from(page)})
    assert answer.status_int == 303
    (received,) = smtp_server.mailbox.wait_for(1, timeout=10)
    assert time.monotonic() - started < 10
    message = received.message
    assert received.rcpt_tos == ["sophie.martin@example.fr"] and message["To"] == "sophie.martin@example.fr"
    assert message["From"] == "Ville de Démo <portail@ville-demo.fr>"
    assert message["Reply-To"] == "enfance@ville-demo.fr" and message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "Votre demande a été validée"
    assert "- Modification — Responsable : validée." in body(message, "plain")
    assert f"{PUBLIC}/mes-demandes" in body(message, "plain")
    assert f'<a href="{PUBLIC}/mes-demandes">' in body(message, "html")


def test_an_announcement_reaches_each_demo_family_once(live_app, smtp_server):
    agent = logged_in(live_app, *DEMO_AGENT, agent=True)
    page = agent.get("/agent/messages/nouveau")
    agent.post("/agent/messages/nouveau", {"csrf_token": csrf_from(page), "recipient": "all", "category": "autre",
                                           "subject": "Fermeture exceptionnelle", "confirm": "1",
                                           "body": "L'accueil du soir fermera à 17 h le vendredi 18 décembre."})
    received = smtp_server.mailbox.wait_for(3, timeout=15)
    assert sorted(r.rcpt_tos[0] for r in received) == ["julien.leroy@example.fr", "nadia.abdel@example.fr",
                                                       "sophie.martin@example.fr"]
    assert {r.message["Subject"] for r in received} == {"Fermeture exceptionnelle"}
    time.sleep(0.5)
    assert len(smtp_server.mailbox.received) == 3
