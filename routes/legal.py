"""The pages a public site must publish (mentions légales, accessibilité, données personnelles, aide), open to
everyone, and their editing by the agent in Paramètres › Pages légales et aide."""
from __future__ import annotations

from bottle import Bottle, request

from routes.web import flash, portal, posted_form, redirect, render, require_agent
from storage.legal_pages import (LEGAL_FIELDS, LEGAL_PAGES, MAX_TEXT_LENGTH, PAGES_BY_SLUG, SLUG_RULE,
                                 clean_legal_details, clean_page_text, with_variables)
from storage.legal_texts import RETENTION_VARIABLE, default_text, legal_details_missing
from views.markup import parse_markup

app = Bottle()
EDITOR = "/agent/parametres/pages-legales"


def show_legal_page(slug: str) -> str:
    """One legal page as anyone reads it: the agent's text or the default, with its variables replaced."""
    settings = portal().settings.values
    text = portal().legal_pages.text(slug, settings, portal().services.all())
    blocks = parse_markup(with_variables(text, settings))
    return render("legal/page.tpl", title=PAGES_BY_SLUG[slug].title, blocks=blocks)


def _page_route(slug: str):
    def legal_page():
        return show_legal_page(slug)
    legal_page.__name__ = f"legal_page_{slug.replace('-', '_')}"
    return legal_page


for _page in LEGAL_PAGES:
    app.route("/" + _page.slug, "GET", _page_route(_page.slug))


def editor_page(details: dict | None = None, errors: dict | None = None, typed: dict | None = None,
                text_errors: dict | None = None) -> str:
    """The agent's page: the legal details form, then one form per page (its text, typed or current)."""
    settings = portal().settings.values
    services = portal().services.all()
    edited = portal().legal_pages.edited()
    pages = [{"slug": page.slug, "title": page.title, "edited": edited.get(page.slug),
              "text": (typed or {}).get(page.slug, edited[page.slug]["text"] if page.slug in edited
                                        else default_text(page.slug, settings, services)),
              "error": (text_errors or {}).get(page.slug)} for page in LEGAL_PAGES]
    return render("agent/legal_pages.tpl", title="Pages légales et aide", fields=LEGAL_FIELDS,
                  details=details if details is not None else settings["legal"], errors=errors or {}, pages=pages,
                  missing=legal_details_missing(settings), max_length=MAX_TEXT_LENGTH,
                  retention_variable=RETENTION_VARIABLE)


@app.route(EDITOR, method=["GET", "POST"])
def legal_pages_editor():
    require_agent()
    if request.method == "GET":
        return editor_page()
    details, errors = clean_legal_details(posted_form())
    if errors:
        return editor_page(details, errors)
    if details != portal().settings["legal"]:
        portal().settings.save({"legal": details})
        flash("Informations légales enregistrées ; les textes par défaut les reprennent.")
    else:
        flash("Informations légales : aucune modification.", "info")
    redirect(EDITOR)


@app.post(f"{EDITOR}/<slug:re:{SLUG_RULE}>")
def save_legal_page(slug: str):
    agent = require_agent()
    form = posted_form()
    title = PAGES_BY_SLUG[slug].title
    if form.get("action") == "retablir":
        if portal().legal_pages.restore_default(slug):
            flash(f"Texte par défaut rétabli pour la page « {title} ».")
        else:
            flash(f"La page « {title} » affiche déjà le texte par défaut.", "info")
        redirect(f"{EDITOR}#page-{slug}")
    text, error = clean_page_text(form.get("texte", ""))
    if error:
        return editor_page(typed={slug: text}, text_errors={slug: error})
    default = default_text(slug, portal().settings.values, portal().services.all())
    if portal().legal_pages.save(slug, text, agent, default):
        flash(f"Page « {title} » enregistrée.")
    else:
        flash(f"Page « {title} » : aucune modification.", "info")
    redirect(f"{EDITOR}#page-{slug}")
