"""Familles › Importer des familles: the CSV files uploaded and checked, the preview, the confirmed import run in the
background with its progress page, and the access handed over to the imported families (mails and letters)."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.account_mail import link_url
from routes.pieces import WITH_DOCUMENTS
from routes.host import portal_address_for_letters
from routes.responses import pdf_response
from routes.web import flash, found, portal, redirect, render_page, require_agent
from storage.family_import.columns import FAMILY_COLUMNS, PERSON_COLUMNS
from storage.family_import.jobs import TOKEN_RULE
from storage.family_import.parsing import parse_import
from storage.family_import.preview import build_preview
from storage.photos import MAX_UPLOAD_BYTES
from views.pdf import access_letters_pdf

app = Bottle()
MAX_CSV_BYTES = MAX_UPLOAD_BYTES  # 5 MB a file, as every upload: about 12,000 lines
FILES = (("familles", "le fichier des familles"), ("personnes", "le fichier des personnes autorisées"))
IMPORT = "/agent/familles/import"


def _form(errors: dict | None = None):
    return render_page("agent/family_import.tpl", title="Importer des familles", errors=errors or {},
                       family_columns=FAMILY_COLUMNS, person_columns=PERSON_COLUMNS,
                       recent=portal().family_imports.recent(),
                       max_mb=MAX_CSV_BYTES // (1024 * 1024))


@app.get(IMPORT)
def import_form():
    require_agent()
    return _form()


@app.post(IMPORT, **WITH_DOCUMENTS)
def import_upload():
    agent = require_agent()
    raws, errors = {}, {}
    for name, label in FILES:
        upload = request.files.get(name)
        raw = upload.file.read(MAX_CSV_BYTES + 1) if upload is not None else b""
        if len(raw) > MAX_CSV_BYTES:
            errors[name] = f"Le fichier dépasse {MAX_CSV_BYTES // (1024 * 1024)} Mo : rien n'a été importé."
        raws[name] = raw
    if not raws["familles"] and "familles" not in errors:
        errors["familles"] = "Choisissez le fichier CSV des familles exporté par votre logiciel."
    if errors:
        return _form(errors)
    parsed = parse_import(raws["familles"], raws["personnes"] or None)
    preview = build_preview(portal().families, parsed)
    if parsed.errors:  # shown at once and kept nowhere: the agent corrects the files and sends them again
        return render_page("agent/family_import_preview.tpl", title="Aperçu de l'import des familles", token=None,
                           preview=preview, state=None)
    redirect(f"{IMPORT}/{portal().family_imports.save_preview(parsed.families, preview, agent)}")


def _upload(token: str) -> dict:
    return found(portal().family_imports.upload(token))


@app.get(f"{IMPORT}/<token:re:{TOKEN_RULE}>")
def import_preview(token: str):
    require_agent()
    upload = _upload(token)
    return render_page("agent/family_import_preview.tpl", title="Aperçu de l'import des familles", token=token,
                       preview=upload["preview"], state=portal().family_imports.state(token))


@app.post(f"{IMPORT}/<token:re:{TOKEN_RULE}>/confirmer")
def import_confirm(token: str):
    agent = require_agent()
    _upload(token)
    overwrite = request.forms.get("ecraser") == "1"
    if not portal().family_imports.queue_import(token, overwrite=overwrite, agent=agent):
        flash("Cet import est déjà lancé ou terminé, ou son fichier contient des erreurs : rien de plus n'a été fait.",
              "warning")
    redirect(f"{IMPORT}/{token}/progression")


@app.get(f"{IMPORT}/<token:re:{TOKEN_RULE}>/progression")
def import_progress(token: str):
    require_agent()
    _upload(token)
    state = portal().family_imports.state(token)
    if state is None:
        redirect(f"{IMPORT}/{token}")
    return render_page("agent/family_import_progress.tpl", "agent/_family_import_progress.tpl",
                       title="Import des familles", token=token, state=state,
                       auto_refresh=state["status"] in ("queued", "running"), waiting=len(portal().index.awaiting_access()))


# --- access of the imported families ------------------------------------------------------------------------------

ACCESS = "/agent/familles/acces"


@app.get(ACCESS)
def access_page():
    require_agent()
    waiting = portal().index.awaiting_access()
    by_mail = sum(1 for summary in waiting if summary.holder_email)
    runs = sorted(portal().family_imports.access_runs.values(), key=lambda run: run["queued_at"], reverse=True)
    return render_page("agent/family_access.tpl", title="Accès des familles importées", waiting=len(waiting),
                       by_mail=by_mail, by_letter=len(waiting) - by_mail, runs=runs[:10])


@app.post(ACCESS)
def access_send():
    require_agent()
    waiting = sorted(summary.family_id for summary in portal().index.awaiting_access())
    if not waiting:
        flash("Aucune famille importée n'attend ses accès.", "warning")
        redirect(ACCESS)
    commune, address = dict(portal().settings["commune"]), portal_address_for_letters()
    links = link_url("")  # the public address of the page a link opens, without its token
    run_id = portal().family_imports.queue_access(
        waiting, link_url=lambda token: links + token, commune=commune,
        letters_pdf=lambda letters: access_letters_pdf(commune, letters, address))
    redirect(f"{ACCESS}/{run_id}")


def _access_run(run_id: str) -> dict:
    return found(portal().family_imports.access_runs.get(run_id))


@app.get(f"{ACCESS}/<run_id:re:{TOKEN_RULE}>")
def access_progress(run_id: str):
    require_agent()
    state = _access_run(run_id)
    return render_page("agent/family_access_progress.tpl", "agent/_family_access_progress.tpl",
                       title="Envoi des accès", run_id=run_id, state=state,
                       auto_refresh=state["status"] in ("queued", "running"))


@app.get(f"{ACCESS}/<run_id:re:{TOKEN_RULE}>/courriers.pdf")
def access_letters(run_id: str):
    require_agent()
    state = _access_run(run_id)
    if not state.get("pdf"):
        abort(404)
    return pdf_response(state["pdf"], "courriers-acces-portail-famille.pdf", download=True)

