"""Crash test: families submit change requests and the agent decides them and types in invoices while the
server is killed with SIGKILL at a random moment, then restarted; every answered write must still be there,
every file whole, no invoice number given twice.

    python -m tests.perf.kill_loop --rounds 20            # the long version
    python -m tests.perf.kill_loop --rounds 3 --seed 7    # replay one sequence of kill moments

tests/web/test_crash_kill.py runs the short version (3 rounds) in the default test suite.

A write counts as acknowledged when its POST got the 303 of success: a submission (its unique mobile number),
a validation or a cancellation (by the agent client, of a request it saw pending), an invoice (by a second
agent client, its unique line detail). A write whose answer was lost in the kill may or may not be stored: no
claim is made about it. After each restart, checks:
- every *.json file under the data folder parses, and no temporary file of an interrupted write remains;
- every acknowledged submission is present exactly once, as a whole request document;
- every acknowledged decision has its status, and exactly one audit line in the same file;
- each family's record equals its starting record with the validated changes applied in audit order
  (the merge and its audit line are one write: never one without the other);
- every acknowledged invoice is in its family's ledger exactly once; no invoice number is in two invoices;
  every invoice's number is in the commune's register (data/invoice-numbers/) with that invoice's family.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf.live import (AGENT_LOGIN, AGENT_PASSWORD, FAMILY_PASSWORD, Client, Server, form_fields,  # noqa: E402
                             free_port)

SUBMIT_FORM = "/mes-informations/responsable/modifier"
REQUEST_KEYS = {"schema", "section", "action", "target_id", "target_label", "changes", "status", "created_at",
                "created_by", "decided_at", "decided_by", "reason"}
VALIDATE_ACTION = re.compile(r'action="/agent/demandes/(\d+)/(\d+)/valider"')
INVOICE_FORM = "/agent/familles/{}/factures/nouvelle"


def generate_small_town(data_dir: Path, families: int, seed: int = 1) -> list[str]:
    """A small generated town with no pending request (every request in it comes from this run); returns the
    numbers of `families` families whose account is active (the generator deactivates about 1 %)."""
    from tests.perf.generate_town import generate_town
    ids = generate_town(data_dir, families + 3, seed=seed, pending_ratio=0.0).family_ids
    return active_families(data_dir, ids)[:families]


def active_families(data_dir: Path, ids) -> list[str]:
    """Those of ids whose account may log in."""
    return [fid for fid in ids
            if read_json(Path(data_dir) / "families" / f"{fid}.json")["account"]["1"].get("active", True)]


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def temp_files(data_dir: Path) -> list[Path]:
    """Files an interrupted atomic write leaves behind (storage/atomic.py: .<name>.<random>.tmp)."""
    return sorted(p for p in data_dir.rglob("*") if p.is_file() and p.name.endswith(".tmp"))


def apply_changes(record: dict, section: str, changes: list[dict]) -> None:
    """What validating a parent1/parent2 request does to the record (the only sections these tests change)."""
    assert section in ("parent1", "parent2"), section
    record[section] = dict(record.get(section) or {}, **{c["field"]: c["after"] for c in changes})


def initial_state(family_file: dict) -> dict:
    """What check_data compares a family with: its record and the audit lines it had before the run."""
    return {"record": family_file["record"]["1"], "audit_ids": set(family_file.get("audit") or {})}


@dataclass
class Acknowledged:
    """Every write whose POST got its success answer (303), over all rounds; shared by the client threads."""
    submissions: list = field(default_factory=list)  # (family_id, phone)
    decisions: list = field(default_factory=list)    # (family_id, request_id, "validated" | "cancelled")
    invoices: list = field(default_factory=list)     # (family_id, the detail of its one line)
    unexpected: list = field(default_factory=list)   # answers that are neither success nor a connection error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, item) -> None:
        with self.lock:
            getattr(self, kind).append(item)


def check_data(data_dir: Path, initial: dict[str, dict], acknowledged: Acknowledged) -> list[str]:
    """Every problem found in the data folder, in words (empty when all is well)."""
    problems = []
    for path in sorted(data_dir.rglob("*.json")):
        try:
            read_json(path)
        except (ValueError, UnicodeDecodeError) as error:
            problems.append(f"{path.relative_to(data_dir)} does not parse: {error}")
    leftovers = temp_files(data_dir)
    if leftovers:
        problems.append(f"temporary files remain after restart: {[p.name for p in leftovers][:5]}")
    if problems:
        return problems

    files = {fid: read_json(data_dir / "families" / f"{fid}.json") for fid in initial}
    for fid, data in files.items():
        record = (data.get("record") or {}).get("1")
        if not record or record.get("family_id") != fid or not (data.get("account") or {}).get("1"):
            problems.append(f"{fid}: record or account missing")
            continue
        requests = data.get("requests") or {}
        for rid, request in requests.items():
            if not REQUEST_KEYS <= set(request) or not request["changes"]:
                problems.append(f"{fid}: request {rid} is incomplete: {sorted(request)}")
        audit = sorted((data.get("audit") or {}).items(), key=lambda item: int(item[0]))
        decided = [entry for _, entry in audit if entry["action"] in ("validated", "cancelled")]
        per_request = {}
        for entry in decided:
            per_request.setdefault(str(entry["request_id"]), []).append(entry)
        for rid, entries in per_request.items():
            request = requests.get(rid)
            if len(entries) != 1 or request is None or request["status"] != entries[0]["action"]:
                problems.append(f"{fid}: request {rid} has {len(entries)} audit line(s), status "
                                f"{request and request['status']}")
        for rid, request in requests.items():
            if request["status"] in ("validated", "cancelled") and rid not in per_request:
                problems.append(f"{fid}: request {rid} is {request['status']} without its audit line")
        # The record is the starting one with this run's validated changes applied in audit order, nothing else.
        expected = json.loads(json.dumps(initial[fid]["record"]))
        for audit_id, entry in audit:
            if entry["action"] == "validated" and audit_id not in initial[fid]["audit_ids"]:
                apply_changes(expected, entry["section"], entry["changes"])
        if record != expected:
            diff = {k: (expected.get(k), record.get(k)) for k in set(expected) | set(record)
                    if expected.get(k) != record.get(k)}
            problems.append(f"{fid}: record differs from the replay of its audit trail: {str(diff)[:400]}")

    for fid, phone in acknowledged.submissions:
        requests = (files[fid].get("requests") or {}).values()
        found = [r for r in requests if r["section"] == "parent1"
                 and any(c["field"] == "phone_mobile" and c["after"] == phone for c in r["changes"])]
        if len(found) != 1:
            problems.append(f"{fid}: acknowledged request for {phone} found {len(found)} times")
    for fid, rid, status in acknowledged.decisions:
        request = (files[fid].get("requests") or {}).get(str(rid))
        if request is None or request["status"] != status:
            problems.append(f"{fid}: acknowledged {status} of request {rid} but it is "
                            f"{request and request['status']}")
    return problems + check_invoices(data_dir, acknowledged)


def check_invoices(data_dir: Path, acknowledged: Acknowledged) -> list[str]:
    """Acknowledged invoices stored once, numbers unique in the commune and registered to their family."""
    problems = []
    owners = {}
    for path in (data_dir / "invoice-numbers").glob("*.json"):
        owners.update(read_json(path)["invoice_numbers"]["1"]["owners"])
    holders: dict[str, list[str]] = {}
    details: dict[tuple[str, str], int] = {}
    for path in (data_dir / "ledgers").glob("*.json"):
        for invoice in (read_json(path).get("invoices") or {}).values():
            holders.setdefault(invoice["number"], []).append(path.stem)
            for line in invoice["lines"]:
                details[path.stem, line["detail"]] = details.get((path.stem, line["detail"]), 0) + 1
    for number, families in holders.items():
        if len(families) > 1:
            problems.append(f"invoice number {number} given {len(families)} times: {families}")
        if owners.get(number) != families[0]:
            problems.append(f"invoice number {number} of {families[0]} is registered to {owners.get(number)}")
    for fid, detail in acknowledged.invoices:
        if details.get((fid, detail)) != 1:
            problems.append(f"{fid}: acknowledged invoice {detail!r} found {details.get((fid, detail), 0)} times")
    return problems


# --- The clients ----------------------------------------------------------------------------------

def family_client(port: int, state: dict, family_id: str, tag: int, acknowledged: Acknowledged,
                  stop: threading.Event, max_requests: int = 2000) -> None:
    """Submit one new mobile number after another until the server dies (or stop)."""
    client = Client.resume(port, state, timeout=10)
    try:
        page = client.get(SUBMIT_FORM)
        fields = form_fields(page.text, SUBMIT_FORM)
        for n in range(max_requests):
            if stop.is_set():
                return
            digits = f"07{tag % 1000:03d}{n:05d}"
            phone = " ".join(digits[i:i + 2] for i in range(0, 10, 2))
            answer = client.post(SUBMIT_FORM, dict(fields, phone_mobile=phone))
            if answer.status == 303:
                acknowledged.add("submissions", (family_id, phone))
            else:
                acknowledged.add("unexpected", f"submit {family_id} {phone}: {answer.status} {answer.text[:200]}")
    except (OSError, http.client.HTTPException):  # the server was killed: refused, reset, cut answer
        return
    finally:
        client.close()


def agent_client(port: int, state: dict, family_ids: list[str], acknowledged: Acknowledged, stop: threading.Event,
                 rng: random.Random, max_requests: int = 4000) -> None:
    """Validate (or now and then cancel) the pending requests it sees, family after family."""
    client = Client.resume(port, state, timeout=10)
    try:
        sent = 0
        while sent < max_requests and not stop.is_set():
            for fid in family_ids:
                page = client.get(f"/agent/demandes/{fid}")
                for _, rid in VALIDATE_ACTION.findall(page.text)[:3]:
                    sent += 1
                    if rng.random() < 0.25:
                        answer, status = client.post(f"/agent/demandes/{fid}/{rid}/annuler",
                                                     {"motif": "Justificatif manquant."}), "cancelled"
                    else:
                        answer, status = client.post(f"/agent/demandes/{fid}/{rid}/valider",
                                                     {"confirmer": "1"}), "validated"
                    if answer.status == 303:
                        acknowledged.add("decisions", (fid, int(rid), status))
                    else:
                        acknowledged.add("unexpected", f"{status} {fid}/{rid}: {answer.status} {answer.text[:200]}")
    except (OSError, http.client.HTTPException):
        return
    finally:
        client.close()


def invoicing_client(port: int, state: dict, family_ids: list[str], tag: int, acknowledged: Acknowledged,
                     stop: threading.Event, max_requests: int = 2000) -> None:
    """Type in one small invoice after another, family after family: each reserves an invoice number."""
    client = Client.resume(port, state, timeout=10)
    try:
        forms = {}
        for fid in family_ids:
            forms[fid] = form_fields(client.get(INVOICE_FORM.format(fid)).text, INVOICE_FORM.format(fid))
        for n in range(max_requests):
            if stop.is_set():
                return
            fid = family_ids[n % len(family_ids)]
            detail = f"kill {tag}-{n}"
            answer = client.post(INVOICE_FORM.format(fid), dict(
                forms[fid], line_child_0="Léa", line_service_0="Restauration scolaire", line_detail_0=detail,
                line_quantity_0="1", line_price_0="3,85"))
            if answer.status == 303:
                acknowledged.add("invoices", (fid, detail))
            else:
                acknowledged.add("unexpected", f"invoice {fid} {detail}: {answer.status} {answer.text[:200]}")
    except (OSError, http.client.HTTPException):
        return
    finally:
        client.close()


# --- The loop -------------------------------------------------------------------------------------

@dataclass
class KillReport:
    rounds: int = 0
    submissions: int = 0
    decisions: int = 0
    invoices: int = 0
    temp_files_after_kill: list = field(default_factory=list)  # per round: files an interrupted write left
    run_seconds: list = field(default_factory=list)            # per round: time from load start to the kill
    problems: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    seed: int = 0

    def summary(self) -> str:
        return (f"{self.rounds} kill -9 rounds (seed {self.seed}): {self.submissions} acknowledged submissions, "
                f"{self.decisions} acknowledged decisions, {self.invoices} acknowledged invoices; "
                f"temp files left by the kills: {self.temp_files_after_kill}; "
                f"problems: {len(self.problems)}; unexpected answers: {len(self.unexpected)}")


def kill_loop(data_dir: Path, rounds: int, seed: int, families: int = 12, family_clients: int = 4,
              kill_after: tuple[float, float] = (0.3, 1.5), log=print) -> KillReport:
    """Generate a small town in data_dir, then `rounds` times: load, kill -9, restart, check."""
    rng = random.Random(seed)
    data_dir = Path(data_dir)
    ids = generate_small_town(data_dir, families, seed)
    initial = {path.stem: initial_state(read_json(path)) for path in (data_dir / "families").glob("*.json")}
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    report = KillReport(seed=seed)
    acknowledged = Acknowledged()

    server = Server.portal(data_dir, free_port(), log_path=log_path)
    server.start()
    try:
        # One login per client, kept across restarts (sessions are on disk).
        writers = ids[:family_clients]
        states = {}
        for fid in writers:
            client = Client(server.port)
            client.login(fid, FAMILY_PASSWORD)
            states[fid] = client.state()
            client.close()
        agent = Client(server.port)
        agent.login(AGENT_LOGIN, AGENT_PASSWORD, area="agent")
        agent_state = agent.state()
        agent.close()

        for round_no in range(1, rounds + 1):
            stop = threading.Event()
            threads = [threading.Thread(target=family_client, args=(server.port, states[fid], fid,
                                                                    round_no * 10 + i, acknowledged, stop))
                       for i, fid in enumerate(writers)]
            threads.append(threading.Thread(target=agent_client, args=(server.port, agent_state, writers,
                                                                       acknowledged, stop,
                                                                       random.Random(rng.random()))))
            threads.append(threading.Thread(target=invoicing_client, args=(server.port, agent_state, writers,
                                                                           round_no, acknowledged, stop)))
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(*kill_after))
            server.kill()
            report.run_seconds.append(round(time.perf_counter() - started, 3))
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(t.is_alive() for t in threads), "a client thread did not stop"
            report.temp_files_after_kill.append(len(temp_files(data_dir)))

            server = Server.portal(data_dir, free_port(), log_path=log_path)
            try:
                server.start()  # the restart itself must work, whatever the kill interrupted
                problems = []
            except (RuntimeError, TimeoutError) as error:
                lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines() if log_path.exists() else []
                problems = [f"the server did not restart: {error}; last log line: {lines[-1] if lines else ''}"]
            problems += check_data(data_dir, initial, acknowledged)
            report.rounds = round_no
            report.problems += [f"round {round_no}: {p}" for p in problems]
            log(f"round {round_no}: killed after {report.run_seconds[-1]:.2f} s, "
                f"{len(acknowledged.submissions)} submissions, {len(acknowledged.decisions)} decisions and "
                f"{len(acknowledged.invoices)} invoices acknowledged so far, {report.temp_files_after_kill[-1]} temp file(s) left by the kill, "
                f"{len(problems)} problem(s)")
            if problems:
                break
        if not report.problems:
            # The restarted server serves the data it found: the agent's requests page opens.
            agent = Client.resume(server.port, agent_state)
            page = agent.get("/agent/demandes")
            agent.close()
            if page.status != 200:
                report.problems.append(f"after the last restart /agent/demandes answers {page.status}")
    finally:
        server.stop()
    report.submissions, report.decisions = len(acknowledged.submissions), len(acknowledged.decisions)
    report.invoices = len(acknowledged.invoices)
    report.unexpected = list(acknowledged.unexpected)
    return report


def main(argv: list[str] | None = None) -> int:
    import tempfile
    parser = argparse.ArgumentParser(description="kill -9 the real server under writes, restart, check (issue #4)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None, help="replays the same kill moments")
    parser.add_argument("--families", type=int, default=12)
    parser.add_argument("--clients", type=int, default=4, help="family clients submitting (plus one agent)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    with tempfile.TemporaryDirectory(prefix="portail-kill-") as root:
        report = kill_loop(Path(root) / "data", args.rounds, seed, args.families, args.clients)
    print(report.summary())
    for problem in report.problems + report.unexpected:
        print("  " + problem)
    return 1 if report.problems or report.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
