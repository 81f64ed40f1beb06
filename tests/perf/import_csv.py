"""Generate the CSV files a commune's childhood-services software would export, for the family import (issue 15), and
time their import into an empty data folder.

    python -m tests.perf.import_csv --families 2000 --out /tmp/import          # writes familles.csv, personnes.csv
    python -m tests.perf.import_csv --families 2000 --bench                    # preview + import, timed

One line per child (the family's data repeated), ';' separated, UTF-8 with BOM as a French spreadsheet saves it;
deterministic for a seed. About one family in five has no e-mail address (they get a letter).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from tests.perf.generate_town import (BOYS, CITIES, FEMALE_FIRST, GIRLS, LAST_NAMES, MALE_FIRST, RELATIONSHIPS,
                                      STREET_NAMES, STREET_TYPES, ascii_fold)

FAMILY_HEADER = ("famille;resp1_civilite;resp1_nom;resp1_prenom;resp1_adresse;resp1_complement_adresse;"
                 "resp1_code_postal;resp1_commune;resp1_tel_domicile;resp1_tel_portable;resp1_tel_travail;resp1_email;"
                 "resp2_civilite;resp2_nom;resp2_prenom;resp2_tel_portable;resp2_email;regime;numero_allocataire;qf;"
                 "qf_date;enfant_nom;enfant_prenom;enfant_sexe;enfant_date_naissance;enfant_ecole;enfant_classe")
PERSON_HEADER = "famille;nom;prenom;lien;tel_portable;tel_autre;peut_venir_chercher;a_appeler_en_urgence;enfants"
FIRST_NUMBER = 880100000


def _phone(rng: random.Random, first: str = "06") -> str:
    return first + "".join(f" {rng.randint(10, 99)}" for _ in range(4))


def import_files(families: int, seed: int = 15, first_number: int = FIRST_NUMBER) -> tuple[bytes, bytes]:
    """(families file, persons file) of that many families, as UTF-8 with BOM."""
    rng = random.Random(seed)
    lines, persons = [FAMILY_HEADER], [PERSON_HEADER]
    for index in range(families):
        number = str(first_number + 10 * index)
        last = rng.choice(LAST_NAMES)
        mother, father = rng.choice(FEMALE_FIRST), rng.choice(MALE_FIRST)
        postcode, city = rng.choice(CITIES)
        email = "" if rng.random() < 0.2 else f"{ascii_fold(mother).lower()}.{index}@example.fr"
        couple = rng.random() < 0.7
        parent2 = ["M.", last, father, _phone(rng, "07"), ""] if couple else [""] * 5
        qf = str(rng.randint(300, 2000))
        family = [number, "Mme", last, mother, f"{rng.randint(1, 120)} {rng.choice(STREET_TYPES)} "
                  f"{rng.choice(STREET_NAMES)}", "", postcode, city, "", _phone(rng), "", email, *parent2,
                  rng.choice(("CAF", "CAF", "MSA")), str(rng.randint(1_000_000, 9_999_999)), qf, "01/01/2026"]
        children = []
        for rank in range(rng.choice((1, 1, 2, 2, 2, 3))):
            girl = rng.random() < 0.5
            first = rng.choice(GIRLS if girl else BOYS)
            if first in children:
                continue
            children.append(first)
            born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2022)}"
            lines.append(";".join(family + [last, first, "F" if girl else "M", born, "École Jules Ferry", "CP"]))
        if rng.random() < 0.5:
            persons.append(";".join([number, rng.choice(LAST_NAMES), rng.choice(FEMALE_FIRST),
                                     rng.choice(RELATIONSHIPS), _phone(rng), "", "oui", "oui", ""]))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"), ("\r\n".join(persons) + "\r\n").encode("utf-8")


def bench(families: int) -> dict:
    """Seconds to check + preview, and to import, that many families into an empty data folder."""
    from portal import create_app
    from storage.family_import.parsing import parse_import
    from storage.family_import.preview import build_preview
    from views.pdf import access_letters_pdf
    family_file, person_file = import_files(families)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder) / "data")
        portal = app.portal
        started = time.perf_counter()
        parsed = parse_import(family_file, person_file)
        preview = build_preview(portal.families, parsed)
        token = portal.family_imports.save_preview(parsed.families, preview, "agent")
        checked = time.perf_counter() - started
        assert not preview["errors"], preview["errors"][:5]
        started = time.perf_counter()
        portal.family_imports.queue_import(token, overwrite=False, agent="agent")
        portal.family_imports.run_queued()
        imported = time.perf_counter() - started
        state = portal.family_imports.state(token)
        started = time.perf_counter()
        portal.family_imports.queue_import(token, overwrite=False, agent="agent")  # refused: done
        again = build_preview(portal.families, parsed)
        rechecked = time.perf_counter() - started
        started = time.perf_counter()
        commune = portal.settings["commune"]
        run_id = portal.family_imports.queue_access(
            sorted(s.family_id for s in portal.index.awaiting_access()), link_url=lambda token: "http://x/" + token,
            commune=commune, letters_pdf=lambda letters: access_letters_pdf(commune, letters, "https://famille.test/"))
        portal.family_imports.run_queued()
        access = portal.family_imports.access_runs[run_id]
        handed = time.perf_counter() - started
        portal.close()
    return {"families": families, "lines": family_file.count(b"\n") - 1, "bytes": len(family_file),
            "check_and_preview_s": round(checked, 2), "import_s": round(imported, 2), "created": state["created"],
            "second_preview_s": round(rechecked, 2), "unchanged_second_time": len(again["unchanged"]),
            "access_s": round(handed, 2), "mailed": access["mailed"], "letters": access["letters"],
            "letters_pdf_bytes": len(access["pdf"] or b"")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args(argv)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        family_file, person_file = import_files(args.families)
        (args.out / "familles.csv").write_bytes(family_file)
        (args.out / "personnes.csv").write_bytes(person_file)
        print(f"{args.out}/familles.csv, {args.out}/personnes.csv")
    if args.bench:
        print(bench(args.families))
    return 0


if __name__ == "__main__":
    sys.exit(main())
