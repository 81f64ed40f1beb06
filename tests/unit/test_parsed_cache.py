"""The cache of parsed document files: fresh objects for every reader, any change on disk seen, bounded size."""
from __future__ import annotations

import json
import os

from storage.atomic import write_atomically
from storage.documents import DocumentStore
from storage.parsed_cache import ParsedCache


def write(path, data) -> None:
    write_atomically(path, json.dumps(data).encode("utf-8"))


def test_every_read_gets_its_own_objects(tmp_path):
    cache, path = ParsedCache(), tmp_path / "f.json"
    write(path, {"t": {"1": {"children": [{"name": "Léa"}]}}})
    first = cache.load(path)
    first["t"]["1"]["children"][0]["name"] = "changé"
    first["t"]["1"]["children"].append({"name": "intrus"})
    second = cache.load(path)
    assert second == {"t": {"1": {"children": [{"name": "Léa"}]}}}
    assert cache.load(path) is not second


def test_a_file_replaced_behind_the_cache_is_read_again(tmp_path):
    cache, path = ParsedCache(), tmp_path / "f.json"
    write(path, {"v": 1})
    assert cache.load(path) == {"v": 1}
    write(path, {"v": 2})  # another inode, as a restored backup would be
    assert cache.load(path) == {"v": 2}
    path.write_text(json.dumps({"v": 3}))  # even rewritten in place (same inode): size and mtime differ
    os.utime(path, ns=(1, 1))
    assert cache.load(path) == {"v": 3}


def test_a_missing_file_is_none(tmp_path):
    assert ParsedCache().load(tmp_path / "absent.json") is None


def test_the_cache_keeps_within_its_size(tmp_path):
    cache = ParsedCache(max_bytes=8000)
    for n in range(50):
        write(tmp_path / f"{n}.json", {"n": n, "pad": "x" * 500})
        cache.load(tmp_path / f"{n}.json")
        cache.load(tmp_path / f"{n}.json")  # kept at its second reading
    assert sum(len(blob) for _, blob in cache._entries.values()) <= 8000
    assert tmp_path / "49.json" in cache._entries and tmp_path / "0.json" not in cache._entries
    assert cache.load(tmp_path / "0.json")["n"] == 0  # dropped entries are read again


def test_a_read_that_started_before_a_write_does_not_store_its_old_content(tmp_path):
    cache, path = ParsedCache(), tmp_path / "f.json"
    write(path, {"v": 1})
    generation = cache._generations.get(path, 0)
    cache.written(path)
    cache._store(path, ("stale",), {"v": 0}, generation)
    assert path not in cache._entries


def test_transactions_and_reads_through_the_store_see_every_commit(tmp_path):
    store = DocumentStore(tmp_path)
    path = store.root / "doc.json"
    for value in range(3):
        with store.transaction(path) as db:
            table = db.table("t")
            if len(table):
                table.update({"v": value})
            else:
                table.insert({"v": value})
        snapshot = store.read(path)
        assert snapshot.table("t").all()[0]["v"] == value
        snapshot.table("t").all()[0]["v"] = 99  # a reader's change stays the reader's
    assert DocumentStore(tmp_path).read(path).table("t").all()[0]["v"] == 2


def test_a_file_read_once_is_not_kept_so_a_scan_of_every_family_keeps_nothing(tmp_path):
    cache = ParsedCache()
    for n in range(20):
        write(tmp_path / f"{n}.json", {"n": n})
        assert cache.load(tmp_path / f"{n}.json") == {"n": n}
    assert not cache._entries
    cache.load(tmp_path / "3.json")
    assert list(cache._entries) == [tmp_path / "3.json"]
    cache.written(tmp_path / "7.json")  # a file just written is in use: its next reading is kept
    cache.load(tmp_path / "7.json")
    assert tmp_path / "7.json" in cache._entries
