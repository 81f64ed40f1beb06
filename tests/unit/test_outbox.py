"""The outbox on disk: a queued mail is a whole file before queue() returns, ids sort by age and carry the family,
bad addresses and header injection are refused, and a new Outbox on the same folder finds everything again."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from helpers import FakeClock
from storage.mail import MailRefused, Outbox, valid_email
from storage.mail.outbox import MAIL_ID

START = datetime(2026, 12, 2, 9, 0).timestamp()
COMMUNE = {"name": "Ville de Démo", "email": "enfance@ville-demo.fr"}
REFUSED = {"at": "2026-12-02T09:00:00", "ts": START, "answer": "550 non", "result": "permanent"}


def outbox_at(root, clock=None, commune=COMMUNE) -> Outbox:
    return Outbox(root, clock or FakeClock(START), commune=lambda: commune)


def queue(outbox: Outbox, family_id: str | None = "770400070", **changes) -> str:
    fields = dict(kind="decision", to="sophie.martin@example.fr", subject="Votre demande a été validée",
                  text="Bonjour,\nVotre demande a été validée.", family_id=family_id)
    fields.update(changes)
    return outbox.queue(**fields)


def test_queued_mail_is_a_whole_pending_file_before_queue_returns(tmp_path):
    outbox = outbox_at(tmp_path)
    mail_id = queue(outbox, html="<p>Bonjour</p>")
    stored = json.loads((tmp_path / "pending" / f"{mail_id}.json").read_text("utf-8"))
    assert stored["status"] == "pending" and stored["to"] == "sophie.martin@example.fr"
    assert stored["from_name"] == "Ville de Démo" and stored["reply_to"] == "enfance@ville-demo.fr"
    assert stored["html"] == "<p>Bonjour</p>" and stored["attempts"] == []
    assert outbox.get(mail_id) == stored
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []
    assert outbox.counts() == {"pending": 1, "sent": 0, "failed": 0}


def test_ids_sort_by_creation_and_end_with_the_family_number(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    first = queue(outbox)
    second = queue(outbox, family_id="770400080")  # same instant: still a later, distinct id
    clock.advance(1)
    third = queue(outbox, family_id=None)
    assert first < second < third
    assert all(MAIL_ID.match(mail_id) for mail_id in (first, second, third))
    assert first.endswith("-770400070") and second.endswith("-770400080") and third.endswith("-commune")


def test_page_lists_newest_first_filtered_by_family_and_status(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    ids = []
    for number in range(5):
        ids.append(queue(outbox, family_id="770400070" if number % 2 == 0 else "770400080", subject=f"Objet {number}"))
        clock.advance(60)
    outbox.mark_failed(outbox.pending_mail(ids[1]), REFUSED)
    mails, total = outbox.page()
    assert total == 5 and [m["id"] for m in mails] == ids[::-1]
    mails, total = outbox.page(family_id="770400070")
    assert total == 3 and [m["subject"] for m in mails] == ["Objet 4", "Objet 2", "Objet 0"]
    mails, total = outbox.page(status="failed")
    assert (total, [m["id"] for m in mails]) == (1, [ids[1]])
    mails, total = outbox.page(offset=2, limit=2)
    assert total == 5 and [m["id"] for m in mails] == [ids[2], ids[1]]


@pytest.mark.parametrize("field, value", [
    ("to", "sophie@example.fr\r\nBcc: everyone@example.org"),
    ("to", "sophie@example.fr\nBcc: everyone@example.org"),
    ("subject", "Votre facture\r\nBcc: everyone@example.org"),
    ("subject", "Votre facture\nX-Injected: yes"),
    ("subject", "Votre facture\u2028X-Injected: yes"),
])
def test_line_breaks_in_headers_are_refused_and_nothing_is_stored(tmp_path, field, value):
    outbox = outbox_at(tmp_path)
    with pytest.raises(MailRefused) as refusal:
        queue(outbox, **{field: value})
    assert refusal.value.field == field and "retour à la ligne" in str(refusal.value)
    assert list((tmp_path / "pending").iterdir()) == []


@pytest.mark.parametrize("commune, field", [
    ({"name": "Ville de Démo\r\nBcc: everyone@example.org", "email": "enfance@ville-demo.fr"}, "from_name"),
    ({"name": "Ville de Démo", "email": "enfance@ville-demo.fr\nBcc: everyone@example.org"}, "reply_to"),
])
def test_a_line_break_in_the_communes_name_or_address_refuses_the_mail(tmp_path, commune, field):
    outbox = outbox_at(tmp_path, commune=commune)
    with pytest.raises(MailRefused) as refusal:
        queue(outbox)
    assert refusal.value.field == field and "Paramètres" in str(refusal.value)
    assert list((tmp_path / "pending").iterdir()) == []


@pytest.mark.parametrize("address", ["", "sophie", "sophie@", "@example.fr", "sophie@example", "so phie@example.fr",
                                     "sophie@@example.fr", "a@b@example.fr", "sophie@exa mple.fr",
                                     "<sophie@example.fr>",
                                     "Sophie <sophie@example.fr>", "sophie@example.fr, eve@example.org",
                                     "sophie.@example.fr", "sophie@-example.fr", "andré@example.fr",
                                     "x" * 244 + "@example.fr"], ids=repr)
def test_invalid_addresses_are_refused_in_french(tmp_path, address):
    assert not valid_email(address)
    with pytest.raises(MailRefused) as refusal:
        queue(outbox_at(tmp_path), to=address)
    assert refusal.value.field == "to"
    assert "Adresse e-mail du destinataire invalide" in str(refusal.value) or "retour à la ligne" in str(refusal.value)


@pytest.mark.parametrize("address", ["sophie.martin@example.fr", "k.benali+ecole@orange.fr", "a@b.co",
                                     "jean-paul_o'neil@mairie.ville-demo.fr", "x" * 243 + "@example.fr"], ids=repr)
def test_valid_addresses_are_accepted(address):
    assert valid_email(address)


def test_a_new_outbox_on_the_same_folder_finds_pending_mails_again(tmp_path):
    clock = FakeClock(START)
    first = outbox_at(tmp_path, clock)
    ids = [queue(first), queue(first, family_id="770400080")]
    again = outbox_at(tmp_path, clock)
    assert again.due(clock()) == ids
    assert again.counts() == {"pending": 2, "sent": 0, "failed": 0}
    assert queue(again) > ids[-1]  # ids keep growing across restarts, even on a clock that did not move


def test_a_mail_both_sent_and_pending_after_a_crash_is_never_sent_again(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    mail_id = queue(outbox)
    pending = (tmp_path / "pending" / f"{mail_id}.json").read_bytes()
    outbox.mark_sent(outbox.pending_mail(mail_id), {"at": "x", "ts": clock(), "answer": "250 Ok", "result": "accepted"})
    (tmp_path / "pending" / f"{mail_id}.json").write_bytes(pending)  # the crash came before the pending file went
    again = outbox_at(tmp_path, clock)
    assert again.due(clock()) == []
    assert not (tmp_path / "pending" / f"{mail_id}.json").exists()
    assert again.get(mail_id)["status"] == "sent"
    assert again.counts() == {"pending": 0, "sent": 1, "failed": 0}


def test_a_retry_interrupted_by_a_crash_keeps_the_newer_file(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    mail_id = queue(outbox)
    outbox.mark_failed(outbox.pending_mail(mail_id), REFUSED)
    failed = (tmp_path / "failed" / f"{mail_id}.json").read_bytes()
    assert outbox.retry(mail_id)
    (tmp_path / "failed" / f"{mail_id}.json").write_bytes(failed)  # the crash came before the failed file went
    again = outbox_at(tmp_path, clock)
    assert again.due(clock()) == [mail_id]
    assert not (tmp_path / "failed" / f"{mail_id}.json").exists()


def test_retry_makes_a_failed_mail_pending_and_due_now(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    mail_id = queue(outbox)
    assert not outbox.retry(mail_id)  # pending: nothing to retry
    outbox.mark_failed(outbox.pending_mail(mail_id), REFUSED)
    clock.advance(3600)
    assert outbox.retry(mail_id)
    mail = outbox.get(mail_id)
    assert mail["status"] == "pending" and mail["next_attempt_ts"] == clock() and mail["round_start_ts"] == clock()
    assert outbox.due(clock()) == [mail_id]
    assert outbox.counts() == {"pending": 1, "sent": 0, "failed": 0}
    assert not outbox.retry("../../etc/passwd") and not outbox.retry("20261202T090000-000000-1")


# --- stamped mails: queued once, whatever crashes and restarts ------------------------------------------------

SENT = {"at": "2026-12-02T09:00:05", "ts": START + 5, "answer": "250 OK", "result": "accepted"}


def test_a_stamped_mail_is_queued_once_for_each_family(tmp_path):
    outbox = outbox_at(tmp_path)
    stamp = outbox.new_stamp()
    first = queue(outbox, stamp=stamp)
    assert first == f"{stamp}-770400070" and MAIL_ID.match(first)
    assert queue(outbox, stamp=stamp, subject="Un autre objet") == first  # queued again: nothing written
    assert outbox.get(first)["subject"] == "Votre demande a été validée"
    other = queue(outbox, family_id="770400080", stamp=stamp)
    assert other == f"{stamp}-770400080"
    assert outbox.counts() == {"pending": 2, "sent": 0, "failed": 0} and outbox.due(START) == [first, other]


def test_a_stamped_mail_already_sent_or_failed_is_not_queued_again_even_after_a_restart(tmp_path):
    outbox = outbox_at(tmp_path)
    stamp = outbox.new_stamp()
    sent, failed = queue(outbox, stamp=stamp), queue(outbox, family_id="770400080", stamp=stamp)
    outbox.mark_sent(outbox.pending_mail(sent), SENT)
    outbox.mark_failed(outbox.pending_mail(failed), REFUSED)
    restarted = outbox_at(tmp_path)
    assert queue(restarted, stamp=stamp) == sent and queue(restarted, family_id="770400080", stamp=stamp) == failed
    assert restarted.counts() == {"pending": 0, "sent": 1, "failed": 1} and restarted.due(float("inf")) == []


def test_stamps_are_fresh_ids_and_a_bad_stamp_is_refused(tmp_path):
    clock = FakeClock(START)
    outbox = outbox_at(tmp_path, clock)
    before = queue(outbox)
    stamp = outbox.new_stamp()
    after = queue(outbox)  # same instant: the stamp took its own microsecond
    assert before < f"{stamp}-770400070" < after and stamp != outbox.new_stamp()
    with pytest.raises(MailRefused) as refused:
        queue(outbox, stamp="../../x")
    assert refused.value.field == "stamp"
    assert outbox.counts()["pending"] == 2
