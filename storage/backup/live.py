"""`portal.py backup` on the data folder of a running portal: the command asks the portal for a snapshot.

Only the running process can pause its own writes (the write gate is in its memory), and it holds the folder's lock.
So the command drops a request file into data/.backup-requests/; the portal's SnapshotRequests job (it looks every
second) takes the snapshot (the hard links, its brief pause) and answers with a file describing it; the command then
compresses from the hard links in its own process (the portal spends no time on it) and removes them. No signal, no
network, no password: whoever may write into the data folder may ask, as whoever may read it may copy it.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import time
from pathlib import Path

from storage.atomic import write_atomically
from storage.backup.snapshot import REQUESTS_FOLDER, Snapshot, take_snapshot
from storage.jobs.background import BackgroundJob

REQUEST_SUFFIX, ANSWER_SUFFIX = ".demande", ".reponse"
POLL_SECONDS = 1.0
ANSWER_TIMEOUT_SECONDS = 120.0
log = logging.getLogger("portal")


class PortalDidNotAnswer(RuntimeError):
    """The running portal did not take the snapshot in time; str() is French."""


class SnapshotRequests(BackgroundJob):
    """The running portal's side: take the snapshots that the command line asks for."""

    thread_name = "job-snapshot-requests"

    def __init__(self, data_dir: Path, backup_folder: Path, on_snapshot=None):
        super().__init__()
        self.folder = Path(data_dir) / REQUESTS_FOLDER
        self._backup_folder = backup_folder
        self._on_snapshot = on_snapshot  # on_snapshot(pause_ms): to journal the backup
        self.folder.mkdir(exist_ok=True)

    def answer_requests(self) -> int:
        """Take one snapshot per waiting request and write its answer; returns how many were answered."""
        answered = 0
        for entry in os.scandir(self.folder):
            if not entry.name.endswith(REQUEST_SUFFIX):
                continue
            token = entry.name[:-len(REQUEST_SUFFIX)]
            try:
                snapshot = take_snapshot(self.folder.parent, left_out=(self._backup_folder,))
                answer = {"folder": snapshot.folder.name, "files": snapshot.files, "kept_sizes": snapshot.kept_sizes,
                          "pause_seconds": snapshot.pause_seconds, "taken_at": snapshot.taken_at}
                if self._on_snapshot:
                    self._on_snapshot(round(snapshot.pause_seconds * 1000, 1))
            except Exception as error:  # say it to the command rather than let it wait
                log.exception("Sauvegarde demandée par la ligne de commande : instantané impossible")
                answer = {"error": f"{type(error).__name__}: {error}"}
            write_atomically(self.folder / f"{token}{ANSWER_SUFFIX}", json.dumps(answer).encode("utf-8"))
            Path(entry.path).unlink(missing_ok=True)
            answered += 1
        return answered

    def _loop(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.answer_requests()
            except Exception:
                log.exception("Demandes de sauvegarde illisibles dans %s", self.folder)


def ask_running_portal(data_dir: Path, holder_pid: str = "", timeout: float = ANSWER_TIMEOUT_SECONDS) -> Snapshot:
    """The command line's side: ask the portal running on data_dir for a snapshot and wait for it."""
    folder = Path(data_dir).resolve() / REQUESTS_FOLDER
    if not folder.is_dir():
        raise PortalDidNotAnswer("Le portail en marche sur ce dossier ne prend pas de demande de sauvegarde (version "
                                 "trop ancienne ?) : utilisez le bouton « Télécharger une sauvegarde » des Paramètres.")
    token = secrets.token_hex(8)
    request, answer = folder / f"{token}{REQUEST_SUFFIX}", folder / f"{token}{ANSWER_SUFFIX}"
    write_atomically(request, json.dumps({"pid": os.getpid()}).encode("utf-8"))
    deadline = time.monotonic() + timeout
    while not answer.exists():
        if time.monotonic() > deadline:
            request.unlink(missing_ok=True)
            who = f" (processus {holder_pid})" if holder_pid else ""
            raise PortalDidNotAnswer(f"Le portail en marche sur ce dossier{who} n'a pas répondu en "
                                     f"{int(timeout)} secondes : vérifiez qu'il fonctionne, puis réessayez.")
        time.sleep(0.1)
    reply = json.loads(answer.read_text("utf-8"))
    answer.unlink(missing_ok=True)
    if "error" in reply:
        raise PortalDidNotAnswer(f"Le portail n'a pas pu préparer la sauvegarde : {reply['error']}")
    snapshot = Snapshot(folder.parent / reply["folder"], reply["files"], reply["pause_seconds"], reply["kept_sizes"])
    snapshot.taken_at = reply.get("taken_at", snapshot.taken_at)  # a portal started before it said so: now, near enough
    return snapshot
