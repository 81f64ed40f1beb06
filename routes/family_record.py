"""Mes informations: the family reads each section of its record and asks for changes (requests)."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.display import SECTION_SLUGS, SLUG_SECTIONS, section_rows
from routes.pieces import WITH_DOCUMENTS
from routes.record_forms import section_form
from routes.responses import upload_response
from routes.web import flash, portal, redirect, render, require_family
from storage.families import record_of
from storage.photos import MAX_UPLOAD_BYTES, PhotoRefused, reencode_photo
from storage.pieces.family import attach_pieces
from storage.pieces.kinds import document_fields
from storage.requests import RequestRefused, pending_requests, pending_values, submit_request
from storage.sections import SECTIONS, child_label, current_values, find_target, person_label

app = Bottle()
SLUG_PATTERN = "|".join(SLUG_SECTIONS)
SECRET_FIELDS = {"bank": ("iban",)}  # never echoed back into the family's page
SENT = "Votre demande a été transmise à la mairie. Elle sera prise en compte après validation."


def _family():
    """(family number, file snapshot, record) of the logged-in family, read once per request."""
    if "portal.family_file" not in request.environ:
        family_id = require_family()
        db = portal().families.read(family_id)
        if db is None:
            abort(404)
        request.environ["portal.family_file"] = (family_id, db, record_of(db))
    return request.environ["portal.family_file"]


@app.get("/mes-informations")
def overview():
    family_id, db, record = _family()
    pending = pending_requests(db)
    return render("family/record/overview.tpl", title="Mes informations", record=record,
                  slugs=SECTION_SLUGS, sections=SECTIONS, pending=pending, person_label=person_label)


@app.get(f"/mes-informations/<slug:re:{SLUG_PATTERN}>")
def section_page(slug: str):
    family_id, db, record = _family()
    section = SECTIONS[SLUG_SECTIONS[slug]]
    values = current_values(record, section)
    rows = section_rows(section, values, pending_values(db, section.key), record)
    return render("family/record/section.tpl", title=section.title, section=section, rows=rows,
                  edit_url=f"/mes-informations/{slug}/modifier", empty=not any(values.values()))


@app.route(f"/mes-informations/<slug:re:{SLUG_PATTERN}>/modifier", method=["GET", "POST"], **WITH_DOCUMENTS)
def section_edit(slug: str):
    section_key = SLUG_SECTIONS[slug]
    return _edit(section_key, None, back_url=f"/mes-informations/{slug}", form_url=f"/mes-informations/{slug}/modifier",
                 heading=f"Modifier : {SECTIONS[section_key].title}")


def _edit(section_key: str, target_id, *, back_url: str, form_url: str, heading: str, action: str = "update",
          target_label: str = ""):
    """A section form whose valid submission stores a pending request for the agent."""
    family_id, db, record = _family()
    piece_fields = document_fields(portal().settings.values, section_key)

    def save(values: dict, label: str, pieces: list = ()) -> None:
        attach = attach_pieces(portal().pieces, family_id, pieces, piece_fields[0].name) if pieces else None
        submit_request(portal().families, family_id, section_key, values, target_id=target_id, action=action,
                       target_label=label, attach=attach)

    return section_form(record, section_key, target_id, save=save, done=SENT, back_url=back_url, form_url=form_url,
                        heading=heading, action=action, target_label=target_label,
                        pending=pending_values(db, section_key, target_id),
                        secret_fields=SECRET_FIELDS.get(section_key, ()), piece_fields=piece_fields)


# --- authorised persons -------------------------------------------------------------------------------

@app.get("/mes-informations/personnes")
def persons():
    family_id, db, record = _family()
    section = SECTIONS["person"]
    pending = [r for r in pending_requests(db) if r["section"] == "person"]
    cards = [{"person": p, "rows": section_rows(section, p, pending_values(db, "person", p["id"]), record),
              "removal_pending": any(r["action"] == "remove" and str(r["target_id"]) == str(p["id"]) for r in pending)}
             for p in record.get("persons", [])]
    additions = [r for r in pending if r["action"] == "add"]
    return render("family/record/persons.tpl", title="Personnes autorisées", cards=cards, additions=additions,
                  person_label=person_label)


@app.route("/mes-informations/personnes/ajouter", method=["GET", "POST"], **WITH_DOCUMENTS)
def person_add():
    return _edit("person", None, action="add", back_url="/mes-informations/personnes",
                 form_url="/mes-informations/personnes/ajouter", heading="Ajouter une personne autorisée")


@app.route("/mes-informations/personnes/<person_id:int>/modifier", method=["GET", "POST"], **WITH_DOCUMENTS)
def person_edit(person_id: int):
    person = _own_person(person_id)
    return _edit("person", person_id, back_url="/mes-informations/personnes",
                 form_url=f"/mes-informations/personnes/{person_id}/modifier",
                 heading=f"Modifier : {person_label(person)}", target_label=person_label(person))


@app.route("/mes-informations/personnes/<person_id:int>/retirer", method=["GET", "POST"])
def person_remove(person_id: int):
    person = _own_person(person_id)
    family_id, _, _ = _family()
    refusal = None
    if request.method == "POST":
        try:
            submit_request(portal().families, family_id, "person", {}, target_id=person_id, action="remove",
                           target_label=person_label(person))
            flash(SENT)
            redirect("/mes-informations/personnes")
        except RequestRefused as refused:
            refusal = str(refused)
    return render("family/record/person_remove.tpl", title="Retirer une personne autorisée", person=person,
                  label=person_label(person), refusal=refusal)


def _own_person(person_id: int) -> dict:
    _, _, record = _family()
    person = find_target(record, SECTIONS["person"], person_id)
    if person is None:
        abort(404)
    return person


# --- children -----------------------------------------------------------------------------------------

CHILD_PARTS = {"complementaires": "child_extra", "sanitaires": "child_health"}


@app.get("/mes-informations/enfants/<child_id:int>")
def child_page(child_id: int):
    family_id, db, record = _family()
    child = _own_child(record, child_id)
    parts = []
    for slug, key in CHILD_PARTS.items():
        section = SECTIONS[key]
        parts.append({"slug": slug, "section": section, "rows": section_rows(
            section, current_values(record, section, child_id), pending_values(db, key, child_id), record)})
    photo_pending = [r for r in pending_requests(db) if r["section"] == "child_photo" and str(r["target_id"]) == str(child_id)]
    return render("family/record/child.tpl", title=child_label(child), child=child, parts=parts,
                  photo_pending=photo_pending)


@app.route("/mes-informations/enfants/<child_id:int>/<part:re:complementaires|sanitaires>", method=["GET", "POST"],
           **WITH_DOCUMENTS)
def child_edit(child_id: int, part: str):
    _, _, record = _family()
    child = _own_child(record, child_id)
    section = SECTIONS[CHILD_PARTS[part]]
    return _edit(section.key, child_id, back_url=f"/mes-informations/enfants/{child_id}",
                 form_url=f"/mes-informations/enfants/{child_id}/{part}",
                 heading=f"{section.title} : {child_label(child)}", target_label=child_label(child))


@app.route("/mes-informations/enfants/<child_id:int>/photo", method=["GET", "POST"])
def child_photo(child_id: int):
    family_id, _, record = _family()
    child = _own_child(record, child_id)
    error = None
    if request.method == "POST":
        upload = request.files.get("photo")
        try:
            raw = upload.file.read(MAX_UPLOAD_BYTES + 1) if upload is not None else b""
            name = portal().photos.save(family_id, reencode_photo(raw))
        except PhotoRefused as refused:
            error = str(refused)
        else:
            try:
                submit_request(portal().families, family_id, "child_photo", {"photo": name}, target_id=child_id,
                               target_label=child_label(child))
            except RequestRefused as refused:
                portal().photos.delete(family_id, name)
                error = str(refused)
            else:
                flash(SENT)
                redirect(f"/mes-informations/enfants/{child_id}")
    return render("family/record/photo.tpl", title=f"Photo : {child_label(child)}", child=child, error=error)


@app.get("/mes-informations/enfants/<child_id:int>/photo.jpg")
def child_photo_file(child_id: int):
    family_id, _, record = _family()
    child = _own_child(record, child_id)
    return send_photo(family_id, child.get("photo"))


def _own_child(record: dict, child_id: int) -> dict:
    child = find_target(record, SECTIONS["child_extra"], child_id)
    if child is None:
        abort(404)
    return child


def send_photo(family_id: str, name: str | None):
    """The photo file of one family (404 when absent)."""
    return upload_response(portal().photos, family_id, name)
