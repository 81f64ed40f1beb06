"""The agent's Paramètres › Conservation des données: the retention periods and the daily purge's last and next runs
and journal (counts only); the preview of what a run would remove today, and running it now."""
from __future__ import annotations

from bottle import Bottle, request

from routes.web import flash, form_values, portal, redirect, render, require_agent
from storage import clock
from storage.jobs.daily import SCHEDULED
from storage.retention.periods import HOUR_KEY, PERIODS, save_retention_settings
from storage.retention.purge import describe, when_texts
from storage.retention.rules import KINDS

app = Bottle()
PAGE = "/agent/parametres/conservation"


def job_status() -> dict:
    """What the pages say of the daily purge: its last run (and failure) and its next run."""
    job = portal().retention.daily_job
    last_run, next_run = job.last_run(), job.next_run()
    return {"last_run": last_run, "last_summary": describe(last_run.get("last_result") or {}),
            "last_by": "passage quotidien" if last_run.get("last_run_by") == SCHEDULED
            else f"demandé par {last_run.get('last_run_by', '')}",
            "next_run": next_run.isoformat(), "next_run_due": next_run <= clock.now()}


@app.route(PAGE, method=["GET", "POST"])
def retention_page():
    require_agent()
    retention = portal().retention
    values = {key: str(value) for key, value in retention.periods().items()}
    errors = {}
    if request.method == "POST":
        values = form_values([period.key for period in PERIODS] + [HOUR_KEY], 10)
        errors = save_retention_settings(portal().settings, values)
        if not errors:
            flash("Durées de conservation enregistrées ; elles s'appliquent dès le prochain passage.")
            redirect(PAGE)
    return render("agent/retention.tpl", title="Conservation des données", periods=PERIODS, hour_key=HOUR_KEY,
                  hour=retention.periods()[HOUR_KEY], values=values, errors=errors, journal=retention.journal(20),
                  **job_status())


@app.get(PAGE + "/apercu")
def preview_page():
    """Counts per kind of what a run would remove now (every family's file is read: seconds for thousands)."""
    require_agent()
    retention = portal().retention
    limits = retention.limits()
    return render("agent/retention_preview.tpl", title="Aperçu du passage de conservation", kinds=KINDS,
                  preview=retention.preview(limits), when=when_texts(limits), **job_status())


@app.post(PAGE + "/lancer")
def run_now():
    agent = require_agent()
    counts = portal().retention.run_now(agent)
    flash(f"Passage effectué : {describe(counts)}.")
    redirect(PAGE)
