"""Upgrades that keep data (storage/migrations): a data folder written by release 1 (tests/fixtures/data-v1, made
with the demo seed, a validated and a pending request, a message and a queued mail) opens in this release; a
migration registered here runs at start-up after an automatic backup, once, and the portal then serves the data."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from webtest import TestApp

from helpers import DEMO_FAMILY, login_family
from portal import create_app
from storage import migrations
from storage.atomic import write_atomically
from storage.backup.archive import check_archive
from storage.documents import SCHEMA_VERSION, encode, read_raw
from storage.migrations import SCHEMA_FILE, Migration, NewerData, current_version, folder_version
from storage.migrations.runner import upgrade_data_folder
from storage.backup.files import backup_config

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "data-v1"


@pytest.fixture
def release_1_folder(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    return folder


def add_language(data_dir: Path) -> None:
    """Test migration 1 -> 2: every family record gets "language": "fr" (only records still at version 1)."""
    for path in sorted((data_dir / "families").glob("*.json")):
        data = read_raw(path)
        changed = False
        for record in data.get("record", {}).values():
            if record.get("schema", 1) < 2:
                record.update(language="fr", schema=2)
                changed = True
        if changed:
            write_atomically(path, encode(data))


STEP = Migration(2, "langue des familles", add_language)


def test_every_schema_version_has_its_migration():
    assert current_version() == SCHEMA_VERSION  # a new SCHEMA_VERSION needs its step in storage/migrations.STEPS


def test_a_release_1_folder_opens_as_it_is_and_keeps_its_data(release_1_folder):
    assert folder_version(release_1_folder) == 1
    app = create_app(release_1_folder)
    try:
        assert json.loads((release_1_folder / SCHEMA_FILE).read_text())["version"] == 1
        assert len(app.portal.index) == 3
        assert app.portal.families.record("770400070")["parent1"]["phone_mobile"] == "06 11 22 33 44"
        client = TestApp(app)
        assert login_family(client, *DEMO_FAMILY).status_int == 303
        assert "06 11 22 33 44" in client.get("/mes-informations/responsable").text
    finally:
        app.portal.close()


def test_a_new_folder_is_at_the_current_version(tmp_path):
    app = create_app(tmp_path / "new")
    app.portal.close()
    assert folder_version(tmp_path / "new") == current_version()


def test_a_migration_runs_once_after_a_backup_and_the_portal_serves_the_data(release_1_folder, monkeypatch):
    monkeypatch.setattr(migrations, "STEPS", [STEP])
    before = {path.name: read_raw(path) for path in (release_1_folder / "families").glob("*.json")}
    app = create_app(release_1_folder)
    try:
        backups = sorted(backup_config(release_1_folder).folder.glob("avant-mise-a-jour-v1-v2-*.tar.gz"))
        assert len(backups) == 1
        assert {"families/770400070.json", "ledgers/770400070.json", "agents.json"} <= set(
            check_archive(backups[0])["files"])  # the data as release 1 left it, restorable
        assert folder_version(release_1_folder) == 2
        for name, old in before.items():
            new = read_raw(release_1_folder / "families" / name)
            old_record, new_record = old["record"]["1"], new["record"]["1"]
            assert new_record == dict(old_record, language="fr", schema=2)
            assert {table: rows for table, rows in new.items() if table != "record"} == \
                {table: rows for table, rows in old.items() if table != "record"}  # nothing else touched
        assert app.portal.families.record("770400070")["language"] == "fr"
        client = TestApp(app)
        assert login_family(client, *DEMO_FAMILY).status_int == 303
        assert "06 11 22 33 44" in client.get("/mes-informations/responsable").text
        assert app.portal.backups.journal()[0]["kind"] == "avant mise à jour"
    finally:
        app.portal.close()
    migrated = {path.name: path.read_bytes() for path in (release_1_folder / "families").glob("*.json")}
    add_language(release_1_folder)  # idempotent: a step run again (a crash before schema.json) changes nothing
    assert {path.name: path.read_bytes() for path in (release_1_folder / "families").glob("*.json")} == migrated
    assert upgrade_data_folder(release_1_folder, backup_config(release_1_folder)) is None  # nothing left to run
    assert len(list(backup_config(release_1_folder).folder.glob("avant-mise-a-jour-*"))) == 1


def test_data_from_a_newer_release_is_not_touched(release_1_folder):
    (release_1_folder / SCHEMA_FILE).write_text(json.dumps({"version": current_version() + 1}))
    with pytest.raises(NewerData, match="version plus récente"):
        create_app(release_1_folder)
