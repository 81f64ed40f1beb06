"""Group commit: concurrent writers in one folder share a folder fsync, and each returns only after an fsync that
started after its own rename (so every acknowledged write is durable)."""
from __future__ import annotations

import os
import threading

import pytest

from storage import atomic
from storage.atomic import FolderSync, write_atomically


def wait_until(condition) -> None:
    """Busy-wait (bounded, no sleep) until the other threads have reached a state."""
    for _ in range(5_000_000):
        if condition():
            return
        os.sched_yield()
    raise AssertionError("the threads never got there")


def test_writers_waiting_behind_a_running_fsync_share_the_next_one(tmp_path, monkeypatch):
    sync = FolderSync(tmp_path)
    covered_at_start, release = [], threading.Event()

    def slow_fsync(folder):
        covered_at_start.append(sync._tickets)  # every ticket taken so far is covered by this fsync
        if len(covered_at_start) == 1:
            release.wait(30)

    monkeypatch.setattr(atomic, "_fsync_folder", slow_fsync)
    returned = []
    first = threading.Thread(target=lambda: (sync.wait_durable(), returned.append(1)))
    first.start()
    wait_until(lambda: covered_at_start)
    others = [threading.Thread(target=lambda n=n: (sync.wait_durable(), returned.append(n))) for n in range(2, 7)]
    for thread in others:
        thread.start()
    wait_until(lambda: sync._tickets == 6)
    assert returned == []  # nobody is answered before an fsync that covers its rename has finished
    release.set()
    for thread in [first, *others]:
        thread.join(30)
    assert covered_at_start == [1, 6]  # two fsyncs for six writers: the second started after all five renames
    assert sorted(returned) == [1, 2, 3, 4, 5, 6]


def test_a_failed_fsync_fails_its_writer_and_the_others_try_again(tmp_path, monkeypatch):
    sync, calls = FolderSync(tmp_path), []

    def failing_once(folder):
        calls.append(folder)
        if len(calls) == 1:
            raise OSError("disque plein")

    monkeypatch.setattr(atomic, "_fsync_folder", failing_once)
    with pytest.raises(OSError):
        sync.wait_durable()
    sync.wait_durable()
    assert len(calls) == 2 and sync._covered == 2


def test_concurrent_writes_of_different_files_all_land(tmp_path):
    def writer(n):
        for round_no in range(20):
            write_atomically(tmp_path / f"{n}.json", f"{n}-{round_no}".encode())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {path.read_text() for path in tmp_path.glob("*.json")} == {f"{n}-19" for n in range(8)}
    assert atomic.folder_sync(tmp_path) is atomic.folder_sync(tmp_path)
