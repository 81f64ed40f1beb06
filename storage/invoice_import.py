"""Import of invoices from the billing software's CSV export: check every row, then all or nothing.

Columns (header line required, ';' or ',' separated, UTF-8 or Windows-1252), one line per invoice line:
famille;numero;periode;date_emission;date_echeance;enfant;prestation;detail;quantite;prix_unitaire
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from storage.counters import Numbers
from storage.families import Families, is_family_id
from storage.fields import Field, clean_field, parse_euros
from storage.ledger import add_invoice, invoice_line

COLUMNS = ("famille", "numero", "periode", "date_emission", "date_echeance", "enfant", "prestation", "detail",
           "quantite", "prix_unitaire")
MAX_ROWS = 50_000
INVOICE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,29}$")
_DATE = Field("date", "Date", "date", True)


@dataclass
class ImportPreview:
    invoices: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number in the file, reason)

    @property
    def total_cents(self) -> int:
        return sum(i["total_cents"] for i in self.invoices)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_invoice_csv(raw: bytes, families: Families, numbers: Numbers) -> ImportPreview:
    """Every invoice the file describes, or every bad line with its number and reason."""
    preview = ImportPreview()
    text = decode(raw)
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _parse_rows(reader, preview, families, numbers)
    except csv.Error as error:
        preview.invoices = []
        preview.errors.append((reader.line_num, f"Ligne illisible pour un fichier CSV ({error})."))
        return preview


def _parse_rows(reader, preview: ImportPreview, families: Families, numbers: Numbers) -> ImportPreview:
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        preview.errors.append((1, "Colonnes manquantes dans la première ligne : " + ", ".join(missing)))
        return preview
    position = {name: header.index(name) for name in COLUMNS}
    by_number: dict[str, dict] = {}
    for line_number, cells in enumerate(reader, start=2):
        if line_number > MAX_ROWS:
            preview.errors.append((line_number, f"Fichier trop long : {MAX_ROWS} lignes au plus."))
            break
        if not any(c.strip() for c in cells):
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()}
        reasons = _row_errors(row, families, numbers)
        if not reasons:
            reasons = _merge_row(by_number, row)
        preview.errors.extend((line_number, reason) for reason in reasons)
    if not by_number and not preview.errors:
        preview.errors.append((2, "Le fichier ne contient aucune ligne de facture."))
    preview.invoices = sorted(by_number.values(), key=lambda i: (i["issued_on"], i["number"]))
    return preview


def _row_errors(row: dict, families: Families, numbers: Numbers) -> list[str]:
    reasons = []
    if not is_family_id(row["famille"]) or not families.exists(row["famille"]):
        reasons.append(f"famille « {row['famille']} » inconnue")
    if not INVOICE_NUMBER.match(row["numero"]):
        reasons.append("numéro de facture manquant ou invalide (lettres, chiffres, - / _ . ; 30 caractères au plus)")
    elif numbers.invoice_owner(row["numero"]) is not None:
        reasons.append(f"la facture {row['numero']} existe déjà")
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", row["periode"]):
        reasons.append("période invalide (format AAAA-MM, exemple : 2026-11)")
    for column, label in (("date_emission", "date d'émission"), ("date_echeance", "date d'échéance")):
        value, error = clean_field(_DATE, row[column])
        if error:
            reasons.append(f"{label} invalide (JJ/MM/AAAA)")
        row[column] = value
    if not row["enfant"] or not row["prestation"]:
        reasons.append("enfant et prestation obligatoires")
    if not re.fullmatch(r"[0-9]{1,3}", row["quantite"]) or int(row["quantite"]) == 0:
        reasons.append("quantité invalide (nombre entier de 1 à 999)")
    cents, error = parse_euros(row["prix_unitaire"], allow_negative=True)
    if error:
        reasons.append("prix unitaire invalide (exemple : 3,85)")
    row["unit_price_cents"] = cents
    return reasons


def _merge_row(by_number: dict, row: dict) -> list[str]:
    """Add a valid row to its invoice; the lines of one invoice must agree on family, period and dates."""
    invoice = by_number.get(row["numero"])
    header = {"family_id": row["famille"], "number": row["numero"], "period": row["periode"],
              "issued_on": row["date_emission"], "due_on": row["date_echeance"]}
    if invoice is None:
        invoice = by_number[row["numero"]] = dict(header, lines=[], total_cents=0)
    elif any(invoice[k] != v for k, v in header.items()):
        return [f"la facture {row['numero']} apparaît avec une autre famille, période ou date sur une ligne précédente"]
    line = invoice_line(row["enfant"], row["prestation"], int(row["quantite"]), row["unit_price_cents"], row["detail"])
    invoice["lines"].append(line)
    invoice["total_cents"] += line["amount_cents"]
    return []


def import_invoices(invoices: list[dict], families: Families, numbers: Numbers,
                    on_created: Callable[[str, dict], None] | None = None) -> int:
    """Create the previewed invoices; numbers are reserved first. Safe to run again after a crash. on_created(family
    id, invoice) runs right after each invoice is stored (the family's mail)."""
    numbers.reserve_invoices({i["number"]: i["family_id"] for i in invoices})
    created = 0
    for invoice in invoices:
        try:
            add_invoice(families, invoice["family_id"], number=invoice["number"], period=invoice["period"],
                        issued_on=invoice["issued_on"], due_on=invoice["due_on"], lines=invoice["lines"])
        except FileExistsError:
            continue  # imported by an earlier run of the same file
        created += 1
        if on_created is not None:
            on_created(invoice["family_id"], invoice)
    return created
