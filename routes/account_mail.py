"""The account mails as the routes send them: the access a town-hall action gives a family (a link mailed to the
account holder, or a temporary password shown once), the "Mot de passe oublié" links, and the notices of an e-mail
address change. Every link is built on the public URL (routes/host.public_url). Handlers only: no route here."""
from __future__ import annotations

import logging

from routes.host import public_url
from routes.web import current_session, flash, portal, redirect
from storage.accounts.access import Access, reset_access
from storage.accounts.email_change import email_change_of_decision
from storage.accounts.mails import email_change_mails, masked_email, password_link_mail
from storage.mail import MailRefused

log = logging.getLogger("portal")
LINK_PATH = "/mot-de-passe/"


def link_url(token: str) -> str:
    """The public address of the page where a link's token lets the family choose its password."""
    return public_url(LINK_PATH + token)


def queue_password_link(family_id: str, purpose: str, *, to: str, token: str, expires_at: str) -> str:
    """Queue the mail carrying the link (durable before returning); its id. Raises MailRefused."""
    mail = password_link_mail(purpose, family_id=family_id, to=to, record=portal().families.record(family_id) or {},
                              url=link_url(token), expires_at=expires_at, commune=portal().settings["commune"])
    return portal().outbox.queue(**mail)


def hand_over_access(access: Access, purpose: str, *, reset: bool = False) -> None:
    """After the agent opened or reset an account: mail the link (when the access is one), then 303 to the page that
    shows the outcome once. A mail the outbox refuses gives way to a temporary password, so the family is never left
    without a way in."""
    if access.by_mail:
        try:
            queue_password_link(access.family_id, purpose, to=access.email, token=access.token,
                                expires_at=access.expires_at)
        except MailRefused as refused:
            log.warning("Courriel d'accès de la famille %s refusé par la file d'envoi : %s", access.family_id, refused)
            access = reset_access(portal().families, access.family_id, purpose, paper=True)
            flash(f"Le courriel n'a pas pu être préparé ({refused}) : un mot de passe provisoire a été créé à la "
                  "place.", "warning")
    show_access_codes(access, reset=reset)


def show_access_codes(access: Access, *, reset: bool = False) -> None:
    """303 to the page that says, once, how the family gets in: the temporary password, or where the link went."""
    current_session().show_once(f"codes:{access.family_id}", {
        "password": access.password, "mailed_to": masked_email(access.email) if access.by_mail else "",
        "reset": reset})
    redirect(f"/agent/familles/{access.family_id}/codes-acces")


def confirm_email_change(family_id: str, decision) -> None:
    """After the agent's decision on a request (storage.requests.Decision): when it validated a new e-mail address
    for the account holder, the confirmation to the new address and the notice to the old one."""
    mail_email_change(family_id, email_change_of_decision(decision))


def mail_email_change(family_id: str, change: tuple[str, str] | None) -> None:
    """Queue the mails of an e-mail change ((old, new) from storage/accounts/email_change.py; None: nothing)."""
    if change is None:
        return
    old, new = change
    mails = email_change_mails(family_id=family_id, old=old, new=new,
                               record=portal().families.record(family_id) or {}, portal_url=public_url("/connexion"),
                               commune=portal().settings["commune"])
    for mail in mails:
        try:
            portal().outbox.queue(**mail)
        except MailRefused as refused:  # the change is stored; the agent sees the outbox, the log says why
            log.warning("Courriel de changement d'adresse (famille %s) refusé par la file d'envoi : %s", family_id,
                        refused)
