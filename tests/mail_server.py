"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 (a free port), in this process, keeping what it
receives; optional STARTTLS or implicit TLS with a self-signed certificate made here, AUTH, and refusals on demand.

(Not in conftest.py, for the reason given in tests/helpers.py; the fixtures using it are in tests/unit and tests/web.)
"""
from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.perf.live import free_port

SMTP_USER, SMTP_PASSWORD = "portail", "s3cret-smtp"


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class Mailbox:
    """The aiosmtpd handler: accepts every message, except recipients listed in `refuse` (answered with that reply,
    e.g. '550 5.1.1 ...' or '451 4.3.0 ...')."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            self.arrived.notify_all()
        return "250 2.0.0 Ok: queued as TEST"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least count have arrived (waits up to timeout seconds)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) PEM files for 'localhost' and 127.0.0.1, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


class SmtpServer:
    """aiosmtpd on 127.0.0.1:port; stop() and start() again on the same port stand for a server down then back.

    tls: None (plain), "starttls" (STARTTLS and AUTH both required) or "ssl" (implicit TLS, AUTH required)."""

    def __init__(self, folder: Path, tls: str | None = None, port: int | None = None):
        self.port = port or free_port()
        self.tls = tls
        self.mailbox = Mailbox()
        self.cert_path = self.key_path = None
        if tls:
            self.cert_path, self.key_path = self_signed_certificate(folder)
        self._controller: Controller | None = None

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def start(self) -> SmtpServer:
        options = {}
        if self.tls == "starttls":
            options = dict(tls_context=self._server_context(), require_starttls=True, auth_required=True,
                           auth_require_tls=True, authenticator=check_login)
        elif self.tls == "ssl":
            # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; here the whole connection is TLS.
            options = dict(ssl_context=self._server_context(), auth_required=True, auth_require_tls=False,
                           authenticator=check_login)
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, server_hostname="mail.test",
                                      **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **changes) -> dict:
        """settings["mail"] that point the portal at this server."""
        values = {"host": "127.0.0.1", "port": self.port, "security": self.tls or "none",
                  "mail_from": "portail@ville-demo.fr", "user": "", "password": "", "ca_file": ""}
        if self.tls:
            values.update(user=SMTP_USER, password=SMTP_PASSWORD, ca_file=str(self.cert_path))
        values.update(changes)
        return values

    def environment(self) -> dict:
        """The PORTAL_SMTP_* variables that point a portal process at this server (plain SMTP)."""
        return {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(self.port), "PORTAL_SMTP_SECURITY": "none",
                "PORTAL_MAIL_FROM": "portail@ville-demo.fr"}


@contextmanager
def running_smtp_server(folder: Path, tls: str | None = None) -> Iterator[SmtpServer]:
    """An SMTP server started for the block (a test module's fixture: `with running_smtp_server(tmp_path) as s`)."""
    server = SmtpServer(folder, tls).start()
    try:
        yield server
    finally:
        server.stop()
