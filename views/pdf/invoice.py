"""The invoice PDF, as issued: lines, montant de la facture, solde antérieur and montant à payer à l'émission (it
never shows what was paid since: the archived document stays the same)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from storage.ledger import billed_to
from views.formats import amount_due_fr, amount_fr, date_fr, month_fr
from views.pdf.base import FAMILY, PortalPDF, pdf_euros, pdf_text


def invoice_pdf(commune: dict, record: dict, invoice: dict) -> bytes:
    """The same bytes at every download: the address is the one frozen at issue, the PDF dated the issue day."""
    pdf = PortalPDF(commune, f"Facture {invoice['number']}",
                    created=datetime.combine(date.fromisoformat(invoice["issued_on"]), time(12), timezone.utc))
    billed = invoice.get("billed_to") or billed_to(record)  # invoices from before the address was frozen
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(90, 8, pdf_text(f"Facture n° {invoice['number']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in (f"Période : {month_fr(invoice['period'])}", f"Émise le : {date_fr(invoice['issued_on'])}",
                 f"À payer avant le : {date_fr(invoice['due_on'])}", f"Famille n° {billed['family_id']}"):
        pdf.cell(90, 5.5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_xy(115, top)
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(0, 5.5, pdf_text("\n".join([billed["name"], *billed["address"]])), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(bottom, pdf.get_y()) + 6)

    rows = [[line["child"], line["service"], line.get("detail", ""), str(line["quantity"]),
             pdf_euros(line["unit_price_cents"]), pdf_euros(line["amount_cents"])] for line in invoice["lines"]]
    pdf.table_rows(["Enfant", "Prestation", "Détail", "Qté", "Prix unitaire", "Montant"], rows,
                   (28, 50, 30, 14, 26, 26), align_right={3, 4, 5})
    pdf.ln(4)
    totals = [("Montant de la facture", amount_fr(invoice["total_cents"]), False),
              ("Solde antérieur", amount_fr(invoice["previous_balance_cents"]), False),
              ("Montant à payer", amount_due_fr(invoice["amount_due_cents"]), True)]
    for label, amount, bold in totals:  # "rien à payer" and "(1,00 € en crédit)" on two lines
        pdf.set_x(92)
        pdf.set_font(FAMILY, "B" if bold else "", 12 if bold else 10)
        top = pdf.get_y()
        pdf.multi_cell(0, 7, pdf_text(amount.replace(" (", "\n(")), border="T" if bold else 0, align="R",
                       new_x="LMARGIN", new_y="NEXT", padding=(0, 0, 0, 48))
        bottom = pdf.get_y()
        pdf.set_xy(92, top)
        pdf.cell(48, 7, pdf_text(label))
        pdf.set_y(bottom)
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(0, 4.5, pdf_text(
        "Le solde antérieur reprend ce qui restait dû sur les factures précédentes, paiements déduits. "
        "Règlement : en ligne sur le portail famille lorsque le service est proposé, par prélèvement, par chèque "
        "à l'ordre du Trésor public ou en espèces à l'accueil de la mairie."), new_x="LMARGIN", new_y="NEXT")
    return pdf.output_bytes()
