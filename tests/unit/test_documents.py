"""Document files: transactions write once or not at all, concurrent updates are never lost, reads are snapshots."""
from __future__ import annotations

import json
import logging
import threading

import pytest

from storage import documents as documents_module
from storage.documents import DocumentStore, NestedTransaction, read_raw
from storage.families import RECORD_ID, Families, record_of


class Boom(Exception):
    pass


@pytest.fixture
def store(tmp_path):
    return DocumentStore(tmp_path)


@pytest.fixture
def families(store):
    families = Families(store)
    families.create("770400001", {"parent1": {"last_name": "TEST", "first_name": "Anne"}, "counter": 0}, "hash")
    return families


@pytest.fixture
def write_log(monkeypatch):
    """Every write_atomically the document store makes, as (path, decoded JSON)."""
    writes = []
    real = documents_module.write_atomically

    def spy(path, data):
        writes.append((path, json.loads(data.decode("utf-8"))))
        real(path, data)

    monkeypatch.setattr(documents_module, "write_atomically", spy)
    return writes


def test_transaction_writes_once_on_success(store, tmp_path, write_log):
    path = tmp_path / "doc.json"
    with store.transaction(path) as db:
        db.table("a").insert({"n": 1})
        db.table("a").insert({"n": 2})
        db.table("b").insert({"x": "é"})
    assert len(write_log) == 1
    on_disk = read_raw(path)
    assert [d["n"] for d in on_disk["a"].values()] == [1, 2]
    assert on_disk["b"]["1"] == {"x": "é"}


def test_file_is_utf8_json_readable_without_tinydb(store, tmp_path):
    path = tmp_path / "doc.json"
    with store.transaction(path) as db:
        db.table("t").insert({"nom": "Éloïse Œuvre"})
    assert json.loads(path.read_text(encoding="utf-8"))["t"]["1"]["nom"] == "Éloïse Œuvre"
    assert "Éloïse".encode("utf-8") in path.read_bytes()


def test_transaction_writes_nothing_on_exception(store, tmp_path, write_log):
    path = tmp_path / "doc.json"
    with store.transaction(path) as db:
        db.table("a").insert({"n": 1})
    before = path.read_bytes()
    with pytest.raises(Boom):
        with store.transaction(path) as db:
            db.table("a").insert({"n": 2})
            db.table("a").update({"n": 99})
            raise Boom()
    assert path.read_bytes() == before
    assert len(write_log) == 1


def test_transaction_without_change_does_not_write(store, tmp_path, write_log):
    path = tmp_path / "doc.json"
    with store.transaction(path) as db:
        db.table("a").all()
    assert write_log == []
    assert not path.exists()


def test_commit_listeners_hear_only_successful_writes(store, tmp_path):
    heard = []
    store.on_commit(lambda path, db: heard.append(path.name))
    with store.transaction(tmp_path / "ok.json") as db:
        db.table("a").insert({"n": 1})
    with pytest.raises(Boom):
        with store.transaction(tmp_path / "ko.json") as db:
            db.table("a").insert({"n": 1})
            raise Boom()
    assert heard == ["ok.json"]


def test_nested_transaction_on_the_same_file_is_refused_and_nothing_is_lost_silently(store, tmp_path):
    with store.transaction(tmp_path / "one.json") as one:  # on two different files: allowed
        one.table("a").insert({"n": 1})
        with store.transaction(tmp_path / "two.json") as two:
            two.table("a").insert({"n": 2})
    assert read_raw(tmp_path / "one.json")["a"]["1"] == {"n": 1}
    assert read_raw(tmp_path / "two.json")["a"]["1"] == {"n": 2}
    path = tmp_path / "doc.json"
    with pytest.raises(NestedTransaction, match="already open"):
        with store.transaction(path) as outer:
            outer.table("a").insert({"n": "outer"})
            with store.transaction(path) as inner:
                inner.table("a").insert({"n": "inner"})
    assert not path.exists()  # the error undid the whole outer transaction: nothing half stored
    with store.transaction(path) as db:  # the file is usable again by the same thread
        db.table("a").insert({"n": "later"})
    assert [d["n"] for d in read_raw(path)["a"].values()] == ["later"]


def test_failing_commit_listener_is_logged_and_repaired_and_the_write_is_kept(store, tmp_path, caplog):
    heard, repaired = [], []

    def broken(path, db):
        raise KeyError("a field the listener expected")

    store.on_commit(broken, repair=repaired.append)
    store.on_commit(lambda path, db: heard.append(path.name))  # later listeners still run
    path = tmp_path / "doc.json"
    with caplog.at_level(logging.ERROR, logger="portal"):
        with store.transaction(path) as db:
            db.table("a").insert({"n": 1})
    assert read_raw(path)["a"]["1"] == {"n": 1}
    assert repaired == [path] and heard == ["doc.json"]
    failure = next(r for r in caplog.records if r.name == "portal" and "broken" in r.getMessage())
    assert str(path) in failure.getMessage() and failure.exc_info[0] is KeyError


def test_family_transaction_error_leaves_family_untouched(families):
    before = families.record("770400001")
    with pytest.raises(Boom):
        with families.transaction("770400001") as db:
            record = record_of(db)
            record["parent1"]["last_name"] = "CHANGÉ"
            db.table("record").update(record, doc_ids=[RECORD_ID])
            db.table("requests").insert({"status": "pending"})
            raise Boom()
    assert families.record("770400001") == before
    assert len(families.read("770400001").table("requests")) == 0


def test_twenty_threads_updating_one_family_lose_no_update(families):
    threads_count, increments = 20, 5
    start = threading.Barrier(threads_count)
    errors = []

    def worker():
        try:
            start.wait()
            for _ in range(increments):
                with families.transaction("770400001") as db:
                    record = record_of(db)
                    db.table("record").update({"counter": record["counter"] + 1}, doc_ids=[RECORD_ID])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert families.record("770400001")["counter"] == threads_count * increments


def test_concurrent_request_inserts_all_kept_with_distinct_ids(families):
    """Threads appending documents to one family's table: every document is there, none overwritten."""
    def worker(n):
        with families.transaction("770400001") as db:
            db.table("messages").insert({"n": n})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    docs = families.read("770400001").table("messages").all()
    assert sorted(d["n"] for d in docs) == list(range(20))
    assert len({d.doc_id for d in docs}) == 20


def test_read_is_a_snapshot_not_saved_and_not_refreshed(families):
    snapshot = families.read("770400001")
    snapshot.table("record").update({"counter": 42}, doc_ids=[RECORD_ID])
    assert families.record("770400001")["counter"] == 0  # changing a snapshot saves nothing

    later = families.read("770400001")
    with families.transaction("770400001") as db:
        db.table("record").update({"counter": 7}, doc_ids=[RECORD_ID])
    assert record_of(later)["counter"] == 0  # a snapshot does not see later commits
    assert families.record("770400001")["counter"] == 7


def test_read_during_transaction_sees_old_content_until_commit(families):
    with families.transaction("770400001") as db:
        db.table("record").update({"counter": 5}, doc_ids=[RECORD_ID])
        assert families.record("770400001")["counter"] == 0
    assert families.record("770400001")["counter"] == 5


def test_read_of_missing_file_is_empty(store, tmp_path):
    assert store.read(tmp_path / "absent.json").tables() == set()


def test_families_refuse_malformed_numbers(families):
    assert families.read("../etc/passwd") is None
    assert families.read("") is None
    assert families.read("12ab") is None
    with pytest.raises(KeyError):
        families.path("../../x")
    with pytest.raises(KeyError):
        with families.transaction("999999999"):
            pass


def test_create_refuses_a_number_in_use(families):
    with pytest.raises(FileExistsError):
        families.create("770400001", {"parent1": {}}, "hash")


def test_documents_carry_schema_version(families):
    db = families.read("770400001")
    assert record_of(db)["schema"] == documents_module.SCHEMA_VERSION
    assert db.table("account").get(doc_id=RECORD_ID)["schema"] == documents_module.SCHEMA_VERSION
