"""The section form shared by the family (a change becomes a request) and the agent (a direct edit)."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from bottle import abort, request

from routes.web import flash, posted_form, redirect, render
from storage.requests import RequestRefused
from storage.sections import SECTIONS, clean_section, current_values, person_label


def section_form(record: dict, section_key: str, target_id, *, save: Callable[[dict, str], None], done: str,
                 back_url: str, form_url: str, heading: str, action: str = "update", target_label: str = "",
                 pending: dict | None = None, submit_label: str = "Envoyer la demande", secret_fields: tuple = ()):
    """GET: the form filled with the record's values. POST: validate, then save(values, label), flash done and
    go back; invalid input re-renders the form with French messages and every typed value.

    secret_fields (the IBAN on the family's side) are never written back into the page: left blank, they keep
    their current value."""
    section = SECTIONS[section_key]
    values = {} if action == "add" else current_values(record, section, target_id)
    if values is None:
        abort(404)
    current = dict(values)
    errors, refusal = {}, None
    if request.method == "POST":
        form = posted_form("children")
        for name in secret_fields:
            if not form.get(name, "").strip() and current.get(name):
                form[name] = current[name]
        values, errors = clean_section(section, form, record, target_id=target_id)
        if not errors:
            try:
                save(values, target_label or (person_label(values) if section.key == "person" else ""))
                flash(done)
                redirect(back_url)
            except RequestRefused as refused:
                refusal = str(refused)
    values = dict(values, **{name: "" for name in secret_fields if values.get(name) == current.get(name)})
    return render("family/record/edit.tpl", title=heading, heading=heading, section=section, values=values,
                  errors=errors, refusal=refusal, form_url=form_url, back_url=back_url,
                  children=record.get("children", []), pending=pending or {}, submit_label=submit_label,
                  secret_hint={name: current.get(name) for name in secret_fields if current.get(name)},
                  fields=tuple(replace(f, required=False) if f.name in secret_fields and current.get(f.name) else f
                               for f in section.all_fields))
