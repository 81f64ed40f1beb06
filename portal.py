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

from routes import (agent_account, agent_backups, agent_billing, agent_exports, agent_families, agent_family_import,
                    agent_home, agent_ledger, agent_mail, agent_messages, agent_request_table, agent_requests,
                    agent_retention, agent_settings, auth, family_account, family_enrolments, family_home,
                    family_invoices, family_messages, family_notices, family_record, family_requests, legal,
                    online_payment, password_reset, pieces, preregistration, static_files, web)
from storage.account_summary import AccountSummaries
from storage.agents import Agents
from storage.backup.commands import backup_command, restore_command
from storage.backup.files import backup_config
from storage.backup.live import SnapshotRequests
from storage.backup.service import Backups
from storage.certificates import certificate_files
from storage.counters import Numbers
from storage.data_folder import DataFolderBusy, take_data_folder
from storage.exports.journal import ExportJournal
from storage.documents import DocumentStore
from storage.absences import ABSENCE_REQUEST_KINDS
from storage.enrolments import ENROLMENT_REQUEST_KINDS
from storage.families import Families
from storage.family_import.jobs import FamilyImports
from storage.index import FamilyIndex
from storage.legal_pages import LegalPages
from storage.jobs.daily import DailyJob
from storage.mail.agent_summary import AgentSummary
from storage.mail.announcements import AnnouncementMailings
from storage.mail.config import mail_environment
from storage.mail.family_mail import FamilyMail
from storage.mail.outbox import Outbox
from storage.mail.reminders import InvoiceReminders
from storage.mail.sender import MailSender
from storage.migrations import NewerData
from storage.migrations.runner import upgrade_data_folder
from storage.passwords import generate_password, hash_password
from storage.photos import FamilyFiles
from storage.pieces.family import PIECE_HOOKS, piece_files
from storage.portal_log import attach_log_file, detach_log_file, mask_sensitive_data_on
from storage.preregistrations import Preregistrations
from storage.requests import register_decision_hooks, register_request_kind
from storage.retention.purge import Retention
from storage.retention.scope import Stores as RetentionStores
from storage.public_address import clean_public_url, configured_public_url, parse_host_list
from storage.services import Services
from storage.sessions import SessionStore
from storage.settings import Settings, merged
from storage.wording import plural
from storage.protection.addresses import clean_trusted_proxies
from storage.protection.password_reset import PasswordResetLimits
from storage.protection.signing import Signer, data_folder_secret
from storage.protection.submissions import PreregistrationGuard
from storage.protection.throttle import LoginThrottle

ROUTE_MODULES = (auth, family_home, family_record, family_requests, family_invoices, family_messages, family_account,
                 family_notices, family_enrolments, online_payment, agent_home, agent_requests, agent_request_table,
                 agent_messages, agent_families, agent_ledger, agent_billing, agent_settings, agent_account,
                 preregistration, static_files, agent_mail, password_reset, legal, pieces, agent_retention,
                 agent_exports, agent_backups, agent_family_import)
log = logging.getLogger("portal")
NOTICE_HOUR = 6  # reminders and the agent's summary are queued at 6 h, before the families' and the agent's day


class Portal:
    """Everything the routes share: the data folder's stores, the index, sessions and settings.

    clock gives the time for durations (login throttling, the limits of the pre-registration and "Mot de passe oublié"
    forms); tests move it."""

    def __init__(self, data_dir: Path, settings: dict | None = None, clock=time.time):
        data_dir = Path(data_dir)
        # First of all, before reading or cleaning anything: this process's lock on the folder (DataFolderBusy when
        # another process has it). Its first taking removes the temp files of a crashed writer.
        self.folder_hold = take_data_folder(data_dir)
        self._release_folder = weakref.finalize(self, self.folder_hold.release)
        self.log_file = attach_log_file(data_dir)
        settings = dict(settings or {})
        self.backup_config = backup_config(data_dir, settings.pop("backups", None))
        try:
            upgrade_backup = upgrade_data_folder(data_dir, self.backup_config)  # migrations, before anything reads data
        except BaseException:
            self.close()
            raise
        self.documents = DocumentStore(data_dir)
        self.families = Families(self.documents)
        self.account_summaries = AccountSummaries(self.families)  # the home page's solde and newest invoice
        self.index = FamilyIndex(self.families)
        self.index.rebuild()
        # SMTP settings from PORTAL_SMTP_* win over the stored ones (the Paramètres page shows them read-only).
        self.mail_environment = mail_environment()
        self.settings = Settings(self.documents, merged({"mail": self.mail_environment}, settings))
        self.sessions = SessionStore(self.documents)
        self.agents = Agents(self.documents)
        self.photos = FamilyFiles(data_dir, "photos")
        self.certificates = certificate_files(data_dir)
        self.pieces = piece_files(data_dir)  # supporting documents of requests, then the families' pièces
        self.services = Services(self.documents)
        self.numbers = Numbers(self.documents, self.families)
        self.preregistrations = Preregistrations(self.documents)
        self.legal_pages = LegalPages(self.documents)  # the agent's texts of the legal pages
        self.export_journal = ExportJournal(self.documents)  # where "since the last export" of changes starts
        self.clock = clock
        self.signer = Signer(data_folder_secret(data_dir))
        self.throttle = LoginThrottle(clock)
        self.preregistration_guard = PreregistrationGuard(self.signer, clock)
        self.password_reset_limits = PasswordResetLimits(clock)
        self.outbox = Outbox(data_dir / "outbox", commune=lambda: self.settings["commune"])
        self.mail_sender = MailSender(self.outbox, lambda: self.settings.values)
        self.family_mail = FamilyMail(self.families, self.outbox, self.settings)
        jobs_folder = data_dir / "jobs"
        self.announcement_mailings = AnnouncementMailings(jobs_folder, self.documents, self.family_mail)
        self.invoice_reminders = InvoiceReminders(self.families, self.family_mail, self.settings)
        self.agent_summary = AgentSummary(jobs_folder, self.index, self.outbox, self.settings, self.preregistrations,
                                          self.family_mail.job_link)
        self.family_imports = FamilyImports(data_dir, self.families, self.outbox)  # Familles › Importer
        self.jobs = [self.mail_sender, self.family_imports]  # background threads, started by create_app(start_jobs=True)
        # Retention periods (Paramètres › Conservation des données): the purge, its preview and its daily job.
        self.retention = Retention(self.documents, RetentionStores(
            families=self.families, index=self.index, numbers=self.numbers, photos=self.photos,
            certificates=self.certificates, pieces=self.pieces, outbox=self.outbox, sessions=self.sessions,
            preregistrations=self.preregistrations), self.settings)
        # Backups (Paramètres › Sauvegardes): the nightly archive, the agent's download, the command line's requests.
        self.backups = Backups(self.documents, self.backup_config)
        if upgrade_backup:
            self.backups.note("portail", upgrade_backup["kind"], upgrade_backup["file"], upgrade_backup)
        self.snapshot_requests = SnapshotRequests(data_dir, self.backup_config.folder,
                                                  lambda pause_ms: self.backups.note(
                                                      "ligne de commande", "commande", "", {"pause_ms": pause_ms}))

    def close(self) -> None:
        """Release the data folder (another process may then open it) and stop writing to its log file."""
        self._release_folder()
        if self.log_file in logging.getLogger("portal").handlers:
            detach_log_file(self.log_file)


def register_request_kinds() -> None:
    """Requests that are not record changes: how the agent's validation checks and applies them; and what follows
    the decision on any request (its supporting documents kept as pièces, or deleted)."""
    for section, kind in {**ENROLMENT_REQUEST_KINDS, **ABSENCE_REQUEST_KINDS}.items():
        register_request_kind(section, kind)
    register_decision_hooks("pieces", PIECE_HOOKS)  # every request's supporting documents: kept or deleted


def register_notice_jobs(portal: Portal) -> None:
    """The jobs that queue notices outside any request: the announcements' fan-out, the daily reminders before due
    dates and the agent's daily summary (each run at start-up, then daily)."""
    portal.jobs += [portal.announcement_mailings,
                    DailyJob("invoice-reminders", lambda by: portal.invoice_reminders.run(), portal.documents,
                             hour=NOTICE_HOUR),
                    DailyJob("agent-summary", lambda by: portal.agent_summary.run(), portal.documents,
                             hour=NOTICE_HOUR)]


def register_daily_jobs(portal: Portal) -> None:
    """Daily jobs (storage/jobs/daily.py), started and stopped with the other background jobs."""
    portal.jobs.append(portal.retention.daily_job)  # the purge of data kept longer than the retention periods
    portal.jobs += [portal.backups.daily_job,  # the nightly archive and its rotation
                    portal.snapshot_requests]  # snapshots asked by `portal.py backup` while the portal runs


def create_app(data_dir: str | Path = "data", settings: dict | None = None, clock=time.time, *,
               start_jobs: bool = False) -> Bottle:
    """A fresh portal app over data_dir; settings override what data/settings.json holds. start_jobs starts the
    background threads (the mail sender, the notice jobs, the retention purge); stop them with stop_jobs(app)."""
    register_request_kinds()
    app = Bottle()
    app.portal = Portal(Path(data_dir), settings, clock)
    register_notice_jobs(app.portal)
    register_daily_jobs(app.portal)
    web.install(app)
    for module in ROUTE_MODULES:
        app.merge(module.app)
    if start_jobs:
        for job in app.portal.jobs:
            job.start()
    return app


def stop_jobs(app: Bottle) -> None:
    """Stop the background threads cleanly (each finishes what it is doing)."""
    for job in app.portal.jobs:
        job.stop()


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
    parser = argparse.ArgumentParser(description="Portail Famille", epilog="Sauvegarde : portal.py backup --to FICHIER "
                                     "[--data DOSSIER] ; restauration : portal.py restore FICHIER --data DOSSIER_VIDE")
    parser.add_argument("--host", default=env("PORTAL_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("PORTAL_PORT", "8080")))
    parser.add_argument("--data", default=env("PORTAL_DATA", "data"), help="dossier des données")
    parser.add_argument("--threads", type=int, default=int(env("PORTAL_THREADS", "8")))
    parser.add_argument("--demo", action="store_true", help="remplit un dossier vide avec la commune de démo")
    parser.add_argument("--secure-cookies", action="store_true", default=env("PORTAL_SECURE_COOKIES") == "1",
                        help="cookies 'Secure' (derrière HTTPS)")
    parser.add_argument("--no-compression", dest="compression", action="store_false",
                        default=env("PORTAL_COMPRESSION", "1") != "0",
                        help="ne pas compresser les réponses (gzip), quand un proxy inverse le fait déjà "
                             "(env PORTAL_COMPRESSION=0)")
    parser.add_argument("--public-url", default=env("PORTAL_PUBLIC_URL", ""),
                        help="adresse publique du portail, ex. https://famille.ma-commune.fr (courriers, banque, "
                             "e-mails) ; l'emporte sur celle des Paramètres")
    parser.add_argument("--allowed-hosts", default=env("PORTAL_ALLOWED_HOSTS", ""),
                        help="autres noms d'hôte acceptés, séparés par des virgules (en plus de celui de l'adresse "
                             "publique et de localhost)")
    parser.add_argument("--trusted-proxy", action="append", dest="trusted_proxies", metavar="ADRESSE",
                        help="proxy inverse dont l'en-tête X-Forwarded-For est cru (adresse ou réseau ; option "
                             "répétable ou liste séparée par des virgules ; env PORTAL_TRUSTED_PROXIES)")
    parser.add_argument("--backup-dir", default=env("PORTAL_BACKUP_DIR", ""),
                        help="dossier des sauvegardes de la nuit (par défaut « <dossier des données>-sauvegardes » à "
                             "côté du dossier des données ; env PORTAL_BACKUP_DIR)")
    parser.add_argument("--backup-keep", type=int, default=int(env("PORTAL_BACKUP_KEEP", "14")),
                        help="nombre de sauvegardes de la nuit gardées, les plus anciennes supprimées (env "
                             "PORTAL_BACKUP_KEEP, 14 par défaut)")
    args = parser.parse_args(argv)
    if args.backup_keep < 1:
        parser.error("--backup-keep / PORTAL_BACKUP_KEEP : au moins 1.")
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
    if not args.compression:
        overrides["compression"] = False
    if args.public_url:
        overrides["public_url"] = args.public_url
    listen_host = [args.host] if args.host not in ("", "0.0.0.0", "::") else []  # the address we listen on is ours
    if args.allowed_hosts or listen_host:
        overrides["allowed_hosts"] = args.allowed_hosts + listen_host
    if args.trusted_proxies is not None:
        overrides["trusted_proxies"] = args.trusted_proxies
    overrides["backups"] = {"folder": args.backup_dir, "keep": args.backup_keep}
    return overrides


def backup_or_restore(argv: list[str]) -> int:
    """`portal.py backup --to FILE [--data DIR]` and `portal.py restore FILE --data DIR` (storage/backup/commands.py)."""
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="portal.py", description="Sauvegarde et restauration du Portail Famille")
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="écrit une sauvegarde du dossier de données (portail en marche ou non)")
    backup.add_argument("--to", required=True, help="fichier de l'archive à écrire (.tar.gz)")
    backup.add_argument("--data", default=env("PORTAL_DATA", "data"), help="dossier des données")
    restore = commands.add_parser("restore", help="restaure une sauvegarde dans un dossier vide ou absent")
    restore.add_argument("archive", help="fichier de l'archive (.tar.gz)")
    restore.add_argument("--data", required=True, help="dossier des données à créer (vide ou absent)")
    args = parser.parse_args(argv)
    if args.command == "backup":
        return backup_command(Path(args.to), Path(args.data), {"folder": env("PORTAL_BACKUP_DIR", "")})
    return restore_command(Path(args.archive), Path(args.data))


def main(argv: list[str] | None = None) -> int:
    import waitress

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["backup"], ["restore"]):
        return backup_or_restore(argv)
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
    try:
        app = create_app(data_dir, start_up_settings(args) or None, start_jobs=True)
    except NewerData as newer:
        print(f"Démarrage refusé. {newer}", file=sys.stderr, flush=True)
        return 1
    hold.release()  # the app holds the folder from now on
    first_password = ensure_agent_account(app.portal)
    if first_password:
        print("Compte agent créé. Identifiant : agent   Mot de passe (affiché une seule fois) :", first_password)
    address = configured_public_url(app.portal.settings) or f"http://{args.host}:{args.port}/"
    print(f"Portail Famille prêt en {time.perf_counter() - started:.2f} s, "
          f"{plural(len(app.portal.index), 'famille')} : {address}", flush=True)
    # Waitress would drop X-Forwarded-* before the app sees them: routes/web.py decides what to believe (the
    # trusted-proxies setting for X-Forwarded-For; X-Forwarded-Host must name an allowed host).
    try:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="PortailFamille",
                       max_request_body_size=max(web.MAX_BODY_BYTES, web.DOCUMENTS_BODY_BYTES) + 65536,
                       connection_limit=1000,
                       clear_untrusted_proxy_headers=False, _quiet=True)
    finally:
        stop_jobs(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
