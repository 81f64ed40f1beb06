"""The import's background work: an upload's preview kept until the agent confirms it, the import run by a job
thread with its progress, and the access runs (storage/family_import/access.py). A request only stores the work
and wakes the thread, so no page waits for 2,000 families.

Files under data/imports/: familles-<token>.json (the checked families and the preview; once imported only the
preview stays, and an upload never confirmed is deleted after PREVIEW_DAYS) and familles-<token>-etat.json (the
run's state: status, counts). A run interrupted by a restart shows as such and can
be confirmed again: importing is idempotent. Access runs live in memory (their letters hold temporary passwords,
written nowhere): a restart forgets them, and families not handed over yet still wait for the next run.
"""
from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from pathlib import Path

from storage.atomic import write_atomically
from storage.documents import SCHEMA_VERSION
from storage.family_import.access import hand_over
from storage.family_import.store import import_family
from storage.families import Families, now_iso
from storage.jobs.background import BackgroundJob
from storage.mail.outbox import Outbox

log = logging.getLogger("portal")
TOKEN_RULE = "[0-9a-f]{32}"
SAVE_EVERY = 200  # families between two writes of a run's state
WRITERS = 4
PREVIEW_DAYS = 7  # an upload not confirmed within a week is deleted


def _write(path: Path, document: dict) -> None:
    write_atomically(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))


class FamilyImports(BackgroundJob):
    """Previews, queued imports and access runs of one data folder, and the thread that runs them."""

    thread_name = "family-imports"

    def __init__(self, data_dir: Path, families: Families, outbox: Outbox):
        super().__init__()
        self.folder = Path(data_dir) / "imports"
        self.families = families
        self.outbox = outbox
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._states: dict[str, dict] = {}  # token -> state of imports queued or run by this process
        self._queue: list[tuple[str, str, Callable | None]] = []  # (kind, token, access run's work)
        self.access_runs: dict[str, dict] = {}  # run id -> state (and, when done, the letters' PDF)

    # --- previews and imports -------------------------------------------------------------------------------------

    def _path(self, token: str, suffix: str = "") -> Path:
        return self.folder / f"familles-{token}{suffix}.json"

    def save_preview(self, families: dict, preview: dict, agent: str) -> str:
        """Keep a checked upload until the agent confirms it; its token."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._forget_old_previews()
        token = secrets.token_hex(16)
        _write(self._path(token), {"schema": SCHEMA_VERSION, "created_at": now_iso(), "by": agent, "families": families,
                                   "preview": preview})
        return token

    def _forget_old_previews(self) -> None:
        """Uploads never confirmed hold a commune's worth of personal data: they go after PREVIEW_DAYS."""
        limit = time.time() - PREVIEW_DAYS * 86400
        for path in self.folder.glob("familles-*.json"):
            if path.stem.endswith("-etat") or path.stat().st_mtime > limit:
                continue
            if not self._path(path.stem[len("familles-"):], "-etat").exists():
                path.unlink(missing_ok=True)

    def upload(self, token: str) -> dict | None:
        try:
            return json.loads(self._path(token).read_text("utf-8"))
        except FileNotFoundError:
            return None

    def state(self, token: str) -> dict | None:
        """The import's state: {status: queued|running|done|interrupted, done, total, counts…}; None before confirming."""
        with self._lock:
            if token in self._states:
                return dict(self._states[token])
        try:
            state = json.loads(self._path(token, "-etat").read_text("utf-8"))
        except FileNotFoundError:
            return None
        if state["status"] in ("queued", "running"):  # left so by a process that stopped
            state["status"] = "interrupted"
        return state

    def recent(self, limit: int = 10) -> list[dict]:
        """The latest uploads, newest first: {token, uploaded_at, status} (status None: not confirmed)."""
        if not self.folder.exists():
            return []
        uploads = [path for path in self.folder.glob("familles-*.json") if not path.stem.endswith("-etat")]
        uploads.sort(key=lambda path: path.stat().st_mtime, reverse=True)
        found = []
        for path in uploads[:limit]:
            token = path.stem[len("familles-"):]
            state = self.state(token)
            found.append({"token": token, "uploaded_at": datetime.fromtimestamp(path.stat().st_mtime)
                          .isoformat(timespec="seconds"), "status": state["status"] if state else None})
        return found

    def queue_import(self, token: str, *, overwrite: bool, agent: str) -> bool:
        """Queue the import of a previewed upload; False when it is already queued, running or done."""
        upload = self.upload(token)
        stored = self.state(token)
        if upload is None or upload["preview"]["errors"]:
            return False
        with self._lock:  # one confirmation wins when two arrive together
            current = self._states.get(token, stored)
            if current and current["status"] not in ("interrupted", "failed"):
                return False
            state = {"status": "queued", "done": 0, "total": len(upload["families"]), "overwrite": overwrite,
                     "by": agent, "created": 0, "updated": 0, "unchanged": 0, "queued_at": now_iso(),
                     "finished_at": None}
            self._states[token] = state
            self._queue.append(("import", token, None))
        _write(self._path(token, "-etat"), state)
        self._wake.set()
        return True

    def _run_import(self, token: str) -> None:
        upload = self.upload(token)
        state = self._states[token]
        state["status"] = "running"

        def one(family_id: str) -> None:
            outcome = import_family(self.families, upload["families"][family_id], overwrite=state["overwrite"],
                                    agent=state["by"])
            with self._lock:
                state[outcome] += 1
                state["done"] += 1
                save = state["done"] % SAVE_EVERY == 0
            if save:
                _write(self._path(token, "-etat"), dict(state))

        # Each family is its own file: a few writers at once overlap their waits for the disk (fsync).
        with ThreadPoolExecutor(WRITERS, thread_name_prefix="family-import") as pool:
            for _ in pool.map(one, sorted(upload["families"], key=lambda f: (len(f), f))):
                if self._stop.is_set() and self._thread is not None:
                    pool.shutdown(cancel_futures=True)
                    return
        state.update(status="done", finished_at=now_iso())
        _write(self._path(token, "-etat"), state)
        _write(self._path(token), dict(upload, families={}))  # imported: the file's data is in the families' files now
        log.info("Import des familles %s : %d créées, %d mises à jour, %d inchangées", token, state["created"],
                 state["updated"], state["unchanged"])

    # --- access runs ----------------------------------------------------------------------------------------------

    def queue_access(self, family_ids: list[str], *, link_url: Callable[[str], str], commune: dict,
                     letters_pdf: Callable[[list], bytes]) -> str:
        """Queue the hand-over of access to these families; the run's id."""
        run_id = secrets.token_hex(16)
        state = {"status": "queued", "done": 0, "total": len(family_ids), "mailed": 0, "letters": 0, "pdf": None,
                 "queued_at": now_iso(), "run_id": run_id}

        def work() -> None:
            result = hand_over(self.families, family_ids, self.outbox, link_url, commune,
                               lambda done: state.update(done=done))
            state.update(mailed=len(result.mailed), letters=len(result.letters),
                         pdf=letters_pdf(result.letters) if result.letters else None)

        with self._lock:
            self.access_runs[run_id] = state
            self._queue.append(("access", run_id, work))
        self._wake.set()
        return run_id

    # --- the thread -----------------------------------------------------------------------------------------------

    def run_queued(self) -> int:
        """Run every queued import and access run now, in this thread (the job's step; tests); how many ran."""
        ran = 0
        while True:
            with self._lock:
                if not self._queue:
                    return ran
                kind, key, work = self._queue.pop(0)
            try:
                if kind == "import":
                    self._run_import(key)
                else:
                    self.access_runs[key]["status"] = "running"
                    work()
                    self.access_runs[key].update(status="done", finished_at=now_iso())
            except Exception:
                log.exception("Import des familles : erreur pendant %s %s", kind, key)
                states = self._states if kind == "import" else self.access_runs
                states[key]["status"] = "failed"
            ran += 1

    def _interrupt(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(60)
            self._wake.clear()
            if not self._stop.is_set():
                self.run_queued()
