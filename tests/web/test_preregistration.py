"""The public pre-registration form under abuse: a minimum fill time (signed stamp), hourly quotas per address and for
everyone, the honeypot; the agent's paginated list and deleting junk in one action; a validation interrupted between
creating the family and marking the pre-registration, finished by the next one without a second family."""
from __future__ import annotations

import logging
import threading

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from demo_usage import NEW_FAMILY
from helpers import DEMO_FAMILY, FakeClock, csrf_from, logged_in
from portal import create_app
from storage import documents as documents_module
from storage.accounts.password_links import use_link
from storage.demo import DEMO_AGENT
from storage.passwords import hash_password
from storage.preregistrations import clean_preregistration
from storage.protection import submissions
from storage.protection.signing import SECRET_FILE, Signer, data_folder_secret

VISITOR = "203.0.113.20"


@pytest.fixture
def clock():
    return FakeClock(2_000_000.0)


@pytest.fixture
def app(demo_dir, clock):
    return create_app(demo_dir, clock=clock)


@pytest.fixture
def agent(app):
    return logged_in(app, *DEMO_AGENT, agent=True)


def visitor(app, address: str = VISITOR) -> TestApp:
    return TestApp(app, extra_environ={"REMOTE_ADDR": address})


def form_of(page, **changes) -> dict:
    """The pre-registration form as the page shows it (hidden fields, kept values), NEW_FAMILY typed over it."""
    form = BeautifulSoup(page.text, "html.parser").find("form", action="/pre-inscription")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    return dict(fields, **NEW_FAMILY, **changes)


def send(client, clock, wait: float = submissions.MIN_FILL_SECONDS, **changes):
    """Open the form, take `wait` seconds to fill it in, send it."""
    page = client.get("/pre-inscription")
    clock.advance(wait)
    return client.post("/pre-inscription", form_of(page, **changes), status="*")


def stored(app) -> int:
    return len(app.portal.preregistrations.all())


def alert(page) -> str:
    return " ".join(page.html.find(id="form-errors").get_text(" ").split())


def assert_typed_values_kept(page):
    soup = page.html
    assert soup.find(id="f-p1_last_name")["value"] == NEW_FAMILY["p1_last_name"]
    assert soup.find(id="f-p1_email")["value"] == NEW_FAMILY["p1_email"]
    assert soup.find(id="f-c0_birth_date")["value"] == NEW_FAMILY["c0_birth_date"]
    assert soup.find(id="f-message").get_text() == NEW_FAMILY["message"]


# --- quotas -------------------------------------------------------------------------------------------------------

def test_forty_posts_from_one_address_only_three_are_accepted(app, clock):
    """The flood: 40 anonymous posts from one address. Three reach the agent; the rest get 429 and their values."""
    flood = visitor(app)
    answers = [send(flood, clock) for _ in range(40)]
    assert [a.status_int for a in answers] == [303] * submissions.PER_ADDRESS_PER_HOUR + [429] * 37
    assert stored(app) == submissions.PER_ADDRESS_PER_HOUR
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= submissions.WINDOW_SECONDS
    assert "Rien n'a été enregistré" in alert(refused) and "depuis votre connexion" in alert(refused)
    assert "minute" in alert(refused)
    assert_typed_values_kept(refused)
    assert send(visitor(app, "198.51.100.5"), clock).status_int == 303  # another address is not concerned


def test_one_address_may_send_again_an_hour_later(app, clock):
    client = visitor(app)
    for _ in range(submissions.PER_ADDRESS_PER_HOUR):
        assert send(client, clock).status_int == 303
    assert send(client, clock).status_int == 429
    clock.advance(submissions.WINDOW_SECONDS)
    assert send(client, clock).status_int == 303


def test_posts_from_everywhere_are_limited_per_hour(app, clock):
    answers = [send(visitor(app, f"198.51.{n // 200}.{n % 200 + 1}"), clock) for n in range(submissions.PER_HOUR + 5)]
    assert [a.status_int for a in answers].count(303) == submissions.PER_HOUR
    assert answers[-1].status_int == 429 and "beaucoup de pré-inscriptions" in alert(answers[-1])
    assert stored(app) == submissions.PER_HOUR
    clock.advance(submissions.WINDOW_SECONDS)
    assert send(visitor(app, "192.0.2.200"), clock).status_int == 303


def test_the_form_is_not_boosted_so_that_a_refusal_shows_with_javascript_on(app):
    """htmx 1.9 swaps no 4xx answer: a boosted form would show nothing when over the quota (429)."""
    assert visitor(app).get("/pre-inscription").html.find("form", action="/pre-inscription")["data-hx-boost"] == "false"


def test_ipv6_addresses_of_one_subscriber_share_the_quota(app, clock):
    answers = [send(visitor(app, f"2001:db8:5:6::{n + 1:x}"), clock) for n in range(6)]
    assert [a.status_int for a in answers].count(303) == submissions.PER_ADDRESS_PER_HOUR


def test_parallel_posts_cannot_pass_the_quota_together(app, clock):
    clients = [visitor(app) for _ in range(10)]
    forms = [form_of(client.get("/pre-inscription")) for client in clients]
    clock.advance(submissions.MIN_FILL_SECONDS)
    start = threading.Barrier(len(clients))

    def post(client, form):
        start.wait()
        client.post("/pre-inscription", form, status="*")

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored(app) == submissions.PER_ADDRESS_PER_HOUR


def test_refusals_are_logged_once_per_address(app, clock, caplog):
    caplog.set_level(logging.WARNING, logger="portal")
    flood = visitor(app)
    for _ in range(10):
        send(flood, clock)
    lines = [r.getMessage() for r in caplog.records if r.name == "portal" and "Pré-inscription refusée" in r.getMessage()]
    assert len(lines) == 1 and VISITOR in lines[0]


# --- minimum fill time --------------------------------------------------------------------------------------------

def test_a_form_sent_too_fast_is_shown_again_with_every_value_then_accepted(app, clock):
    client = visitor(app)
    fast = send(client, clock, wait=1)
    assert fast.status_int == 200
    assert "Rien n'a été enregistré" in alert(fast) and "très vite" in alert(fast)
    assert_typed_values_kept(fast)
    assert stored(app) == 0
    clock.advance(submissions.MIN_FILL_SECONDS)  # the person checks the form, then sends it again as it stands
    again = client.post("/pre-inscription", form_of(fast), status="*")
    assert again.status_int == 303 and stored(app) == 1


@pytest.mark.parametrize("stamp", ["", "x", "MjAwMDAwMC4wMDA.AAAA", "forged-from-another-purpose", "a-day-old"])
def test_a_missing_forged_or_stale_stamp_is_refused(app, clock, stamp):
    signer = app.portal.signer
    stamp = {"forged-from-another-purpose": signer.sign("known-device", f"{clock() - 60:.3f}"),
             "a-day-old": signer.sign(submissions.STAMP_PURPOSE, f"{clock() - submissions.MAX_FORM_AGE_SECONDS - 1:.3f}"),
             }.get(stamp, stamp)
    page = send(visitor(app), clock, horodatage=stamp)
    assert page.status_int == 200 and "expiré" in alert(page)
    assert_typed_values_kept(page)
    assert stored(app) == 0
    fresh = page.html.find("input", attrs={"name": "horodatage"})["value"]
    assert fresh != stamp and signer.unsign(submissions.STAMP_PURPOSE, fresh) is not None


def test_the_honeypot_still_stores_nothing_and_costs_no_quota(app, clock):
    client = visitor(app)
    for _ in range(5):
        robot = send(client, clock, site_web="http://spam.example")
        assert robot.status_int == 303 and robot.location.endswith("/pre-inscription/envoyee")
    assert stored(app) == 0
    assert send(client, clock).status_int == 303


def test_the_secret_is_made_once_per_data_folder_and_kept_private(tmp_path):
    key = data_folder_secret(tmp_path)
    assert data_folder_secret(tmp_path) == key and len(key) == 32
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    other.mkdir()
    assert data_folder_secret(other) != key
    signer = Signer(key)
    token = signer.sign("a", "1234")
    assert signer.unsign("a", token) == "1234"
    assert signer.unsign("b", token) is None and Signer(b"0" * 32).unsign("a", token) is None


# --- the agent's list: pages, deleting junk -------------------------------------------------------------------------

def fill_with(app, count: int) -> list[int]:
    clean, errors = clean_preregistration(NEW_FAMILY)
    assert not errors
    return [app.portal.preregistrations.submit(dict(clean, message=f"n° {n}")) for n in range(count)]


def rows(page) -> list[str]:
    return [tr.find_all("td")[1].get_text(strip=True) for tr in page.html.select("table tbody tr")]


def test_agent_lists_pending_preregistrations_fifty_per_page(app, agent):
    ids = fill_with(app, 120)
    first = agent.get("/agent/pre-inscriptions")
    assert rows(first) == [str(i) for i in reversed(ids)][:50]
    assert "120 pré-inscriptions en attente" in first.text
    assert first.html.find("a", rel="next")["href"] == "/agent/pre-inscriptions?page=2"
    last = agent.get("/agent/pre-inscriptions?page=3")
    assert rows(last) == [str(i) for i in reversed(ids)][100:]
    assert last.html.find("a", rel="prev") and not last.html.find("a", rel="next")
    assert rows(agent.get("/agent/pre-inscriptions?page=999")) == rows(last)
    requests_page = agent.get("/agent/demandes")
    assert "120 pré-inscriptions en attente" in requests_page.text
    assert requests_page.html.find("a", href="/agent/pre-inscriptions")
    assert "/agent/pre-inscriptions/1" not in requests_page.text  # the list itself is on its own page


def test_agent_deletes_the_selected_junk_after_a_confirmation(app, agent, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    ids = fill_with(app, 5)
    page = agent.get("/agent/pre-inscriptions")
    token = csrf_from(page)
    asked = agent.post("/agent/pre-inscriptions/supprimer",
                       [("csrf_token", token), ("selection", str(ids[1])), ("selection", str(ids[3]))])
    assert asked.status_int == 200 and "Supprimer 2 pré-inscriptions ?" in asked.text
    assert [td.get_text(strip=True) for td in asked.html.select("tbody tr td:first-child")] == [str(ids[3]), str(ids[1])]
    assert stored(app) == 5  # nothing deleted before the confirmation
    done = agent.post("/agent/pre-inscriptions/supprimer", form_fields(asked, "/agent/pre-inscriptions/supprimer"))
    assert done.status_int == 303 and done.location.endswith("/agent/pre-inscriptions")
    listing = done.follow()
    assert "2 pré-inscriptions supprimées." in listing.text
    assert sorted(int(r) for r in rows(listing)) == [ids[0], ids[2], ids[4]]
    journal = " ".join(listing.html.find("h2", string="Suppressions récentes").find_next("ul").get_text(" ").split())
    assert f"2 pré-inscriptions supprimées par agent (n° {ids[1]}, {ids[3]})" in journal
    assert any("supprimées par agent" in r.getMessage() for r in caplog.records if r.name == "portal")


def form_fields(page, action: str) -> list[tuple[str, str]]:
    form = page.html.find("form", action=action)
    return [(i["name"], i.get("value", "")) for i in form.find_all("input") if i.get("name")]


def test_agent_deletes_a_whole_page_in_one_action(app, agent):
    fill_with(app, 60)
    page = agent.get("/agent/pre-inscriptions")
    fields = [f for f in form_fields(page, "/agent/pre-inscriptions/supprimer") if f[0] != "selection"]
    asked = agent.post("/agent/pre-inscriptions/supprimer", fields + [("portee", "page")])
    assert "Supprimer 50 pré-inscriptions ?" in asked.text
    agent.post("/agent/pre-inscriptions/supprimer", form_fields(asked, "/agent/pre-inscriptions/supprimer"))
    assert stored(app) == 10


def test_nothing_selected_or_already_decided_deletes_nothing(app, agent):
    ids = fill_with(app, 3)
    app.portal.preregistrations.cancel(ids[0], "agent", "")
    token = csrf_from(agent.get("/agent/pre-inscriptions"))
    for selection in ([], [str(ids[0])], ["abc"], ["99"]):
        answer = agent.post("/agent/pre-inscriptions/supprimer",
                            [("csrf_token", token), ("confirmer", "1")] + [("selection", s) for s in selection])
        assert answer.status_int == 303
        assert "Cochez au moins une pré-inscription" in answer.follow().text
    assert stored(app) == 3


def test_numbers_of_deleted_preregistrations_are_never_given_again(app):
    ids = fill_with(app, 3)
    app.portal.preregistrations.delete_pending(ids[1:], "agent")
    assert fill_with(app, 1) == [ids[-1] + 1]


# --- a validation interrupted between its steps -----------------------------------------------------------------

def crash_once_when_marking(monkeypatch, app):
    """The write of preregistrations.json that comes after the new family's file fails once (a crash, a full disk)."""
    real = documents_module.write_atomically
    families_before = set(app.portal.families.ids())
    crashed = []

    def write(path, data):
        new_family = set(app.portal.families.ids()) - families_before
        if path.name == "preregistrations.json" and new_family and not crashed:
            crashed.append(path)
            raise OSError("disque plein")
        real(path, data)

    monkeypatch.setattr(documents_module, "write_atomically", write)
    return crashed


def new_families(app) -> set[str]:
    return set(app.portal.families.ids()) - {DEMO_FAMILY[0], "770400080", "770400090"}


def test_a_validation_interrupted_after_creating_the_family_is_finished_without_a_second_family(app, monkeypatch):
    [preregistration_id] = fill_with(app, 1)
    portal = app.portal
    crashed = crash_once_when_marking(monkeypatch, app)
    with pytest.raises(OSError):
        portal.preregistrations.validate(preregistration_id, "agent", portal.families, portal.numbers)
    assert crashed and len(new_families(app)) == 1
    access = portal.preregistrations.validate(preregistration_id, "agent", portal.families, portal.numbers)
    family_id = access.family_id
    assert new_families(app) == {family_id}
    doc = portal.preregistrations.get(preregistration_id)
    assert (doc["status"], doc["family_id"]) == ("validated", family_id)
    assert portal.families.record(family_id)["parent1"]["last_name"] == NEW_FAMILY["p1_last_name"]
    assert access.by_mail and access.email == NEW_FAMILY["p1_email"]
    assert use_link(portal.families, access.token, hash_password("Soleil2027")) == family_id  # the link given at the end
    assert logged_in(app, family_id, "Soleil2027")
    assert portal.preregistrations.validate(preregistration_id, "agent", portal.families, portal.numbers) is None


def test_the_agent_finishes_an_interrupted_validation_from_its_page(app, agent, monkeypatch):
    [preregistration_id] = fill_with(app, 1)
    url = f"/agent/pre-inscriptions/{preregistration_id}"
    detail = agent.get(url)
    crash_once_when_marking(monkeypatch, app)
    crashed = agent.post(url + "/valider", {"csrf_token": csrf_from(detail)}, status="*", expect_errors=True)
    assert crashed.status_int == 500
    page = agent.get(url)
    assert "La validation de cette pré-inscription a été interrompue" in page.text
    assert page.html.find("form", action=url + "/annuler") is None
    assert not app.portal.preregistrations.cancel(preregistration_id, "agent", "")  # would orphan the family
    done = agent.post(url + "/valider", {"csrf_token": csrf_from(page)})
    [family_id] = new_families(app)
    assert done.status_int == 303 and family_id in done.follow().text
