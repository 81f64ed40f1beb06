"""Messages: validation in French, threads kept inside one family's file, read state, statuses, announcements
stored once for every family, and the index's inbox counts."""
from __future__ import annotations

import json

import pytest

from storage import documents as documents_module
from storage.documents import DocumentStore
from storage.families import Families, record_of
from storage.index import RECENT_THREADS_PER_FAMILY, SUBJECT_CHARS, FamilyIndex
from storage.messages import (announcement, announcements, announcements_path, inbox, open_announcement, open_thread,
                              post_message, publish_announcement, reply, start_thread, thread_of, threads_of,
                              unread_count, validate_agent_message, validate_message, validate_reply)

A, B = "770400001", "770400002"
QUESTION = {"subject": "Question sur ma facture", "category": "facturation", "body": "Bonjour,\nPourquoi ?\nMerci."}


@pytest.fixture
def families(tmp_path):
    families = Families(DocumentStore(tmp_path))
    for family_id, name in ((A, "ALPHA"), (B, "BETA")):
        families.create(family_id, {"parent1": {"last_name": name, "first_name": "Anne"}, "children": [],
                                    "created_at": "2026-01-01T00:00:00"}, "hash")
    return families


@pytest.fixture
def index(families):
    index = FamilyIndex(families)
    index.rebuild()
    return index


@pytest.fixture
def write_log(monkeypatch):
    """The path of every file the document store writes."""
    writes = []
    real = documents_module.write_atomically

    def spy(path, data):
        writes.append(path)
        real(path, data)

    monkeypatch.setattr(documents_module, "write_atomically", spy)
    return writes


def ask(families, family_id=A, **changes) -> int:
    return start_thread(families, family_id, dict(QUESTION, **changes), author="family", author_name="ALPHA Anne")


def answer(families, thread_id, family_id=A, body="Bonjour, voici la réponse.") -> int:
    return reply(families, family_id, thread_id, body, author="agent", author_name="Marie Agent")


def messages_of(families, family_id):
    return [dict(m) for m in families.read(family_id).table("messages").all()]


# --- validation ---------------------------------------------------------------------------------------

def test_a_valid_message_is_cleaned_and_keeps_its_line_breaks():
    clean, errors = validate_message({"subject": "  Question   sur\tla cantine ", "category": "autre",
                                      "body": "Bonjour,\r\nLigne 2\x07\r\n\r\nFin.  "})
    assert errors == {}
    assert clean == {"subject": "Question sur la cantine", "category": "autre", "body": "Bonjour,\nLigne 2\n\nFin."}


def test_empty_message_gets_a_french_message_per_field():
    _, errors = validate_message({"subject": " ", "category": "", "body": "\n"})
    assert errors == {"subject": "Indiquez l'objet du message.",
                      "category": "Choisissez une catégorie : facturation, inscriptions ou autre.",
                      "body": "Écrivez votre message."}


def test_body_of_5000_characters_is_accepted_and_5001_refused():
    assert validate_message(dict(QUESTION, body="a" * 5000))[1] == {}
    _, errors = validate_message(dict(QUESTION, body="a" * 5001))
    assert errors == {"body": "Le message ne peut pas dépasser 5\u202f000 caractères (il en compte 5\u202f001)."}
    assert validate_reply({"body": "é" * 5001})[1]["body"].startswith("Le message ne peut pas dépasser")


def test_subject_over_150_characters_is_refused():
    assert validate_message(dict(QUESTION, subject="x" * 150))[1] == {}
    assert validate_message(dict(QUESTION, subject="x" * 151))[1] == {
        "subject": "L'objet ne peut pas dépasser 150 caractères (il en compte 151)."}


def test_unknown_category_is_refused():
    assert "category" in validate_message(dict(QUESTION, category="urgent"))[1]


def test_agent_message_needs_an_existing_family_or_all(families):
    exists = families.exists
    assert validate_agent_message(dict(QUESTION, recipient="family", family_id=" 770400 001 "), exists)[1] == {}
    assert validate_agent_message(dict(QUESTION, recipient="all", family_id="123"), exists)[0]["family_id"] == ""
    assert validate_agent_message(dict(QUESTION, recipient="family", family_id=""), exists)[1] == {
        "family_id": "Indiquez le numéro de la famille."}
    assert validate_agent_message(dict(QUESTION, recipient="family", family_id="999"), exists)[1] == {
        "family_id": "Aucune famille ne porte le numéro « 999 »."}
    assert "recipient" in validate_agent_message(dict(QUESTION, recipient="x"), exists)[1]


def test_write_path_validates_again_and_stores_nothing_invalid(families):
    with pytest.raises(ValueError):
        ask(families, body="a" * 5001)
    thread_id = ask(families)
    with pytest.raises(ValueError):
        answer(families, thread_id, body="   ")
    assert len(messages_of(families, A)) == 1


# --- threads ------------------------------------------------------------------------------------------

def test_family_starts_a_thread_and_the_agent_replies_under_it(families):
    thread_id = ask(families)
    thread = thread_of(families.read(A), thread_id)
    assert (thread.subject, thread.category, thread.status, thread.started_by) == (
        "Question sur ma facture", "facturation", "open", "family")
    answer(families, thread_id)
    thread = thread_of(families.read(A), thread_id)
    assert [m["author"] for m in thread.messages] == ["family", "agent"]
    assert thread.status == "answered"
    assert thread.last["subject"] == "Question sur ma facture" and thread.last["category"] == "facturation"
    reply(families, A, thread_id, "Merci !", author="family", author_name="ALPHA Anne")
    assert thread_of(families.read(A), thread_id).status == "open"


def test_threads_are_listed_by_latest_activity(families):
    first = post_message(families, A, author="family", subject="Ancien", body="x", created_at="2026-02-01T10:00:00")
    second = post_message(families, A, author="family", subject="Récent", body="x", created_at="2026-03-01T10:00:00")
    assert [t.thread_id for t in threads_of(families.read(A))] == [second, first]
    answer(families, first)  # now: newer than "Récent"
    assert [t.thread_id for t in threads_of(families.read(A))] == [first, second]


def test_reply_to_a_thread_of_another_family_is_refused_and_stores_nothing(families, write_log):
    b_threads = [ask(families, B) for _ in range(3)]
    ask(families, A)
    before_a, before_b = messages_of(families, A), messages_of(families, B)
    write_log.clear()
    for thread_id in (b_threads[-1], 99):
        with pytest.raises(KeyError):
            reply(families, A, thread_id, "Intrusion", author="family", author_name="ALPHA Anne")
        with pytest.raises(KeyError):
            open_thread(families, A, thread_id, reader="family")
    assert write_log == []
    assert messages_of(families, A) == before_a and messages_of(families, B) == before_b


def test_a_reply_id_is_not_a_thread_id(families):
    thread_id = ask(families)
    reply_id = answer(families, thread_id)
    with pytest.raises(KeyError):
        thread_of(families.read(A), reply_id)
    with pytest.raises(KeyError):
        post_message(families, A, author="family", subject="x", body="y", thread_id=reply_id)


def test_family_opening_marks_only_the_agents_messages_read_in_one_write(families, write_log):
    thread_id = ask(families)
    open_thread(families, A, thread_id, reader="family")
    assert thread_of(families.read(A), thread_id).unread_by("agent") == 1  # its own message stays unread by the agent
    answer(families, thread_id)
    answer(families, thread_id, body="Et un complément.")
    write_log.clear()
    thread = open_thread(families, A, thread_id, reader="family")
    # as it was before opening: the family's question was read by the agent when replying
    assert [bool(m["read_at"]) for m in thread.messages] == [True, False, False]
    assert write_log == [families.path(A)]
    stored = thread_of(families.read(A), thread_id)
    assert [(m["author"], bool(m["read_at"])) for m in stored.messages] == [
        ("family", True), ("agent", True), ("agent", True)]
    write_log.clear()
    open_thread(families, A, thread_id, reader="family")
    assert write_log == []  # nothing new to mark: nothing written


def test_agent_opening_marks_the_familys_messages_read(families):
    thread_id = ask(families)
    assert thread_of(families.read(A), thread_id).unread_by("agent") == 1
    open_thread(families, A, thread_id, reader="agent")
    thread = thread_of(families.read(A), thread_id)
    assert thread.unread_by("agent") == 0 and thread.messages[0]["read_at"]


def test_replying_marks_what_the_author_has_read(families):
    thread_id = ask(families)
    answer(families, thread_id)
    assert thread_of(families.read(A), thread_id).unread_by("agent") == 0


# --- announcements ------------------------------------------------------------------------------------

def test_announcement_is_written_once_not_into_each_family_file(families, write_log):
    announcement_id = publish_announcement(families.documents, dict(QUESTION, subject="Vacances de Noël"),
                                           author_name="Marie Agent")
    assert write_log == [announcements_path(families.documents)]
    assert announcement(families.documents, announcement_id)["subject"] == "Vacances de Noël"
    stored = json.loads(announcements_path(families.documents).read_text(encoding="utf-8"))
    assert len(stored["announcements"]) == 1
    with pytest.raises(KeyError):
        announcement(families.documents, 99)


def test_announcement_shows_in_every_inbox_unread_until_opened(families, index):
    post_message(families, A, author="agent", subject="Bienvenue", body="x", created_at="2026-02-01T09:00:00")
    announcement_id = publish_announcement(families.documents, dict(QUESTION, subject="Vacances"), author_name="M")
    docs = announcements(families.documents)
    for family_id in (A, B):
        items = inbox(families.read(family_id), docs)
        assert items[0].kind == "announcement" and items[0].id == announcement_id and items[0].unread == 1
    assert index.unread_messages(A) == 2 and index.unread_messages(B) == 1

    assert open_announcement(families, B, docs[0]) is True
    assert open_announcement(families, B, docs[0]) is False  # already read: not recorded twice
    assert inbox(families.read(B), docs)[0].unread == 0
    assert inbox(families.read(A), docs)[0].unread == 1
    assert index.unread_messages(A) == 2 and index.unread_messages(B) == 0
    for family_id in (A, B):
        assert unread_count(families.read(family_id), index.announcement_dates()) == index.unread_messages(family_id)


def test_announcements_older_than_the_account_count_as_read(families, index):
    publish_announcement(families.documents, QUESTION, author_name="M", created_at="2025-06-01T08:00:00")
    docs = announcements(families.documents)
    assert inbox(families.read(A), docs)[0].unread == 0
    assert index.unread_messages(A) == 0
    assert open_announcement(families, A, docs[0]) is False
    assert unread_count(families.read(A), index.announcement_dates()) == 0


# --- the index ----------------------------------------------------------------------------------------

def test_index_lists_conversations_unread_first_then_awaiting_reply(families, index):
    answered = post_message(families, A, author="family", subject="Répondu", body="x", created_at="2026-03-01T10:00:00")
    answer(families, answered)
    read_open = post_message(families, B, author="family", subject="Lu", body="x", created_at="2026-02-01T10:00:00")
    open_thread(families, B, read_open, reader="agent")
    old_unread = post_message(families, B, author="family", subject="Ancien", body="x",
                              created_at="2026-01-05T10:00:00")
    new_unread = post_message(families, A, author="family", subject="Nouveau", body="x",
                              created_at="2026-01-06T10:00:00")

    rows = [(s.family_id, t.thread_id) for s, t in index.conversations()]
    assert rows == [(A, new_unread), (B, old_unread), (B, read_open), (A, answered)]
    assert [t.subject for _, t in index.conversations("unread")] == ["Nouveau", "Ancien"]
    assert [t.subject for _, t in index.conversations("open")] == ["Nouveau", "Ancien", "Lu"]
    assert index.awaiting_reply_count() == 3
    assert index.unread_from_families_count() == 2

    open_thread(families, A, new_unread, reader="agent")
    answer(families, old_unread, family_id=B)
    assert index.awaiting_reply_count() == 2  # "Nouveau" (now read) and "Lu" still wait; "Ancien" answered
    assert index.unread_from_families_count() == 0
    rebuilt = FamilyIndex(families)
    rebuilt.rebuild()  # the totals kept on each commit equal a recount
    assert (rebuilt.awaiting_reply_count(), rebuilt.unread_from_families_count()) == (2, 0)


def test_index_keeps_short_subjects_and_few_finished_threads(families, index):
    for n in range(RECENT_THREADS_PER_FAMILY + 2):
        thread_id = post_message(families, A, author="family", subject=f"Fini {n}", body="x",
                                 created_at=f"2026-01-0{n + 1}T10:00:00")
        answer(families, thread_id)
    post_message(families, A, author="family", subject="Très long " * 30, body="x", created_at="2025-01-01T00:00:00")
    threads = index.get(A).threads
    assert len(threads) == RECENT_THREADS_PER_FAMILY + 1  # the open one is always kept
    assert all(len(t.subject) <= SUBJECT_CHARS for t in threads)
    assert not hasattr(threads[0], "__dict__")  # slots: small in memory for 10,000 families
    assert sum(t.open for t in threads) == 1


def test_index_is_rebuilt_with_messages_and_announcements(families):
    thread_id = ask(families)
    answer(families, thread_id)
    publish_announcement(families.documents, QUESTION, author_name="M")
    index = FamilyIndex(families)
    index.rebuild()
    assert index.unread_messages(A) == 2 and index.unread_messages(B) == 1
    assert len(index.announcement_dates()) == 1
    assert record_of(families.read(A))["created_at"] == index.get(A).member_since
