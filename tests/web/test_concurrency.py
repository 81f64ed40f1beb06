"""Many browsers at once against the real server: 50 families' clients submit change requests on shared
families while the agent validates; the result is the one a sequential run in the same order gives."""
from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.perf.kill_loop import apply_changes, generate_small_town
from tests.perf.live import AGENT_LOGIN, AGENT_PASSWORD, FAMILY_PASSWORD, Client, Server, form_fields, phone_number

SUBMIT_FORM = "/mes-informations/responsable/modifier"
VALIDATE_ACTION = re.compile(r'action="/agent/demandes/(\d+)/(\d+)/valider"')
FAMILIES = 5
CLIENTS = 50               # 10 browsers per family, each changing its own field of the account holder
SUBMISSIONS_PER_CLIENT = 3
FIELDS = {  # field -> its n-th value for client c (already in the shape the form's cleaning gives)
    "phone_home": lambda c, n: phone_number(1, c, n, 1).replace("06", "01", 1),
    "phone_mobile": lambda c, n: phone_number(c, n, 2, 3),
    "phone_work": lambda c, n: phone_number(c, n, 4, 5).replace("06", "09", 1),
    "email": lambda c, n: f"client{c}.envoi{n}@example.fr",
    "profession": lambda c, n: f"Profession {c}-{n}",
    "employer": lambda c, n: f"Employeur {c}-{n}",
    "address2": lambda c, n: f"Appartement {c}-{n}",
    "address1": lambda c, n: f"{n + 1} rue du Client {c}",
    "city": lambda c, n: f"Ville {c}-{n}",
    "first_name": lambda c, n: f"Prénom {c}-{n}",
}


@pytest.fixture
def town(tmp_path):
    """A small generated town (no pending request) served by the real server on a free port."""
    data_dir = tmp_path / "data"
    ids = generate_small_town(data_dir, FAMILIES)
    with Server.portal(data_dir, threads=8, log_path=tmp_path / "server.log") as server:
        server.start()
        yield server, data_dir, ids


def family_file(data_dir, family_id: str) -> dict:
    return json.loads((data_dir / "families" / f"{family_id}.json").read_text(encoding="utf-8"))


def earlier_requests(data_dir, family_id: str) -> set[str]:
    """The ids of the requests a family's file holds before the run (the generated town's decided ones)."""
    return set(family_file(data_dir, family_id).get("requests", {}))


def logged_in(port: int, logins: list[tuple[str, str, str]]) -> list[Client]:
    """One client per login, each logged in through the form with its own session."""
    def one(login):
        client = Client(port)
        client.login(*login)
        return client
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, logins))


def test_fifty_clients_and_the_agent_at_once_give_the_sequential_result(town):
    server, data_dir, ids = town
    initial = {fid: family_file(data_dir, fid)["record"]["1"] for fid in ids}
    earlier = {fid: earlier_requests(data_dir, fid) for fid in ids}  # decided before the run, by the generator
    plan = [(c, ids[c % FAMILIES], list(FIELDS)[c // FAMILIES % len(FIELDS)]) for c in range(CLIENTS)]
    families = logged_in(server.port, [(fid, FAMILY_PASSWORD, "family") for _, fid, _ in plan])
    agents = logged_in(server.port, [(AGENT_LOGIN, AGENT_PASSWORD, "agent")] * 2)

    start = threading.Barrier(CLIENTS + len(agents))
    submitted, refused, validated = [], [], {fid: [] for fid in ids}  # list.append is atomic
    clients_done = threading.Event()

    def family(client: Client, c: int, fid: str, name: str):
        start.wait(timeout=60)
        for n in range(SUBMISSIONS_PER_CLIENT):
            fields = form_fields(client.get(SUBMIT_FORM).text, SUBMIT_FORM)
            value = FIELDS[name](c, n)
            answer = client.post(SUBMIT_FORM, dict(fields, **{name: value}))
            (submitted if answer.status == 303 else refused).append((fid, name, value, answer.status))

    def agent(client: Client, mine: list[str]):
        start.wait(timeout=60)
        for _ in range(500):  # passes; ends once the families are done and nothing is pending
            finishing = clients_done.is_set()
            seen = 0
            for fid in mine:
                for _, rid in VALIDATE_ACTION.findall(client.get(f"/agent/demandes/{fid}").text):
                    seen += 1
                    answer = client.post(f"/agent/demandes/{fid}/{rid}/valider", {"confirmer": "1"})
                    assert answer.status == 303, (answer.status, answer.text[:300])
                    validated[fid].append(int(rid))
            if finishing and not seen:
                return

    threads = [threading.Thread(target=family, args=(families[c], c, fid, name)) for c, fid, name in plan]
    threads += [threading.Thread(target=agent, args=(a, ids[i::len(agents)])) for i, a in enumerate(agents)]
    for thread in threads:
        thread.start()
    for thread in threads[:CLIENTS]:
        thread.join(timeout=120)
    clients_done.set()
    for thread in threads[CLIENTS:]:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    for client in families + agents:
        client.close()

    assert refused == []
    assert len(submitted) == CLIENTS * SUBMISSIONS_PER_CLIENT
    for fid in ids:
        data = family_file(data_dir, fid)
        requests = {rid: r for rid, r in data["requests"].items() if rid not in earlier[fid]}
        mine = [(name, value) for f, name, value, _ in submitted if f == fid]
        # Every accepted request is there exactly once, and there is no other. A request posts the whole form,
        # so one made while another client's value was current carries that value back: the first request
        # holding a value (lowest id) is the one that asked for it.
        owners = {}
        for name, value in mine:
            holders = sorted(int(rid) for rid, r in requests.items()
                             if any(ch["field"] == name and ch["after"] == value for ch in r["changes"]))
            assert holders, (fid, name, value)
            owners[name, value] = holders[0]
        assert sorted(owners.values()) == sorted(int(rid) for rid in requests)
        # Each was validated exactly once, in the order the agent got its answers.
        assert sorted(validated[fid]) == sorted(int(rid) for rid in requests)
        assert all(r["status"] == "validated" for r in requests.values())
        audit = [e for _, e in sorted(data["audit"].items(), key=lambda item: int(item[0]))]
        assert [e["request_id"] for e in audit
                if e["action"] == "validated" and str(e["request_id"]) not in earlier[fid]] == validated[fid]
        # The record is the start with every validated change applied in that order: no lost update.
        expected = json.loads(json.dumps(initial[fid]))
        for rid in validated[fid]:
            apply_changes(expected, "parent1", requests[str(rid)]["changes"])
        assert data["record"]["1"] == expected, fid


def test_identical_requests_sent_at_once_are_stored_once(town):
    server, data_dir, ids = town
    fid = ids[0]
    earlier = earlier_requests(data_dir, fid)
    clients = logged_in(server.port, [(fid, FAMILY_PASSWORD, "family")] * 8)
    forms = [form_fields(c.get(SUBMIT_FORM).text, SUBMIT_FORM) for c in clients]
    value = phone_number(99, 88, 77, 66)
    start = threading.Barrier(len(clients))
    answers = []

    def send(client, fields):
        start.wait(timeout=30)
        answers.append(client.post(SUBMIT_FORM, dict(fields, phone_mobile=value)))

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for client in clients:
        client.close()

    assert sorted(a.status for a in answers) == [200] * 7 + [303]
    assert all("Une demande identique est déjà en attente" in a.text for a in answers if a.status == 200)
    requests = family_file(data_dir, fid).get("requests", {})
    assert [r["changes"][0]["after"] for rid, r in requests.items() if rid not in earlier] == [value]
