"""`python portal.py backup` and `python portal.py restore`, run as an administrator would (subprocesses): a backup of
a stopped portal's folder and of a running portal's folder (the portal takes the snapshot, the command compresses
it), a restore into an empty folder on which the portal starts, and the refusals (non-empty folder, damaged
archive) with a French message and a non-zero exit code."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DEMO_FAMILY, login_family
from portal import create_app
from storage.backup.archive import check_archive
from tests.perf.live import Client, Server

ROOT = Path(__file__).resolve().parents[2]


def portal_command(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "portal.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_backup_of_a_stopped_portal_then_restore_into_an_empty_folder(demo_dir, tmp_path):
    archive = tmp_path / "copies" / "sauvegarde.tar.gz"
    done = portal_command("backup", "--to", str(archive), "--data", str(demo_dir))
    assert done.returncode == 0, done.stderr
    assert "Sauvegarde écrite" in done.stdout
    assert "families/770400070.json" in check_archive(archive)["files"]
    restored = tmp_path / "restored"
    done = portal_command("restore", str(archive), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    assert "sommes de contrôle vérifiées" in done.stdout
    assert re.search(r"Sauvegarde du 02/12/2026 à \d\d:\d\d restaurée", done.stdout), done.stdout  # the pinned day
    app = create_app(restored)
    try:
        from webtest import TestApp
        assert login_family(TestApp(app), *DEMO_FAMILY).status_int == 303
        assert len(app.portal.index) == 3
    finally:
        app.portal.close()


def test_restore_refuses_a_non_empty_folder_and_a_damaged_archive(demo_dir, tmp_path):
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portal_command("backup", "--to", str(archive), "--data", str(demo_dir)).returncode == 0
    refused = portal_command("restore", str(archive), "--data", str(demo_dir))
    assert refused.returncode != 0
    assert "Restauration refusée" in refused.stderr and "n'est pas vide" in refused.stderr
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) * 2 // 3])
    refused = portal_command("restore", str(archive), "--data", str(tmp_path / "new"))
    assert refused.returncode != 0
    assert "Restauration refusée" in refused.stderr and "tronquée" in refused.stderr
    assert not (tmp_path / "new").exists()
    assert "Traceback" not in refused.stderr


def test_backup_of_a_running_portal_goes_through_it(tmp_path):
    log_path = tmp_path / "server.log"
    with Server.portal(tmp_path / "data", log_path=log_path, demo=True) as server:
        try:
            server.start(timeout=60)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}\n{log_path.read_text() if log_path.exists() else ''}", pytrace=False)
        assert Client(server.port).get("/connexion").status == 200
        archive = tmp_path / "live.tar.gz"
        done = portal_command("backup", "--to", str(archive), "--data", str(tmp_path / "data"))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Un portail est en marche" in done.stdout and "suspendues" in done.stdout
        assert "families/770400070.json" in check_archive(archive)["files"]
        assert not list((tmp_path / "data").glob(".snapshot-*"))
        assert Client(server.port).get("/connexion").status == 200  # still serving
