"""One SMTP conversation with the stdlib smtplib: connect (STARTTLS or implicit TLS, certificates verified), log in,
hand over messages one by one, and say in French what the server answered or what went wrong."""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from storage.mail.config import SmtpConfig
from storage.mail.message import SMTP_POLICY


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: accepted (the server's 250), or refused for good (permanent), or to try again."""
    accepted: bool
    answer: str  # the server's reply ("250 2.0.0 Ok: queued") or the error, in French
    permanent: bool = False
    connection_lost: bool = False  # the connection cannot carry another message


class SmtpFailure(Exception):
    """The connection could not be opened or used (server down, TLS, login refused): temporary by nature."""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def describe_error(error: BaseException, config: SmtpConfig) -> str:
    """A French sentence for an exception raised while talking to the SMTP server."""
    where = f"{config.host}:{config.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"Identifiant ou mot de passe SMTP refusé par {where} : {_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"Le serveur SMTP {where} ne propose pas cette fonction : {error}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"Réponse du serveur SMTP {where} : {_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"Le serveur SMTP {where} a coupé la connexion."
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"Certificat du serveur SMTP {where} refusé : {error.verify_message or error.reason}."
    if isinstance(error, ssl.SSLError):
        return f"Échec de la connexion chiffrée (TLS) avec {where} : {error.reason or error}."
    if isinstance(error, socket.gaierror):
        return f"Serveur SMTP introuvable : {config.host}."
    if isinstance(error, ConnectionRefusedError):
        return f"Connexion refusée par {where} : aucun serveur SMTP n'écoute à cette adresse."
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"Le serveur SMTP {where} ne répond pas (délai dépassé)."
    if isinstance(error, OSError):
        return f"Erreur réseau avec {where} : {error.strerror or error}."
    return f"Erreur inattendue avec {where} : {error}"


def open_connection(config: SmtpConfig, timeout: float) -> smtplib.SMTP:
    """A connected, secured and logged-in SMTP client; raises SmtpFailure with a French description."""
    local_name = config.mail_from_domain or "localhost"  # our EHLO name; never a slow reverse DNS look-up
    client = None
    try:
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port, local_hostname=local_name, timeout=timeout,
                                      context=config.tls_context())
        else:
            client = smtplib.SMTP(config.host, config.port, local_hostname=local_name, timeout=timeout)
        client.ehlo()
        if config.security == "starttls":
            if not client.has_extn("starttls"):
                raise SmtpFailure(f"Le serveur SMTP {config.host}:{config.port} ne propose pas STARTTLS : "
                                  "choisissez une autre sécurité ou un autre port.")
            client.starttls(context=config.tls_context())
            client.ehlo()
        if config.user:
            log_in(client, config)
        return client
    except SmtpFailure:
        _close(client)
        raise
    except (smtplib.SMTPException, OSError) as error:
        _close(client)
        raise SmtpFailure(describe_error(error, config)) from error


AUTH_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")  # PLAIN first: the connection is encrypted (or loopback)


def log_in(client: smtplib.SMTP, config: SmtpConfig) -> None:
    """AUTH with one mechanism the server offers: a refused password is not tried again with the next mechanism
    (which would count twice against the account at the server)."""
    offered = (client.esmtp_features.get("auth") or "").upper().split()
    mechanism = next((name for name in AUTH_MECHANISMS if name in offered), None)
    if mechanism is None:
        raise SmtpFailure(f"Le serveur SMTP {config.host}:{config.port} ne propose pas l'authentification (AUTH) "
                          "sur cette connexion : vérifiez la sécurité choisie, ou laissez l'identifiant vide.")
    client.user, client.password = config.user, config.password
    client.auth(mechanism, getattr(client, "auth_" + mechanism.lower().replace("-", "_")))


def _close(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.close()
    except OSError:
        pass


def _reset(client: smtplib.SMTP) -> None:
    """RSET after a refusal, so the connection can carry the next message; a dead one shows at the next command."""
    try:
        client.rset()
    except (smtplib.SMTPException, OSError):
        pass


def close_connection(client: smtplib.SMTP | None) -> None:
    """QUIT politely, ignoring a server already gone."""
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        _close(client)


def send_message(client: smtplib.SMTP, message: EmailMessage, mail_from: str, to: str,
                 config: SmtpConfig) -> Outcome:
    """MAIL FROM, RCPT TO, DATA for one message. A 5xx to RCPT or DATA refuses this mail for good; anything else
    that fails may work later."""
    data = message.as_bytes(policy=SMTP_POLICY)
    try:
        code, text = client.mail(mail_from)
        if code != 250:
            _reset(client)
            return Outcome(False, f"Adresse d'expédition refusée : {_reply(code, text)}")
        code, text = client.rcpt(to)
        if code not in (250, 251):
            _reset(client)
            return Outcome(False, f"Destinataire refusé : {_reply(code, text)}", permanent=500 <= code < 600)
        code, text = client.data(data)
        if code != 250:
            _reset(client)
            return Outcome(False, f"Message refusé : {_reply(code, text)}", permanent=500 <= code < 600)
        return Outcome(True, _reply(code, text))
    except smtplib.SMTPDataError as error:  # DATA itself refused (not 354)
        return Outcome(False, f"Message refusé : {_reply(error.smtp_code, error.smtp_error)}",
                       permanent=500 <= error.smtp_code < 600)
    except (smtplib.SMTPException, OSError) as error:
        return Outcome(False, describe_error(error, config), connection_lost=True)


def send_at_once(config: SmtpConfig, message: EmailMessage, to: str, timeout: float) -> Outcome:
    """Connect, send one message and quit (the test-mail button, whose agent waits for the answer)."""
    try:
        client = open_connection(config, timeout)
    except SmtpFailure as failure:
        return Outcome(False, str(failure))
    try:
        return send_message(client, message, config.mail_from, to, config)
    finally:
        close_connection(client)
