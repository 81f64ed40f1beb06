"""The blank pre-registration form to fill in by hand, and the letter giving a new family its account."""
from __future__ import annotations

from views.pdf.base import FAMILY, PortalPDF, pdf_text

PARENT_LINES = ("Civilité, nom, prénom", "Date de naissance", "Adresse", "Code postal et commune",
                "Téléphone portable", "Autre téléphone", "E-mail", "Profession et employeur")
CHILD_LINES = ("Nom, prénom", "Date de naissance", "Fille / garçon", "École et classe", "Allergies, régime")


def blank_form_pdf(commune: dict) -> bytes:
    pdf = PortalPDF(commune, "Fiche de pré-inscription")
    pdf.title_block("Fiche de pré-inscription d'une nouvelle famille",
                    "À remplir lisiblement et à déposer à l'accueil de la mairie, ou à saisir en ligne sur le "
                    "portail famille (rubrique « Pré-inscription »).")
    for title in ("Responsable", "Conjoint (le cas échéant)"):
        pdf.section(title)
        _blank_lines(pdf, PARENT_LINES)
    for number in (1, 2, 3):
        pdf.section(f"Enfant {number}")
        _blank_lines(pdf, CHILD_LINES)
    pdf.ln(4)
    pdf.multi_cell(0, 5, pdf_text("Date et signature :"), new_x="LMARGIN", new_y="NEXT")
    return pdf.output_bytes()


def _blank_lines(pdf: PortalPDF, labels) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    for label in labels:
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(55, 8, pdf_text(label))
        y = pdf.get_y() + 6.5
        pdf.line(pdf.get_x(), y, pdf.w - pdf.r_margin, y)
        pdf.ln(8)


def account_letter_pdf(commune: dict, record: dict, password: str, portal_url: str, mailed_to: str = "") -> bytes:
    """The letter giving a family its access: the identifiant with the temporary password when there is one; without
    one, the identifiant and the way to choose the password (the link mailed to mailed_to, or the town hall)."""
    parent = record.get("parent1") or {}
    pdf = PortalPDF(commune, "Vos codes d'accès au portail famille")
    name = f"{parent.get('title', '')} {parent.get('first_name', '')} {parent.get('last_name', '')}".strip()
    pdf.set_x(115)
    pdf.multi_cell(0, 5.5, pdf_text("\n".join(x for x in (name, parent.get("address1", ""), parent.get("address2", ""),
                                                         f"{parent.get('postcode', '')} {parent.get('city', '')}") if x.strip())),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.title_block("Vos codes d'accès au portail famille")
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(0, 6, pdf_text(
        f"Bonjour,\n\nVotre pré-inscription a été validée. Vous pouvez désormais consulter vos informations, vos "
        f"factures et écrire à la mairie sur le portail famille : {portal_url}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if password:
        pdf.key_values([("Identifiant", record.get("family_id", "")), ("Mot de passe provisoire", password)])
        pdf.ln(4)
        pdf.multi_cell(0, 6, pdf_text(
            "Changez ce mot de passe dès votre première connexion (rubrique « Mon compte »). Il comporte de 8 à 20 "
            "lettres et chiffres. Conservez ce courrier en lieu sûr."), new_x="LMARGIN", new_y="NEXT")
        return pdf.output_bytes()
    pdf.key_values([("Identifiant", record.get("family_id", ""))])
    pdf.ln(4)
    phone = str(commune.get("phone") or "").strip()
    town_hall = f"la mairie au {phone}" if phone else "la mairie"
    how = (f"Pour choisir votre mot de passe, ouvrez le lien du courriel envoyé à {mailed_to} (il est valable 7 jours "
           "et ne sert qu'une fois). Lien expiré ou courriel introuvable : sur la page de connexion du portail, "
           f"cliquez sur « Mot de passe oublié ? », ou contactez {town_hall}." if mailed_to else
           f"Pour recevoir votre mot de passe, contactez {town_hall}.")
    pdf.multi_cell(0, 6, pdf_text(how + " Le mot de passe comporte de 8 à 20 lettres et chiffres. Conservez ce "
                                  "courrier en lieu sûr."), new_x="LMARGIN", new_y="NEXT")
    return pdf.output_bytes()
