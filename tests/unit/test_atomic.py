"""Crash-safe writes: an interruption at any step leaves the old file whole and no temporary file behind."""
from __future__ import annotations

import os
import stat

import pytest

from storage import atomic
from storage.atomic import remove_stale_temp_files, write_atomically


class Crash(Exception):
    """Stands for the process dying at that instant."""


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX))


def test_write_creates_file_with_exact_bytes(tmp_path):
    target = tmp_path / "famille.json"
    write_atomically(target, "{\"nom\": \"Hélène\"}".encode("utf-8"))
    assert target.read_bytes() == "{\"nom\": \"Hélène\"}".encode("utf-8")
    assert _leftovers(tmp_path) == []


def test_write_replaces_old_content_entirely(tmp_path):
    target = tmp_path / "famille.json"
    write_atomically(target, b"x" * 10_000)
    write_atomically(target, b"short")
    assert target.read_bytes() == b"short"


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_crash_mid_write_keeps_old_content_and_no_temp_file(tmp_path, monkeypatch, step):
    target = tmp_path / "famille.json"
    target.write_bytes(b'{"old": true}')

    def crash(*args, **kwargs):
        raise Crash(step)

    monkeypatch.setattr(os, step, crash)
    with pytest.raises(Crash):
        write_atomically(target, b'{"new": true, "padding": "' + b"z" * 100_000 + b'"}')
    monkeypatch.undo()
    assert target.read_bytes() == b'{"old": true}'
    assert _leftovers(tmp_path) == []


def test_crash_during_data_write_keeps_old_content(tmp_path, monkeypatch):
    """The temp file is half written when the crash comes: the target never sees those bytes."""
    target = tmp_path / "famille.json"
    target.write_bytes(b"ancien contenu")
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self._handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()
            return False

        def write(self, data):
            self._handle.write(data[: len(data) // 2])
            raise Crash("disk full")

        def __getattr__(self, name):
            return getattr(self._handle, name)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(Crash):
        write_atomically(target, b"nouveau contenu beaucoup plus long")
    monkeypatch.undo()
    assert target.read_bytes() == b"ancien contenu"
    assert _leftovers(tmp_path) == []


def test_crash_on_first_write_leaves_no_file_at_all(tmp_path, monkeypatch):
    target = tmp_path / "nouveau.json"
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(Crash("replace")))
    with pytest.raises(Crash):
        write_atomically(target, b"{}")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_temp_file_lives_in_target_folder_so_replace_is_a_rename(tmp_path, monkeypatch):
    """os.replace is only atomic within one file system: the temp file must sit beside the target."""
    seen = []
    real_replace = os.replace

    def spy(source, destination):
        seen.append((os.path.dirname(source), os.path.dirname(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    write_atomically(tmp_path / "f.json", b"{}")
    assert seen == [(str(tmp_path), str(tmp_path))]


def test_folder_is_fsynced_after_the_rename_so_the_new_name_survives_a_power_cut(tmp_path, monkeypatch):
    """Without the folder's fsync the rename may still be only in memory: after a power cut the file is old again."""
    folder = tmp_path / "families"
    folder.mkdir()
    events, open_flags = [], {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def spy_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        open_flags[fd] = flags
        return fd

    def spy_fsync(fd):
        info = os.fstat(fd)
        folder_info = os.stat(folder)
        same = (info.st_dev, info.st_ino) == (folder_info.st_dev, folder_info.st_ino)
        is_folder = stat.S_ISDIR(info.st_mode) and same
        events.append(("fsync folder", open_flags.get(fd)) if is_folder else ("fsync file", None))
        real_fsync(fd)

    def spy_replace(source, destination):
        events.append(("replace", None))
        real_replace(source, destination)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    write_atomically(folder / "770400070.json", b"{}")
    monkeypatch.undo()
    names = [name for name, _ in events]
    assert names == ["fsync file", "replace", "fsync folder"]
    assert events[-1][1] & os.O_DIRECTORY  # opened as a directory: refuses to fsync a file by mistake


def test_remove_stale_temp_files_removes_only_temp_files(tmp_path):
    (tmp_path / "770400070.json").write_text("{}")
    (tmp_path / ".770400070.json.abc123.tmp").write_text("{\"torn")
    (tmp_path / ".sessions.json.x.tmp").write_text("")
    (tmp_path / "notes.tmp").write_text("not ours: no leading dot")
    assert remove_stale_temp_files(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["770400070.json", "notes.tmp"]


def test_remove_stale_temp_files_on_clean_folder_removes_nothing(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    assert remove_stale_temp_files(tmp_path) == 0


def test_app_start_cleans_temp_files_left_by_a_crash(tmp_path):
    from portal import create_app
    from storage.demo import seed_demo

    data = tmp_path / "data"
    seed_demo(data)
    stale = data / "families" / ".770400070.json.dead.tmp"
    stale.write_text('{"torn": ')
    create_app(data)
    assert not stale.exists()
    assert (data / "families" / "770400070.json").exists()


@pytest.mark.parametrize("folder", ["photos/770400070", "imports"])
def test_app_start_cleans_temp_files_in_every_data_folder(tmp_path, folder):
    from portal import create_app

    data = tmp_path / "data"
    (data / folder).mkdir(parents=True)
    stale = data / folder / ".photo.jpg.dead.tmp"
    stale.write_bytes(b"\xff\xd8 half a jpeg")
    create_app(data)
    assert not stale.exists()
