"""The readable summary of a family's data (Mon compte › Télécharger mes données, PDF): what the town hall keeps on
the family, said section by section, from the same export as the JSON file. Never a password hash nor a link's
secret: only named fields of the account are printed."""
from __future__ import annotations

from storage.ledger import PAYMENT_METHODS
from storage.requests import STATUS_LABELS
from storage.sections import SECTIONS, child_label, person_label
from views.formats import date_fr, month_fr
from views.pdf.base import PortalPDF, pdf_euros, pdf_text

LINE = 5.5


def my_data_pdf(commune: dict, export: dict) -> bytes:
    """The summary of one family's export (storage/export.py)."""
    record, family_id = export["record"], export["family_id"]
    pdf = PortalPDF(commune, f"Mes données - famille n° {family_id}")
    pdf.title_block("Mes données", f"Ce que {commune.get('name', 'la mairie')} conserve sur la famille n° {family_id}, "
                                   f"au {date_fr(export['exported_at'][:10])}.")
    _paragraph(pdf, "Ce résumé reprend votre dossier, vos demandes, vos messages, vos factures et vos paiements. Le "
                    "fichier complet (format JSON), à télécharger dans Mon compte, en donne chaque détail. Votre mot "
                    "de passe n'y figure pas : la mairie ne le connaît pas.")
    for key in ("parent1", "parent2", "tax", "caf", "bank"):
        values = record.get(key)
        if values:
            _fields(pdf, SECTIONS[key].title, SECTIONS[key].fields, values)
    for child in record.get("children") or []:
        _child(pdf, child)
    _persons(pdf, record.get("persons") or [], record.get("children") or [])
    _requests(pdf, export.get("requests") or [])
    _messages(pdf, export.get("messages") or [])
    _money(pdf, export.get("invoices") or [], export.get("payments") or [])
    account = export.get("account") or {}
    pdf.section("Compte d'accès au portail")
    pdf.key_values([("Identifiant", family_id), ("Compte", "actif" if account.get("active", True) else "désactivé"),
                    ("Mot de passe choisi le", date_fr((account.get("password_changed_at") or "")[:10]))])
    return pdf.output_bytes()


def _paragraph(pdf: PortalPDF, text: str) -> None:
    pdf.multi_cell(0, LINE, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _fields(pdf: PortalPDF, title: str, fields, values: dict) -> None:
    pdf.section(title)
    pdf.key_values([(f.label, f.display(values.get(f.name))) for f in fields])


def _child(pdf: PortalPDF, child: dict) -> None:
    health = child.get("health") or {}
    extra = SECTIONS["child_extra"].fields
    pairs = [(f.label, f.display(child.get(f.name))) for f in SECTIONS["child_identity"].fields]
    pairs += [(f.label, f.display((child.get("extra") or {}).get(f.name))) for f in extra]
    pairs += [(f.label, f.display(health.get(f.name))) for f in SECTIONS["child_health"].fields]
    pairs += [(lf.label, lf.display(health.get(lf.name)) or "aucune") for lf in SECTIONS["child_health"].lists]
    pairs.append(("Photo", "oui" if child.get("photo") else "non"))
    pdf.section(f"Enfant : {child_label(child)}")
    pdf.key_values(pairs)


def _persons(pdf: PortalPDF, persons: list[dict], children: list[dict]) -> None:
    pdf.section(f"Personnes autorisées ({len(persons)})")
    if not persons:
        _paragraph(pdf, "Aucune personne autorisée.")
        return
    first_names = {str(c.get("id")): c.get("first_name", "") for c in children}
    pdf.table_rows(["Nom", "Lien", "Téléphone", "Enfants", "Vient chercher", "Urgence"],
                   [[person_label(p), p.get("relationship", ""), p.get("phone_mobile") or p.get("phone_home", ""),
                     ", ".join(first_names.get(str(c), "") for c in p.get("children", [])),
                     "oui" if p.get("may_pick_up") else "non", "oui" if p.get("emergency_contact") else "non"]
                    for p in persons], (40, 26, 30, 30, 26, 22))


def _requests(pdf: PortalPDF, requests: list[dict]) -> None:
    pdf.section(f"Demandes ({len(requests)})")
    if not requests:
        _paragraph(pdf, "Aucune demande.")
        return
    rows = []
    for item in sorted(requests, key=lambda r: r.get("created_at", ""), reverse=True):
        section = SECTIONS.get(item.get("section"))
        changed = ", ".join(c.get("label", "") for c in item.get("changes") or [] if c.get("label"))
        subject = " - ".join(x for x in (section.title if section else item.get("section", ""),
                                         item.get("target_label", ""), changed) if x)
        rows.append([date_fr(item.get("created_at", "")[:10]), subject,
                     STATUS_LABELS.get(item.get("status"), item.get("status", "")), item.get("reason", "")])
    pdf.table_rows(["Envoyée le", "Rubrique", "État", "Motif de la mairie"], rows, (26, 70, 24, 54))


def _messages(pdf: PortalPDF, messages: list[dict]) -> None:
    threads: dict = {}
    for message in sorted(messages, key=lambda m: m.get("created_at", "")):
        threads.setdefault(message.get("thread_id"), []).append(message)
    pdf.section(f"Messages ({len(messages)}, en {len(threads)} conversation{'s' if len(threads) > 1 else ''})")
    if not threads:
        _paragraph(pdf, "Aucun message.")
        return
    rows = [[date_fr(thread[0].get("created_at", "")[:10]), thread[0].get("subject", ""), str(len(thread)),
             date_fr(thread[-1].get("created_at", "")[:10])] for thread in threads.values()]
    pdf.table_rows(["Commencée le", "Sujet", "Messages", "Dernier message"], rows, (28, 96, 22, 28), align_right={2})


def _money(pdf: PortalPDF, invoices: list[dict], payments: list[dict]) -> None:
    billed = sum(i.get("total_cents", 0) for i in invoices)
    paid = sum(p.get("amount_cents", 0) for p in payments)
    pdf.section(f"Factures ({len(invoices)})")
    if invoices:
        pdf.table_rows(["Numéro", "Période", "Émise le", "Montant de la facture"],
                       [[i.get("number", ""), month_fr(i.get("period")), date_fr(i.get("issued_on")),
                         pdf_euros(i.get("total_cents", 0))]
                        for i in sorted(invoices, key=lambda i: i.get("issued_on", ""))], (40, 50, 40, 44),
                       align_right={3})
        _paragraph(pdf, f"Total facturé : {pdf_euros(billed)}.")
    else:
        _paragraph(pdf, "Aucune facture.")
    pdf.section(f"Paiements ({len(payments)})")
    if payments:
        pdf.table_rows(["Date", "Mode", "Référence", "Montant"],
                       [[date_fr(p.get("paid_on")), PAYMENT_METHODS.get(p.get("method"), p.get("method", "")),
                         p.get("reference", ""), pdf_euros(p.get("amount_cents", 0))]
                        for p in sorted(payments, key=lambda p: p.get("paid_on", ""))], (30, 40, 64, 40),
                       align_right={3})
        _paragraph(pdf, f"Total payé : {pdf_euros(paid)}.")
    else:
        _paragraph(pdf, "Aucun paiement.")
    balance = billed - paid
    pdf.section("Solde du compte")
    _paragraph(pdf, "Votre compte est soldé." if balance == 0 else
               f"Solde du compte : {pdf_euros(abs(balance))} {'à payer' if balance > 0 else 'en crédit'}.")
