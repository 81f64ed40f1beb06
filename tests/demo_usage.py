"""The demo commune after a little use, through the portal's own forms: pages that only exist once someone has
sent a pre-registration, a child's photo, a medical certificate or supporting documents (pièces justificatives), or
once the agent has published an announcement.
The crawl (tests/web/test_crawl.py) and the accessibility check (tests/browser/test_accessibility.py) run on it,
the first through WebTest, the second against the real server: a Session adapts either.

A new kind of document that brings new pages: add one step to use_the_demo()."""
from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta
from typing import Callable, Protocol

from PIL import Image

from site_map import post_forms
from storage import clock
from storage.protection.submissions import MIN_FILL_SECONDS

NEW_FAMILY = {"p1_title": "Mme", "p1_last_name": "NOUVEL", "p1_first_name": "Anne", "p1_address1": "3 rue Neuve",
              "p1_postcode": "77000", "p1_city": "Démoville", "p1_email": "anne.nouvel@example.fr",
              "p1_phone_mobile": "06 10 20 30 40", "c0_first_name": "Paul", "c0_last_name": "NOUVEL",
              "c0_birth_date": "2019-05-04", "c0_sex": "M", "message": "Arrivée dans la commune en janvier."}
CERTIFICATE = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Supporting documents: the file inputs of the default Paramètres › Pièces justificatives (storage/pieces/kinds.py).
PIECE_FIELDS = {"preregistration": "piece-justificatif-de-domicile", "tax": "piece-avis-d-imposition",
                "caf": "piece-attestation-de-quotient-familial-caf"}


# One family of the commune's childhood-services software, imported by the agent (Familles › Importer des familles).
IMPORTED_FAMILY = ("famille;resp1_civilite;resp1_nom;resp1_prenom;resp1_adresse;resp1_code_postal;resp1_commune;"
                   "resp1_tel_portable;resp1_email;enfant_nom;enfant_prenom;enfant_sexe;enfant_date_naissance\n"
                   "880100000;Mme;Importée;Claire;5 rue du Port;77000;Démoville;06 44 55 66 77;;IMPORTÉE;Hugo;M;"
                   "12/03/2019\n")


def photo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), (90, 140, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def next_school_day(today: date | None = None) -> date:
    """The next Monday, Tuesday, Thursday or Friday (the demo canteen's days) at least a week ahead."""
    day = (today or clock.today()) + timedelta(days=7)
    while day.weekday() not in (0, 1, 3, 4):
        day += timedelta(days=1)
    return day


class Session(Protocol):
    """A logged-in (or anonymous) user: GET a page's HTML, POST a form and get the status, redirects not followed."""

    def get(self, url: str) -> str: ...

    def post(self, url: str, fields: dict, files: dict | None = None) -> int: ...


def submit(session: Session, page: str, action: str, values: dict, files: dict | None = None,
           fill_in: Callable[[], None] | None = None) -> None:
    """Fill the form posting to action on page, as a user would: its fields as shown, the given values over them;
    fill_in() is the time the user takes to type (forms that refuse to be sent back at once)."""
    html = session.get(page)
    form = next((f for f in post_forms(html) if f["action"].split("#")[0] == action), None)
    assert form is not None, f"no form posting to {action} on {page}"
    fields = dict(form["fields"])
    fields.update(values)
    if fill_in is not None:
        fill_in()
    status = session.post(action, fields, files)
    assert status == 303, f"POST {action} from {page} answered {status}, not 303 (the form refused {values})"


def use_the_demo(visitor: Session, family: Session, agent: Session, wait: Callable[[float], None] = time.sleep) -> None:
    """A pending pre-registration with its justificatif de domicile, two photos (one validated, one waiting), an
    absence with its certificate, two changes with a supporting document (one validated: a pièce of the family, one
    waiting), an announcement to every family and an import of families (confirmed). wait(seconds) lets time pass (the portal's clock, or the real one
    for a server)."""
    submit(visitor, "/pre-inscription", "/pre-inscription", NEW_FAMILY, fill_in=lambda: wait(MIN_FILL_SECONDS),
           files={PIECE_FIELDS["preregistration"]: ("facture-energie.pdf", CERTIFICATE)})
    for child_id in (1, 2):
        submit(family, f"/mes-informations/enfants/{child_id}/photo", f"/mes-informations/enfants/{child_id}/photo",
               {}, {"photo": ("photo.png", photo_png())})
    day = next_school_day().isoformat()
    submit(family, "/absences/nouvelle", "/absences/nouvelle",
           {"child_service": "1:cantine", "reason": "maladie", "start": day, "end": day, "comment": "angine"},
           {"certificate": ("certificat.pdf", CERTIFICATE)})
    submit(agent, "/agent/messages/nouveau", "/agent/messages/nouveau",
           {"recipient": "all", "category": "autre", "subject": "Fermeture exceptionnelle",
            "body": "L'accueil du soir fermera à 17 h le vendredi 18 décembre.", "confirm": "1"})
    requests_page = agent.get("/agent/demandes/770400070")
    photo_forms = [f["action"] for f in post_forms(requests_page) if f["action"].endswith("/valider")]
    assert photo_forms, "no request to validate for 770400070"
    first_photo = next(a for a in sorted(photo_forms) if _is_photo_request(requests_page, a))
    submit(agent, "/agent/demandes/770400070", first_photo, {})
    submit(family, "/mes-informations/donnees-fiscales/modifier", "/mes-informations/donnees-fiscales/modifier",
           {"income": "43100"}, {PIECE_FIELDS["tax"]: ("avis-impot-2026.pdf", CERTIFICATE)})
    submit(family, "/mes-informations/caf/modifier", "/mes-informations/caf/modifier",
           {"qf": "805"}, {PIECE_FIELDS["caf"]: ("attestation-caf.png", photo_png())})
    requests_page = agent.get("/agent/demandes/770400070")
    tax_form = next(f["action"] for f in post_forms(requests_page)
                    if f["action"].endswith("/valider") and "Données fiscales" in _card_of(requests_page, f["action"]))
    submit(agent, "/agent/demandes/770400070", tax_form, {})
    submit(agent, "/agent/familles/import", "/agent/familles/import", {},
           {"familles": ("familles.csv", IMPORTED_FAMILY.encode("utf-8"))})
    preview = "/agent/familles/import/" + re.search(r"/agent/familles/import/([0-9a-f]{32})\"",
                                                    agent.get("/agent/familles/import")).group(1)
    submit(agent, preview, preview + "/confirmer", {})


def _is_photo_request(html: str, action: str) -> bool:
    """Whether the request card whose Valider form posts to action is a photo request."""
    return "photo.jpg" in _card_of(html, action)


def _card_of(html: str, action: str) -> str:
    """The HTML of the request card whose Valider form posts to action."""
    request_id = action.rstrip("/").split("/")[-2]
    return html.split(f'id="demande-{request_id}"', 1)[-1].split("</article>", 1)[0]


# --- adapters -------------------------------------------------------------------------------------------------------

class WebTestSession:
    """A Session over a WebTest client."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str) -> str:
        answer = self.client.get(url)
        while answer.status_int in (301, 302, 303):
            answer = answer.follow()
        return answer.text

    def post(self, url: str, fields: dict, files: dict | None = None) -> int:
        uploads = [(name, filename, content) for name, (filename, content) in (files or {}).items()]
        return self.client.post(url, list(fields.items()), upload_files=uploads or None, status="*").status_int


class PlaywrightSession:
    """A Session over Playwright's APIRequestContext (it shares the cookies of its browser context)."""

    def __init__(self, request, base_url: str):
        self.request, self.base_url = request, base_url

    def get(self, url: str) -> str:
        return self.request.get(self.base_url + url).text()

    def post(self, url: str, fields: dict, files: dict | None = None) -> int:
        if files:
            multipart = dict(fields)
            for name, (filename, content) in files.items():
                multipart[name] = {"name": filename, "mimeType": "application/octet-stream", "buffer": content}
            answer = self.request.post(self.base_url + url, multipart=multipart, max_redirects=0)
        else:
            answer = self.request.post(self.base_url + url, form=fields, max_redirects=0)
        return answer.status
