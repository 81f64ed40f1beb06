"""The fiche enfant: simple (identity, school, parents, authorised persons) or complète (plus extra data,
health data and photo). Both open with what canteen and care staff need at once: allergies, PAI and whom to call."""
from __future__ import annotations

from pathlib import Path

from storage.sections import SECTIONS, child_label, person_label
from views.formats import date_fr
from views.pdf.base import PortalPDF, pdf_text


def child_sheet_pdf(commune: dict, record: dict, child: dict, complete: bool, photo: Path | None = None) -> bytes:
    kind = "complète" if complete else "simple"
    pdf = PortalPDF(commune, f"Fiche enfant {kind} - {child_label(child)}",
                    running_head=f"{child_label(child)} - fiche {kind}" if complete else "")
    pdf.title_block(f"Fiche enfant {kind}", f"{child_label(child)} - famille n° {record.get('family_id', '')}")
    if complete and photo is not None:
        pdf.image(str(photo), x=pdf.w - pdf.r_margin - 32, y=pdf.get_y() - 14, w=32)
    pdf.framed_box("Allergies, PAI et contacts d'urgence", urgent_information(record, child))
    extra = child.get("extra") or {}
    pdf.section("Enfant")
    pdf.key_values([("Nom", child.get("last_name", "")), ("Prénom", child.get("first_name", "")),
                    ("Date de naissance", date_fr(child.get("birth_date"))),
                    ("Sexe", {"F": "Fille", "M": "Garçon"}.get(child.get("sex"), "")),
                    ("École", extra.get("school", "")), ("Classe", extra.get("class_name", ""))])
    for key, title in (("parent1", "Responsable"), ("parent2", "Conjoint")):
        parent = record.get(key)
        if not parent:
            continue
        pdf.section(title)
        pdf.key_values([
            ("Nom", f"{parent.get('title', '')} {parent.get('first_name', '')} {parent.get('last_name', '')}".strip()),
            ("Adresse", " ".join(x for x in (parent.get("address1"), parent.get("address2"),
                                              parent.get("postcode"), parent.get("city")) if x)),
            ("Téléphones", " / ".join(x for x in (parent.get("phone_mobile"), parent.get("phone_home"),
                                                  parent.get("phone_work")) if x)),
            ("E-mail", parent.get("email", ""))])
    persons = [p for p in record.get("persons", []) if str(child.get("id")) in [str(c) for c in p.get("children", [])]]
    pdf.section("Personnes autorisées")
    if persons:
        pdf.table_rows(["Nom", "Lien", "Téléphone", "Vient chercher", "Urgence"],
                       [[person_label(p), p.get("relationship", ""), p.get("phone_mobile") or p.get("phone_home", ""),
                         "Oui" if p.get("may_pick_up") else "Non", "Oui" if p.get("emergency_contact") else "Non"]
                        for p in persons], (45, 30, 35, 32, 32))
    else:
        pdf.multi_cell(0, 5.5, pdf_text("Aucune personne autorisée."), new_x="LMARGIN", new_y="NEXT")
    if complete:
        _complete_parts(pdf, child)
    return pdf.output_bytes()


def urgent_information(record: dict, child: dict) -> list[tuple[str, str]]:
    """Label / text rows of the box on page 1: allergies with what to do, the PAI, the people to call."""
    health = child.get("health") or {}
    allergies = "\n".join(
        " - ".join(x for x in (a.get("allergen", ""), a.get("consequence", ""),
                               f"conduite à tenir : {a['action']}" if a.get("action") else "") if x)
        for a in health.get("allergies") or []) or "Aucune allergie signalée."
    pai = ("Oui" + (f" - {health['pai_details']}" if health.get("pai_details") else "")) if health.get("pai") else "Non"
    return [("Allergies", allergies), ("PAI", pai), ("À appeler en urgence", "\n".join(emergency_calls(record, child)))]


def emergency_calls(record: dict, child: dict) -> list[str]:
    """'Mme Sophie MARTIN (responsable) : 06 12 34 56 78', then the persons to call in an emergency for this child."""
    calls = []
    for key, role in (("parent1", "responsable"), ("parent2", "conjoint")):
        parent = record.get(key) or {}
        phones = " / ".join(unbroken(x) for x in (parent.get("phone_mobile"), parent.get("phone_home"),
                                                  parent.get("phone_work")) if x)
        if parent and phones:
            name = f"{parent.get('title', '')} {parent.get('first_name', '')} {parent.get('last_name', '')}".strip()
            calls.append(f"{name} ({role}) : {phones}")
    for person in record.get("persons") or []:
        if person.get("emergency_contact") and str(child.get("id")) in [str(c) for c in person.get("children", [])]:
            phones = " / ".join(unbroken(x) for x in (person.get("phone_mobile"), person.get("phone_home")) if x)
            calls.append(f"{person_label(person)} ({(person.get('relationship') or '').lower()}) : {phones}")
    return calls or ["Aucun numéro indiqué."]


def unbroken(phone: str) -> str:
    """A phone number that never wraps in the middle (no-break spaces)."""
    return phone.replace(" ", "\u00a0")


def _complete_parts(pdf: PortalPDF, child: dict) -> None:
    extra_section, health_section = SECTIONS["child_extra"], SECTIONS["child_health"]
    extra, health = child.get("extra") or {}, child.get("health") or {}
    pdf.section("Données complémentaires")
    pdf.key_values([(f.label, f.display(extra.get(f.name))) for f in extra_section.fields
                    if f.name not in ("school", "class_name")])
    pdf.section("Données sanitaires")
    pdf.key_values([(f.label, f.display(health.get(f.name))) for f in health_section.fields])
    vaccinations = health.get("vaccinations") or []
    pdf.ln(1)
    if vaccinations:
        pdf.table_rows(["Vaccin", "Date"], [[v.get("name", ""), date_fr(v.get("date"))] for v in vaccinations], (90, 84))
    allergies = health.get("allergies") or []
    if allergies:
        pdf.table_rows(["Allergie", "Conséquences", "Conduite à tenir"],
                       [[a.get("allergen", ""), a.get("consequence", ""), a.get("action", "")] for a in allergies],
                       (40, 62, 72))
    else:
        pdf.multi_cell(0, 5.5, pdf_text("Allergies : aucune signalée."), new_x="LMARGIN", new_y="NEXT")
