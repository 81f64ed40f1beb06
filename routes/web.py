"""The web layer's one place for sessions, CSRF, HX-* headers, rendering, redirects, security headers and gzip."""
from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path

import bottle
from bottle import HTTPError, abort, request, response

from routes.assets import static_url
from routes.compression import compress_answers
from routes.host import HOST_REFUSED, HOST_TEXT, check_host
from routes.responses import UPLOAD_POLICY
from storage.legal_pages import LEGAL_PAGES
from storage.portal_log import MaskedErrorStream
from storage.protection.addresses import forwarded_client, is_loopback, is_trusted, trusted_networks
from views import formats

VIEWS = Path(__file__).resolve().parent.parent / "views"
TEMPLATE_LOOKUP = [str(VIEWS)]  # one list object, so Bottle's template cache keys stay stable
SESSION_COOKIE = "pf_session"
ANONYMOUS_CSRF_COOKIE = "pf_csrf"
MAX_BODY_BYTES = 8 * 1024 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Vary": "Cookie, HX-Request, HX-Boosted, HX-History-Restore-Request",
}
log = logging.getLogger("portal")
LEGAL_LINKS = tuple(("/" + page.slug, page.title) for page in LEGAL_PAGES)


def portal():
    """The Portal (storage, sessions, settings) of the app serving this request."""
    return request.app.portal


# --- the client -----------------------------------------------------------------------------------

def _trusted_proxies():
    return trusted_networks(tuple(portal().settings["trusted_proxies"]))


def client_address() -> str:
    """The address of the browser that sent this request: REMOTE_ADDR, or when REMOTE_ADDR is a trusted proxy
    (setting trusted_proxies) the right-most X-Forwarded-For address that is not a trusted proxy. The one place
    that reads X-Forwarded-For: without a trusted proxy the header is ignored, anyone can write it."""
    return forwarded_client(request.environ.get("REMOTE_ADDR") or "", request.environ.get("HTTP_X_FORWARDED_FOR", ""),
                            _trusted_proxies())


def from_local_machine() -> bool:
    """True for a request made on the server itself (loopback), not relayed by a trusted reverse proxy."""
    remote = request.environ.get("REMOTE_ADDR") or ""
    return is_loopback(remote) and not is_trusted(remote, _trusted_proxies())


# --- sessions -------------------------------------------------------------------------------------

def current_session():
    """The logged-in session of this request, or None."""
    if "portal.session" not in request.environ:
        request.environ["portal.session"] = portal().sessions.get(request.get_cookie(SESSION_COOKIE))
    return request.environ["portal.session"]


def start_session(kind: str, account_id: str) -> None:
    """Log in: a fresh token (never reuse one from before login) in an HttpOnly, SameSite cookie. A family whose
    password is temporary (set by the town hall) must choose its own before anything else."""
    portal().sessions.end(request.get_cookie(SESSION_COOKIE))
    temporary = kind == "family" and bool(portal().families.account(account_id).get("temporary_password"))
    token, session = portal().sessions.create(kind, account_id, must_change_password=temporary)
    response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="lax",
                        secure=bool(portal().settings["secure_cookies"]))
    request.environ["portal.session"] = session


def end_session() -> None:
    portal().sessions.end(request.get_cookie(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path="/")
    request.environ["portal.session"] = None


def require_family() -> str:
    """The family number of the logged-in family, or a redirect to the family login page."""
    session = current_session()
    if session is None or session.kind != "family":
        redirect("/connexion")
    return session.account_id


def require_agent() -> str:
    """The login of the logged-in agent, or a redirect to the agent login page."""
    session = current_session()
    if session is None or session.kind != "agent":
        redirect("/agent/connexion")
    return session.account_id


def flash(text: str, kind: str = "success") -> None:
    """A message shown once on the next page of this session."""
    session = current_session()
    if session is not None:
        session.flash(text, kind)


# --- CSRF -----------------------------------------------------------------------------------------

def csrf_token() -> str:
    """The token every POST form carries: the session's, or before login a double-submit cookie's."""
    session = current_session()
    if session is not None:
        return session.csrf_token
    token = request.environ.get("portal.anonymous_csrf") or request.get_cookie(ANONYMOUS_CSRF_COOKIE)
    if not token or len(token) < 20:
        token = secrets.token_urlsafe(32)
        response.set_cookie(ANONYMOUS_CSRF_COOKIE, token, path="/", httponly=True, samesite="lax",
                            secure=bool(portal().settings["secure_cookies"]))
    request.environ["portal.anonymous_csrf"] = token
    return token


# POSTs that cannot carry our CSRF token because another party sends them, by design of the card payment protocol
# (Paybox System). Each handler checks what it receives in another way and none acts for the logged-in user:
# - the bank's server-to-server notification (IPN): no browser, no session; it records a payment only when the
#   bank's RSA signature verifies;
# - the bank sending the family's browser back (return pages): they only display, never record anything;
# - the local bank simulator's payment page (demo and tests): it stands in for the bank's page, which receives our
#   payment form without our token (the token must never go to a third party); it checks the form's HMAC and only
#   displays. Its Accepter / Refuser / Annuler form is ours and carries the token like every other POST.
CSRF_EXEMPT_PATHS = frozenset({
    "/paiement-en-ligne/notification",
    "/paiement-en-ligne/retour/effectue",
    "/paiement-en-ligne/retour/refuse",
    "/paiement-en-ligne/retour/annule",
    "/paiement-en-ligne/retour/attente",
    "/paiement-en-ligne/simulateur",
})


# The only addresses under /agent/ an outsider may reach; every other one answers the same redirect to the agent
# login, whether it exists or not, before any route reads any data.
AGENT_LOGIN_PATHS = frozenset({"/agent/connexion", "/agent/deconnexion"})
# What a family logged in with a temporary password may reach until it has chosen its own.
PASSWORD_CHANGE_PATHS = frozenset({"/mon-compte", "/mon-compte/mot-de-passe", "/deconnexion"})


def guard_areas() -> None:
    """The agent area needs an agent session; a temporary password must be replaced before anything else."""
    path = request.path
    session = current_session()
    if (path == "/agent" or path.startswith("/agent/")) and path not in AGENT_LOGIN_PATHS:
        if session is None or session.kind != "agent":
            redirect("/agent/connexion")
    if session is not None and session.must_change_password and path not in PASSWORD_CHANGE_PATHS \
            and not path.startswith("/static/"):
        redirect("/mon-compte")


def check_request() -> None:
    """before_request hook: guard the areas, refuse oversized bodies and POSTs without the right CSRF token."""
    guard_areas()
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if (request.content_length or 0) > body_limit():
        raise HTTPError(413, "Requête trop volumineuse.")
    if request.method == "POST" and request.path in CSRF_EXEMPT_PATHS:
        return
    session = current_session()
    expected = session.csrf_token if session else request.get_cookie(ANONYMOUS_CSRF_COOKIE)
    try:
        sent = request.forms.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    except (ValueError, UnicodeError):  # a body Bottle cannot parse (bad multipart, bad encoding)
        raise HTTPError(400, "Requête incorrecte.")
    if not expected or not hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("utf-8", "replace")):
        raise HTTPError(403, "csrf")


# --- forms carrying supporting documents (issue 14) ---------------------------------------------------------------
# A form that carries supporting documents (3 files of 5 MB at most, storage/pieces/checks.py) may send up to
# DOCUMENTS_BODY_BYTES; its route says so with body_limit=DOCUMENTS_BODY_BYTES in its config. Every other request keeps
# MAX_BODY_BYTES. Waitress is given the larger limit (portal.py).
DOCUMENTS_BODY_BYTES = 16 * 1024 * 1024


def body_limit() -> int:
    """The largest body this request's route accepts (looked up only for a body past the usual limit)."""
    if (request.content_length or 0) <= MAX_BODY_BYTES:
        return MAX_BODY_BYTES
    try:
        route, _ = request.app.router.match(request.environ)
    except HTTPError:  # no such route (404, 405): the usual limit
        return MAX_BODY_BYTES
    return min(int(route.config.get("body_limit", MAX_BODY_BYTES)), DOCUMENTS_BODY_BYTES)

# --- end of forms carrying supporting documents ----------------------------------------------------------------------


def allow_form_action(origin: str) -> None:
    """Let this response's page post a form to origin too (the bank's payment page); every other page keeps 'self'."""
    request.environ["portal.form_action"] = origin


def mark_static_answer() -> None:
    """Tell add_security_headers() that this answer is a file of static/: the same for everyone, cacheable."""
    request.environ["portal.static"] = True


def add_security_headers() -> None:
    """after_request hook: security headers on every answer; private pages are never cached. Static files do not
    vary with the cookie: a browser would otherwise fetch them again after every login."""
    static = bool(request.environ.get("portal.static"))
    for name, value in SECURITY_HEADERS.items():
        if not (static and name == "Vary"):
            response.set_header(name, value)
    extra_origin = request.environ.get("portal.form_action")
    if extra_origin:
        response.set_header("Content-Security-Policy", SECURITY_HEADERS["Content-Security-Policy"].replace(
            "form-action 'self'", f"form-action 'self' {extra_origin}"))
    if request.environ.get("portal.upload"):
        response.set_header("Content-Security-Policy", UPLOAD_POLICY)
    if not static and not response.get_header("Cache-Control"):
        response.set_header("Cache-Control", "no-store")
    if request.method == "GET" and request.headers.get("HX-Boosted") == "true":
        # A boosted form's POST -> 303 -> GET ends here: make htmx show this page's address, not the form's.
        response.set_header("HX-Push-Url", request.fullpath + ("?" + request.query_string if request.query_string else ""))


# --- forms ----------------------------------------------------------------------------------------

def form_text(name: str, max_length: int = 2000) -> str:
    """A text field of the posted form, decoded as UTF-8, stripped, cut to max_length."""
    value = request.forms.getunicode(name, default="") or ""
    return value.strip()[:max_length]


def form_values(names, max_length: int = 2000) -> dict:
    return {name: form_text(name, max_length) for name in names}


MAX_POSTED_FIELDS = 200
MAX_POSTED_TEXT = 20_000  # above any field's own limit (a message is 5,000): the cleaning then says what is too long


def posted_form(*list_names: str) -> dict:
    """Every posted field as UTF-8 text (unstripped: cleaning does that), each cut to MAX_POSTED_TEXT, at most
    MAX_POSTED_FIELDS of them; list_names (checkbox groups) as lists of values."""
    form = {name: (request.forms.getunicode(name, default="") or "")[:MAX_POSTED_TEXT]
            for name in list(request.forms.keys())[:MAX_POSTED_FIELDS]}
    for name in list_names:
        form[name] = [value[:MAX_POSTED_TEXT] for value in request.forms.getall(name)[:MAX_POSTED_FIELDS]]
    return form


def page_of(items: list, per_page: int) -> tuple[list, int, int]:
    """(the items of the page asked with ?page=N, N, the number of pages); a page out of range shows the nearest."""
    pages = max(1, -(-len(items) // per_page))
    asked = request.query.get("page", "")
    page = min(int(asked), pages) if asked.isdigit() and int(asked) >= 1 else 1
    return items[(page - 1) * per_page:page * per_page], page, pages


# --- rendering ------------------------------------------------------------------------------------

def is_fragment() -> bool:
    """True for an htmx request that swaps part of a page (not a boosted link, not a history restore)."""
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") is None)


def navigation(session) -> tuple[str, list[tuple[str, str, int | None]]]:
    """The menu of the session's area: its label and (address, text, badge count or None) per link."""
    enrolments = module_enabled("enrolments")
    index = portal().index
    if session.kind == "agent":
        return "Espace agent", [
            ("/agent", "Tableau de bord", None), ("/agent/demandes", "Gestion des demandes", index.pending_count()),
            ("/agent/messages", "Messages", index.awaiting_reply_count() or None), ("/agent/familles", "Familles", None),
            ("/agent/factures/import", "Import factures", None),
            *([("/agent/facturation", "Facturation", None)] if enrolments else []),
            ("/agent/journal", "Journal", None), ("/agent/courriels", "Courriels", None),
            ("/agent/parametres", "Paramètres", None)]
    return "Espace famille", [
        ("/accueil", "Accueil", None), ("/mes-informations", "Mes informations", None),
        ("/mes-demandes", "Mes demandes", None), *([("/inscriptions", "Inscriptions", None)] if enrolments else []),
        ("/factures", "Factures", None), ("/releve", "Relevé de compte", None),
        ("/messages", "Messages", index.unread_messages(session.account_id) or None)]


def page_description(settings) -> str:
    """The <meta name="description"> of every page unless it gives its own: the commune and what the portal is for."""
    commune = settings["commune"]
    return (f"Portail Famille de {commune['name']} : factures, paiement, inscriptions, dossier et messages du "
            f"{commune['service']} (cantine, périscolaire, accueil de loisirs).")


def render(template_name: str, **context) -> str:
    """Render a view with what every page needs: session, CSRF token, settings, flashes, formats."""
    session = current_session()
    fragment = is_fragment()
    values = {
        "session": session,
        "nav": navigation(session) if session is not None and not fragment else ("", []),
        "csrf_token": csrf_token(),
        "settings": portal().settings,
        "flashes": session.pop_flashes() if session is not None and not fragment else [],
        "fmt": formats,
        "title": "",
        "errors": {},
        "path": request.path,
        "query": request.query,
        "legal_links": LEGAL_LINKS,  # the footer's links to the pages a public site must publish
        "static_url": static_url,
        "description": page_description(portal().settings),
    }
    values.update(context)
    return bottle.template(template_name, template_lookup=TEMPLATE_LOOKUP, **values)


def render_page(page: str, fragment: str | None = None, **context) -> str:
    """The full page, or only its fragment when htmx asks for a partial refresh."""
    return render(fragment if fragment and is_fragment() else page, **context)


def redirect(url: str) -> None:
    """303 See Other (POST -> redirect -> GET), keeping cookies set on this response. The Location stays as given,
    relative for our own pages (RFC 7231 allows it): bottle.redirect() would make it absolute from the Host and
    X-Forwarded-Host headers, which the client chooses."""
    answer = response.copy(cls=bottle.HTTPResponse)
    answer.status = 303
    answer.body = ""
    answer.set_header("Location", url)
    raise answer


# --- errors ---------------------------------------------------------------------------------------

ERROR_TEXTS = {
    400: ("Requête incorrecte", "La demande envoyée n'a pas pu être comprise."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est plus disponible."),
    405: ("Action impossible", "Cette action n'est pas possible à cette adresse."),
    413: ("Envoi trop volumineux", "Le fichier ou le formulaire envoyé est trop volumineux (5 Mo au plus par "
                                   "fichier). Rien n'a été enregistré : revenez en arrière et choisissez un fichier "
                                   "plus léger."),
    500: ("Erreur du serveur", "Une erreur inattendue s'est produite. Elle a été enregistrée ; "
                               "réessayez dans un instant ou contactez la mairie."),
}
CSRF_TEXT = ("La page a expiré ou le formulaire n'est pas valide (jeton de sécurité manquant). "
             "Rien n'a été enregistré : revenez en arrière, rechargez la page puis recommencez.")


def error_page(error: HTTPError) -> str:
    """French error page; never a traceback. 500s are logged with their traceback."""
    status = error.status_code if error.status_code in ERROR_TEXTS else 500
    if status == 500:
        log.error("Erreur 500 sur %s %s\n%s", request.method, request.path, error.traceback or error.exception)
    title, text = ERROR_TEXTS[status]
    if status == 403 and error.body == "csrf":
        text = CSRF_TEXT
    elif status == 400 and error.body == HOST_REFUSED:
        text = HOST_TEXT
    add_security_headers()
    try:
        return render("errors/error.tpl", title=title, text=text, status=status)
    except Exception:  # the error page itself must never fail
        log.exception("Erreur en affichant la page d'erreur")
        return f"<!DOCTYPE html><html lang='fr'><title>{title}</title><h1>{title}</h1><p>{text}</p></html>"


def install(app: bottle.Bottle) -> None:
    """Attach the hooks and French error pages to the root app."""
    app.add_hook("before_request", mask_sensitive_data_in_wsgi_errors)
    app.add_hook("before_request", check_host)  # first: nothing runs for a foreign Host
    app.add_hook("before_request", check_request)
    app.add_hook("after_request", add_security_headers)
    for status in ERROR_TEXTS:
        app.error(status)(error_page)
    # Last: gzip sees the finished answer. A reverse proxy that compresses itself turns it off (--no-compression).
    compress_answers(app, lambda: bool(app.portal.settings["compression"]))


def module_enabled(name: str) -> bool:
    """Whether an optional module ('enrolments', 'payment') is switched on in the settings."""
    return bool(portal().settings["modules"].get(name))


def found(value):
    """value, or a 404 page when it is None (a document that does not exist, or not this family's)."""
    if value is None:
        abort(404)
    return value


def require_module(name: str) -> None:
    """Pages of a module that is off do not exist: 404."""
    if not module_enabled(name):
        abort(404)


# --- what reaches the logs (issue 11, fault 8) -----------------------------------------------------------------
# The "portal" logger writes data/logs/portal.log (storage/portal_log.py, set up by create_app) through a filter
# that masks passwords, bank and health data. Bottle also writes each 500's traceback to wsgi.errors (Waitress: the
# process's stderr, i.e. the console or the journal): that copy goes through the same masking.

def mask_sensitive_data_in_wsgi_errors() -> None:
    """before_request hook (the first one, so that a failure in any later hook is masked too)."""
    errors = request.environ.get("wsgi.errors")
    if errors is not None and not isinstance(errors, MaskedErrorStream):
        request.environ["wsgi.errors"] = MaskedErrorStream(errors)

# --- end of what reaches the logs ------------------------------------------------------------------------------

