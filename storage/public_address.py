"""The portal's public address and the host names it answers to.

Absolute URLs (the access letter, the bank's return and notification URLs, links in e-mails) are built from the
configured public URL, never from a request's Host header, which the client chooses. A request is served only when
its Host is an allowed host: the public URL's, the ones given with --allowed-hosts / PORTAL_ALLOWED_HOSTS, and the
local machine's names (so a fresh install and the tests work on localhost with any port).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
_IPV6 = r"\[[0-9A-Fa-f:.]{2,45}\]"
HOST_HEADER = re.compile(rf"(?P<name>{_HOST_NAME}|{_IPV6})(?::(?P<port>[0-9]{{1,5}}))?")
PUBLIC_URL_HELP = "une adresse comme https://famille.ma-commune.fr (sans chemin après le nom)"


def host_name(host: str) -> str | None:
    """The name part of a Host header value ('Famille.Ville.fr:8080' -> 'famille.ville.fr', '[::1]:80' -> '::1'),
    or None when it is not a host name at all."""
    match = HOST_HEADER.fullmatch((host or "").strip())
    if match is None:
        return None
    return match.group("name").strip("[]").rstrip(".").lower()


def clean_public_url(text: str) -> tuple[str, str | None]:
    """(the public URL as 'https://name[:port]', None) or ('', the French error); '' is a valid 'not set'."""
    text = (text or "").strip()
    if not text:
        return "", None
    parts = urlsplit(text)
    valid = (parts.scheme in ("http", "https") and not parts.username and not parts.password
             and parts.path in ("", "/") and not parts.query and not parts.fragment
             and host_name(parts.netloc) is not None)
    if not valid:
        return "", f"Adresse publique invalide : indiquez {PUBLIC_URL_HELP}."
    return f"{parts.scheme}://{parts.netloc.lower()}", None


def configured_public_url(settings) -> str:
    """The public URL in force: the setting public_url (start-up flag, environment or Paramètres), else the older
    paybox.portal_url that settings.json files written before it may hold; '' when neither is set."""
    for value in (settings["public_url"], (settings["paybox"] or {}).get("portal_url")):
        url, error = clean_public_url(str(value or ""))
        if url and error is None:
            return url
    return ""


def allowed_host_names(settings) -> frozenset[str]:
    """The host names this portal answers to: the public URL's, the allowed_hosts setting's, and the local ones."""
    names = set(LOCAL_HOSTS)
    public = configured_public_url(settings)
    if public:
        names.add(host_name(urlsplit(public).netloc))
    for entry in settings["allowed_hosts"] or ():
        name = host_name(entry)
        if name:
            names.add(name)
    return frozenset(names)


def parse_host_list(text: str) -> list[str]:
    """'famille.ville.fr, 192.168.1.10' -> ['famille.ville.fr', '192.168.1.10']; raises ValueError naming a bad entry."""
    names = []
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        name = host_name(entry)
        if name is None:
            raise ValueError(f"nom d'hôte invalide : « {entry} »")
        names.append(name)
    return names


def public_url(settings, path: str = "/", request_origin: str = "") -> str:
    """The absolute URL of a path of the portal: on the configured public URL; without one, on request_origin (the
    origin of a request whose Host was allowed, given by routes/host.public_url); without either, the bare path."""
    base = configured_public_url(settings) or request_origin
    return base.rstrip("/") + "/" + path.lstrip("/") if base else path
