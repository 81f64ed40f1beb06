"""Sizing of a host of many communes: the memory (RSS) and CPU of ONE commune's portal process, idle and busy, for the
demo town and a generated town, and from them how many communes fit per GB of memory.

    python -m tests.perf.bench_communes                      # the demo and a 2,000-family town, 10 clients, 20 s
    python -m tests.perf.bench_communes --families 500 --duration 10 --idle 30

For each town: start the real server (`portal.py`, 8 threads), measure RSS right after start-up and the CPU it
spends doing nothing for --idle seconds (background jobs only); then log --clients families in and have them walk
their pages (home, record, invoices, statement, requests, messages) without pause for --duration seconds: the busy
figures are the CPU seconds per second, the requests per second and the peak RSS (VmHWM). Then idle again: the RSS a
commune keeps once its day is over. Loopback only, every loop bounded by time and count.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf.live import (AGENT_PASSWORD, FAMILY_PASSWORD, Client, Server,  # noqa: E402
                             proc_cpu_seconds, proc_status_kb)

FAMILY_PAGES = ("/accueil", "/mes-informations/responsable", "/factures", "/releve", "/mes-demandes", "/messages")
MAX_REQUESTS_PER_CLIENT = 50_000


def mb(kb: int | None) -> float:
    return round((kb or 0) / 1024, 1)


def walk(port: int, login: tuple[str, str], until: float, counts: list) -> None:
    """One family's browser walking its pages until `until` (bounded by MAX_REQUESTS_PER_CLIENT)."""
    client = Client(port)
    client.login(*login)
    done = errors = 0
    while time.perf_counter() < until and done < MAX_REQUESTS_PER_CLIENT:
        errors += client.get(FAMILY_PAGES[done % len(FAMILY_PAGES)]).status != 200
        done += 1
    client.close()
    counts.append((done, errors))


def measure(name: str, data_dir: Path, logins: list[tuple[str, str]], args) -> dict:
    with Server.portal(data_dir, threads=8, log_path=data_dir.parent / f"{name}.log") as server:
        startup = server.start(timeout=120)
        figures = {"town": name, "startup_s": round(startup, 2), "rss_started_mb": mb(proc_status_kb(server.pid, "VmRSS"))}
        cpu = proc_cpu_seconds(server.pid)
        time.sleep(args.idle)  # the measure itself: a commune nobody uses
        figures["idle_cpu_percent"] = round(100 * (proc_cpu_seconds(server.pid) - cpu) / args.idle, 2)
        counts: list = []
        until = time.perf_counter() + args.duration
        clients = [threading.Thread(target=walk, args=(server.port, logins[i % len(logins)], until, counts))
                   for i in range(args.clients)]
        cpu, started = proc_cpu_seconds(server.pid), time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join(args.duration + 120)
        seconds = time.perf_counter() - started
        busy_cpu = proc_cpu_seconds(server.pid) - cpu
        requests = sum(done for done, _ in counts)
        figures.update({
            "busy_requests": requests, "busy_errors": sum(errors for _, errors in counts),
            "busy_rps": round(requests / seconds, 1), "busy_cpu_percent": round(100 * busy_cpu / seconds, 1),
            "cpu_ms_per_request": round(1000 * busy_cpu / max(1, requests), 2),
            "rss_peak_mb": mb(proc_status_kb(server.pid, "VmHWM")), "rss_after_busy_mb": mb(proc_status_kb(server.pid, "VmRSS"))})
        cpu = proc_cpu_seconds(server.pid)
        time.sleep(args.idle)
        figures["idle_after_cpu_percent"] = round(100 * (proc_cpu_seconds(server.pid) - cpu) / args.idle, 2)
        figures["rss_idle_after_mb"] = mb(proc_status_kb(server.pid, "VmRSS"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000, help="families of the generated town (default 2000)")
    parser.add_argument("--clients", type=int, default=10, help="families browsing at once when busy (default 10)")
    parser.add_argument("--duration", type=float, default=20.0, help="busy seconds (default 20)")
    parser.add_argument("--idle", type=float, default=20.0, help="idle seconds measured, before and after (default 20)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from storage.demo import DEMO_ACCOUNTS, seed_demo
    from storage.passwords import hash_password
    from tests.perf.generate_town import generate_town

    root = Path(tempfile.mkdtemp(prefix="communes-"))
    try:
        demo = root / "demo" / "data"
        seed_demo(demo)
        town = root / "town" / "data"
        stats = generate_town(town, args.families, seed=1, password_hash=hash_password(FAMILY_PASSWORD),
                              agent_password_hash=hash_password(AGENT_PASSWORD))
        results = [measure("demo", demo, list(DEMO_ACCOUNTS.items())[:3], args),
                   measure(f"{args.families} familles", town,
                           [(family_id, FAMILY_PASSWORD) for family_id in stats.family_ids[:args.clients]], args)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for figures in results:
        idle, peak = figures["rss_idle_after_mb"], figures["rss_peak_mb"]
        figures["communes_per_gb_idle"] = int(1024 // idle) if idle else 0
        figures["communes_per_gb_peak"] = int(1024 // peak) if peak else 0
        print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
