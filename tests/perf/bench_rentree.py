"""The agent at the rentrée, over HTTP on a real server (Waitress, tests/perf/live.py).

    python -m tests.perf.bench_rentree --families 10000 [--batch 50] [--out /tmp/rentree.json]

Twice, each time on a freshly generated town (tests/perf/generate_town.py, same seed: the same requests):
1. by section: from the dashboard the agent opens its largest section (C.A.F. at the rentrée), ticks the page
   ("Tout sélectionner sur la page", --batch rows) and validates it, again and again until only the requests in
   conflict remain (the first batch is taken from the unfiltered table, so conflicts meet the batch and are set aside;
   the next ones from the "sans conflit" view);
2. family by family, the flow before the table: for each family with a request of that section, its requests page,
   Valider on the card, the page again.
Reported: page loads (GETs), POSTs, wall time, server CPU per decision, p50/p95 of the batch POST, the conflicts left
pending, and a check that every decided family with an e-mail address has its decision mail in the outbox.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf.live import AGENT_LOGIN, AGENT_PASSWORD, Client, Server, proc_cpu_seconds  # noqa: E402

SECTION_LINK = re.compile(r'<a href="/agent/demandes/rubrique\?rubrique=([a-z0-9_]+)">[^<]*</a></th>'
                          r'<td class="num" data-label="En attente">([0-9]+)</td>')
CHECKED = re.compile(r'name="demande" value="([0-9]+-[0-9]+)" checked')
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
SECTION_TOTAL = re.compile(r'<strong id="section-total">([0-9]+)</strong>')
SET_ASIDE = re.compile(r'<caption>([0-9]+) demandes? laissées? en attente')
TABLE = "/agent/demandes/rubrique"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def pending_of_section(data_dir: Path, section: str) -> list[tuple[str, int, str]]:
    """(family, request id, created_at) of every pending request of section, read from the files (the oracle)."""
    from storage.documents import read_raw
    found = []
    for path in sorted((data_dir / "families").glob("*.json")):
        for doc_id, request in ((read_raw(path) or {}).get("requests") or {}).items():
            if request.get("status") == "pending" and request.get("section") == section:
                found.append((path.stem, int(doc_id), request["created_at"]))
    return sorted(found, key=lambda item: item[2])


def decision_mail_check(data_dir: Path, section: str) -> dict:
    """Families whose request of section was decided, those with an address, and their decision mails queued."""
    from storage.documents import read_raw
    from storage.mail.preferences import family_address
    decided, addressed = set(), set()
    since = (data_dir / ".bench-started").read_text(encoding="ascii")  # the town's history was decided before
    for path in (data_dir / "families").glob("*.json"):
        data = read_raw(path) or {}
        if any(r.get("section") == section and r.get("status") == "validated" and (r.get("decided_at") or "") >= since
               for r in (data.get("requests") or {}).values()):
            decided.add(path.stem)
            if family_address((data.get("record") or {}).get("1") or {}):
                addressed.add(path.stem)
    mailed = set()
    for status in ("pending", "sent", "failed"):
        for path in (data_dir / "outbox" / status).glob("*.json"):
            mail = json.loads(path.read_text(encoding="utf-8"))
            if mail.get("kind") == "request_decision":
                mailed.add(mail.get("family_id"))
    return {"families_decided": len(decided), "with_address": len(addressed),
            "mailed": len(addressed & mailed), "missing": sorted(addressed - mailed)[:10]}


class Run:
    """One town, its server and the agent's browser; counts what the agent does."""

    def __init__(self, root: Path, name: str, args, hashes: tuple[str, str]):
        from tests.perf.generate_town import generate_town
        self.data_dir = root / f"town-{name}"
        print(f"[{name}] generating {args.families} families…", file=sys.stderr, flush=True)
        generate_town(self.data_dir, args.families, seed=args.seed, password_hash=hashes[0],
                      agent_password_hash=hashes[1])
        self.server = Server.portal(self.data_dir, threads=args.threads, log_path=root / f"server-{name}.log")
        self.gets = self.posts = self.decisions = 0
        self.post_seconds: list[float] = []

    def __enter__(self):
        self.server.start()
        self.agent = Client(self.server.port, timeout=120)
        self.agent.login(AGENT_LOGIN, AGENT_PASSWORD, area="agent")
        from storage.families import now_iso
        (self.data_dir / ".bench-started").write_text(now_iso(), encoding="ascii")
        self.cpu_started, self.started = proc_cpu_seconds(self.server.pid), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.agent.close()
        self.server.stop()

    def get(self, path: str) -> str:
        self.gets += 1
        answer = self.agent.get(path)
        assert answer.status == 200, (path, answer.status, answer.text[:300])
        return answer.text

    def post(self, path: str, fields: list) -> object:
        self.posts += 1
        began = time.perf_counter()
        answer = self.agent.post(path, fields)
        self.post_seconds.append(time.perf_counter() - began)
        return answer

    def figures(self, section: str) -> dict:
        wall, cpu = time.perf_counter() - self.started, proc_cpu_seconds(self.server.pid) - self.cpu_started
        return {"page_loads": self.gets, "posts": self.posts, "decisions": self.decisions, "wall_s": round(wall, 2),
                "server_cpu_s": round(cpu, 2),
                "server_cpu_ms_per_decision": round(1000 * cpu / max(1, self.decisions), 2),
                "post_p50_ms": round(1000 * percentile(self.post_seconds, 0.5), 1),
                "post_p95_ms": round(1000 * percentile(self.post_seconds, 0.95), 1),
                "post_max_ms": round(1000 * max(self.post_seconds, default=0), 1),
                "mails": decision_mail_check(self.data_dir, section)}


def largest_section(dashboard: str) -> tuple[str, int]:
    counts = [(int(count), key) for key, count in SECTION_LINK.findall(dashboard)]
    assert counts, "no section linked on the dashboard"
    count, key = max(counts)
    return key, count


def by_section(run: Run, args) -> dict:
    section, count = largest_section(run.get("/agent"))
    print(f"[table] largest section: {section} ({count} pending)", file=sys.stderr, flush=True)
    set_aside, batches, view = 0, 0, ""
    while True:
        page = run.get(f"{TABLE}?rubrique={section}&par={args.batch}&tout=1{view}")
        keys = CHECKED.findall(page)
        if not keys:
            break
        form = page[page.index(f'action="{TABLE}/decider"'):]
        fields = [(name, value) for name, value in HIDDEN.findall(form[:form.index("<table")]) if name != "csrf_token"]
        answer = run.post(f"{TABLE}/decider", fields + [("demande", key) for key in keys] + [("decision", "valider")])
        assert answer.status == 303, (answer.status, answer.text[:300])
        result = run.get(answer.location)  # the result of the batch, above the table's next page
        aside = SET_ASIDE.search(result)
        set_aside += int(aside.group(1)) if aside else 0
        run.decisions += len(keys) - (int(aside.group(1)) if aside else 0)
        batches += 1
        view = "&etat=sans-conflit"  # after the first batch the agent leaves the conflicts for later
    conflicts_page = run.get(f"{TABLE}?rubrique={section}&etat=conflit")
    remaining = int(SECTION_TOTAL.search(run.get(f"{TABLE}?rubrique={section}")).group(1))
    figures = run.figures(section)
    figures.update(section=section, pending_before=count, batches=batches, set_aside_in_batches=set_aside,
                   conflicts_listed=int(SECTION_TOTAL.search(conflicts_page).group(1)), left_pending=remaining)
    return figures


def family_by_family(run: Run, section: str, targets: list[tuple[str, int, str]]) -> dict:
    run.get("/agent")
    run.get("/agent/demandes")
    left = 0
    for number, (family_id, request_id, _) in enumerate(targets):
        if number and number % 50 == 0:
            run.get(f"/agent/demandes?page={number // 50 + 1}")  # back to the list, its next page of families
        page = run.get(f"/agent/demandes/{family_id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = run.post(f"/agent/demandes/{family_id}/{request_id}/valider", [("csrf_token", token)])
        if answer.status == 303:
            run.decisions += 1
            run.get(answer.location)
        else:  # the conflict's confirmation page: the agent leaves it for later
            run.gets += 1
            left += 1
    figures = run.figures(section)
    figures.update(section=section, requests=len(targets), left_pending=left)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The agent at the rentrée: batches by section vs family by family.")
    parser.add_argument("--families", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=50, choices=(50, 100, 200))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--root", help="folder for the towns (default: a temporary one)")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    from storage.passwords import hash_password
    from tests.perf.generate_town import AGENT_PASSWORD as GENERATED_AGENT_PASSWORD, FAMILY_PASSWORD
    hashes = (hash_password(FAMILY_PASSWORD), hash_password(GENERATED_AGENT_PASSWORD))
    with tempfile.TemporaryDirectory(prefix="rentree-", dir=args.root) as folder:
        root = Path(folder)
        with Run(root, "table", args, hashes) as run:
            table = by_section(run, args)
        with Run(root, "families", args, hashes) as run:
            targets = pending_of_section(run.data_dir, table["section"])
            families = family_by_family(run, table["section"], targets)
    result = {"families": args.families, "batch": args.batch, "by_section": table, "family_by_family": families}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    target_ms = 10 * args.batch  # 500 ms for 50 decisions
    ok = (table["post_p95_ms"] <= target_ms and table["left_pending"] == table["conflicts_listed"]
          and table["mails"]["mailed"] == table["mails"]["with_address"])
    print(("OK" if ok else "NOT MET") + f": p95 of the {args.batch}-decision POST {table['post_p95_ms']} ms (target ≤ {target_ms}), "
          f"{table['left_pending']} conflicts left pending, {table['mails']['mailed']}/{table['mails']['with_address']} "
          "families with an address mailed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
