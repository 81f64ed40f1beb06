"""The account mails, in French: the link to choose a password (account opened, reset by the town hall, forgotten)
and the notices of a changed e-mail address. Plain text with a simple HTML alternative, shaped as the keyword
arguments of Outbox.queue(). They never hold a password; subjects hold no typed value."""
from __future__ import annotations

import html
from datetime import datetime

from storage.accounts.password_links import ACCOUNT_OPENED, AGENT_RESET, FORGOTTEN

PASSWORD_LINK_KIND = "password-link"
EMAIL_CHANGE_KIND = "email-change"
SUBJECTS = {
    ACCOUNT_OPENED: "Votre compte sur le portail famille : choisissez votre mot de passe",
    AGENT_RESET: "Portail famille : choisissez un nouveau mot de passe",
    FORGOTTEN: "Portail famille : réinitialisation de votre mot de passe",
}
NEW_ADDRESS_SUBJECT = "Portail famille : votre adresse e-mail est enregistrée"
OLD_ADDRESS_SUBJECT = "Portail famille : votre adresse e-mail a été changée"


def masked_email(address: str) -> str:
    """'s…@example.fr' for 'sophie.martin@example.fr': enough to recognise one's address, not to learn someone's."""
    local, at, domain = (address or "").partition("@")
    return f"{local[:1]}…@{domain}" if at and local else ""


def _greeting(record: dict) -> str:
    parent = record.get("parent1") or {}
    name = " ".join(part for part in (str(parent.get("first_name") or "").strip(),
                                      str(parent.get("last_name") or "").strip()) if part)
    return f"Bonjour {name}," if name else "Bonjour,"


def _until(expires_at: str, purpose: str) -> str:
    expires = datetime.fromisoformat(expires_at)
    if purpose == FORGOTTEN:
        return f"valable 1 heure, jusqu'à {expires:%Hh%M}"
    return f"valable 7 jours, jusqu'au {expires:%d/%m/%Y} à {expires:%Hh%M}"


def _mail(kind: str, to: str, subject: str, family_id: str, paragraphs: list[str], link: str = "") -> dict:
    """The queue() arguments of a mail made of paragraphs; `link` (a URL) is a paragraph of its own, clickable in
    the HTML part."""
    text = "\n\n".join(paragraphs) + "\n"
    parts = []
    for paragraph in paragraphs:
        if link and paragraph == link:
            parts.append(f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>')
        else:
            parts.append("<p>" + html.escape(paragraph).replace("\n", "<br>\n") + "</p>")
    page = ('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>' + html.escape(subject)
            + "</title></head>\n<body>\n" + "\n".join(parts) + "\n</body></html>\n")
    return {"kind": kind, "to": to, "subject": subject, "text": text, "html": page, "family_id": family_id}


def password_link_mail(purpose: str, *, family_id: str, to: str, record: dict, url: str, expires_at: str,
                       commune: dict) -> dict:
    """The mail that carries a link to choose the password (`url`, holding the token; valid until expires_at, local
    ISO time), for one of the purposes."""
    town, phone = str(commune.get("name") or "").strip(), str(commune.get("phone") or "").strip()
    contact = f"contactez la mairie au {phone}" if phone else "contactez la mairie"
    opening = {
        ACCOUNT_OPENED: f"Votre compte sur le portail famille{' de ' + town if town else ''} est ouvert : vous "
                        "pourrez y consulter vos informations et vos factures, et écrire à la mairie.",
        AGENT_RESET: "La mairie a réinitialisé le mot de passe de votre compte sur le portail famille : l'ancien mot "
                     "de passe ne fonctionne plus.",
        FORGOTTEN: "Un nouveau mot de passe a été demandé pour votre compte sur le portail famille.",
    }[purpose]
    paragraphs = [
        _greeting(record), opening, f"Votre identifiant : {family_id}",
        f"Pour choisir votre mot de passe, ouvrez le lien ci-dessous ({_until(expires_at, purpose)} ; il ne sert qu'une "
        "fois) :", url,
    ]
    if purpose == FORGOTTEN:
        paragraphs.append("Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel : votre mot de passe "
                          "actuel reste valable.")
    paragraphs.append(f"Lien expiré ? Demandez-en un nouveau avec « Mot de passe oublié » sur la page de connexion, "
                      f"ou {contact}.")
    if town:
        paragraphs.append(town)
    return _mail(PASSWORD_LINK_KIND, to, SUBJECTS[purpose], family_id, paragraphs, link=url)


def email_change_mails(*, family_id: str, old: str, new: str, record: dict, portal_url: str,
                       commune: dict) -> list[dict]:
    """The confirmation to the new address and the notice to the old one (each only when it is an address)."""
    town, phone = str(commune.get("name") or "").strip(), str(commune.get("phone") or "").strip()
    contact = f"contactez la mairie au {phone}" if phone else "contactez la mairie"
    signature = [town] if town else []
    mails = []
    if new:
        mails.append(_mail(EMAIL_CHANGE_KIND, new, NEW_ADDRESS_SUBJECT, family_id, [
            _greeting(record),
            f"Cette adresse e-mail est désormais celle de votre compte sur le portail famille (identifiant "
            f"{family_id}) : les courriels du portail vous seront envoyés ici.",
            f"Si vous n'êtes pas à l'origine de ce changement, {contact}.",
            "Portail famille :", portal_url, *signature], link=portal_url))
    if old:
        moved = f"a été changée pour {masked_email(new)}" if new else "a été retirée de votre dossier"
        mails.append(_mail(EMAIL_CHANGE_KIND, old, OLD_ADDRESS_SUBJECT, family_id, [
            _greeting(record),
            f"L'adresse e-mail de votre compte sur le portail famille (identifiant {family_id}) {moved} : cette "
            "adresse-ci ne recevra plus les courriels du portail.",
            f"Si vous n'êtes pas à l'origine de ce changement, {contact} rapidement.", *signature]))
    return mails
