"""How long an announcement to every family takes to leave: a generated town, the portal's own jobs (the
announcement fan-out and the mail sender, started by create_app) and a local SMTP server (aiosmtpd, in its own
process, accepting and discarding), timed from the publication to the last mail accepted by the server.

    python -m tests.perf.bench_announcements --families 10000 --rate 0    # as fast as the machine allows
    python -m tests.perf.bench_announcements --families 300               # at the portal's own pace (5 mails/s)

What it prints: the cost of publishing (the request's part: one mailing document), how long the fan-out took to
queue every mail, how long until the outbox was empty (every mail accepted, 250), mails per second, the most mails
pending at once, and the delay of a "decision" mail queued half-way (it must not wait behind the announcement).
The town's daily reminders are switched off so that only the announcement's mails are counted. The figures move
with the machine's load (printed); the server's process shares the CPUs with the portal.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from portal import create_app, stop_jobs  # noqa: E402
from storage.families import record_of  # noqa: E402
from storage.mail.announcements import MAILS_PER_SECOND  # noqa: E402
from storage.mail.preferences import family_address  # noqa: E402
from storage.messages import publish_announcement  # noqa: E402
from tests.perf.generate_town import generate_town  # noqa: E402
from tests.perf.live import free_port  # noqa: E402

RESULTS = REPO / "tests" / "perf" / "results"
PROBE_ADDRESS = "sonde@example.fr"


def start_smtp_sink(port: int) -> subprocess.Popen:
    """aiosmtpd in its own process on 127.0.0.1:port, accepting every message and keeping none."""
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the SMTP server did not start")


def addressed_families(app) -> int:
    """How many families have an address (each gets the announcement: nobody turned messages off)."""
    families = app.portal.families
    return sum(1 for family_id in families.ids() if family_address(record_of(families.read(family_id))))


def run(args) -> dict:
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-announcements-"))
    data = folder / "data"
    if not (data / "families").exists():
        print(f"[{args.families}] generating the town…", flush=True)
        generate_town(data, args.families, years=1)
    port = free_port()
    smtp = start_smtp_sink(port)
    mail = {"host": "127.0.0.1", "port": port, "security": "none", "mail_from": "portail@ville-demo.fr"}
    app = create_app(data, {"mail": mail, "notices": {"reminder_days": 0, "agent_summary": False}})
    try:
        expected = addressed_families(app)
        mailings = app.portal.announcement_mailings
        mailings.mails_per_second = args.rate if args.rate > 0 else 1e9
        mailings.batch = args.batch
        outbox = app.portal.outbox
        already_sent = outbox.counts()["sent"]
        for job in app.portal.jobs:
            job.start()
        load_at_start = os.getloadavg()[0]
        cpu_started = time.process_time()
        started = time.perf_counter()
        announcement_id = publish_announcement(app.portal.documents, {
            "subject": "Fermeture exceptionnelle", "category": "autre",
            "body": "L'accueil du soir fermera à 17 h le vendredi 18 décembre."}, author_name="Marie Agent")
        mailings.plan(announcement_id)
        published = time.perf_counter() - started
        expanded_at = probe_queued_at = probe_sent_at = None
        probe_id, peak_pending = None, 0
        deadline = started + args.timeout
        while time.perf_counter() < deadline:
            counts = outbox.counts()
            peak_pending = max(peak_pending, counts["pending"])
            now = time.perf_counter()
            if expanded_at is None and mailings.mailing(announcement_id)["done"]:
                expanded_at = now - started
            if probe_id is None and counts["sent"] - already_sent >= expected // 2:
                probe_id = outbox.queue(kind="request_decision", to=PROBE_ADDRESS, subject="Votre demande a été validée",
                                        text="Bonjour,\nVotre demande a été validée.")
                probe_queued_at = now
            if probe_id and probe_sent_at is None and (outbox.get(probe_id) or {}).get("status") == "sent":
                probe_sent_at = now
            if expanded_at is not None and counts["pending"] == 0 and probe_sent_at is not None:
                break
            time.sleep(0.2)
        drained = time.perf_counter() - started
        sent = outbox.counts()["sent"] - already_sent - (1 if probe_sent_at else 0)
        result = {
            "families": args.families, "mails_expected": expected, "mails_sent": sent,
            "rate_setting": args.rate or "unbounded", "batch": args.batch, "publish_ms": published * 1000,
            "expanded_s": expanded_at, "drained_s": drained, "mails_per_second": sent / drained if drained else 0,
            "peak_pending": peak_pending, "failed": outbox.counts()["failed"],
            "probe_delay_s": (probe_sent_at - probe_queued_at) if probe_sent_at else None,
            "portal_cpu_s": time.process_time() - cpu_started, "load_at_start": load_at_start,
            "load_at_end": os.getloadavg()[0], "complete": sent == expected}
    finally:
        stop_jobs(app)
        app.portal.close()
        smtp.terminate()
        smtp.wait(10)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def report(result: dict) -> str:
    return "\n".join([
        f"Announcement to {result['families']:,} families ({result['mails_expected']:,} with an address), fan-out "
        f"rate {result['rate_setting']} mails/s in batches of {result['batch']}; load average "
        f"{result['load_at_start']:.1f} at start, {result['load_at_end']:.1f} at end",
        f"  publishing (the request's part): {result['publish_ms']:.1f} ms",
        f"  every mail queued by the fan-out after {result['expanded_s'] or float('nan'):.1f} s",
        f"  outbox drained (every mail accepted by the SMTP server) after {result['drained_s']:.1f} s: "
        f"{result['mails_sent']:,} mails, {result['mails_per_second']:.1f} mails/s, {result['failed']} failed",
        f"  at most {result['peak_pending']} mails pending at once; a decision mail queued half-way left after "
        f"{result['probe_delay_s'] if result['probe_delay_s'] is not None else float('nan'):.2f} s",
        f"  portal process CPU: {result['portal_cpu_s']:.1f} s" + ("" if result["complete"] else "  (INCOMPLETE)")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time an announcement's mails to every family (issue 12)")
    parser.add_argument("--families", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=MAILS_PER_SECOND,
                        help=f"fan-out mails per second (default the portal's {MAILS_PER_SECOND:g}; 0: unbounded)")
    parser.add_argument("--batch", type=int, default=10, help="families per fan-out batch (default 10)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="give up after this many seconds")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temp folder)")
    parser.add_argument("--json", default=str(RESULTS / "announcements.json"), help="where to write the figures")
    args = parser.parse_args(argv)
    result = run(args)
    print(report(result), flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    return 0 if result["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
