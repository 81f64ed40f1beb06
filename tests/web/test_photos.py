"""Children's photos: uploads are checked and re-encoded (JPEG, at most 600 px, no metadata), bad files are
refused in French with nothing stored, and a photo is served only to its family and to the agent.
"""
from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import Image
from webtest import TestApp

from helpers import csrf_from as csrf
from helpers import logged_in as log_in
from storage.demo import DEMO_ACCOUNTS

FAMILY_A = "770400070"
FAMILY_B = "770400080"
CHILD = 1
PHOTO_FORM = f"/mes-informations/enfants/{CHILD}/photo"


# --- helpers ---------------------------------------------------------------------------------------

def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"            # Make
    exif[0x0110] = "Model-4242"           # Model
    exif[0x0131] = "EditorWithATrace"     # Software
    exif[0x0112] = 1                      # Orientation
    return exif


def picture(size=(1200, 800), fmt="JPEG", exif: Image.Exif | None = None, mode="RGB") -> bytes:
    """A picture with a gradient (so it is not trivially compressible) and, optionally, EXIF data."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    output = io.BytesIO()
    options = {"exif": exif.tobytes()} if exif is not None else {}
    image.save(output, fmt, **options)
    return output.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def upload(client: TestApp, data: bytes, filename: str = "photo.jpg", content_type: str | None = None):
    page = client.get(PHOTO_FORM)
    file = (filename, data, content_type) if content_type else (filename, data)
    return client.post(PHOTO_FORM, {"csrf_token": csrf(page)}, upload_files=[("photo", *file)], status="*")


def requests_of(app, family_id: str = FAMILY_A) -> list:
    return app.portal.families.read(family_id).table("requests").all()


def stored_photos(app, family_id: str = FAMILY_A) -> list:
    folder = app.portal.photos.folder / family_id
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def photo_request(app):
    (request,) = [r for r in requests_of(app) if r["section"] == "child_photo"]
    return request


def validate(agent: TestApp, request_id: int, family_id: str = FAMILY_A):
    token = csrf(agent.get(f"/agent/demandes/{family_id}"))
    answer = agent.post(f"/agent/demandes/{family_id}/{request_id}/valider", {"csrf_token": token})
    assert answer.status_int == 303


# --- accepted uploads ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, size, expected", [
    ("JPEG", (1200, 800), (600, 400)),
    ("PNG", (900, 1500), (360, 600)),
    ("JPEG", (320, 240), (320, 240)),  # small pictures are not enlarged
])
def test_valid_upload_is_reencoded_small_and_without_metadata_into_a_pending_request(demo_app, family, fmt, size,
                                                                                     expected):
    record_before = demo_app.portal.families.record(FAMILY_A)
    raw = picture(size, fmt, exif_with_gps())
    assert b"SecretCam" in raw

    answer = upload(family, raw, "vacances." + fmt.lower())

    assert answer.status_int == 303 and answer.location.endswith(f"/mes-informations/enfants/{CHILD}")
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    request = photo_request(demo_app)
    assert (request["status"], request["target_id"], request["action"]) == ("pending", CHILD, "update")
    name = request["changes"][0]["after"]
    assert stored_photos(demo_app) == [name]
    data = demo_app.portal.photos.path(FAMILY_A, name).read_bytes()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == expected
        assert max(stored.size) <= 600
        assert not stored.getexif()
        assert "exif" not in stored.info
    for secret in (b"SecretCam", b"Model-4242", b"EditorWithATrace", b"Exif\x00\x00"):
        assert secret not in data
    page = family.get(f"/mes-informations/enfants/{CHILD}")
    assert "Nouvelle photo envoyée" in page.text
    assert page.html.find("img", src=f"/mes-demandes/{request.doc_id}/photo.jpg") is not None
    pending = family.get(f"/mes-demandes/{request.doc_id}/photo.jpg")
    assert pending.content_type == "image/jpeg" and pending.body == data


def test_exif_orientation_is_applied_before_the_metadata_is_dropped(demo_app, family):
    exif = exif_with_gps()
    exif[0x0112] = 6  # the camera was turned: 1200x800 stored, 800x1200 to display

    upload(family, picture((1200, 800), "JPEG", exif))

    name = photo_request(demo_app)["changes"][0]["after"]
    with Image.open(demo_app.portal.photos.path(FAMILY_A, name)) as stored:
        assert stored.size == (400, 600)


def test_transparent_png_is_flattened_on_white(demo_app, family):
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, "PNG")

    assert upload(family, output.getvalue(), "logo.png").status_int == 303

    name = photo_request(demo_app)["changes"][0]["after"]
    with Image.open(demo_app.portal.photos.path(FAMILY_A, name)) as stored:
        assert stored.mode == "RGB" and stored.getpixel((50, 50)) == (255, 255, 255)


# --- refused uploads -------------------------------------------------------------------------------

def big_png() -> bytes:
    """A real, valid PNG of more than 5 MB (random pixels, no compression)."""
    image = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    output = io.BytesIO()
    image.save(output, "PNG", compress_level=0)
    assert 5 * 1024 * 1024 < len(output.getvalue()) < 8 * 1024 * 1024
    return output.getvalue()


def gif() -> bytes:
    output = io.BytesIO()
    Image.new("P", (50, 50)).save(output, "GIF")
    return output.getvalue()


def truncated_jpeg() -> bytes:
    return picture((800, 600), "JPEG")[:3000]


REFUSED = [
    ("not-an-image", lambda: b"MZ\x90\x00 this is a program, not a photo" * 100, "photo.jpg",
     "n'est pas une image valide"),
    ("html-named-jpg", lambda: b"<html><script>alert(1)</script></html>", "photo.jpg", "n'est pas une image valide"),
    ("too-big", big_png, "photo.png", "dépasse 5 Mo"),
    ("gif", gif, "photo.gif", "JPEG ou PNG"),
    ("gif-named-jpg", gif, "photo.jpg", "JPEG ou PNG"),
    ("bomb-50000x50000", lambda: png_claiming(50000, 50000), "bombe.png", "JPEG ou PNG"),
    ("bomb-7000x7000", lambda: png_claiming(7000, 7000), "grand.png", "trop grande"),
    ("truncated", truncated_jpeg, "coupee.jpg", "JPEG ou PNG"),
    ("empty", lambda: b"", "vide.jpg", "Choisissez un fichier photo"),
]


@pytest.mark.parametrize("make, filename, message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_upload_is_refused_in_french_and_nothing_is_stored(demo_app, family, make, filename, message):
    requests_before = requests_of(demo_app)
    record_before = demo_app.portal.families.record(FAMILY_A)

    answer = upload(family, make(), filename, "image/jpeg")

    assert answer.status_int == 200
    error = answer.html.find(id="photo-error")
    assert error is not None and message in error.get_text()
    assert answer.html.find("input", id="photo")["aria-describedby"].endswith("photo-error")
    assert requests_of(demo_app) == requests_before
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    assert stored_photos(demo_app) == []


def test_form_without_a_file_asks_for_one(demo_app, family):
    answer = family.post(PHOTO_FORM, {"csrf_token": csrf(family.get(PHOTO_FORM))}, status="*")
    assert answer.status_int == 200 and "Choisissez un fichier photo" in answer.text
    assert stored_photos(demo_app) == []


def test_body_larger_than_the_server_limit_is_refused_before_reading(demo_app, family):
    answer = upload(family, b"\xff\xd8" + b"\x00" * (9 * 1024 * 1024), "enorme.jpg")
    assert answer.status_int == 413
    assert "trop volumineux" in answer.text
    assert stored_photos(demo_app) == []


def test_upload_without_csrf_token_is_refused(demo_app, family):
    answer = family.post(PHOTO_FORM, upload_files=[("photo", "p.jpg", picture((100, 100)))], status="*")
    assert answer.status_int == 403
    assert stored_photos(demo_app) == [] and len(requests_of(demo_app)) == 1


# --- who may see the photo -------------------------------------------------------------------------

def test_validated_photo_is_served_to_its_family_and_the_agent_only(demo_app, family, agent):
    upload(family, picture((800, 800), "JPEG"))
    request = photo_request(demo_app)
    name = request["changes"][0]["after"]
    data = demo_app.portal.photos.path(FAMILY_A, name).read_bytes()
    own_url = f"/mes-informations/enfants/{CHILD}/photo.jpg"
    agent_url = f"/agent/demandes/{FAMILY_A}/{request.doc_id}/photo.jpg"
    assert family.get(own_url, status="*").status_int == 404  # not the child's photo until validated
    assert agent.get(agent_url).body == data

    validate(agent, request.doc_id)

    assert demo_app.portal.families.record(FAMILY_A)["children"][0]["photo"] == name
    served = family.get(own_url)
    assert served.body == data and served.content_type == "image/jpeg"
    assert "no-store" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert family.get(f"/mes-informations/enfants/{CHILD}").html.find("img", src=own_url) is not None
    assert agent.get(agent_url).body == data
    # once decided, the request's own photo URL is closed to the family (the record's URL serves it)
    assert family.get(f"/mes-demandes/{request.doc_id}/photo.jpg", status="*").status_int == 404

    other = log_in(demo_app, FAMILY_B, DEMO_ACCOUNTS[FAMILY_B])
    for url in (own_url, f"/mes-demandes/{request.doc_id}/photo.jpg", agent_url):
        answer = other.get(url, status="*")
        assert answer.status_int in (303, 404), url
        assert answer.body != data
    visitor = TestApp(demo_app)
    for url in (own_url, f"/mes-demandes/{request.doc_id}/photo.jpg", agent_url):
        answer = visitor.get(url, status="*")
        assert answer.status_int == 303 and "connexion" in answer.location, url
        assert answer.body != data


def test_replacing_a_photo_deletes_the_old_file_once_validated(demo_app, family, agent):
    upload(family, picture((300, 300), "JPEG"))
    first = photo_request(demo_app)
    validate(agent, first.doc_id)
    upload(family, picture((400, 300), "PNG"), "second.png")
    second = [r for r in requests_of(demo_app) if r["section"] == "child_photo" and r["status"] == "pending"][0]
    assert len(stored_photos(demo_app)) == 2

    validate(agent, second.doc_id)

    assert stored_photos(demo_app) == [second["changes"][0]["after"]]


def test_withdrawn_or_cancelled_photo_requests_leave_no_file(demo_app, family, agent):
    upload(family, picture((300, 300)))
    withdrawn = photo_request(demo_app)
    family.post(f"/mes-demandes/{withdrawn.doc_id}/retirer", {"csrf_token": csrf(family.get("/mes-demandes"))})
    assert stored_photos(demo_app) == []

    upload(family, picture((300, 300)))
    cancelled = [r for r in requests_of(demo_app) if r["section"] == "child_photo" and r["status"] == "pending"][0]
    token = csrf(agent.get(f"/agent/demandes/{FAMILY_A}"))
    agent.post(f"/agent/demandes/{FAMILY_A}/{cancelled.doc_id}/annuler", {"csrf_token": token, "motif": "Floue"})

    assert stored_photos(demo_app) == []
    assert demo_app.portal.families.record(FAMILY_A)["children"][0]["photo"] is None
