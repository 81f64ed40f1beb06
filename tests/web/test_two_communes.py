"""Many communes on one machine (README "Héberger plusieurs communes"): one portal process per commune, each on its own
data folder and port. Two real portals (`portal.py`, Waitress, separate processes) started from two copies of the
demo: the same family number exists in both, yet a session cookie of one is refused by the other, what a family writes
in one never shows in the other, each shows its own commune's name, and a third process on a folder already served is
refused by the single-process lock."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers import DEMO_FAMILY
from portal import create_app
from storage.families import record_of
from tests.perf.live import REPO, Client, Server, free_port

SERVER_START_SECONDS = 60
OTHER_COMMUNE = "Commune de Bois-sur-Seine"
OTHER_NAME = "BOISSEINE"  # the last name of the first parent of family 770400070 in the second commune
FAMILY, PASSWORD = DEMO_FAMILY


def second_commune(folder) -> None:
    """The demo folder turned into another commune: another name, and another last name for family 770400070."""
    app = create_app(folder)
    portal = app.portal
    try:
        portal.settings.save({"commune": dict(portal.settings["commune"], name=OTHER_COMMUNE)})
        with portal.families.transaction(FAMILY) as db:
            record = record_of(db)
            db.table("record").update({"parent1": dict(record["parent1"], last_name=OTHER_NAME)}, doc_ids=[1])
    finally:
        portal.close()


@pytest.fixture
def two_communes(tmp_path, demo_template):
    """Two portals serving two data folders on two ports: (server, folder) of the demo, then of the other commune."""
    folders = [tmp_path / "ville-demo", tmp_path / "bois-sur-seine"]
    for folder in folders:
        shutil.copytree(demo_template, folder)
    second_commune(folders[1])
    servers = [Server.portal(folder, threads=2, log_path=tmp_path / f"{folder.name}.log") for folder in folders]
    try:
        for server in servers:
            server.start(timeout=SERVER_START_SECONDS)
        yield list(zip(servers, folders))
    finally:
        for server in servers:
            server.stop()


def family_home(server) -> tuple[Client, str]:
    client = Client(server.port)
    client.login(FAMILY, PASSWORD)
    return client, client.get("/accueil").text


def test_each_commune_shows_its_own_name_and_data(two_communes):
    (demo, _), (other, _) = two_communes
    _, demo_page = family_home(demo)
    _, other_page = family_home(other)
    assert "Ville de Démo" in demo_page and OTHER_COMMUNE not in demo_page
    assert OTHER_COMMUNE in other_page and "Ville de Démo" not in other_page
    assert OTHER_NAME in other_page and OTHER_NAME not in demo_page
    assert OTHER_COMMUNE in Client(other.port).get("/connexion").text  # the public pages too


def test_a_session_of_one_commune_is_refused_by_the_other(two_communes):
    (demo, _), (other, _) = two_communes
    client, _ = family_home(demo)
    assert client.get("/accueil").status == 200
    stolen = Client(other.port, cookies=client.cookies)  # the same cookie, the same family number, the other portal
    answer = stolen.get("/accueil")
    assert answer.status == 303 and answer.location.endswith("/connexion")
    stolen.csrf = client.csrf
    refused = stolen.post("/messages/nouveau", {"subject": "Cantine", "category": "autre", "body": "Bonjour."})
    assert refused.status == 403  # its form token means nothing to the other portal either


def test_what_a_family_writes_in_one_commune_stays_there(two_communes):
    (demo, demo_folder), (other, other_folder) = two_communes
    client, _ = family_home(demo)
    sent = client.post("/messages/nouveau", {"subject": "Inscription au centre de loisirs", "category": "autre",
                                             "body": "Bonjour, est-il encore possible d'inscrire Léa ?"})
    assert sent.status == 303 and "/messages/" in sent.location
    assert "Inscription au centre de loisirs" in client.get("/messages").text
    other_client, _ = family_home(other)
    assert "Inscription au centre de loisirs" not in other_client.get("/messages").text
    assert "Inscription au centre de loisirs" in (demo_folder / "families" / f"{FAMILY}.json").read_text()
    assert "Inscription au centre de loisirs" not in (other_folder / "families" / f"{FAMILY}.json").read_text()


def test_a_second_process_on_a_folder_already_served_is_refused(two_communes):
    (_, demo_folder), _ = two_communes
    command = [sys.executable, str(REPO / "portal.py"), "--data", str(demo_folder), "--port", str(free_port())]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=SERVER_START_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("the second process did not stop: it serves a folder another portal already serves")
    assert done.returncode == 1
    assert "est déjà utilisé par un autre portail" in done.stderr and "Portail Famille prêt" not in done.stdout
