"""The light markup of the legal pages (views/markup.py), shown through its template, and the cleaning and default
texts of the legal pages (storage/legal_pages.py, storage/legal_texts.py)."""
from __future__ import annotations

import bottle
import pytest

from routes.web import TEMPLATE_LOOKUP
from storage.legal_pages import LEGAL_PAGES, clean_page_text, same_text, with_variables
from storage.legal_texts import RETENTION_VARIABLE, absence_deadline_words, default_text
from storage.settings import DEFAULT_SETTINGS, merged
from views.markup import Segment, parse_markup, safe_href


def shown(text: str) -> str:
    return bottle.template("legal/_text.tpl", template_lookup=TEMPLATE_LOOKUP, blocks=parse_markup(text)).strip()


def test_paragraphs_headings_and_lists():
    html = shown("## Titre\nLigne un\nLigne deux\n\n- premier\n- second\nAprès la liste\n\n### Sous-titre\nFin")
    assert html == ("<h2>Titre</h2>\n<p>Ligne un<br>\nLigne deux</p>\n<ul>\n  <li>premier</li>\n  <li>second</li>\n"
                    "</ul>\n<p>Après la liste</p>\n<h3>Sous-titre</h3>\n<p>Fin</p>")


def test_a_sub_heading_before_any_heading_is_a_heading():
    assert [block.kind for block in parse_markup("### Premier\ntexte\n## Deuxième\n### Troisième")] == \
        ["h2", "p", "h2", "h3"]


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{!'<b>'}}",
                                   "% import os", "\"><a href='x'>"])
def test_nothing_typed_becomes_html(typed):
    html = shown(f"## {typed}\n{typed}\n\n- {typed}")
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<a " not in html
    assert html.count(bottle.html_escape(typed)) == 3


def test_addresses_become_links_and_keep_their_punctuation_outside():
    [block] = parse_markup("Voir https://www.cnil.fr/fr/plaintes. Écrire à dpo@mairie.fr, ou [l'aide](/aide) !")
    cnil = "https://www.cnil.fr/fr/plaintes"
    assert block.lines[0] == (Segment("Voir "), Segment(cnil, cnil), Segment(". Écrire à "),
                              Segment("dpo@mairie.fr", "mailto:dpo@mairie.fr"), Segment(", ou "),
                              Segment("l'aide", "/aide"), Segment(" !"))


@pytest.mark.parametrize("target, expected", [
    ("/aide", "/aide"), ("https://exemple.fr/x", "https://exemple.fr/x"), ("mailto:a@b.fr", "mailto:a@b.fr"),
    ("a@b.fr", "mailto:a@b.fr"), ("javascript:alert(1)", None), ("JaVaScRiPt:x", None), ("//autre-site.fr", None),
    ("data:text/html,x", None), ("/\\autre-site.fr", None), ("vbscript:x", None), ("https://", None)])
def test_links_go_only_to_the_web_mail_or_the_portal(target, expected):
    assert safe_href(target) == expected


def test_a_refused_link_stays_text():
    [block] = parse_markup("[clic](javascript:x) et [ici](//pirate.fr)")
    assert block.lines[0] == (Segment("[clic](javascript:x) et [ici](//pirate.fr)"),)


def test_cleaning_keeps_line_breaks_and_drops_control_characters():
    assert clean_page_text("## Titre  \r\nA\x00B\x07\r\n\r\n- item\t\n\n\n") == ("## Titre\nAB\n\n- item\n", None)
    assert clean_page_text(" \n\t\x00 ")[1].startswith("Le texte est vide")
    assert "trop long" in clean_page_text("x" * 15_001)[1]
    assert clean_page_text("x" * 15_000)[1] is None


def test_the_same_text_with_other_line_ends_is_the_same():
    assert same_text("## A  \r\nB\r\n", "## A\nB\n\n")
    assert not same_text("## A\nB", "## A\nC")


@pytest.mark.parametrize("page", LEGAL_PAGES, ids=lambda p: p.slug)
def test_every_default_text_is_built_from_the_commune_settings(page):
    settings = merged(DEFAULT_SETTINGS, {"commune": {"name": "Bourg-Témoin", "phone": "05 55 00 11 22",
                                                     "email": "accueil@bourg-temoin.fr"}})
    text = default_text(page.slug, settings, [])
    assert "Bourg-Témoin" in text and "05 55 00 11 22" in text and "accueil@bourg-temoin.fr" in text
    assert "Ville de Démo" not in text
    kinds = [block.kind for block in parse_markup(with_variables(text, settings))]
    assert kinds.count("h2") >= 4 and "p" in kinds


def test_the_retention_variable_is_replaced_by_the_periods():
    text = default_text("donnees-personnelles", DEFAULT_SETTINGS, [])
    assert text.count(RETENTION_VARIABLE) == 1
    shown_text = with_variables(text, DEFAULT_SETTINGS)
    assert RETENTION_VARIABLE not in shown_text and "10 ans, pour la comptabilité publique" in shown_text


@pytest.mark.parametrize("days, time, words", [(2, "10:00", "2 jours ouvrés avant, avant 10:00"),
                                               (1, "18:00", "1 jour ouvré avant, avant 18:00"),
                                               (0, "09:00", "le jour même, avant 09:00")])
def test_absence_deadlines_in_words(days, time, words):
    assert absence_deadline_words({"notice_working_days": days, "notice_time": time}) == words


def test_the_personal_data_page_states_the_retention_periods_in_force():
    default = with_variables(RETENTION_VARIABLE, DEFAULT_SETTINGS)
    assert "pièces justificatives validées" in default and ": 2 ans après la validation de la demande" in default
    shorter = dict(DEFAULT_SETTINGS, retention=dict(DEFAULT_SETTINGS["retention"], pieces=18, messages=12))
    text = with_variables(RETENTION_VARIABLE, shorter)
    assert ": 18 mois après la validation de la demande" in text and "mairie : 1 an après le dernier message" in text
