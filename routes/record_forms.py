"""The section form shared by the family (a change becomes a request) and the agent (a direct edit)."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from bottle import abort, request

from routes.pieces import posted_pieces, required_missing
from routes.web import flash, posted_form, redirect, render
from storage.pieces.checks import PieceRefused
from storage.requests import RequestRefused, requested_changes
from storage.sections import SECTIONS, clean_section, current_values, person_label


def section_form(record: dict, section_key: str, target_id, *, save: Callable[..., None], done: str,
                 back_url: str, form_url: str, heading: str, action: str = "update", target_label: str = "",
                 pending: dict | None = None, submit_label: str = "Envoyer la demande", secret_fields: tuple = (),
                 piece_fields: tuple = ()):
    """GET: the form filled with the record's values. POST: validate, then save(values, label), flash done and
    go back; invalid input re-renders the form with French messages and every typed value.

    secret_fields (the IBAN on the family's side) are never written back into the page: left blank, they keep
    their current value. piece_fields (the family's side) are the supporting documents the section asks for: the
    form is then multipart, and save(values, label, pieces) receives the checked documents."""
    section = SECTIONS[section_key]
    values = {} if action == "add" else current_values(record, section, target_id)
    if values is None:
        abort(404)
    current = dict(values)
    errors, refusal, pieces_sent = {}, None, False
    if request.method == "POST":
        form = posted_form("children")
        for name in secret_fields:
            if not form.get(name, "").strip() and current.get(name):
                form[name] = current[name]
        values, errors = clean_section(section, form, record, target_id=target_id)
        pieces, piece_errors, pieces_sent = posted_pieces(piece_fields)
        errors.update(piece_errors)
        if errors or _changes_something(record, section_key, values, target_id, action):
            errors.update(required_missing(piece_fields, pieces, errors))  # "Aucune modification" comes first
        if not errors:
            label = target_label or (person_label(values) if section.key == "person" else "")
            try:
                if piece_fields:
                    save(values, label, pieces)
                else:
                    save(values, label)
                flash(done)
                redirect(back_url)
            except RequestRefused as refused:
                refusal = str(refused)
            except PieceRefused as refused:
                errors[refused.field] = str(refused)
    values = dict(values, **{name: "" for name in secret_fields if values.get(name) == current.get(name)})
    return render("family/record/edit.tpl", title=heading, heading=heading, section=section, values=values,
                  errors=errors, refusal=refusal, form_url=form_url, back_url=back_url,
                  children=record.get("children", []), pending=pending or {}, submit_label=submit_label,
                  secret_hint={name: current.get(name) for name in secret_fields if current.get(name)},
                  fields=tuple(replace(f, required=False) if f.name in secret_fields and current.get(f.name) else f
                               for f in section.all_fields),
                  piece_fields=piece_fields, pieces_again=pieces_sent)


def _changes_something(record: dict, section_key: str, values: dict, target_id, action: str) -> bool:
    """Whether valid values would change the record (else the request is refused for that, documents or not)."""
    try:
        return bool(requested_changes(record, section_key, values, target_id, action))
    except RequestRefused:
        return False
