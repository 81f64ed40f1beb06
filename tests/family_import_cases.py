"""Sample import files shared by the family import's unit and web tests."""
from __future__ import annotations

HEADER = ("famille;resp1_civilite;resp1_nom;resp1_prenom;resp1_adresse;resp1_code_postal;resp1_commune;"
          "resp1_tel_portable;resp1_email;resp2_civilite;resp2_nom;resp2_prenom;qf;qf_date;enfant_nom;enfant_prenom;"
          "enfant_sexe;enfant_date_naissance;enfant_ecole;enfant_classe")
FAMILY = "1001;Madame;Hébert;Anne;3 rue de l'Église;77000;Melun;0612345678;anne@example.fr;M.;Hébert;Noël;650;01/01/2026"
LINES = [HEADER, FAMILY + ";HÉBERT;Léo;Garçon;04/05/2019;École Jules Ferry;CP",
         FAMILY + ";HÉBERT;Zoé;F;2017-03-02;École Jules Ferry;CE2",
         "1002;M.;Martin;Paul;1 place du Marché;77190;Dammarie-les-Lys;01 60 00 00 00;;;;;;;MARTIN;Inès;F;03/10/2018;;"]
PERSONS = "famille;nom;prenom;lien;tel_portable;peut_venir_chercher;a_appeler_en_urgence;enfants\n" \
          "1001;Dupont;Jeanne;Grand-mère;06 11 22 33 44;oui;non;Léo\n"


def csv_bytes(lines=LINES, separator=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(line.replace(";", separator) if separator != ";" else line for line in lines) + "\r\n"
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)
