"""HTTP benchmark at town scale: the real server under load from separate processes, beside a bare hello app.

    python -m tests.perf.bench_http                       # 10,000 families, 10 clients, 10 s per phase
    python -m tests.perf.bench_http --families 2000 --duration 5 --clients 10
    python -m tests.perf.bench_http --years 5 --duration 5   # a town after five years (600,000 invoices)
    python -m tests.perf.bench_http --profile             # also py-spy the server during each phase

What it does, in one run:
1. generates a town of --families families (tests/perf/generate_town.py) and a town of --small families into a
   temporary folder, both with --years years of history (invoices, messages, decisions, invoice numbers);
2. starts the real server (`python portal.py --data … --port … --threads T`) on the large town and times its
   start-up (process start → first 200 on /connexion, --startups times, median), and in the same run a bare
   Bottle + Waitress "hello" app with the same thread count (tests/perf/hello_server.py): the ceiling;
3. logs every virtual client in through the real forms once, before any timed phase (scrypt: ~50 ms a login);
4. drives each phase with --clients worker processes (multiprocessing, fork), each one keep-alive http.client
   connection with its own cookies, for --duration seconds after a short warm-up: the hello app, each page of
   PAGES, submitting a change (POST …/responsable/modifier, a new mobile number each time, each client on its own
   families), validating a pending request (POST /agent/demandes/<family>/<request>/valider, each a distinct
   request of the town, on distinct families);
5. runs the submit phase on the small town too, alternating towns in --write-rounds rounds, and compares p50;
   then submits and validates from ONE client alone (half the duration): the cost of a write without queueing;
6. prints one table (requests/s, p50/p95/p99, share of the hello throughput, server CPU per request and the
   share of hello it allows), the server's RSS after the load, the start-up time and the write ratio, checks the
   targets of issue #4, writes tests/perf/results/http.json, and exits 1 when a target is missed.

Loopback only; every loop is bounded (by time and by count). The load generator shares the machine's CPUs
with the server, so wall-clock figures move with the machine's load (printed at start and end); the server's
CPU time per request (from /proc/<pid>/stat) is the figure to compare between runs and machines.
A new page is benchmarked by adding one line to PAGES.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf.live import (AGENT_LOGIN, AGENT_PASSWORD, FAMILY_PASSWORD, Client, Server, form_fields,  # noqa: E402
                             free_port, proc_cpu_seconds)

RESULTS = REPO / "tests" / "perf" / "results"

# The pages under load: (label, path, who). A new page is benchmarked by adding one line here.
PAGES = [
    ("Family home /accueil", "/accueil", "family"),
    ("Record section /mes-informations/responsable", "/mes-informations/responsable", "family"),
    ("Invoices /factures", "/factures", "family"),
    ("Account statement /releve", "/releve", "family"),
    ("Requests /mes-demandes", "/mes-demandes", "family"),
    ("Agent Gestion des demandes /agent/demandes", "/agent/demandes", "agent"),
]
SUBMIT_FORM = "/mes-informations/responsable/modifier"
TARGETS = {"home_share": 0.40, "page_p95_ms": 50.0, "write_p95_ms": 30.0, "write_ratio": 1.5, "rss_mb": 150.0,
           "startup_s": 3.0}
MAX_REQUESTS_PER_CLIENT = 99_999  # bounds every loop (and keeps the generated phone numbers unique)


# --- Statistics -----------------------------------------------------------------------------------

def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summarise(name: str, results: list[dict], server_cpu: float) -> dict:
    """One phase's figures from its workers' results."""
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses = Counter()
    for r in results:
        statuses.update(r["statuses"])
    wall = max((r["elapsed"] for r in results), default=0.0) or float("nan")
    ok = sum(r["ok"] for r in results)
    return {
        "name": name, "requests": len(latencies), "ok": ok, "errors": len(latencies) - ok,
        "statuses": dict(statuses), "seconds": wall, "rps": ok / wall,
        "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else float("nan"),
        "server_cpu_ms_per_request": 1000 * server_cpu / max(1, len(latencies)),
        "client_cpu_s": sum(r["cpu"] for r in results),
        "exhausted": sum(1 for r in results if r.get("exhausted")),
        "error_samples": [s for r in results for s in r["error_samples"]][:3],
        "latencies_ms": latencies,
    }


# --- The load: worker processes -------------------------------------------------------------------

def _worker(kind: str, port: int, spec: dict, warmup: float, duration: float, barrier, queue) -> None:
    """One virtual client in its own process: set up, warm up, wait for the others, then the timed loop."""
    try:
        queue.put(_run_worker(kind, port, spec, warmup, duration, barrier))
    except BaseException as error:  # report instead of hanging the parent
        import traceback
        try:
            barrier.abort()
        except Exception:
            pass
        queue.put({"failed": f"{type(error).__name__}: {error}", "cause": type(error).__name__ != "BrokenBarrierError",
                   "traceback": traceback.format_exc(limit=4)})


def _run_worker(kind: str, port: int, spec: dict, warmup: float, duration: float, barrier) -> dict:
    client = Client.resume(port, spec["state"]) if spec.get("state") else Client(port)
    expected = 200 if kind == "get" else 303

    if kind == "get":
        path = spec["path"]
        requests = iter(lambda: ("GET", path, None), None)
    elif kind == "submit":
        # Each family's form as the browser has it, then a new mobile number per submission. One connection
        # per client process, carrying each family's cookies in turn (Waitress accepts 100 connections at most).
        families = []
        for state in spec["families"]:
            client.cookies = dict(state["cookies"])
            page = client.get(SUBMIT_FORM)
            assert page.status == 200, page.status
            families.append((client.cookies, form_fields(page.text, SUBMIT_FORM)))
        prefix = f"06{spec['client'] % 100:02d}{spec['round'] % 10}"

        def submissions():
            for seq in range(MAX_REQUESTS_PER_CLIENT):
                family, fields = families[seq % len(families)]
                digits = f"{prefix}{seq:05d}"
                phone = " ".join(digits[i:i + 2] for i in range(0, 10, 2))
                yield "POST", SUBMIT_FORM, dict(fields, phone_mobile=phone), family
        requests = submissions()
    elif kind == "validate":
        requests = (("POST", f"/agent/demandes/{fid}/{rid}/valider", {"csrf_token": client.csrf})
                    for fid, rid in spec["targets"])
    else:
        raise ValueError(kind)

    def send(item):
        method, path, fields, *cookies = item
        if cookies:
            client.cookies = cookies[0]
        return client.request(method, path, fields)

    # Warm-up (not recorded): connections open, templates compiled, caches filled.
    warm_until = time.perf_counter() + warmup
    for _ in range(spec.get("warmup_count", 200)):
        if time.perf_counter() >= warm_until:
            break
        item = next(requests, None)
        if item is None:
            break
        send(item)
    barrier.wait(timeout=120)

    latencies, statuses, error_samples = [], Counter(), []
    ok, exhausted = 0, False
    cpu_started = time.process_time()
    started = time.perf_counter()
    deadline = started + duration
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        now = time.perf_counter()
        if now >= deadline:
            break
        item = next(requests, None)
        if item is None:
            exhausted = True
            break
        answer = send(item)
        latencies.append((time.perf_counter() - now) * 1000)
        statuses[answer.status] += 1
        if answer.status == expected:
            ok += 1
        elif len(error_samples) < 2:
            error_samples.append(f"{answer.status} {item[1]}: {answer.text[:300]}")
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "statuses": dict(statuses), "ok": ok, "elapsed": elapsed,
            "cpu": time.process_time() - cpu_started, "exhausted": exhausted, "error_samples": error_samples}


def run_phase(name: str, server: Server, kind: str, specs: list[dict], args, profile_as: str | None = None) -> dict:
    """Run one phase with one worker process per spec; returns its summary."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(specs) + 1)
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(kind, server.port, spec, args.warmup, args.duration, barrier,
                                                      queue), daemon=True) for spec in specs]
    print(f"  {name}…", file=sys.stderr, flush=True)
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=300)
    except Exception:
        pass  # a worker failed during its set-up: its message is in the queue
    cpu_before = proc_cpu_seconds(server.pid)
    spy = start_profiler(server, args, profile_as) if profile_as else None
    results = [queue.get(timeout=args.duration + 300) for _ in workers]
    cpu_after = proc_cpu_seconds(server.pid)
    for worker in workers:
        worker.join(timeout=30)
    if spy is not None:
        spy.wait(timeout=60)
    failed = sorted((r for r in results if "failed" in r), key=lambda r: not r["cause"])
    if failed:
        raise RuntimeError(f"phase {name!r}: {failed[0]['failed']}\n{failed[0]['traceback']}")
    return dict(summarise(name, results, cpu_after - cpu_before), profile=profile_as)


def merge(name: str, phases: list[dict]) -> dict:
    """Several rounds of the same phase as one (latencies pooled, throughput over the summed time)."""
    latencies = sorted(x for p in phases for x in p["latencies_ms"])
    ok = sum(p["ok"] for p in phases)
    seconds = sum(p["seconds"] for p in phases)
    statuses = Counter()
    for p in phases:
        statuses.update(p["statuses"])
    return {
        "name": name, "requests": len(latencies), "ok": ok, "errors": len(latencies) - ok, "statuses": dict(statuses),
        "seconds": seconds, "rps": ok / seconds, "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99), "max": latencies[-1],
        "server_cpu_ms_per_request": statistics.fmean(p["server_cpu_ms_per_request"] for p in phases),
        "client_cpu_s": sum(p["client_cpu_s"] for p in phases), "exhausted": sum(p["exhausted"] for p in phases),
        "error_samples": [s for p in phases for s in p["error_samples"]][:3], "latencies_ms": latencies,
        "rounds": [{k: p[k] for k in ("p50", "p95", "p99", "rps")} for p in phases],
        "profile": phases[0].get("profile"),
    }


# --- Profiling (optional) -------------------------------------------------------------------------

def start_profiler(server: Server, args, slug: str) -> subprocess.Popen | None:
    """py-spy record on the server for the timed part of a phase (raw collapsed stacks in results/)."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        print("    (py-spy not found: pip install py-spy)", file=sys.stderr)
        return None
    output = RESULTS / f"profile-{slug}.txt"
    return subprocess.Popen([py_spy, "record", "--pid", str(server.pid), "--duration", str(max(1, int(args.duration))),
                             "--rate", "250", "--format", "raw", "--nonblocking", "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def profile_summary(path: Path, top: int = 12) -> str:
    """Where the server's busy threads spent the phase: inclusive share of our functions (routes/, storage/,
    views/, templates) and of the libraries, and the leaf functions (self). Frames are merged per function
    (line numbers dropped); samples of idle worker threads (waiting for a task) are left out."""
    if not path.exists():
        return f"(no profile at {path})"
    ours, libraries, leaves, total = Counter(), Counter(), Counter(), 0
    own_prefixes = ("routes/", "storage/", "views/", "portal.py")
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [re.sub(r":\d+\)$", ")", f.replace(str(REPO) + "/", "")) for f in stack.split(";") if f]
        if not frames or frames[-1].startswith("Condition.wait ("):
            continue  # an idle Waitress worker waiting for a task
        count = int(count)
        total += count
        for frame in set(frames):
            location = frame[frame.rfind("(") + 1:-1]
            if location.startswith(own_prefixes) or location.endswith(".tpl"):
                ours[frame] += count
            elif not location.startswith(("threading.py", "waitress/task.py", "waitress/channel.py", "<frozen")):
                libraries[frame] += count
        leaves[frames[-1]] += count
    if not total:
        return "(empty profile)"

    def block(title: str, counter: Counter, n: int) -> list[str]:
        return [f"    {title}:"] + [f"      {100 * c / total:5.1f}%  {frame}" for frame, c in counter.most_common(n)]

    return "\n".join([f"    busy samples: {total}"] + block("our code, inclusive", ours, top)
                     + block("libraries, inclusive", libraries, 6) + block("self (leaf functions)", leaves, 10))


# --- The towns and their sessions -----------------------------------------------------------------

def login_all(port: int, logins: list[tuple[str, str, str]], parallel: int = 4) -> list[dict]:
    """Log every (identifiant, password, area) in through the real forms; returns their client states."""
    def one(login):
        client = Client(port)
        try:
            client.login(*login)
            return client.state()
        finally:
            client.close()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, logins))


def pending_targets(data_dir: Path, exclude: set[str], rng: random.Random) -> list[tuple[str, int]]:
    """One pending request per family (the town's own, made by the generator), shuffled: what the agent validates.
    Requests whose record changed since (the generator makes a few, for the agent's conflict warning) are left out: their
    Valider asks the agent to confirm instead of deciding."""
    from storage.documents import read_raw
    from storage.requests import conflicts_of
    from storage.sections import SECTIONS
    targets = []
    for path in sorted((data_dir / "families").glob("*.json")):
        if path.stem in exclude:
            continue
        data = read_raw(path) or {}
        record = (data.get("record") or {}).get("1") or {}
        requests = data.get("requests") or {}
        pending = [int(doc_id) for doc_id, r in requests.items()
                   if r.get("status") == "pending" and r.get("section") in SECTIONS
                   and conflicts_of(record, r) == (True, [])]
        if pending:
            targets.append((path.stem, min(pending)))
    rng.shuffle(targets)
    return targets


class TownServer:
    """A generated town, its server, and the sessions of the virtual clients."""

    def __init__(self, size: int, root: Path, args, password_hash: str, agent_hash: str):
        from tests.perf.generate_town import generate_town
        self.size = size
        self.data_dir = root / f"town-{size}"
        print(f"[{size}] generating the town…", file=sys.stderr, flush=True)
        stats = generate_town(self.data_dir, size, seed=args.seed, password_hash=password_hash,
                              agent_password_hash=agent_hash, years=args.years)
        self.stats = {"families": stats.families, "years": stats.years, "children": stats.children,
                      "invoices": stats.invoices,
                      "messages": stats.messages, "pending_requests": stats.pending_requests,
                      "bytes": stats.bytes_written, "generation_s": round(stats.seconds, 2)}
        self.ids = list(stats.family_ids)
        self.server = Server.portal(self.data_dir, threads=args.threads, log_path=root / f"server-{size}.log")
        self.startups: list[float] = []
        self.startup_cpus: list[float] = []
        self.pools: list[list[dict]] = []
        self.agents: list[dict] = []

    def start(self) -> float:
        seconds = self.server.start()
        self.startups.append(seconds)
        self.startup_cpus.append(proc_cpu_seconds(self.server.pid))  # robust to a busy machine, unlike wall time
        return seconds

    def settle(self, quiet_share: float = 0.05, window: float = 1.0, limit: float = 900.0) -> dict:
        """Wait until the start-up catch-up of the daily jobs (retention purge, nightly backup…, which run at the first
        start of a day) is over: the server then uses under quiet_share of a core over a window. The pages are
        measured in the steady state of a working day, not during a once-a-day purge of the whole town."""
        started, cpu_before = time.perf_counter(), proc_cpu_seconds(self.server.pid)
        last = cpu_before
        while time.perf_counter() - started < limit:
            time.sleep(window)
            now = proc_cpu_seconds(self.server.pid)
            if now - last < quiet_share * window:
                break
            last = now
        return {"seconds": round(time.perf_counter() - started - window, 2), "cpu_s": round(last - cpu_before, 2)}

    def log_in(self, args, rng: random.Random, with_agents: bool) -> None:
        """Each client: its own families (pool) and, for the agent phases, its own agent session."""
        from tests.perf.kill_loop import active_families
        per_client = max(1, min(args.families_per_client, int(self.size * 0.9) // args.clients))
        # The generator deactivates about 1 % of the accounts: only active families can log in.
        chosen = active_families(self.data_dir, rng.sample(self.ids, min(self.size, per_client * args.clients + 50)))
        chosen = chosen[:per_client * args.clients]
        logins = [(fid, FAMILY_PASSWORD, "family") for fid in chosen]
        if with_agents:
            logins += [(AGENT_LOGIN, AGENT_PASSWORD, "agent")] * args.clients
        print(f"[{self.size}] logging in {len(logins)} clients…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        self.logins = len(logins)
        states = login_all(self.server.port, logins)
        self.login_seconds = time.perf_counter() - started
        families = states[:len(chosen)]
        self.pool_ids = [chosen[i * per_client:(i + 1) * per_client] for i in range(args.clients)]
        self.pools = [families[i * per_client:(i + 1) * per_client] for i in range(args.clients)]
        self.agents = states[len(chosen):]


# --- The run --------------------------------------------------------------------------------------

def benchmark(args) -> dict:
    from storage.passwords import hash_password

    rng = random.Random(args.seed)
    load_at_start = os.getloadavg()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="portail-http-"))
    root.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    password_hash, agent_hash = hash_password(FAMILY_PASSWORD), hash_password(AGENT_PASSWORD)
    hello_port = free_port()
    hello = Server([sys.executable, "-m", "tests.perf.hello_server", "--port", str(hello_port),
                    "--threads", str(args.threads)], hello_port)
    large = small = None
    try:
        large = TownServer(args.families, root, args, password_hash, agent_hash)
        small = TownServer(args.small, root, args, password_hash, agent_hash)
        print(f"[{large.size}] start-ups…", file=sys.stderr, flush=True)
        for run in range(args.startups):
            large.start()
            if run == 0:  # the first start of the day runs the daily jobs; later starts find them done
                print(f"[{large.size}] waiting for the start-up run of the daily jobs…", file=sys.stderr, flush=True)
                jobs_at_startup = large.settle()
            if run < args.startups - 1:
                large.server.stop()
        small.start()
        small.settle()
        hello.start("/")
        rss_started = large.server.rss_mb()
        large.log_in(args, rng, with_agents=True)
        rss_logged_in = large.server.rss_mb()
        small.log_in(args, rng, with_agents=False)
        validate_targets = pending_targets(large.data_dir, {f for pool in large.pool_ids for f in pool}, rng)

        phases = []
        profile = (lambda slug: slug) if args.profile else (lambda slug: None)
        phases.append(run_phase('Bare Bottle "hello" (ceiling)', hello, "get",
                                [{"path": "/"} for _ in range(args.clients)], args, profile("hello")))
        for label, path, who in PAGES:
            if args.only and not any(o in path for o in args.only):
                continue
            states = [pool[0] for pool in large.pools] if who == "family" else large.agents
            slug = path.strip("/").replace("/", "-") or "root"
            phases.append(run_phase(label, large.server, "get", [{"path": path, "state": s} for s in states], args,
                                    profile(slug)))

        # The same write on both towns, alternating, so both meet the same disk and CPU conditions.
        rounds = {large.size: [], small.size: []}
        write_args = argparse.Namespace(**dict(vars(args), duration=args.duration / args.write_rounds))
        for round_no in range(1, args.write_rounds + 1):
            for town in (large, small) if round_no % 2 else (small, large):
                specs = [{"families": pool, "client": i, "round": round_no, "warmup_count": 2}
                         for i, pool in enumerate(town.pools)]
                rounds[town.size].append(run_phase(f"Submit a change, {town.size} families, round {round_no}",
                                                   town.server, "submit", specs, write_args,
                                                   profile(f"submit-{town.size}-{round_no}")))
        submit_large = merge(f"Submit a change (POST), {large.size:,} families", rounds[large.size])
        submit_small = merge(f"Submit a change (POST), {small.size:,} families", rounds[small.size])
        phases += [submit_large, submit_small]

        share = [validate_targets[i::args.clients] for i in range(args.clients)]
        specs = [{"targets": share[i], "state": large.agents[i], "warmup_count": 2} for i in range(args.clients)]
        phases.append(run_phase("Validate a request (POST)", large.server, "validate", specs, args,
                                profile("validate")))
        validate_phase = phases[-1]

        # The same two writes from one client at a time: what a write costs without queueing behind nine others.
        alone = argparse.Namespace(**dict(vars(args), duration=args.duration / 2))
        phases.append(run_phase(f"  the same submit, 1 client alone ({large.size:,})", large.server, "submit",
                                [{"families": large.pools[0], "client": 0, "round": 9, "warmup_count": 2}], alone))
        used = validate_phase["requests"] + 2 * args.clients
        leftover = [t for i, t in enumerate(validate_targets) if i // args.clients >= used // args.clients + 2]
        if leftover:
            phases.append(run_phase("  the same validate, 1 client alone", large.server, "validate",
                                    [{"targets": leftover, "state": large.agents[0], "warmup_count": 2}], alone))

        rss, peak = large.server.rss_mb(), large.server.peak_rss_mb()
        result = {
            "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": sys.version.split()[0]},
            "settings": {"families": args.families, "years": args.years, "small": args.small, "clients": args.clients,
                         "duration_s": args.duration, "warmup_s": args.warmup, "threads": args.threads,
                         "write_rounds": args.write_rounds, "families_per_client": args.families_per_client,
                         "seed": args.seed},
            "town": large.stats, "small_town": small.stats,
            "startup_s": large.startups, "startup_median_s": statistics.median(large.startups),
            "startup_cpu_s": large.startup_cpus,
            "startup_small_s": small.startups[0],
            "daily_jobs_at_first_startup": jobs_at_startup,
            "rss_after_startup_mb": rss_started, "rss_after_logins_mb": rss_logged_in,
            "rss_after_load_mb": rss, "rss_peak_mb": peak, "rss_small_after_load_mb": small.server.rss_mb(),
            "login_seconds": large.login_seconds, "logins": large.logins, "validate_targets": len(validate_targets),
            "phases": phases, "hello": phases[0], "submit_large": submit_large, "submit_small": submit_small,
            "validate": validate_phase, "load_average_at_start": load_at_start,
        }
        return result
    finally:
        for server in (hello, large and large.server, small and small.server):
            if server:
                server.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


# --- The report -----------------------------------------------------------------------------------

def report(result: dict) -> tuple[str, list[str]]:
    """The table and the list of missed targets."""
    hello = result["hello"]
    misses: list[str] = []

    def verdict(ok: bool, what: str) -> str:
        if not ok:
            misses.append(what)
        return "ok" if ok else "MISSED"

    settings = result["settings"]
    lines = [
        f"Portail Famille — HTTP benchmark: {settings['families']:,} families after {settings['years']} year(s), "
        f"{settings['clients']} clients × "
        f"{settings['duration_s']:g} s per phase (after {settings['warmup_s']:g} s warm-up), Waitress "
        f"{settings['threads']} threads; {result['machine']['cpus']} CPUs shared by server and clients, "
        f"load average {result['load_average_at_start'][0]:.1f} at start, {result['machine']['load_average'][0]:.1f} "
        f"at end; Python {result['machine']['python']}",
        "",
        f"{'phase':<46} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'÷hello':>7} {'srv CPU':>8} "
        f"{'CPU÷':>5} {'n':>6} {'errors':>6}  target",
    ]
    for phase in result["phases"]:
        name = phase["name"]
        ratio = phase["rps"] / hello["rps"] if hello["rps"] else float("nan")
        targets = []
        if phase is hello or name.startswith("  "):
            pass  # the ceiling, and the single-client rows (for reading the others) have no target of their own
        elif phase is result["submit_small"]:
            targets.append("(reference for the ratio)")
        elif "POST" in name:
            limit = TARGETS["write_p95_ms"]
            targets.append(f"p95 ≤ {limit:g} ms: {verdict(phase['p95'] <= limit, f'{name} p95')}")
        else:
            limit = TARGETS["page_p95_ms"]
            targets.append(f"p95 ≤ {limit:g} ms: {verdict(phase['p95'] <= limit, f'{name} p95')}")
            if "/accueil" in name:
                targets.append(f"≥ {TARGETS['home_share']:.0%} of hello: "
                               f"{verdict(ratio >= TARGETS['home_share'], 'family home share of hello')}")
        if phase["errors"]:
            misses.append(f"{name}: {phase['errors']} unexpected answers")
            targets.append(f"{phase['errors']} ERRORS {phase['statuses']}")
        if phase.get("exhausted"):
            targets.append(f"({phase['exhausted']} client(s) ran out of requests)")
        cpu_ratio = hello["server_cpu_ms_per_request"] / phase["server_cpu_ms_per_request"]
        phase["ratio_to_hello"], phase["cpu_ratio_to_hello"] = ratio, cpu_ratio
        lines.append(f"{name:<46} {phase['rps']:>7.0f} {phase['p50']:>7.1f} {phase['p95']:>7.1f} {phase['p99']:>7.1f} "
                     f"{ratio:>6.0%} {phase['server_cpu_ms_per_request']:>6.2f}ms {cpu_ratio:>5.0%} "
                     f"{phase['requests']:>6} {phase['errors']:>6}  {'; '.join(targets)}")
    large, small = result["submit_large"], result["submit_small"]
    ratio = large["p50"] / small["p50"]
    result["write_ratio_p50"] = ratio
    lines += [
        "",
        f"Write (submit) p50 at {settings['families']:,} / at {settings['small']:,} families: {large['p50']:.1f} / "
        f"{small['p50']:.1f} ms = {ratio:.2f}× (p95 {large['p95']:.1f} / {small['p95']:.1f} ms)   target ≤ "
        f"{TARGETS['write_ratio']}×: {verdict(ratio <= TARGETS['write_ratio'], 'write ratio 10k/100')}",
        f"Server RSS after the load: {result['rss_after_load_mb']:.0f} MB (peak VmHWM {result['rss_peak_mb']:.0f} MB; "
        f"after start-up {result['rss_after_startup_mb']:.0f} MB, after the {result['logins']} logins "
        f"{result['rss_after_logins_mb']:.0f} MB; {settings['small']}-family server "
        f"{result['rss_small_after_load_mb']:.0f} MB)   target ≤ "
        f"{TARGETS['rss_mb']:g} MB: {verdict(result['rss_after_load_mb'] <= TARGETS['rss_mb'], 'RSS')}",
        f"Start-up, process start → first 200 on /connexion, {settings['families']:,} families: median "
        f"{result['startup_median_s']:.2f} s (runs: {', '.join(f'{s:.2f}' for s in result['startup_s'])}; "
        f"{settings['small']} families: {result['startup_small_s']:.2f} s; server CPU time to get there: "
        f"{statistics.median(result['startup_cpu_s']):.2f} s)   target ≤ {TARGETS['startup_s']:g} s: "
        f"{verdict(result['startup_median_s'] <= TARGETS['startup_s'], 'start-up')}",
        f"Daily jobs at the first start of the day (retention purge, nightly backup…, measured before the phases): "
        f"{result['daily_jobs_at_first_startup']['seconds']:.1f} s, "
        f"{result['daily_jobs_at_first_startup']['cpu_s']:.1f} s of server CPU",
        f"Town: {result['town']['children']:,} children, {result['town']['invoices']:,} invoices, "
        f"{result['town']['messages']:,} messages, {result['town']['pending_requests']:,} pending requests, "
        f"{result['town']['bytes'] / 1e6:.0f} MB; {result['validate_targets']:,} requests available to validate.",
        "÷hello = the phase's requests/s over the bare hello app's (clients and server share the CPUs, so it also "
        f"depends on the clients: they used {hello['client_cpu_s'] / hello['seconds']:.1f} CPU during the hello phase); "
        "srv CPU = server CPU time (user + system, all threads) per request; CPU÷ = hello's srv CPU over the "
        "phase's: the share of hello's throughput the page would reach where the server's CPU is the limit.",
    ]
    for phase in result["phases"]:
        for sample in phase["error_samples"]:
            lines.append(f"  error sample ({phase['name']}): {sample[:200]!r}")
    return "\n".join(lines), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HTTP benchmark of the real server at town scale (issue #4)")
    parser.add_argument("--families", type=int, default=10000, help="families in the large town (default 10000)")
    parser.add_argument("--small", type=int, default=100, help="families in the small town for the write ratio")
    parser.add_argument("--years", type=int, default=1, help="years of history of both towns (default 1)")
    parser.add_argument("--duration", type=float, default=10.0, help="timed seconds per phase (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per phase, not recorded")
    parser.add_argument("--clients", type=int, default=10, help="concurrent client processes (default 10)")
    parser.add_argument("--threads", type=int, default=8, help="Waitress threads, portal and hello (default 8)")
    parser.add_argument("--families-per-client", type=int, default=10,
                        help="families each client submits for, in turn (default 10)")
    parser.add_argument("--write-rounds", type=int, default=2,
                        help="alternating rounds of the submit phase on both towns (default 2)")
    parser.add_argument("--startups", type=int, default=3, help="start-ups of the large town timed (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="only the pages whose path contains one of these")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy record the server during each phase (results/profile-*.txt, summary printed)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temp folder)")
    parser.add_argument("--json", default=str(RESULTS / "http.json"), help="where to write the figures")
    args = parser.parse_args(argv)
    if args.clients > 99:
        parser.error("--clients: at most 99")

    result = benchmark(args)
    table, misses = report(result)
    print(table)
    for phase in result["phases"]:
        if phase.get("profile"):
            print(f"\nProfile of the server during: {phase['name']} ({RESULTS / ('profile-' + phase['profile'] + '.txt')})")
            print(profile_summary(RESULTS / f"profile-{phase['profile']}.txt"))
    print("Missed targets: " + "; ".join(misses) if misses else "All targets met.")
    result["misses"] = misses
    for phase in result["phases"]:
        phase.pop("latencies_ms", None)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"Figures written to {args.json}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
