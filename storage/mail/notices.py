"""The texts of the notices families (and the agent) receive: one function per kind, each giving the subject, the
plain text and a simple HTML alternative, in French, signed with the commune's name.

What a notice never holds: health data, bank details, a password, the body of a private message (a family or the
town hall may write about a child's health; the family reads it on the portal). Announcements are the exception for
the body: written for every family, they hold nothing personal. Everything put in the HTML part is escaped.

Links: an absolute URL (the public URL) is written as is. Without one (no public URL configured, in a background job)
a bare path would not be clickable and would look broken, so the text names the portal page to open instead.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from storage.dates import month_fr
from storage.fields import format_euros
from storage.wording import plural

KIND_LABELS = {
    "request_decision": "Décision sur des demandes",
    "message_reply": "Message de la mairie",
    "announcement": "Annonce à toutes les familles",
    "invoice": "Nouvelle facture",
    "payment_receipt": "Reçu de paiement en ligne",
    "invoice_reminder": "Rappel d'échéance",
    "agent_summary": "Résumé quotidien pour l'agent",
}


def kind_label(kind: str) -> str:
    """The French name of a mail's kind for the agent's Courriels pages (the code itself when unknown)."""
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class Notice:
    kind: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class DecisionLine:
    """One decided request as the family reads it: 'Modification — Responsable', validated or cancelled, the town
    hall's reason, and a detail (whether an absence is billed)."""
    title: str
    outcome: str  # "validated" or "cancelled"
    reason: str = ""
    detail: str = ""


def date_fr(iso: str) -> str:
    """'2026-12-25' -> '25/12/2026'."""
    return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def period_fr(period: str) -> str:
    """'2026-11' -> 'novembre 2026' (the text itself when it is not a month)."""
    try:
        return month_fr(date.fromisoformat(period[:7] + "-01"))
    except ValueError:
        return period


def _compose(kind: str, commune: dict, subject: str, blocks: list, link: str, page: str, *,
             contact: str = "Pour toute question, répondez simplement à ce courriel.") -> Notice:
    """blocks: paragraphs (str) and bullet lists (list of str); link and page: where the family reads more."""
    name = str(commune.get("name") or "").strip()
    service = str(commune.get("service") or "").strip()
    signature = f"{service} — {name}" if service and name else name or service
    if link.startswith(("http://", "https://")):
        where_text = f"Sur le portail famille ({page}) : {link}"
        where_html = f'Sur le portail famille : <a href="{html.escape(link)}">{html.escape(page)}</a>'
    else:
        where_text = f"Connectez-vous à votre portail famille, rubrique « {page} »."
        where_html = html.escape(where_text)
    greeting = "Bonjour,"
    text_parts, html_parts = [greeting], [f"<p>{greeting}</p>"]
    for block in blocks:
        if isinstance(block, list):
            text_parts.append("\n".join(f"- {line}" for line in block))
            html_parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in block) + "</ul>")
        else:
            text_parts.append(block)
            html_parts.append("<p>" + html.escape(block).replace("\n", "<br>") + "</p>")
    text_parts += [where_text, contact, signature]
    html_parts += [f"<p>{where_html}</p>"] + [f"<p>{html.escape(part)}</p>" for part in (contact, signature) if part]
    page_html = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>' + html.escape(subject)
                 + "</title></head><body>" + "\n".join(html_parts) + "</body></html>")
    return Notice(kind, subject, "\n\n".join(part for part in text_parts if part) + "\n", page_html)


# --- decisions --------------------------------------------------------------------------------------------

def _decision_text(line: DecisionLine) -> str:
    text = f"{line.title} : {'validée' if line.outcome == 'validated' else 'annulée'}"
    if line.detail:
        text += f" ({line.detail})"
    if line.outcome == "cancelled":
        text += f". Motif de la mairie : « {line.reason} »" if line.reason else ". La mairie n'a pas indiqué de motif"
    return text + "."


def decisions_notice(commune: dict, lines: list[DecisionLine], link: str) -> Notice:
    """The town hall validated or cancelled one or several of the family's requests (one agent action)."""
    if len(lines) == 1:
        word = "validée" if lines[0].outcome == "validated" else "annulée"
        subject, intro = f"Votre demande a été {word}", "La mairie a traité votre demande :"
    else:
        subject, intro = f"{len(lines)} demandes traitées par la mairie", "La mairie a traité vos demandes :"
    return _compose("request_decision", commune, subject, [intro, [_decision_text(line) for line in lines]],
                    link, "Mes demandes")


def absence_detail(days: list[dict]) -> str:
    """'2 jours non facturés, 1 jour facturé' for an absence's days as validated."""
    billed = sum(1 for day in days if day.get("billed"))
    free = len(days) - billed
    parts = []
    if free:
        parts.append(f"{free} jour{'s' if free > 1 else ''} non facturé{'s' if free > 1 else ''}")
    if billed:
        parts.append(f"{billed} jour{'s' if billed > 1 else ''} facturé{'s' if billed > 1 else ''}")
    return ", ".join(parts)


# --- messages -------------------------------------------------------------------------------------------

def message_notice(commune: dict, link: str) -> Notice:
    """The town hall wrote to the family (a reply, or a new conversation); the message itself stays on the portal."""
    return _compose("message_reply", commune, "Nouveau message de la mairie",
                    ["La mairie vous a écrit. Pour des raisons de confidentialité, le message n'est pas recopié ici : "
                     "lisez-le dans votre boîte de réception."], link, "Boîte de réception")


def announcement_notice(commune: dict, subject: str, body: str, link: str) -> Notice:
    """An announcement to every family, with its text (it holds nothing personal)."""
    return _compose("announcement", commune, subject, ["La mairie informe toutes les familles :", body], link,
                    "Boîte de réception")


# --- money ------------------------------------------------------------------------------------------------

def invoice_notice(commune: dict, invoice: dict, link: str) -> Notice:
    """A new invoice: its month, the montant à payer à l'émission (solde antérieur included) and the due date."""
    month = period_fr(invoice["period"])
    due = invoice["amount_due_cents"]
    if due > 0:
        sentence = (f"Votre facture de {month} est disponible : {format_euros(due)} à payer avant le "
                    f"{date_fr(invoice['due_on'])}.")
    else:
        sentence = f"Votre facture de {month} est disponible : vous n'avez rien à payer."
    return _compose("invoice", commune, f"Votre facture de {month} est disponible",
                    [sentence, f"Facture n° {invoice['number']}."], link, "Mes factures")


def receipt_notice(commune: dict, amount_cents: int, paid_on: str, reference: str, link: str) -> Notice:
    """The bank confirmed an online card payment: what was recorded, when, under which reference."""
    return _compose("payment_receipt", commune, "Reçu de votre paiement en ligne",
                    [f"Votre paiement par carte de {format_euros(amount_cents)} a bien été enregistré le "
                     f"{date_fr(paid_on)}.", f"Référence du paiement : {reference}."], link, "Relevé de compte")


def reminder_notice(commune: dict, invoice: dict, remaining_cents: int, balance_cents: int, link: str) -> Notice:
    """A few days before the due date of an invoice still (partly) unpaid: its reste à payer, and the account's
    balance when earlier invoices also remain unpaid."""
    month = period_fr(invoice["period"])
    sentence = (f"Il reste {format_euros(remaining_cents)} à payer sur votre facture de {month} "
                f"(n° {invoice['number']}), avant le {date_fr(invoice['due_on'])}.")
    if balance_cents > remaining_cents:
        sentence += f" Solde de votre compte : {format_euros(balance_cents)} à payer."
    return _compose("invoice_reminder", commune, f"Rappel : votre facture de {month} arrive à échéance",
                    [sentence, "Si vous avez réglé ces jours-ci, ne tenez pas compte de ce rappel."], link,
                    "Mes factures")


# --- the agent --------------------------------------------------------------------------------------------

def agent_summary_notice(commune: dict, since: str, requests: list[str], messages: list[str], totals: dict,
                         link: str) -> Notice:
    """The agent's daily summary: new requests and families' messages since the last one, and what waits."""
    count = len(requests) + len(messages)
    blocks = [f"Depuis le {date_fr(since)} à {since[11:16].replace(':', 'h')} : "
              f"{plural(len(requests), 'nouvelle demande', 'nouvelles demandes')}, "
              f"{plural(len(messages), 'nouveau message', 'nouveaux messages')} de familles."]
    if requests:
        blocks += ["Nouvelles demandes :", requests]
    if messages:
        blocks += ["Nouveaux messages :", messages]
    blocks.append(f"En attente aujourd'hui : {plural(totals['requests'], 'demande')}, "
                  f"{plural(totals['messages'], 'message')} sans réponse, "
                  f"{plural(totals['preregistrations'], 'pré-inscription')}.")
    subject = f"Portail famille : {plural(count, 'nouveauté')} à traiter"
    return _compose("agent_summary", commune, subject, blocks, link,
                    "Tableau de bord", contact="")
