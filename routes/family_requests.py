"""Mes demandes: every request of the family with its status, and withdrawing a pending one (after a confirmation
page, so that it works the same without JavaScript)."""
from __future__ import annotations

from bottle import Bottle, abort

from routes.display import change_rows, request_title, status_label
from routes.family_record import send_photo
from routes.web import flash, portal, redirect, render, require_family
from storage.families import record_of
from storage.requests import all_requests, request_by_id, withdraw_request

app = Bottle()
ALREADY_DECIDED = "Cette demande a déjà été traitée par la mairie : elle ne peut plus être retirée."


@app.get("/mes-demandes")
def requests_list():
    family_id = require_family()
    db = portal().families.read(family_id)
    record = record_of(db)
    items = [{"request": r, "title": request_title(r), "rows": change_rows(r, record),
              "status": status_label(r["status"])} for r in all_requests(db)]
    return render("family/requests.tpl", title="Mes demandes", items=items)


@app.get("/mes-demandes/<request_id:int>/retirer")
def confirm_withdrawal(request_id: int):
    """The confirmation step before a request is withdrawn: the request, and the form that withdraws it."""
    family_id = require_family()
    db = portal().families.read(family_id)
    request_doc = request_by_id(db, request_id)
    if request_doc is None:
        abort(404)
    if request_doc["status"] != "pending":
        flash(ALREADY_DECIDED, "warning")
        redirect("/mes-demandes")
    item = {"request": request_doc, "title": request_title(request_doc),
            "rows": change_rows(request_doc, record_of(db))}
    return render("family/request_withdraw.tpl", title="Retirer une demande", item=item)


@app.post("/mes-demandes/<request_id:int>/retirer")
def withdraw(request_id: int):
    family_id = require_family()
    try:
        decision = withdraw_request(portal().families, family_id, request_id)
    except KeyError:
        abort(404)
    if decision.outcome == "already_decided":
        flash(ALREADY_DECIDED, "warning")
    else:
        for name in decision.obsolete_files:
            portal().photos.delete(family_id, name)
        flash("Votre demande a été retirée.")
    redirect("/mes-demandes")


@app.get("/mes-demandes/<request_id:int>/photo.jpg")
def requested_photo(request_id: int):
    family_id = require_family()
    request_doc = request_by_id(portal().families.read(family_id), request_id)
    if request_doc is None or request_doc["section"] != "child_photo" or request_doc["status"] != "pending":
        abort(404)
    return send_photo(family_id, request_doc["changes"][0]["after"])
