"""Daily jobs (storage/jobs/daily.py): a job runs at start-up when it has not run today, then each day at its hour, never
twice on one date by itself; its last run survives a restart (data/jobs.json); a failure is noted and the thread
goes on. The calendar clock is pinned (storage/clock.py) and runs at the real pace, so a test that starts a job a
second before its hour sees it run a second later."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest

from storage import clock
from storage.documents import DocumentStore
from storage.jobs.daily import SCHEDULED, DailyJob, next_run_at

WAIT_SECONDS = 10.0


class CountingTask:
    """A task that records who asked for each run."""

    def __init__(self, fail: bool = False):
        self.calls: list[str] = []
        self.fail = fail
        self.ran = threading.Event()

    def __call__(self, by: str) -> dict:
        self.calls.append(by)
        self.ran.set()
        if self.fail:
            raise OSError("disk full")
        return {"things": len(self.calls)}


def job(tmp_path, task, hour: int = 3) -> DailyJob:
    return DailyJob("test-job", task, DocumentStore(tmp_path / "data"), hour=hour)


def wait_until(condition, timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.mark.parametrize("now, last_run_on, expected", [
    ("2026-12-02T01:00:00", None, "2026-12-02T03:00:00"),             # never ran, before the hour: today at 3
    ("2026-12-02T09:00:00", None, "2026-12-02T09:00:00"),             # never ran, after the hour: now
    ("2026-12-02T09:00:00", date(2026, 12, 1), "2026-12-02T09:00:00"),  # yesterday's run done, hour passed: now
    ("2026-12-02T02:00:00", date(2026, 12, 1), "2026-12-02T03:00:00"),  # yesterday's run done, hour to come
    ("2026-12-02T02:00:00", date(2026, 12, 2), "2026-12-03T03:00:00"),  # already ran today (at start-up): tomorrow
    ("2026-12-02T23:59:00", date(2026, 12, 2), "2026-12-03T03:00:00"),
    ("2026-12-31T10:00:00", date(2026, 12, 31), "2027-01-01T03:00:00"),  # over the new year
])
def test_next_run_is_today_at_the_hour_unless_the_job_already_ran_today(now, last_run_on, expected):
    assert next_run_at(datetime.fromisoformat(now), last_run_on, 3) == datetime.fromisoformat(expected)


def test_a_run_is_remembered_across_a_restart(tmp_path):
    task = CountingTask()
    with clock.pinned("2026-12-02T10:15:00"):
        assert job(tmp_path, task).run_now("agent") == {"things": 1}
        restarted = job(tmp_path, task)  # a new process reads data/jobs.json
        state = restarted.last_run()
        assert restarted.last_run_on() == date(2026, 12, 2)
        assert restarted.next_run() == datetime(2026, 12, 3, 3, 0)
    assert state["last_run_by"] == "agent" and state["last_result"] == {"things": 1}
    assert state["last_run_at"].startswith("2026-12-02T10:15")


def test_the_job_runs_at_start_up_when_it_has_not_run_today_and_not_twice_a_day(tmp_path):
    task = CountingTask()
    with clock.pinned("2026-12-02T09:00:00"):  # after the hour, never ran: at once
        first = job(tmp_path, task)
        first.start()
        assert wait_until(lambda: first.last_run_on() == date(2026, 12, 2))
        first.stop()
        assert task.calls == [SCHEDULED]
        second = job(tmp_path, task)  # restarted the same day
        second.start()
        time.sleep(0.5)
        second.stop()
        assert task.calls == [SCHEDULED]
    with clock.pinned("2026-12-03T01:00:00"):  # the next day, before its hour: it runs at start-up all the same
        third = job(tmp_path, task)
        third.start()
        assert wait_until(lambda: len(task.calls) == 2)
        third.stop()
        assert third.last_run_on() == date(2026, 12, 3)
        assert third.next_run() == datetime(2026, 12, 4, 3, 0)


def test_a_running_job_runs_again_at_its_hour_the_next_day(tmp_path):
    task = CountingTask()
    with clock.pinned("2026-12-02T23:59:57"):
        daily = job(tmp_path, task, hour=0)
        daily.run_now("agent")  # today's run is done
        daily.start()
        time.sleep(0.5)
        assert task.calls == ["agent"]  # not twice on the 2nd
        assert wait_until(lambda: len(task.calls) == 2), "the job did not run at midnight"
        daily.stop()
    assert task.calls == ["agent", SCHEDULED]
    assert daily.last_run_on() == date(2026, 12, 3)


def test_a_failed_run_is_noted_and_retried_later_without_killing_the_thread(tmp_path, caplog):
    task = CountingTask(fail=True)
    with clock.pinned("2026-12-02T09:00:00"):
        failing = job(tmp_path, task)
        failing.start()
        assert task.ran.wait(WAIT_SECONDS)
        assert wait_until(lambda: failing.last_run().get("last_failure_at"))
        assert failing.running
        assert failing.next_run() >= datetime(2026, 12, 2, 9, 59)  # an hour later, not in a loop
        failing.stop()
    state = failing.last_run()
    assert state["last_error"] == "OSError" and "last_run_on" not in state
    assert task.calls == [SCHEDULED]
    assert "test-job" in caplog.text and "en échec" in caplog.text


def test_the_agent_and_the_schedule_never_run_the_task_at_the_same_time(tmp_path):
    inside, overlaps = [], []
    release = threading.Event()

    def slow(by: str) -> dict:
        if inside:
            overlaps.append(by)
        inside.append(by)
        release.wait(1.0)
        inside.remove(by)
        return {}

    with clock.pinned("2026-12-02T09:00:00"):
        daily = job(tmp_path, slow)
        daily.start()  # the start-up run holds the task
        assert wait_until(lambda: inside)
        agent = threading.Thread(target=daily.run_now, args=("agent",))
        agent.start()
        time.sleep(0.2)
        release.set()
        agent.join(WAIT_SECONDS)
        daily.stop()
    assert overlaps == []
    assert daily.last_run()["last_run_by"] == "agent"
