"""Backups of a big town while families write: how long writes are paused, how long a backup takes, its size.

    python -m tests.perf.generate_town --families 10000 --data /tmp/bk-town
    python -m tests.perf.bench_backup --data /tmp/bk-town --writers 4 --backups 3

Writer threads post messages to random families through the storage API (a transaction on the family's file, as a
family's form does) during the whole run; each backup is the nightly one (snapshot, archive, rotation) into a
folder beside the data. Printed: the pause of each backup (writes waiting), the slowest write during backups and
outside them, the backup's total time and the archive's size.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager
import random
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from portal import create_app  # noqa: E402
from storage.backup import snapshot  # noqa: E402
from storage.messages import post_message  # noqa: E402
from storage.write_gate import GATE  # noqa: E402


class MeasuredGate:
    """The real gate, plus the CPU time the pausing thread spends inside each pause: what the pause costs on an idle
    machine (the wall time also counts the waits for other processes on a shared one)."""

    def __init__(self):
        self.cpu_ms: list[float] = []

    @contextmanager
    def paused(self):
        with GATE.paused():
            begun = time.thread_time()
            yield
            self.cpu_ms.append((time.thread_time() - begun) * 1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--backups", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    app = create_app(Path(args.data), {"backups": {"folder": f"{Path(args.data).resolve()}-bench-sauvegardes"}})
    print(f"portal open on {len(app.portal.index)} families in {time.perf_counter() - started:.1f} s")
    ids = sorted(app.portal.families.ids())
    stop, backing_up = threading.Event(), threading.Event()
    latencies: dict[bool, list[float]] = {True: [], False: []}
    lock = threading.Lock()

    def writer(seed: int) -> None:
        pick = random.Random(seed)
        while not stop.is_set():
            during = backing_up.is_set()
            begun = time.perf_counter()
            post_message(app.portal.families, pick.choice(ids), author="family", subject="Mesure", body="Sauvegarde")
            with lock:
                latencies[during and backing_up.is_set()].append(time.perf_counter() - begun)

    measured = snapshot.GATE = MeasuredGate()
    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(args.writers)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(args.backups):
            time.sleep(1)
            backing_up.set()
            begun = time.perf_counter()
            result = app.portal.backups.nightly()
            backing_up.clear()
            print(f"backup: pause {result['pause_ms']} ms (CPU in the pause {measured.cpu_ms[-1]:.1f} ms), total {time.perf_counter() - begun:.1f} s, "
                  f"archive {result['bytes'] / 1e6:.1f} MB")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        app.portal.close()
    for during, values in latencies.items():
        if values:
            print(f"writes {'during' if during else 'outside'} backups: {len(values)}, median "
                  f"{statistics.median(values) * 1000:.1f} ms, slowest {max(values) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
