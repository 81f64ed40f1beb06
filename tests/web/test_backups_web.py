"""Backups through the portal: the agent's Paramètres › Sauvegardes page and its "Télécharger une sauvegarde" button
(an attachment, journalled with who and when; refused to families and visitors); a backup taken while families
write restores into an empty folder on which the portal starts with every acknowledged write; the nightly job
keeps the latest N archives on the pinned clock."""
from __future__ import annotations

import io
import json
import tarfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, csrf_from, login_family
from portal import create_app
from storage import clock
from storage.backup.archive import MANIFEST, check_archive
from storage.backup.restore import restore_archive
from storage.demo import DEMO_AGENT
from storage.documents import read_raw
from storage.jobs.daily import SCHEDULED
from storage.messages import post_message

pytestmark = pytest.mark.usefixtures("frozen_clock")  # archive names carry the minute
PAGE = "/agent/parametres/sauvegardes"
DOWNLOAD = PAGE + "/telecharger"
FAMILIES = ("770400070", "770400080", "770400090")


def download(agent: TestApp):
    page = agent.get("/agent/parametres")
    form = next(form for form in page.forms.values() if form.action == DOWNLOAD)
    return form.submit()


def test_agent_downloads_a_backup_that_restores_and_the_journal_says_who(agent_client, demo_app, tmp_path):
    answer = download(agent_client)
    assert answer.status_int == 200
    assert answer.content_type == "application/gzip"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="sauvegarde-2026-12-02-09h00.tar.gz"'
    archive = tmp_path / "telechargee.tar.gz"
    archive.write_bytes(answer.body)
    manifest = check_archive(archive)
    assert {f"families/{family}.json" for family in FAMILIES} <= set(manifest["files"])
    assert not [path for path in manifest["files"] if path.startswith(".") or path.endswith(".tmp")]
    restore_archive(archive, tmp_path / "restored")
    assert read_raw(tmp_path / "restored/families/770400070.json") == read_raw(demo_app.portal.families.path(FAMILIES[0]))
    for url in (PAGE, "/agent/journal"):
        rows = BeautifulSoup(agent_client.get(url).text, "html.parser").select("#backup-journal tbody tr")
        cells = [cell.get_text(" ", strip=True) for cell in rows[0].select("td")]
        assert cells[1] == DEMO_AGENT[0] and cells[2].startswith("téléchargée — sauvegarde-2026-12-02-09h00")
        assert cells[0].startswith("02/12/2026")
    assert not list(Path(demo_app.portal.documents.root).glob(".snapshot-*"))  # the hard links are gone


def test_families_and_visitors_cannot_download_a_backup(family_client, demo_app):
    token = csrf_from(family_client.get("/accueil"))
    answer = family_client.post(DOWNLOAD, {"csrf_token": token}, status="*")
    assert answer.status_int in (303, 403, 404) and answer.content_type != "application/gzip"
    assert TestApp(demo_app).post(DOWNLOAD, {}, status="*").content_type != "application/gzip"
    assert family_client.get(PAGE, status="*").status_int in (303, 403, 404)
    assert demo_app.portal.backups.journal() == []


def test_backup_page_shows_the_folder_the_archives_and_the_schedule(agent_client, demo_app):
    demo_app.portal.backups.nightly()
    page = BeautifulSoup(agent_client.get(PAGE).text, "html.parser")
    assert str(demo_app.portal.backup_config.folder) in page.select_one("#backup-runs").get_text()
    assert [row.select("td")[0].get_text() for row in page.select("#archives tbody tr")] == \
        ["sauvegarde-2026-12-02.tar.gz"]
    assert "14 dernières" in page.get_text(" ")


def test_a_backup_during_a_write_load_restores_every_acknowledged_write(demo_app, tmp_path):
    """Three families' threads post messages (each a transaction on the family file, then a mail in the outbox)
    while the backup is taken; what was acknowledged before the backup began must be in the restored folder."""
    portal = demo_app.portal
    acknowledged: list[tuple[str, str]] = []  # (family, marker) in the order their writes returned
    lock, stop, enough = threading.Lock(), threading.Event(), threading.Event()

    def family_writes(family_id: str) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            marker = f"charge-{family_id}-{number}"
            post_message(portal.families, family_id, author="family", subject=marker, body=marker)
            portal.outbox.queue(kind="test", to="famille@example.fr", subject=marker, text=marker, family_id=family_id)
            with lock:
                acknowledged.append((family_id, marker))
                if len(acknowledged) >= 30:
                    enough.set()

    threads = [threading.Thread(target=family_writes, args=(family,)) for family in FAMILIES]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(60), "the writers wrote nothing"
        with lock:
            before_backup = list(acknowledged)
        summary = portal.backups.nightly()
        with lock:
            during_backup = len(acknowledged) - len(before_backup)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    archive = portal.backup_config.folder / summary["file"]
    target = tmp_path / "restored"
    restore_archive(archive, target)
    for path in target.rglob("*.json"):
        json.loads(path.read_bytes())  # every file parses
    restored = create_app(target)
    try:
        subjects = {family: {message["subject"] for message in restored.portal.families.read(family).table("messages").all()}
                    for family in FAMILIES}
        mails = {read_raw(path)["subject"] for path in (target / "outbox" / "pending").glob("*.json")}
        missing = [marker for family, marker in before_backup if marker not in subjects[family]]
        assert missing == [], f"acknowledged before the backup, missing after the restore: {missing}"
        assert [marker for _, marker in before_backup if marker not in mails] == []
        for family in FAMILIES:  # each family's writes are in order: what is there is a prefix of what was written
            numbers = sorted(int(subject.rsplit("-", 1)[1]) for subject in subjects[family] if subject.startswith("charge-"))
            assert numbers == list(range(1, len(numbers) + 1))
        assert len(restored.portal.index) == 3
    finally:
        restored.portal.close()
    print(f"writes acknowledged before the backup: {len(before_backup)}, during it: {during_backup}, "
          f"pause {summary['pause_ms']} ms")


def test_nightly_backups_keep_the_latest_n_and_never_touch_other_archives(demo_dir, tmp_path):
    folder = tmp_path / "ailleurs"
    app = create_app(demo_dir, {"backups": {"folder": str(folder), "keep": 3}})
    try:
        folder.mkdir()
        (folder / "sauvegarde-2026-11-01-10h00.tar.gz").write_bytes(b"downloaded one")
        first_day = datetime(2026, 12, 2, 2, 0)
        for day in range(5):
            with clock.pinned(first_day + timedelta(days=day)):
                result = app.portal.backups.daily_job.run_now()
        assert result == {"file": "sauvegarde-2026-12-06.tar.gz", "bytes": result["bytes"],
                          "pause_ms": result["pause_ms"], "removed": 1}
        assert sorted(path.name for path in folder.iterdir()) == [
            "sauvegarde-2026-11-01-10h00.tar.gz", "sauvegarde-2026-12-04.tar.gz", "sauvegarde-2026-12-05.tar.gz",
            "sauvegarde-2026-12-06.tar.gz"]
        journal = app.portal.backups.journal()
        assert [(entry["kind"], entry["by"], entry["at"][:10]) for entry in journal[:2]] == \
            [("nuit", SCHEDULED, "2026-12-06"), ("nuit", SCHEDULED, "2026-12-05")]
        with tarfile.open(folder / "sauvegarde-2026-12-06.tar.gz") as tar:
            assert json.loads(tar.extractfile(MANIFEST).read())["created_at"].startswith("2026-12-06")
        assert app.portal.backups.daily_job.last_run_on().isoformat() == "2026-12-06"
    finally:
        app.portal.close()


def test_the_download_stream_is_a_valid_archive_even_read_in_chunks(family_client, demo_app):
    name, chunks = demo_app.portal.backups.download("agent")
    data = b"".join(chunks)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert "donnees/families/770400070.json" in tar.getnames()
    assert login_family(TestApp(demo_app), *DEMO_FAMILY).status_int == 303  # the portal still answers
