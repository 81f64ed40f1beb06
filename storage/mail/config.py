"""The SMTP settings: stored under settings["mail"], overridden by PORTAL_SMTP_* environment variables, checked once
into an SmtpConfig that the sender and the test-mail button use."""
from __future__ import annotations

import os
import re
import ssl
import unicodedata
from dataclasses import dataclass

from storage.mail.addresses import has_line_break, valid_email

SECURITY_MODES = {"none": "Aucune (réseau local uniquement)", "starttls": "STARTTLS (port 587 en général)",
                  "ssl": "SSL/TLS implicite (port 465 en général)"}
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
MAIL_DEFAULTS = {"host": "", "port": "", "security": "starttls", "user": "", "password": "", "mail_from": "",
                 "ca_file": ""}
# settings key -> environment variable; a variable that is set wins over the stored value.
ENVIRONMENT = {"host": "PORTAL_SMTP_HOST", "port": "PORTAL_SMTP_PORT", "security": "PORTAL_SMTP_SECURITY",
               "user": "PORTAL_SMTP_USER", "password": "PORTAL_SMTP_PASSWORD", "mail_from": "PORTAL_MAIL_FROM",
               "ca_file": "PORTAL_SMTP_CA_FILE"}
NOT_CONFIGURED = "SMTP non configuré"
SEND_TIMEOUT_SECONDS = 30.0
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST = re.compile(r"[A-Za-z0-9.:-]{1,253}")
_PORT = re.compile(r"[0-9]{1,5}")


def _has_control(value: str) -> bool:
    return has_line_break(value) or any(unicodedata.category(char) == "Cc" for char in value)


def mail_environment(environ=None) -> dict:
    """The SMTP settings given by the environment (only the variables that are set)."""
    environ = os.environ if environ is None else environ
    return {key: environ[name].strip() for key, name in ENVIRONMENT.items() if environ.get(name, "").strip()}


@dataclass(frozen=True)
class SmtpConfig:
    """One coherent SMTP configuration; `problem` (French) says why mails cannot be sent with it."""
    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str = ""
    password: str = ""
    mail_from: str = ""
    ca_file: str = ""
    problem: str | None = NOT_CONFIGURED

    @property
    def ready(self) -> bool:
        return self.problem is None

    @property
    def mail_from_domain(self) -> str:
        return self.mail_from.rpartition("@")[2]

    def tls_context(self) -> ssl.SSLContext:
        """Certificates are always verified: against the system's authorities, or only the PEM file ca_file (a
        private server's certificate or authority)."""
        return ssl.create_default_context(cafile=self.ca_file or None)


def smtp_config(mail_settings: dict) -> SmtpConfig:
    """The SmtpConfig of settings["mail"] (environment already merged in); problem set when incomplete or wrong."""
    values = {**MAIL_DEFAULTS, **(mail_settings or {})}
    text = {key: str(values.get(key) or "").strip() for key in MAIL_DEFAULTS}
    text["password"] = str(values.get("password") or "")
    security = text["security"] or "starttls"
    port_text = text["port"]
    port = int(port_text) if _PORT.fullmatch(port_text) and 0 < int(port_text) < 65536 else 0
    if not port_text:
        port = DEFAULT_PORTS.get(security, 0)
    problem = None
    if not text["host"] or not text["mail_from"]:
        problem = NOT_CONFIGURED
    elif not _HOST.fullmatch(text["host"]):
        problem = f"Serveur SMTP invalide : « {text['host']} »."
    elif security not in SECURITY_MODES:
        problem = f"Sécurité SMTP inconnue : « {security} » (none, starttls ou ssl)."
    elif not port:
        problem = f"Port SMTP invalide : « {port_text} »."
    elif not valid_email(text["mail_from"]):
        problem = f"Adresse d'expédition invalide : « {text['mail_from']} »."
    elif any(_has_control(value) for value in text.values()):
        problem = "Un paramètre SMTP contient un retour à la ligne ou un caractère de contrôle."
    elif text["user"] and security == "none" and text["host"] not in LOOPBACK_HOSTS:
        problem = "Le mot de passe SMTP ne peut pas circuler en clair : choisissez STARTTLS ou SSL."
    elif text["ca_file"] and not os.path.isfile(text["ca_file"]):
        problem = f"Fichier de certificat introuvable : « {text['ca_file']} »."
    return SmtpConfig(host=text["host"], port=port, security=security, user=text["user"], password=text["password"],
                      mail_from=text["mail_from"], ca_file=text["ca_file"], problem=problem)


MAIL_FIELDS = (("host", "Serveur SMTP (nom ou adresse)"), ("port", "Port (vide : selon la sécurité)"),
               ("security", "Sécurité de la connexion"), ("user", "Identifiant SMTP (vide : sans authentification)"),
               ("password", "Nouveau mot de passe SMTP"),
               ("mail_from", "Adresse d'expédition (par exemple portail@ma-commune.fr)"),
               ("ca_file", "Certificat du serveur à accepter (fichier PEM, facultatif)"))
# The form's names of the fields whose names could clash with other settings blocks on the same page.
FORM_NAMES = {"host": "smtp_host", "port": "smtp_port", "security": "smtp_security", "user": "smtp_user",
              "password": "smtp_password", "mail_from": "mail_from", "ca_file": "smtp_ca_file"}
MAIL_FROM_ERROR = "Adresse d'expédition invalide (exemple : portail@ma-commune.fr)."
CONTROL_ERROR = "Valeur invalide (retour à la ligne ou caractère de contrôle)."


def clean_mail_settings(form: dict, current: dict, locked: set[str]) -> tuple[dict, dict]:
    """(the mail settings to store, errors by form field name) from the settings form. The password is never shown
    back: a blank keeps the stored one. Values given by the environment (locked) are neither read nor stored."""
    values = {key: str(form.get(FORM_NAMES[key]) or "").strip()[:300] for key in FORM_NAMES if key not in locked}
    errors = {}

    def check(key: str, wrong: bool, text: str) -> None:
        if key in values and wrong:
            errors.setdefault(FORM_NAMES[key], text)

    check("host", not _HOST.fullmatch(values.get("host") or "x"),
          "Nom de serveur invalide (lettres, chiffres, points et tirets).")
    port = values.get("port") or "1"
    check("port", not (_PORT.fullmatch(port) and 0 < int(port) < 65536), "Le port est un nombre entre 1 et 65535.")
    check("security", values.get("security") not in SECURITY_MODES, "Choisissez une sécurité dans la liste.")
    check("mail_from", bool(values.get("mail_from")) and not valid_email(values.get("mail_from", "")), MAIL_FROM_ERROR)
    for key in ("user", "ca_file"):
        check(key, _has_control(values.get(key, "")), CONTROL_ERROR)
    if "password" in values:
        password = str(form.get(FORM_NAMES["password"]) or "")[:300]
        check("password", _has_control(password), CONTROL_ERROR)
        values["password"] = password or current.get("password", "")
    if "port" in values:
        values["port"] = int(values["port"]) if _PORT.fullmatch(values["port"]) else ""
    return values, errors
