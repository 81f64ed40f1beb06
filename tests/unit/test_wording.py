"""The writing rules (storage/wording.py): counts that agree with their words, one way of showing a name."""
from __future__ import annotations

import pytest

from storage.sections import SECTIONS, child_label, person_label
from storage.wording import full_name, listed_name, plural
from views import formats


@pytest.mark.parametrize("count, expected", [(0, "0 demande"), (1, "1 demande"), (2, "2 demandes"),
                                             (120, "120 demandes")])
def test_a_count_takes_the_singular_under_two_and_the_plural_from_two(count, expected):
    assert plural(count, "demande") == expected


def test_a_phrase_gives_its_plural_and_the_words_can_go_without_the_number():
    assert plural(1, "message non lu", "messages non lus") == "1 message non lu"
    assert plural(3, "message non lu", "messages non lus") == "3 messages non lus"
    assert plural(2, "Numéro de facture déjà utilisé", "Numéros de facture déjà utilisés",
                  with_count=False) == "Numéros de facture déjà utilisés"


def test_the_views_wait_and_counts_use_the_same_rule():
    assert formats.plural is plural
    assert formats.wait_fr(1) == "1 seconde" and formats.wait_fr(45) == "45 secondes"
    assert formats.wait_fr(120) == "2 minutes" and formats.wait_fr(61 * 60) == "61 minutes"


def test_a_name_is_shown_with_its_last_name_in_capitals_whatever_was_typed():
    person = {"first_name": " Paul ", "last_name": "Durand  de la Tour"}
    assert full_name(person) == "Paul DURAND DE LA TOUR"
    assert listed_name(person) == "DURAND DE LA TOUR Paul"
    assert full_name({"first_name": "Léa"}) == "Léa" and full_name(None) == ""


def test_every_last_name_field_titles_and_labels_follow_the_rule():
    typed = {"first_name": "Paul", "last_name": "Durand"}
    assert person_label(typed) == child_label(typed) == "Paul DURAND"
    for key in ("parent1", "parent2", "person", "child_identity"):
        assert SECTIONS[key].field("last_name").display("Durand") == "DURAND", key
