"""Absence certificates in the storage layer (storage/certificates.py, storage/enrolments.py, storage/requests.py): a
certificate lives as long as its request is pending or validated; withdrawing (the family) or cancelling (the agent)
deletes its file, whoever calls the storage functions; an identical pending absence is refused; at most
MAX_AWAITING certificates wait for the agent per family; files no request points to are swept away.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from portal import register_request_kinds
from storage.certificates import (MAX_AWAITING, Certificate, CertificateRefused, certificate_files, certificate_of,
                                  clean_certificate)
from storage.documents import DocumentStore
from storage.absences import AbsenceRefused, submit_absence
from storage.families import Families
from storage.requests import cancel_request, validate_request, withdraw_request
from storage.services import Services

FAMILY, OTHER = "100", "200"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CANTINE = {"id": "cantine", "name": "Restauration scolaire", "weekdays": [0, 1, 3, 4],
           "periods": [{"start": "2026-09-01", "end": "2027-07-03"}], "closed_dates": [],
           "brackets": [{"qf_max": None, "price_cents": 300}], "notice_working_days": 2, "notice_time": "10:00",
           "active": True}
DECLARED_AT = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def town(tmp_path):
    register_request_kinds()  # as create_app does: a closed absence request deletes its certificate
    documents = DocumentStore(tmp_path / "data")
    families = Families(documents)
    Services(documents).save(CANTINE)
    for family_id in (FAMILY, OTHER):
        families.create(family_id, {"children": [{"id": 1, "first_name": "Léa", "last_name": "TEST"},
                                                 {"id": 2, "first_name": "Tom", "last_name": "TEST"}]}, "hash")
    return families


def absence(day: str, end: str | None = None, children=(1,)) -> dict:
    """A declaration (what clean_absence_form gives) for the canteen: each child absent on day."""
    return {"covers": [{"child_id": child, "service_id": "cantine", "days": [day]} for child in children],
            "start": day, "end": end or day, "reason": "maladie", "comment": ""}


def declare(families, day: str, certificate: Certificate | None = Certificate(PDF, "pdf"), family_id: str = FAMILY,
            end: str | None = None) -> int:
    [request_id] = submit_absence(families, family_id, absence(day, end), {"cantine": CANTINE}, DECLARED_AT,
                                  certificate).request_ids
    return request_id


def stored_files(families, family_id: str = FAMILY) -> list[str]:
    return certificate_files(families.documents.root).names(family_id)


def certificate_name(families, request_id: int, family_id: str = FAMILY) -> str:
    return families.read(family_id).table("requests").get(doc_id=request_id)["payload"]["certificate"]


def test_declaring_stores_the_certificate_under_a_name_nobody_can_guess(town):
    request_id = declare(town, "2026-12-07")
    name = certificate_name(town, request_id)
    assert stored_files(town) == [name] and name.endswith(".pdf")
    assert certificate_files(town.documents.root).path(FAMILY, name).read_bytes() == PDF
    assert certificate_of(town.read(FAMILY), request_id) == name


def test_withdrawing_the_request_deletes_its_certificate(town):
    request_id = declare(town, "2026-12-07")
    assert withdraw_request(town, FAMILY, request_id).outcome == "withdrawn"
    assert stored_files(town) == []
    assert certificate_of(town.read(FAMILY), request_id) is None


def test_cancelling_the_request_deletes_its_certificate(town):
    request_id = declare(town, "2026-12-07")
    assert cancel_request(town, FAMILY, request_id, "agent", "Pas de certificat lisible").outcome == "cancelled"
    assert stored_files(town) == []
    assert certificate_of(town.read(FAMILY), request_id) is None


def test_validating_the_request_keeps_its_certificate(town):
    request_id = declare(town, "2026-12-07")
    name = certificate_name(town, request_id)
    services = Services(town.documents)
    assert validate_request(town, FAMILY, request_id, "agent", options={"services": services}).outcome == "validated"
    assert stored_files(town) == [name]
    assert certificate_of(town.read(FAMILY), request_id) == name
    assert withdraw_request(town, FAMILY, request_id).outcome == "already_decided"  # and nothing deleted
    assert stored_files(town) == [name]


def test_withdrawing_one_request_leaves_the_other_certificates(town):
    first, second = declare(town, "2026-12-07"), declare(town, "2026-12-08")
    withdraw_request(town, FAMILY, first)
    assert stored_files(town) == [certificate_name(town, second)]


def test_identical_pending_absence_is_refused_and_stores_no_file(town):
    declare(town, "2026-12-07")
    with pytest.raises(AbsenceRefused) as refusal:
        declare(town, "2026-12-07")
    assert (refusal.value.field, str(refusal.value)) == (
        "start", "Une absence identique (même enfant, même service, mêmes dates) est déjà en attente de validation : "
                 "Léa, Restauration scolaire.")
    assert len(stored_files(town)) == 1
    with pytest.raises(AbsenceRefused):
        declare(town, "2026-12-07", certificate=None)  # with or without a certificate


def test_same_dates_once_withdrawn_or_for_other_dates_or_another_family_are_accepted(town):
    first = declare(town, "2026-12-07")
    declare(town, "2026-12-07", end="2026-12-08")
    declare(town, "2026-12-07", family_id=OTHER)
    withdraw_request(town, FAMILY, first)
    declare(town, "2026-12-07")


def test_at_most_twenty_certificates_wait_for_the_agent(town):
    days = [f"2027-01-{day:02d}" for day in range(1, MAX_AWAITING + 2)]
    ids = [declare(town, day) for day in days[:MAX_AWAITING]]
    with pytest.raises(AbsenceRefused) as refusal:
        declare(town, days[-1])
    assert refusal.value.field == "certificate"
    assert str(refusal.value) == ("Vous avez déjà 20 justificatifs en attente de validation : attendez la réponse de "
                                  "la mairie ou retirez une demande avant d'en envoyer un autre.")
    assert len(stored_files(town)) == MAX_AWAITING
    declare(town, days[-1], certificate=None)  # an absence without a certificate is still possible
    declare(town, days[-1], family_id=OTHER)  # the quota is per family
    withdraw_request(town, FAMILY, ids[0])  # a decision frees a place
    declare(town, days[0])
    assert len(stored_files(town)) == MAX_AWAITING


def test_validated_certificates_do_not_count_in_the_quota(town):
    services = Services(town.documents)
    for day in range(1, MAX_AWAITING + 1):
        request_id = declare(town, f"2027-01-{day:02d}")
        validate_request(town, FAMILY, request_id, "agent", options={"services": services})
    declare(town, "2027-02-01")
    assert len(stored_files(town)) == MAX_AWAITING + 1


def test_files_no_request_points_to_are_swept_at_the_next_certificate(town):
    files = certificate_files(town.documents.root)
    orphan = files.save(FAMILY, PDF, "pdf")  # e.g. stored before withdrawals deleted their certificate
    kept = certificate_name(town, declare(town, "2026-12-07"))
    assert stored_files(town) == [kept]
    assert orphan not in stored_files(town)


def test_a_refused_request_deletes_the_file_it_just_stored(town, monkeypatch):
    import storage.absences

    def broken_insert(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(storage.absences, "insert_request", broken_insert)
    with pytest.raises(OSError):
        declare(town, "2026-12-07")
    assert stored_files(town) == []


# --- one declaration, several requests (issue 13, §6) ------------------------------------------------------------

def declare_for_both(families, day: str, certificate: Certificate | None = Certificate(PDF, "pdf")) -> list[int]:
    return submit_absence(families, FAMILY, absence(day, children=(1, 2)), {"cantine": CANTINE}, DECLARED_AT,
                          certificate).request_ids


def requests_and_files(families) -> tuple[list, list]:
    return families.read(FAMILY).table("requests").all(), stored_files(families)


def test_one_declaration_for_two_children_gives_each_request_its_own_copy_of_the_certificate(town):
    lea, tom = declare_for_both(town, "2026-12-07")

    names = [certificate_name(town, lea), certificate_name(town, tom)]
    assert names[0] != names[1] and sorted(stored_files(town)) == sorted(names)
    files = certificate_files(town.documents.root)
    assert all(files.path(FAMILY, name).read_bytes() == PDF for name in names)

    withdraw_request(town, FAMILY, lea)  # Léa is back at school after all: Tom's request keeps its certificate
    assert stored_files(town) == [names[1]]
    assert certificate_of(town.read(FAMILY), tom) == names[1]
    services = Services(town.documents)
    assert validate_request(town, FAMILY, tom, "agent", options={"services": services}).outcome == "validated"
    assert stored_files(town) == [names[1]]


def test_a_declaration_is_stored_whole_or_not_at_all(town, monkeypatch):
    import storage.absences
    real_insert, calls = storage.absences.insert_request, []

    def failing_second_insert(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_insert(*args, **kwargs)

    before = requests_and_files(town)
    monkeypatch.setattr(storage.absences, "insert_request", failing_second_insert)
    with pytest.raises(OSError):
        declare_for_both(town, "2026-12-07")
    assert requests_and_files(town) == before == ([], [])


def test_a_declaration_one_of_whose_absences_is_already_pending_is_refused_whole(town):
    declare(town, "2026-12-07")  # Léa, already declared
    before = requests_and_files(town)
    with pytest.raises(AbsenceRefused) as refusal:
        declare_for_both(town, "2026-12-07")
    assert "Léa, Restauration scolaire" in str(refusal.value)
    assert requests_and_files(town) == before


def test_a_declaration_whose_copies_would_pass_the_limit_is_refused_before_storing_any(town):
    for day in range(1, MAX_AWAITING):  # 19 certificates waiting: room for one more, not two
        declare(town, f"2027-01-{day:02d}")
    before = requests_and_files(town)
    with pytest.raises(AbsenceRefused) as refusal:
        declare_for_both(town, "2027-02-01")
    assert refusal.value.field == "certificate"
    assert str(refusal.value).startswith("Ce justificatif serait joint à chacune des 2 demandes de cette déclaration")
    assert requests_and_files(town) == before
    assert len(declare_for_both(town, "2027-02-01", certificate=None)) == 2


@pytest.mark.parametrize("raw", [b"%PDF-1.4\n<< /S /JavaScript /JS (app.alert(1)) >>", b"not a certificate",
                                 b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)])
def test_certificates_that_are_not_acceptable_are_refused_in_french(raw):
    with pytest.raises(CertificateRefused) as refusal:
        clean_certificate(raw)
    assert str(refusal.value).startswith("Justificatif refusé : ")


def test_another_family_certificate_is_never_found_by_request_number(town):
    theirs = declare(town, "2026-12-07", family_id=OTHER)
    assert certificate_of(town.read(FAMILY), theirs) is None  # family 100 has no request of that number
    ours = declare(town, "2026-12-07")
    assert certificate_of(town.read(FAMILY), ours) != certificate_of(town.read(OTHER), theirs)
