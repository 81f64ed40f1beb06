"""The agent's Paramètres › Conservation des données: the retention periods, the preview of what the daily purge would
remove today, running it now, and the journal of purges (counts only)."""
from __future__ import annotations

from bottle import Bottle, request

from routes.web import flash, form_values, portal, redirect, render, require_agent
from storage.retention.periods import HOUR_KEY, PERIODS, save_retention_settings
from storage import clock
from storage.jobs import SCHEDULED
from storage.retention.purge import describe, when_texts
from storage.retention.rules import KINDS

app = Bottle()
PAGE = "/agent/parametres/conservation"


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
    limits = retention.limits()
    job = retention.daily_job
    last_run = job.last_run()
    return render("agent/retention.tpl", title="Conservation des données", periods=PERIODS, hour_key=HOUR_KEY,
                  values=values, errors=errors, kinds=KINDS, preview=retention.preview(limits),
                  when=when_texts(limits), last_run=last_run, last_summary=describe(last_run.get("last_result") or {}),
                  last_by="passage quotidien" if last_run.get("last_run_by") == SCHEDULED else
                  f"demandé par {last_run.get('last_run_by', '')}",
                  next_run=job.next_run().isoformat(), next_run_due=job.next_run() <= clock.now(),
                  journal=retention.journal(20))


@app.post(PAGE + "/lancer")
def run_now():
    agent = require_agent()
    counts = portal().retention.run_now(agent)
    flash(f"Passage effectué : {describe(counts)}.")
    redirect(PAGE)
