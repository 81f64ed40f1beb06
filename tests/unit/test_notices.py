"""The texts of the notices (storage/mail/notices.py): the French sentences families read, the link or the page to
open, the HTML alternative escaped."""
from __future__ import annotations


from storage.mail.notices import (DecisionLine, absence_detail, announcement_notice, decisions_notice,
                                  invoice_notice, kind_label, message_notice, receipt_notice, reminder_notice)
from storage.mail.preferences import clean_notice_settings, family_address, wanted_topics

COMMUNE = {"name": "Ville de Démo", "service": "Service Enfance", "email": "enfance@ville-demo.fr"}
PUBLIC = "https://famille.ville-demo.fr"
NOVEMBER = {"number": "2026-11001", "period": "2026-11", "due_on": "2026-12-25", "amount_due_cents": 27_345,
            "total_cents": 27_345}


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_invoice_mail_says_the_month_the_amount_to_pay_and_the_due_date():
    notice = invoice_notice(COMMUNE, NOVEMBER, f"{PUBLIC}/factures/3")
    assert notice.kind == "invoice" and notice.subject == "Votre facture de novembre 2026 est disponible"
    assert "Votre facture de novembre 2026 est disponible : 273,45 € à payer avant le 25/12/2026." in plain(notice.text)
    assert f"Sur le portail famille (Mes factures) : {PUBLIC}/factures/3" in notice.text
    assert notice.text.rstrip().endswith("Service Enfance — Ville de Démo")
    assert f'<a href="{PUBLIC}/factures/3">Mes factures</a>' in notice.html


def test_an_invoice_that_leaves_nothing_to_pay_says_so():
    notice = invoice_notice(COMMUNE, dict(NOVEMBER, amount_due_cents=-1_200), f"{PUBLIC}/factures/3")
    assert "Votre facture de novembre 2026 est disponible : vous n'avez rien à payer." in notice.text
    assert "-12" not in notice.text


def test_without_a_public_address_the_mail_names_the_page_instead_of_a_bare_path():
    notice = invoice_notice(COMMUNE, NOVEMBER, "/factures/3")
    assert "Connectez-vous à votre portail famille, rubrique « Mes factures »." in notice.text
    assert "/factures/3" not in notice.text and "href" not in notice.html


def test_one_decision_or_several_and_the_town_halls_reason():
    validated = DecisionLine("Modification — Responsable", "validated")
    cancelled = DecisionLine("Modification — C.A.F.", "cancelled", "Merci de joindre l'attestation CAF")
    one = decisions_notice(COMMUNE, [cancelled], f"{PUBLIC}/mes-demandes")
    assert one.subject == "Votre demande a été annulée"
    assert ("- Modification — C.A.F. : annulée. Motif de la mairie : « Merci de joindre l'attestation CAF »."
            in one.text)
    both = decisions_notice(COMMUNE, [validated, DecisionLine("Ajout — Absence : Léa MARTIN", "validated",
                                                              detail=absence_detail([{"billed": False}]))], "/x")
    assert both.subject == "2 demandes traitées par la mairie"
    assert "- Modification — Responsable : validée.\n- Ajout — Absence : Léa MARTIN : validée (1 jour non facturé)." \
        in both.text
    silent = decisions_notice(COMMUNE, [DecisionLine("Modification — Conjoint", "cancelled")], "/x")
    assert "annulée. La mairie n'a pas indiqué de motif." in silent.text


def test_absence_detail_counts_billed_and_free_days():
    assert absence_detail([{"billed": False}, {"billed": False}, {"billed": True}]) == \
        "2 jours non facturés, 1 jour facturé"
    assert absence_detail([{"billed": True}]) == "1 jour facturé"


def test_everything_in_the_html_part_is_escaped():
    reason = 'Pièce <script>alert("x")</script> & "reçu"'
    notice = decisions_notice(dict(COMMUNE, name="Ville <b>de</b> Démo"),
                              [DecisionLine("Modification — C.A.F.", "cancelled", reason)],
                              f'{PUBLIC}/mes-demandes?"><script>')
    assert "<script>" not in notice.html and "<b>" not in notice.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;reçu&quot;" in notice.html
    assert reason in notice.text  # the plain text is text: nothing to escape


def test_a_reply_never_copies_the_message_and_an_announcement_carries_its_text():
    reply = message_notice(COMMUNE, f"{PUBLIC}/messages/4")
    assert reply.subject == "Nouveau message de la mairie" and f"{PUBLIC}/messages/4" in reply.text
    assert "le message n'est pas recopié ici" in reply.text
    news = announcement_notice(COMMUNE, "Fermeture exceptionnelle", "L'accueil du soir fermera à 17 h.\nMerci.",
                               f"{PUBLIC}/messages/annonces/1")
    assert news.subject == "Fermeture exceptionnelle" and "L'accueil du soir fermera à 17 h.\nMerci." in news.text
    assert "fermera à 17 h.<br>Merci." in news.html


def test_receipt_and_reminder():
    receipt = receipt_notice(COMMUNE, 27_345, "2026-12-02T09:00:00", "770400070-20261202090000-0a1b2c3d", "/releve")
    assert "Votre paiement par carte de 273,45 € a bien été enregistré le 02/12/2026." in plain(receipt.text)
    reminder = reminder_notice(COMMUNE, NOVEMBER, 10_000, 10_000, f"{PUBLIC}/factures/3")
    assert reminder.subject == "Rappel : votre facture de novembre 2026 arrive à échéance"
    assert ("Il reste 100,00 € à payer sur votre facture de novembre 2026 (n° 2026-11001), avant le 25/12/2026.\n"
            in plain(reminder.text))
    older_unpaid = reminder_notice(COMMUNE, NOVEMBER, 10_000, 15_000, f"{PUBLIC}/factures/3")
    assert "avant le 25/12/2026. Solde de votre compte : 150,00 € à payer." in plain(older_unpaid.text)


def test_kinds_have_french_names_and_an_unknown_one_shows_its_code():
    assert kind_label("invoice_reminder") == "Rappel d'échéance" and kind_label("autre_chose") == "autre_chose"


def test_mails_go_to_the_account_holders_valid_address_and_topics_are_on_by_default():
    assert family_address({"parent1": {"email": " sophie@example.fr "}, "parent2": {"email": "k@example.fr"}}) == \
        "sophie@example.fr"
    assert family_address({"parent1": {"email": "pas une adresse"}, "parent2": {"email": "k@example.fr"}}) is None
    assert family_address({"parent1": None}) is None
    assert wanted_topics({}) == {"invoices": True, "reminders": True, "messages": True}
    assert wanted_topics({"notices": {"invoices": False}})["invoices"] is False


def test_notice_settings_form():
    current = {"reminder_days": 5, "agent_summary": False}
    assert clean_notice_settings({"reminder_days": "7", "agent_summary": "1"}, current) == \
        ({"reminder_days": 7, "agent_summary": True}, {})
    assert clean_notice_settings({}, current) == (current, {})  # a form without the field keeps the delay
    values, errors = clean_notice_settings({"reminder_days": "-3"}, current)
    assert values["reminder_days"] == 5 and "entre 0 et 60" in errors["reminder_days"]
