"""The public address and the allowed hosts (issue 11, fault 5): which Host a request may name, and the absolute
URLs of the portal for what leaves the browser (letters, the bank, e-mails).
"""
from __future__ import annotations

import logging

from bottle import HTTPError, request

from storage.public_address import LOCAL_HOSTS, allowed_host_names, configured_public_url, host_name
from storage.public_address import public_url as _public_url

log = logging.getLogger("portal")

# The Host and X-Forwarded-Host headers are the client's: a request is served only when they name an allowed host
# (storage/public_address.py), and no absolute URL is ever built from them: redirects are relative (routes/web.redirect())
# and absolute URLs come from public_url(). Waitress passes Host as sent (HTTP_HOST) and wsgi.url_scheme "http"; it
# drops X-Forwarded-* and Forwarded unless told to trust a proxy (then it rewrites HTTP_HOST and the scheme itself, and
# the check below applies to the result). Bottle's request.url / urlparts would trust X-Forwarded-Host and -Proto:
# nothing here uses them, and a foreign X-Forwarded-Host is refused all the same (other WSGI servers pass it on).

HOST_REFUSED = "host"  # the HTTPError body that tells error_page() which French text to show
HOST_TEXT = ("Ce portail ne répond pas à l'adresse demandée. Utilisez l'adresse du portail famille communiquée "
             "par la mairie.")
LETTER_ADDRESS_PLACEHOLDER = "(adresse à demander à la mairie)"
HOST_HEADERS = ("HTTP_HOST", "HTTP_X_FORWARDED_HOST")


def check_host() -> None:
    """before_request hook: 400 (French page) unless Host, and X-Forwarded-Host when sent, name allowed hosts."""
    allowed = allowed_host_names(request.app.portal.settings)
    for header in HOST_HEADERS:
        value = request.environ.get(header)
        if value is None:
            continue  # no Host at all (HTTP/1.0): nothing to poison, public_url() then needs the public URL
        for hop in value.split(","):  # a proxy chain may list several
            if host_name(hop) not in allowed:
                log.warning("Requête refusée : hôte non autorisé %r (%s %s). S'il s'agit de l'adresse du portail, "
                            "indiquez-la avec --public-url ou --allowed-hosts.", value[:100], request.method,
                            request.path[:200])
                raise HTTPError(400, HOST_REFUSED)


def request_origin() -> str:
    """'http://host:port' of this request, from its checked Host header and the server's scheme; '' without Host."""
    host = request.environ.get("HTTP_HOST", "").strip()
    return f"{request.environ.get('wsgi.url_scheme', 'http')}://{host}" if host else ""


def public_url(path: str = "/") -> str:
    """The absolute URL of a path of the portal, for whatever leaves the browser (letters, the bank's return and
    notification URLs, links in e-mails): on the configured public URL; without one (fresh install, demo), on the
    origin of this request, whose Host check_host() has allowed."""
    return _public_url(request.app.portal.settings, path, request_origin())


def portal_address_for_letters() -> str:
    """The portal's address printed on paper: the public URL; without one, this request's origin unless it is the
    local machine (a family cannot reach the agent's 'localhost'), in which case a French placeholder."""
    if configured_public_url(request.app.portal.settings):
        return public_url("/")
    origin = request_origin()
    if not origin or host_name(origin.split("://", 1)[1]) in LOCAL_HOSTS:
        return LETTER_ADDRESS_PLACEHOLDER
    return public_url("/")
