"""kill -9 of the real server while families submit requests and the agent decides them: after each restart,
every answered write is there, every file parses, no temporary file remains (short version of
`python -m tests.perf.kill_loop --rounds 20`)."""
from __future__ import annotations

import os
import random

from tests.perf.kill_loop import kill_loop


def test_kill_9_at_a_random_moment_loses_no_answered_write(tmp_path):
    seed = int(os.environ.get("PORTAL_KILL_SEED") or random.SystemRandom().randrange(1_000_000))
    report = kill_loop(tmp_path / "data", rounds=3, seed=seed, families=8, family_clients=4, log=lambda _: None)
    replay = f"(replay: PORTAL_KILL_SEED={seed}) {report.summary()}"
    assert report.problems == [], replay + "\n" + "\n".join(report.problems)
    assert report.unexpected == [], replay + "\n" + "\n".join(report.unexpected)
    assert report.rounds == 3, replay
    assert report.submissions > 0 and report.decisions > 0, "the load wrote nothing before the kills: " + replay
