"""The agent's Paramètres › Sauvegardes: the nightly backups (where, how many kept, the last and next run), the
archives in the backup folder, the journal of backups, and "Télécharger une sauvegarde" (an archive taken now)."""
from __future__ import annotations

from datetime import datetime

from bottle import Bottle, HTTPResponse

from routes.web import portal, render, require_agent
from storage import clock
from storage.jobs.daily import SCHEDULED

app = Bottle()
PAGE = "/agent/parametres/sauvegardes"
KINDS = {"nuit": "sauvegarde de la nuit", "téléchargement": "téléchargée", "commande": "ligne de commande",
         "avant mise à jour": "avant une mise à jour"}


def size_fr(size: int | None) -> str:
    """'12,4 Mo', '850 ko' (an archive's size, as a French reader writes it)."""
    if size is None:
        return ""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1000))} ko"


def journal_rows(limit: int = 20) -> list[dict]:
    """The backups' journal as the pages show it: when, who, what, size, pause."""
    return [dict(entry, by_label="le portail (sauvegarde de la nuit)" if entry.get("by") == SCHEDULED else entry["by"],
                 kind_label=KINDS.get(entry.get("kind"), entry.get("kind", "")), size=size_fr(entry.get("bytes")),
                 pause=f"{entry['pause_ms']} ms".replace(".", ",") if entry.get("pause_ms") is not None else "")
            for entry in portal().backups.journal(limit)]


@app.get(PAGE)
def backups_page():
    require_agent()
    backups = portal().backups
    job = backups.daily_job
    next_run = job.next_run()
    archives = [dict(archive, size=size_fr(archive["bytes"]),
                     at=datetime.fromtimestamp(archive["modified"]).isoformat(timespec="minutes"))
                for archive in backups.archives()]
    return render("agent/backups.tpl", title="Sauvegardes", config=backups.config, last_run=job.last_run(),
                  next_run=next_run.isoformat(), next_run_due=next_run <= clock.now(), archives=archives,
                  journal=journal_rows())


@app.post(PAGE + "/telecharger")
def download_backup():
    """The archive of the data folder as it is now, sent as it is compressed (an attachment), journalled."""
    agent = require_agent()
    name, chunks = portal().backups.download(agent)
    return HTTPResponse(chunks, **{"Content-Type": "application/gzip",
                                   "Content-Disposition": f'attachment; filename="{name}"',
                                   "Cache-Control": "no-store"})
