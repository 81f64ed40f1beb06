"""One process per data folder: a second `portal.py` on the same folder is refused with a French message and a
non-zero exit, and touches nothing (not even the live process's temporary files); apps inside one process share
the folder and its file locks."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tinydb.table import Document

from portal import create_app
from storage.data_folder import DataFolderBusy, is_data_folder_held, take_data_folder
from storage.documents import DocumentStore
from tests.perf.live import REPO, free_port

BUSY_TEXT = "est déjà utilisé par un autre portail"
PROCESS_SECONDS = 60


def run_portal(data_dir: Path) -> subprocess.CompletedProcess:
    """`python portal.py --data data_dir` on a free port; fails the test if it is still running after a minute
    (i.e. it started serving instead of refusing)."""
    command = [sys.executable, str(REPO / "portal.py"), "--data", str(data_dir), "--port", str(free_port())]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=PROCESS_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"the second portal did not stop: it serves the same data folder\n{out}\n{err}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def holder_process(data_dir: Path) -> subprocess.Popen:
    """Another process that takes the folder's lock and keeps it until its stdin closes."""
    code = ("import sys; from storage.data_folder import take_data_folder; "
            f"take_data_folder({str(data_dir)!r}); print('held', flush=True); sys.stdin.read()")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert process.stdout.readline().strip() == "held"
    return process


def can_another_process_take(data_dir: Path) -> bool:
    code = ("import sys; from storage.data_folder import take_data_folder, DataFolderBusy\n"
            f"try: take_data_folder({str(data_dir)!r})\nexcept DataFolderBusy: sys.exit(3)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                          timeout=PROCESS_SECONDS)
    assert done.returncode in (0, 3)
    return done.returncode == 0


def test_a_second_portal_on_the_same_data_folder_is_refused_and_leaves_the_live_writes_alone(data_dir):
    app = create_app(data_dir)
    live_write = data_dir / "families" / ".770400070.json.k2j4.tmp"  # a write of the running portal, mid-way
    live_write.parent.mkdir(parents=True, exist_ok=True)
    live_write.write_text('{"half": ')

    second = run_portal(data_dir)

    assert second.returncode == 1
    assert BUSY_TEXT in second.stderr and str(data_dir.resolve()) in second.stderr
    assert f"processus {os.getpid()}" in second.stderr
    assert "Portail Famille prêt" not in second.stdout
    assert live_write.exists()
    assert not (data_dir / "agents.json").exists()  # the second one created no agent account either
    app.portal.close()


def test_the_folder_is_free_again_once_the_portal_is_closed(data_dir):
    app = create_app(data_dir)
    assert not can_another_process_take(data_dir)
    app.portal.close()
    assert can_another_process_take(data_dir)


def test_an_app_cannot_open_a_folder_another_process_holds(data_dir):
    holder = holder_process(data_dir)
    live_write = data_dir / ".settings.json.x1.tmp"  # the holder's write in progress
    live_write.write_text("{")
    try:
        with pytest.raises(DataFolderBusy) as refused:
            create_app(data_dir)
        assert BUSY_TEXT in str(refused.value) and f"processus {holder.pid}" in str(refused.value)
        assert live_write.exists()
        assert not is_data_folder_held(data_dir)
    finally:
        holder.stdin.close()
        holder.wait(timeout=PROCESS_SECONDS)
    app = create_app(data_dir)  # the holder is gone: the folder opens, and what its writes left is stale now
    assert not live_write.exists()
    app.portal.close()


def test_two_apps_of_one_process_share_the_folder_until_both_are_closed(data_dir):
    first = create_app(data_dir)
    second = create_app(data_dir)  # a restart simulated in one process
    first.portal.close()
    first.portal.close()  # closing twice gives back one share only
    assert is_data_folder_held(data_dir) and not can_another_process_take(data_dir)
    second.portal.close()
    assert not is_data_folder_held(data_dir)


def test_a_forgotten_app_gives_the_folder_back_when_it_is_collected(data_dir):
    app = create_app(data_dir)
    assert is_data_folder_held(data_dir)
    del app  # never closed
    gc.collect()
    assert not is_data_folder_held(data_dir)


def test_only_the_first_opening_in_a_process_removes_temp_files(data_dir):
    hold = take_data_folder(data_dir)
    in_flight = data_dir / ".numbers.json.ab12.tmp"
    in_flight.write_text("{")
    app = create_app(data_dir)  # shares this process's hold: the temp file may be a write in progress
    assert in_flight.exists()
    hold.release()
    app.portal.close()


def test_two_stores_on_one_folder_lose_no_increment(tmp_path):
    """Two DocumentStore objects on one folder (two apps in one process) lock each file with the same lock."""
    stores = [DocumentStore(tmp_path), DocumentStore(tmp_path / "." / "")]
    counter = tmp_path / "counter.json"
    assert stores[0].lock(counter) is stores[1].lock(counter)

    def increment(store, times=50):
        for _ in range(times):
            with store.transaction(counter) as db:
                table = db.table("counter")
                value = (table.get(doc_id=1) or {"value": 0})["value"]
                table.upsert(Document({"value": value + 1}, doc_id=1))

    threads = [threading.Thread(target=increment, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert stores[0].read(counter).table("counter").get(doc_id=1)["value"] == 100
