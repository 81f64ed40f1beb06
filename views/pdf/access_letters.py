"""The letters giving imported families without an e-mail address their access: one page per family, on the commune's
letterhead, with the family's identifiant, its temporary password (to replace at the first login) and the portal's
address."""
from __future__ import annotations

from views.pdf.base import FAMILY, PortalPDF, pdf_text

TITLE = "Votre accès au portail famille"


class LettersPDF(PortalPDF):
    """One letter per page: no running page numbers across families."""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, pdf_text(f"{TITLE} - document personnel, à conserver en lieu sûr"), align="C")
        self.set_text_color(0, 0, 0)


def _letter(pdf: PortalPDF, commune: dict, family_id: str, record: dict, password: str, portal_url: str) -> None:
    parent = record.get("parent1") or {}
    name = " ".join(str(parent.get(k) or "").strip() for k in ("title", "first_name", "last_name")).strip()
    pdf.set_font(FAMILY, "", 11)
    pdf.set_x(115)
    pdf.multi_cell(0, 5.5, pdf_text("\n".join(line for line in (
        name, parent.get("address1", ""), parent.get("address2", ""),
        f"{parent.get('postcode', '')} {parent.get('city', '')}") if str(line or "").strip())),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.title_block(TITLE)
    pdf.set_font(FAMILY, "", 11)
    town = str(commune.get("name") or "").strip()
    pdf.multi_cell(0, 6, pdf_text(
        f"Bonjour,\n\n{town + ' ouvre' if town else 'La mairie ouvre'} un portail famille : vous pourrez y consulter "
        "vos informations et vos factures, demander des modifications et écrire au service enfance, à toute heure. "
        "Votre dossier y est déjà enregistré."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in (("Adresse du portail", portal_url), ("Identifiant", family_id),
                         ("Mot de passe provisoire", password)):  # plain cells: pdf.table() costs ~25 ms a page
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(60, 7, pdf_text(label))
        pdf.set_font(FAMILY, "", 11)
        pdf.multi_cell(0, 7, pdf_text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    phone = str(commune.get("phone") or "").strip()
    pdf.multi_cell(0, 6, pdf_text(
        "À votre première connexion, le portail vous demandera de remplacer ce mot de passe provisoire par celui de "
        "votre choix (8 à 20 lettres et chiffres) ; il ne sert qu'à cette première connexion. "
        f"Une question ? Contactez la mairie{' au ' + phone if phone else ''}."), new_x="LMARGIN", new_y="NEXT")


def access_letters_pdf(commune: dict, letters: list[tuple[str, dict, str]], portal_url: str) -> bytes:
    """The letters of (family number, record, temporary password), one page each, in the order given."""
    pdf = LettersPDF(commune, TITLE)
    for index, (family_id, record, password) in enumerate(letters):
        if index:
            pdf.add_page()
        _letter(pdf, commune, family_id, record, password, portal_url)
    return pdf.output_bytes()
