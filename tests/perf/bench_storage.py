"""Storage benchmark at town scale: start-up, memory, one family's read and write, at 100 and N families.

    python -m tests.perf.bench_storage                  # 100 and 10,000 families
    python -m tests.perf.bench_storage --years 5        # the same towns after five years (600,000 invoices)
    python -m tests.perf.bench_storage --families 2000 --json tests/perf/results/storage.json

Generates two towns (tests/perf/generate_town.py) in temporary folders, then for each:
- start-up: portal.create_app(dir) (index rebuild included) timed in a fresh Python process, so the
  generator's memory does not count; median of --startups runs with the files in the page cache
  ("warm"), and one run after evicting the town's files from the page cache ("cold": os.sync() then
  posix_fadvise(DONTNEED) on each file of the town only, nothing else is dropped);
- RSS (VmRSS) of that fresh process after create_app, and its peak (VmHWM); also the RSS of this
  benchmark process after its own create_app (includes the generator's leftovers);
- warm read of one family: Families.read + record_of, --reads random families (median, p95, p99);
- write of one family's document: a Families.transaction that changes one field, fsynced, with the
  index listener, on --writes random families; the same with the fsync calls skipped; the bare floor
  (write_atomically of the same bytes); and the request lifecycle (submit_request, validate_request);
- the reservation of one invoice number (Numbers.next_invoice_number, fsynced) after the town's history,
  and a family's relevé (its ledger read and storage.ledger.statement), --reservations times each;
- the agent's in-memory index views (pending list, search).
--years N generates both towns with N years of history (tests/perf/generate_town.py).
Reads and writes alternate between the two towns, so both meet the same disk and CPU conditions and
the write ratio means something on a shared machine. Prints one table with the targets of issues #2
and #4 (read and write on their p95) and exits 1 when a target is missed. Wall times depend on the
machine's load (printed in the header); the start-up's CPU time is printed beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf.generate_town import generate_town  # noqa: E402

TARGETS = {  # metric -> (limit, unit) at the large size
    "read_p95": (1.0, "ms"), "write_p95": (20.0, "ms"), "startup_warm": (3.0, "s"), "rss_fresh": (150.0, "MB"),
    "write_ratio": (1.5, "×"), "reserve_p95": (5.0, "ms"),
}


# --- Measuring helpers ----------------------------------------------------------------------------------

def proc_status_mb(field: str) -> float:
    """VmRSS / VmHWM of this process in MB (from /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def timings(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": percentile(ordered, 0.95),
            "p99": percentile(ordered, 0.99), "max": ordered[-1]}


def timed_ms(action) -> float:
    started = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - started) / 1e6


def evict_from_page_cache(folder: Path) -> None:
    """Drop the town's files (only those) from the page cache, so the next start-up reads the disk."""
    os.sync()  # DONTNEED only drops clean pages
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


# --- Start-up in a fresh process -------------------------------------------------------------------------

def probe_startup(data_dir: str) -> dict:
    """Runs in a fresh interpreter: import portal, create_app, report times and memory as JSON."""
    started = time.perf_counter()
    import portal
    imported, cpu_before = time.perf_counter(), time.process_time()
    app = portal.create_app(data_dir)
    ready, cpu_after = time.perf_counter(), time.process_time()
    family_id = next(iter(sorted(app.portal.families.ids())), None)
    return {"import_s": imported - started, "create_app_s": ready - imported, "create_app_cpu_s": cpu_after - cpu_before,
            "families": len(app.portal.index),
            "pending": app.portal.index.pending_count(), "rss_mb": proc_status_mb("VmRSS"),
            "hwm_mb": proc_status_mb("VmHWM"), "sample_family": family_id}


def fresh_startup(data_dir: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-m", "tests.perf.bench_storage", "--probe-startup", str(data_dir)],
                          cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"start-up probe failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The towns --------------------------------------------------------------------------------------------

class Town:
    """One generated town, its start-up figures, and (later) an app opened on it in this process."""

    def __init__(self, size: int, root: Path, args, password_hash: str, agent_hash: str):
        self.size = size
        self.data_dir = root / f"town-{size}"
        self.floor_dir = root / f"floor-{size}"
        print(f"[{size}] generating…", file=sys.stderr, flush=True)
        stats = generate_town(self.data_dir, size, seed=args.seed, password_hash=password_hash,
                              agent_password_hash=agent_hash, years=args.years)
        self.ids = stats.family_ids
        self.result = {"families": size, "years": args.years, "invoices": stats.invoices, "messages": stats.messages,
                       "generation_s": stats.seconds, "generation_cpu_s": stats.cpu_seconds,
                       "bytes": stats.bytes_written,
                       "children": stats.children, "pending_requests": stats.pending_requests}
        self.app = None

    def measure_startup(self, args) -> None:
        print(f"[{self.size}] start-ups in fresh processes…", file=sys.stderr, flush=True)
        runs = [fresh_startup(self.data_dir) for _ in range(args.startups)]
        assert all(run["families"] == self.size for run in runs), runs
        result = self.result
        result["startup_warm"] = statistics.median(run["create_app_s"] for run in runs)
        result["startup_warm_max"] = max(run["create_app_s"] for run in runs)
        result["startup_cpu"] = statistics.median(run["create_app_cpu_s"] for run in runs)
        result["import_s"] = statistics.median(run["import_s"] for run in runs)
        result["rss_fresh"] = statistics.median(run["rss_mb"] for run in runs)
        result["hwm_fresh"] = max(run["hwm_mb"] for run in runs)
        if not args.no_cold:
            evict_from_page_cache(self.data_dir)
            result["startup_cold"] = fresh_startup(self.data_dir)["create_app_s"]

    def open(self) -> None:
        from portal import create_app
        started = time.perf_counter()
        self.app = create_app(self.data_dir)
        self.result["startup_in_process"] = time.perf_counter() - started
        self.result["rss_in_process"] = proc_status_mb("VmRSS")
        self.families = self.app.portal.families
        self.floor_dir.mkdir(exist_ok=True)


def interleaved(towns: list[Town], count: int, pick, action) -> list[list[float]]:
    """Time action(town, i, pick(town, i)) count times per town, alternating towns at each step, so
    that both sizes meet the same disk and CPU conditions (this machine's fsync time varies a lot)."""
    samples = [[] for _ in towns]
    for i in range(count):
        for town in (towns if i % 2 == 0 else towns[::-1]):
            argument = pick(town, i)
            samples[towns.index(town)].append(timed_ms(lambda: action(town, i, argument)))
    return samples


def measure_families(towns: list[Town], args) -> None:
    """Reads, writes, request lifecycle and index views on every town, interleaved."""
    import storage.atomic
    from storage import clock
    from storage.atomic import write_atomically
    from storage.documents import encode
    from storage.families import record_of
    from storage.ledger import statement
    from storage.requests import submit_request, validate_request

    rng = random.Random(args.seed)
    print("reads and writes…", file=sys.stderr, flush=True)

    def read(town, i, family_id):
        record = record_of(town.families.read(family_id))
        assert record["family_id"] == family_id

    def store(name, samples):
        for town, values in zip(towns, samples):
            town.result[name] = timings(values)

    def random_family(town, i):
        return rng.choice(town.ids)

    interleaved(towns, 200, random_family, read)  # warm-up
    store("read", interleaved(towns, args.reads, random_family, read))
    store("read_ledger", interleaved(towns, min(args.reads, 500), random_family,
                                     lambda town, i, f: town.families.read_ledger(f).table("invoices").all()))

    def write(town, i, family_id):
        with town.families.transaction(family_id) as db:
            record = record_of(db)
            record["parent1"]["phone_mobile"] = f"06 {i // 1000000 % 100:02d} {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
            db.table("record").update(record, doc_ids=[1])

    store("write", interleaved(towns, args.writes, random_family, write))
    # The same change with fsync switched off: the CPU part, the one that could grow with the town.
    real_fsync = storage.atomic.os.fsync
    storage.atomic.os.fsync = lambda fd: None
    try:
        store("write_nofsync", interleaved(towns, args.writes, random_family, write))
    finally:
        storage.atomic.os.fsync = real_fsync
    # The same bytes through the bare atomic write: what the temp file + fsync + rename cost alone.
    payloads = {town.size: [encode(town.families.documents.read(town.families.path(f)).storage.read())
                            for f in town.ids[:50]] for town in towns}
    store("write_floor", interleaved(
        towns, args.writes, lambda town, i: payloads[town.size][i % 50],
        lambda town, i, data: write_atomically(town.floor_dir / f"{i % 50}.json", data)))

    # The request lifecycle: a family submits a change, the agent validates it (one fsynced write each).
    lifecycle = max(1, args.writes // 2)
    chosen = {town.size: rng.sample(town.ids, min(len(town.ids), lifecycle)) for town in towns}
    submitted = {town.size: [] for town in towns}

    def submit(town, i, family_id):
        parent1 = record_of(town.families.read(family_id))["parent1"]
        requested = dict(parent1, phone_mobile=f"07 00 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}")
        submitted[town.size].append((family_id, submit_request(town.families, family_id, "parent1", requested)))

    def validate(town, i, pair):
        decision = validate_request(town.families, pair[0], pair[1], "agent")
        assert decision.outcome == "validated", decision.outcome

    count = min(len(ids) for ids in chosen.values())
    store("submit", interleaved(towns, count, lambda town, i: chosen[town.size][i], submit))
    store("validate", interleaved(towns, count, lambda town, i: submitted[town.size][i], validate))

    # An invoice number typed in by the agent, after the town's years of invoices (all in the register).
    year = clock.today().year

    def reserve(town, i, family_id):
        number = town.app.portal.numbers.next_invoice_number(year, family_id)
        assert number.startswith(f"F{year}-"), number

    store("reserve", interleaved(towns, args.reservations, random_family, reserve))

    def releve(town, i, family_id):
        entries = statement(town.families.read_ledger(family_id))
        assert len(entries) >= 12 * args.years, len(entries)

    store("releve", interleaved(towns, args.reservations, random_family, releve))

    for town in towns:
        index = town.app.portal.index
        town.result["index_pending"] = timings([timed_ms(index.with_pending_requests) for _ in range(20)])
        town.result["index_search"] = timings([timed_ms(lambda w=w: index.search(w)) for w in
                                               ("martin", "lea", "dup", "77", "nguyen", "zzz") * 4])
        town.result["pending_after"] = index.pending_count()


# --- Report ----------------------------------------------------------------------------------------------

def report(small: dict, large: dict) -> tuple[str, list[str]]:
    ratio = large["write"]["p50"] / small["write"]["p50"]
    large["write_ratio"] = ratio
    misses = []

    def check(key: str, value: float) -> str:
        limit, _unit = TARGETS[key]
        if value <= limit:
            return "ok"
        misses.append(key)
        return "MISSED"

    def ms(t: dict) -> str:
        return f"{t['p50']:.2f} / {t['p95']:.2f}"

    rows = [
        ("Town generation, wall / CPU (s)", f"{small['generation_s']:.1f} / {small['generation_cpu_s']:.1f}",
         f"{large['generation_s']:.1f} / {large['generation_cpu_s']:.1f}", "", ""),
        ("Data on disk (MB)", f"{small['bytes'] / 1e6:.1f}", f"{large['bytes'] / 1e6:.1f}", "", ""),
        ("Invoices / messages", f"{small['invoices']} / {small['messages']}",
         f"{large['invoices']} / {large['messages']}", "", ""),
        ("Start-up create_app, warm cache (s, median)", f"{small['startup_warm']:.2f}",
         f"{large['startup_warm']:.2f}", "< 3 s", check("startup_warm", large["startup_warm"])),
        ("  CPU time of that start-up (s)", f"{small['startup_cpu']:.2f}", f"{large['startup_cpu']:.2f}", "", ""),
        ("Start-up create_app, cold cache (s)", f"{small.get('startup_cold', float('nan')):.2f}",
         f"{large.get('startup_cold', float('nan')):.2f}", "", ""),
        ("  + import portal before it (s)", f"{small['import_s']:.2f}", f"{large['import_s']:.2f}", "", ""),
        ("  whole process start, warm (s)", f"{small['import_s'] + small['startup_warm']:.2f}",
         f"{large['import_s'] + large['startup_warm']:.2f}", "", ""),
        ("RSS after create_app, fresh process (MB)", f"{small['rss_fresh']:.0f}", f"{large['rss_fresh']:.0f}",
         "< 150 MB", check("rss_fresh", large["rss_fresh"])),
        ("  peak VmHWM, fresh process (MB)", f"{small['hwm_fresh']:.0f}", f"{large['hwm_fresh']:.0f}", "", ""),
        ("  RSS of this bench process (MB)", f"{small['rss_in_process']:.0f}", f"{large['rss_in_process']:.0f}", "", ""),
        ("Read one family p50 / p95 (ms)", ms(small["read"]), ms(large["read"]), "< 1 ms",
         check("read_p95", large["read"]["p95"])),
        ("  p99 / max (ms)", f"{small['read']['p99']:.2f} / {small['read']['max']:.1f}",
         f"{large['read']['p99']:.2f} / {large['read']['max']:.1f}", "", ""),
        ("Read its ledger (invoices) p50 / p95 (ms)", ms(small["read_ledger"]), ms(large["read_ledger"]), "", ""),
        ("Write one family, fsync, p50 / p95 (ms)", ms(small["write"]), ms(large["write"]), "< 20 ms",
         check("write_p95", large["write"]["p95"])),
        ("  same, fsync calls skipped", ms(small["write_nofsync"]), ms(large["write_nofsync"]), "", ""),
        ("  floor: bare write_atomically", ms(small["write_floor"]), ms(large["write_floor"]), "", ""),
        ("submit_request p50 / p95 (ms)", ms(small["submit"]), ms(large["submit"]), "", ""),
        ("validate_request p50 / p95 (ms)", ms(small["validate"]), ms(large["validate"]), "", ""),
        ("Reserve an invoice number, fsync, p50 / p95 (ms)", ms(small["reserve"]), ms(large["reserve"]), "< 5 ms",
         check("reserve_p95", large["reserve"]["p95"])),
        ("Relevé: ledger read + statement p50 / p95 (ms)", ms(small["releve"]), ms(large["releve"]), "", ""),
        (f"Write {large['families']} / write {small['families']} (medians)", "1", f"{ratio:.2f}", "≤ 1.5", check("write_ratio", ratio)),
        ("Agent index: pending list p50 (ms)", f"{small['index_pending']['p50']:.2f}",
         f"{large['index_pending']['p50']:.2f}", "", ""),
        ("Agent index: search p50 (ms)", f"{small['index_search']['p50']:.2f}",
         f"{large['index_search']['p50']:.2f}", "", ""),
    ]
    headers = ("Measure", f"{small['families']} families", f"{large['families']} families", "Target", "")
    widths = [max(len(str(row[i])) for row in rows + [headers]) for i in range(5)]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) if i < 3 else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    return "\n".join(lines), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Storage benchmark at town scale.")
    parser.add_argument("--families", type=int, default=10000, help="size of the large town (default 10000)")
    parser.add_argument("--small", type=int, default=100, help="size of the small town (default 100)")
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--startups", type=int, default=3, help="start-ups measured per town (median)")
    parser.add_argument("--years", type=int, default=1, help="years of history of both towns (default 1)")
    parser.add_argument("--reservations", type=int, default=200,
                        help="invoice numbers reserved, and relevés computed, per town")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache start-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--probe-startup", metavar="DATA", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe_startup:
        print(json.dumps(probe_startup(args.probe_startup)))
        return 0

    from storage.passwords import hash_password
    from tests.perf.generate_town import AGENT_PASSWORD, FAMILY_PASSWORD

    load_at_start = os.getloadavg()[0]
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="portail-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    password_hash, agent_hash = hash_password(FAMILY_PASSWORD), hash_password(AGENT_PASSWORD)
    try:
        towns = [Town(size, root, args, password_hash, agent_hash) for size in (args.small, args.families)]
        for town in towns:
            town.measure_startup(args)
        for town in towns:
            town.open()
        measure_families(towns, args)
        small, large = (town.result for town in towns)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    table, misses = report(small, large)
    print(f"Portail Famille — storage, towns of {args.years} year(s) ({os.cpu_count()} CPU, load average "
          f"{load_at_start:.1f} at start, {os.getloadavg()[0]:.1f} at end, Python {sys.version.split()[0]})")
    print(table)
    print("Missed targets: " + ", ".join(misses) if misses else "All targets met.")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"small": small, "large": large, "misses": misses}, indent=1),
                                   encoding="utf-8")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
