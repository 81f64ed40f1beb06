"""Portail Famille: create_app() builds the web app over a data folder; main() serves it with Waitress."""
from __future__ import annotations

import argparse
import ctypes
import logging
import logging.handlers
import os
import sys
import time
import weakref
from pathlib import Path

from bottle import Bottle

from routes import (agent_account, agent_billing, agent_families, agent_home, agent_ledger, agent_messages,
                    agent_requests, agent_settings, auth, family_account, family_enrolments, family_home,
                    family_invoices, family_messages, family_record, family_requests, online_payment, preregistration,
                    static_files, web)
from storage.agents import Agents
from storage.certificates import certificate_files
from storage.counters import Numbers
from storage.data_folder import DataFolderBusy, take_data_folder
from storage.documents import DocumentStore
from storage.absences import ABSENCE_REQUEST_KINDS
from storage.enrolments import ENROLMENT_REQUEST_KINDS
from storage.families import Families
from storage.index import FamilyIndex
from storage.passwords import generate_password, hash_password
from storage.photos import FamilyFiles
from storage.portal_log import attach_log_file, detach_log_file, mask_sensitive_data_on
from storage.preregistrations import Preregistrations
from storage.requests import register_request_kind
from storage.public_address import clean_public_url, configured_public_url, parse_host_list
from storage.services import Services
from storage.sessions import SessionStore
from storage.settings import Settings
from storage.wording import plural
from storage.protection.addresses import clean_trusted_proxies
from storage.protection.signing import Signer, data_folder_secret
from storage.protection.submissions import PreregistrationGuard
from storage.protection.throttle import LoginThrottle

ROUTE_MODULES = (auth, family_home, family_record, family_requests, family_invoices, family_messages, family_account,
                 family_enrolments, online_payment, agent_home, agent_requests, agent_messages, agent_families,
                 agent_ledger, agent_billing, agent_settings, agent_account, preregistration, static_files)
log = logging.getLogger("portal")


class Portal:
    """Everything the routes share: the data folder's stores, the index, sessions and settings.

    clock gives the time for durations (login throttling, the pre-registration form's limits); tests move it."""

    def __init__(self, data_dir: Path, settings: dict | None = None, clock=time.time):
        data_dir = Path(data_dir)
        # First of all, before reading or cleaning anything: this process's lock on the folder (DataFolderBusy when
        # another process has it). Its first taking removes the temp files of a crashed writer.
        self.folder_hold = take_data_folder(data_dir)
        self._release_folder = weakref.finalize(self, self.folder_hold.release)
        self.log_file = attach_log_file(data_dir)
        self.documents = DocumentStore(data_dir)
        self.families = Families(self.documents)
        self.index = FamilyIndex(self.families)
        self.index.rebuild()
        self.settings = Settings(self.documents, settings)
        self.sessions = SessionStore(self.documents)
        self.agents = Agents(self.documents)
        self.photos = FamilyFiles(data_dir, "photos")
        self.certificates = certificate_files(data_dir)
        self.services = Services(self.documents)
        self.numbers = Numbers(self.documents, self.families)
        self.preregistrations = Preregistrations(self.documents)
        self.clock = clock
        self.signer = Signer(data_folder_secret(data_dir))
        self.throttle = LoginThrottle(clock)
        self.preregistration_guard = PreregistrationGuard(self.signer, clock)

    def close(self) -> None:
        """Release the data folder (another process may then open it) and stop writing to its log file."""
        self._release_folder()
        if self.log_file in logging.getLogger("portal").handlers:
            detach_log_file(self.log_file)


def register_request_kinds() -> None:
    """Requests that are not record changes: how the agent's validation checks and applies them."""
    for section, kind in {**ENROLMENT_REQUEST_KINDS, **ABSENCE_REQUEST_KINDS}.items():
        register_request_kind(section, kind)


def create_app(data_dir: str | Path = "data", settings: dict | None = None, clock=time.time) -> Bottle:
    """A fresh portal app over data_dir; settings override what data/settings.json holds."""
    register_request_kinds()
    app = Bottle()
    app.portal = Portal(Path(data_dir), settings, clock)
    web.install(app)
    for module in ROUTE_MODULES:
        app.merge(module.app)
    return app


def ensure_agent_account(portal: Portal) -> str | None:
    """On a first start create the 'agent' account; returns its one-time password, else None."""
    if portal.agents.any():
        return None
    password = generate_password(14)
    portal.agents.create("agent", "Agent de la collectivité", hash_password(password))
    return password


def configure_logging(data_dir: Path) -> None:
    """Our messages on the console too (create_app writes them to data/logs/portal.log); Waitress's queue warnings
    in data/logs, not flooding the console."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        mask_sensitive_data_on(handler)
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    queue_log = logging.getLogger("waitress.queue")
    queue_log.propagate = False
    handler = logging.handlers.RotatingFileHandler(log_dir / "waitress-queue.log", maxBytes=1_000_000,
                                                   backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    queue_log.addHandler(handler)


def return_freed_memory_to_the_system() -> None:
    """glibc keeps the 16 MB blocks of each scrypt hash after use; serve them from mmap so RSS falls back."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD = 1 MiB
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Portail Famille")
    parser.add_argument("--host", default=env("PORTAL_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("PORTAL_PORT", "8080")))
    parser.add_argument("--data", default=env("PORTAL_DATA", "data"), help="dossier des données")
    parser.add_argument("--threads", type=int, default=int(env("PORTAL_THREADS", "8")))
    parser.add_argument("--demo", action="store_true", help="remplit un dossier vide avec la commune de démo")
    parser.add_argument("--secure-cookies", action="store_true", default=env("PORTAL_SECURE_COOKIES") == "1",
                        help="cookies 'Secure' (derrière HTTPS)")
    parser.add_argument("--public-url", default=env("PORTAL_PUBLIC_URL", ""),
                        help="adresse publique du portail, ex. https://famille.ma-commune.fr (courriers, banque, "
                             "e-mails) ; l'emporte sur celle des Paramètres")
    parser.add_argument("--allowed-hosts", default=env("PORTAL_ALLOWED_HOSTS", ""),
                        help="autres noms d'hôte acceptés, séparés par des virgules (en plus de celui de l'adresse "
                             "publique et de localhost)")
    parser.add_argument("--trusted-proxy", action="append", dest="trusted_proxies", metavar="ADRESSE",
                        help="proxy inverse dont l'en-tête X-Forwarded-For est cru (adresse ou réseau ; option "
                             "répétable ou liste séparée par des virgules ; env PORTAL_TRUSTED_PROXIES)")
    args = parser.parse_args(argv)
    args.public_url, error = clean_public_url(args.public_url)
    if error:
        parser.error(f"--public-url / PORTAL_PUBLIC_URL : {error}")
    try:
        args.allowed_hosts = parse_host_list(args.allowed_hosts)
    except ValueError as problem:
        parser.error(f"--allowed-hosts / PORTAL_ALLOWED_HOSTS : {problem}")
    given = args.trusted_proxies if args.trusted_proxies is not None else env("PORTAL_TRUSTED_PROXIES")
    args.trusted_proxies = None
    if given:
        args.trusted_proxies, errors = clean_trusted_proxies(given)
        if errors:
            parser.error("--trusted-proxy / PORTAL_TRUSTED_PROXIES : " + " ".join(errors))
    return args


def start_up_settings(args: argparse.Namespace) -> dict:
    """The settings given on the command line or in the environment; they win over data/settings.json."""
    overrides: dict = {}
    if args.secure_cookies:
        overrides["secure_cookies"] = True
    if args.public_url:
        overrides["public_url"] = args.public_url
    listen_host = [args.host] if args.host not in ("", "0.0.0.0", "::") else []  # the address we listen on is ours
    if args.allowed_hosts or listen_host:
        overrides["allowed_hosts"] = args.allowed_hosts + listen_host
    if args.trusted_proxies is not None:
        overrides["trusted_proxies"] = args.trusted_proxies
    return overrides


def main(argv: list[str] | None = None) -> int:
    import waitress

    args = parse_args(argv)
    started = time.perf_counter()
    return_freed_memory_to_the_system()
    data_dir = Path(args.data)
    try:
        hold = take_data_folder(data_dir)  # before the demo seeding writes anything; create_app shares it
    except DataFolderBusy as busy:
        print(f"Démarrage refusé. {busy}", file=sys.stderr, flush=True)
        return 1
    configure_logging(data_dir)
    if args.demo:
        from storage.demo import seed_demo
        if seed_demo(data_dir):
            print("Données de démonstration créées (Ville de Démo).")
    app = create_app(data_dir, start_up_settings(args) or None)
    hold.release()  # the app holds the folder from now on
    first_password = ensure_agent_account(app.portal)
    if first_password:
        print("Compte agent créé. Identifiant : agent   Mot de passe (affiché une seule fois) :", first_password)
    address = configured_public_url(app.portal.settings) or f"http://{args.host}:{args.port}/"
    print(f"Portail Famille prêt en {time.perf_counter() - started:.2f} s, "
          f"{plural(len(app.portal.index), 'famille')} : {address}", flush=True)
    # Waitress would drop X-Forwarded-* before the app sees them: routes/web.py decides what to believe (the
    # trusted-proxies setting for X-Forwarded-For; X-Forwarded-Host must name an allowed host).
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="PortailFamille",
                   max_request_body_size=web.MAX_BODY_BYTES + 65536, connection_limit=1000,
                   clear_untrusted_proxy_headers=False, _quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
