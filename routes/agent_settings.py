"""The agent's settings: the commune's details, the optional modules, and the service catalogue."""
from __future__ import annotations

import re

from bottle import Bottle, abort, request

from routes.agent_mail import mail_settings_view, posted_mail_settings
from routes.web import flash, form_text, form_values, portal, posted_form, redirect, render, require_agent
from storage.mail.preferences import clean_notice_settings
from storage.public_address import allowed_host_names, clean_public_url, configured_public_url, host_name
from storage.protection.addresses import clean_trusted_proxies
from storage import clock
from storage.services import WEEKDAYS, clean_service_form, public_holidays
from storage.settings import merged

app = Bottle()
COMMUNE_FIELDS = (("name", "Nom de la commune"), ("service", "Service"), ("address1", "Adresse"),
                  ("postcode", "Code postal"), ("city", "Commune"), ("phone", "Téléphone"), ("email", "E-mail"))
MODULES = (("enrolments", "Inscriptions et absences (avec la facturation mensuelle)"),
           ("payment", "Paiement en ligne par carte bancaire"))


PAYBOX_FIELDS = (("site", "Numéro de site (7 chiffres)", r"[0-9]{7}"), ("rang", "Rang", r"[0-9]{1,3}"),
                 ("identifiant", "Identifiant Paybox", r"[0-9]{1,12}"),
                 ("bank_url", "Adresse de la page de paiement de la banque", r"https://\S+"),
                 ("public_key_path", "Fichier de la clé publique de la banque (PEM)", r"\S+"))
HMAC_KEY = re.compile(r"[0-9A-Fa-f]{64,256}")


def clean_paybox_form(current: dict) -> tuple[dict, dict]:
    """(the payment settings, errors); the secret HMAC key is never shown back and a blank keeps it."""
    values = {name: form_text(name, 300) for name, _, _ in PAYBOX_FIELDS}
    values["simulator"] = request.forms.get("simulator") == "1"
    errors = {name: f"Valeur invalide pour « {label} »." for name, label, pattern in PAYBOX_FIELDS
              if values[name] and not re.fullmatch(pattern, values[name])}
    key = form_text("hmac_key_hex", 300)
    if key and not HMAC_KEY.fullmatch(key):
        errors["hmac_key_hex"] = "La clé HMAC est une suite de caractères hexadécimaux (0-9, A-F), telle que fournie par la banque."
    values["hmac_key_hex"] = key or current.get("hmac_key_hex", "")
    return values, errors


def public_address_changes(errors: dict) -> dict:
    """The settings the Adresse publique field changes: public_url (which replaces the older paybox.portal_url), or
    nothing when --public-url / PORTAL_PUBLIC_URL fixed it at start-up; adds its error to errors."""
    if portal().settings.fixed_at_start("public_url"):
        return {}
    changes = {"paybox": {"portal_url": ""}}
    changes["public_url"], error = clean_public_url(form_text("public_url", 300))
    current_host = request.environ.get("HTTP_HOST")
    if error is None and current_host and \
            host_name(current_host) not in allowed_host_names(merged(portal().settings.values, changes)):
        error = (f"Avec cette adresse, le portail ne répondrait plus à celle que vous utilisez ({host_name(current_host)}) : "
                 "vérifiez-la, ou ouvrez cette page depuis la nouvelle adresse.")
    if error:
        errors["public_url"] = error
    return changes


def clean_access_form() -> tuple[dict, dict, str]:
    """(access settings to save, errors, the trusted proxies as typed); a value given at start-up is not changed here."""
    typed = form_text("trusted_proxies", 1000)
    if portal().settings.fixed_at_start("trusted_proxies"):
        return {}, {}, typed
    proxies, problems = clean_trusted_proxies(typed)
    return {"trusted_proxies": proxies}, ({"trusted_proxies": " ".join(problems)} if problems else {}), typed


@app.route("/agent/parametres", method=["GET", "POST"])
def settings_page():
    require_agent()
    errors = {}
    commune = dict(portal().settings["commune"])
    paybox = dict(portal().settings["paybox"])
    public_url = configured_public_url(portal().settings)
    trusted_proxies = ", ".join(portal().settings["trusted_proxies"])
    mail = None  # e-mail block: the stored SMTP settings, or those just typed
    notices = dict(portal().settings["notices"])
    if request.method == "POST":
        commune = {name: form_text(name, 120) for name, _ in COMMUNE_FIELDS}
        errors = {name: "Ce champ est obligatoire." for name in ("name", "address1", "postcode", "city") if not commune[name]}
        paybox, paybox_errors = clean_paybox_form(paybox)
        errors.update(paybox_errors)
        address = public_address_changes(errors)
        public_url = form_text("public_url", 300) if "public_url" in address else public_url
        access, access_errors, typed_proxies = clean_access_form()
        errors.update(access_errors)
        if access_errors:
            trusted_proxies = typed_proxies
        mail, mail_errors = posted_mail_settings()
        errors.update(mail_errors)
        notices, notice_errors = clean_notice_settings(form_values(("reminder_days", "agent_summary"), 10),
                                                       portal().settings["notices"])
        errors.update(notice_errors)
        if notice_errors:
            notices["reminder_days"] = form_text("reminder_days", 10)
        if not errors:
            portal().settings.save(merged({"commune": commune, "paybox": paybox, "mail": mail, **access,
                                           "notices": notices,
                                           "modules": {key: request.forms.get(key) == "1" for key, _ in MODULES}},
                                          address))
            portal().mail_sender.wake()  # new SMTP settings: pending mails go now
            flash("Paramètres enregistrés.")
            redirect("/agent/parametres")
    return render("agent/settings.tpl", title="Paramètres", commune=commune, fields=COMMUNE_FIELDS, modules=MODULES,
                  enabled=portal().settings["modules"], errors=errors, services=portal().services.all(),
                  weekdays=WEEKDAYS, paybox=paybox, paybox_fields=PAYBOX_FIELDS, public_url=public_url,
                  public_url_fixed=portal().settings.fixed_at_start("public_url"),
                  allowed_hosts=sorted(allowed_host_names(portal().settings)), trusted_proxies=trusted_proxies,
                  trusted_proxies_fixed=portal().settings.fixed_at_start("trusted_proxies"), notices=notices,
                  **mail_settings_view(mail))


def _service_as_form(service: dict) -> dict:
    """A stored service as the text the form shows."""
    def fr(iso: str) -> str:
        return "/".join(reversed(iso.split("-")))
    return {
        "id": service["id"], "name": service["name"], "weekdays": [str(d) for d in service["weekdays"]],
        "periods": "\n".join(f"{fr(p['start'])} - {fr(p['end'])}" for p in service["periods"]),
        "closed_dates": "\n".join(fr(d) for d in service.get("closed_dates", [])),
        "brackets": "\n".join(f"{b['qf_max'] if b['qf_max'] is not None else ''} ; "
                              f"{b['price_cents'] // 100},{b['price_cents'] % 100:02d}" for b in service["brackets"]),
        "notice_working_days": str(service.get("notice_working_days", 2)),
        "notice_time": service.get("notice_time", "10:00"), "active": "1" if service.get("active", True) else "",
    }


@app.route("/agent/services/nouveau", method=["GET", "POST"])
@app.route("/agent/services/<service_id:re:[a-z0-9-]{1,40}>", method=["GET", "POST"])
def service_form(service_id: str | None = None):
    require_agent()
    existing = portal().services.get(service_id) if service_id else None
    if service_id and existing is None:
        abort(404)
    # A new service gets the public holidays unless the agent unticks the box; an existing one only when ticked, so
    # that a holiday the agent removed from its closed dates stays removed.
    values = _service_as_form(existing) if existing else {"weekdays": [], "notice_working_days": "2",
                                                          "notice_time": "10:00", "active": "1", "add_holidays": "1"}
    errors = {}
    if request.method == "POST":
        values = posted_form("weekdays")
        clean, errors = clean_service_form(values, {s["id"] for s in portal().services.all()}, service_id)
        if not errors:
            portal().services.save(clean)
            flash(f"Service « {clean['name']} » enregistré.")
            redirect("/agent/parametres")
    return render("agent/service.tpl", title="Service" if existing else "Nouveau service", values=values,
                  errors=errors, service_id=service_id, weekdays=WEEKDAYS,
                  holidays_not_closed=_holidays_not_closed(existing))


def _holidays_not_closed(service: dict | None) -> list[tuple[str, str]]:
    """(date, name) of the public holidays of the service's years on which it is not closed (what the box adds)."""
    if service is None:
        return []
    closed = set(service.get("closed_dates", []))
    holidays = public_holidays(service["periods"], clock.today())
    return [(day, name) for day, name in holidays.items() if day not in closed]
