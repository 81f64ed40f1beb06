"""Upgrades that keep data: the data folder's schema version and the steps that bring it, one version at a time, to
the version this release writes (storage/documents.SCHEMA_VERSION), run at start-up before anything reads data.

The folder's version is in data/schema.json; a folder without it was written by release 1 (when it holds data) or
is new (then it is at the current version). STEPS[i] turns a version i + 1 folder into a version i + 2 one, so
the current version is 1 + len(STEPS): bumping SCHEMA_VERSION needs a step (tests/unit/test_migrations.py checks).
A step must be idempotent (it skips what is already migrated: a crash in the middle runs it again at the next start)
and write through storage/atomic.py. Before the first step runs a backup of the folder is taken (runner.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from storage.atomic import write_atomically

SCHEMA_FILE = "schema.json"
FIRST_VERSION = 1
DATA_MARKERS = ("families", "agents.json", "settings.json")  # a folder holding one of these has data


@dataclass(frozen=True)
class Migration:
    """One step: apply(data_dir) turns a folder at version to_version - 1 into one at to_version."""

    to_version: int
    description: str
    apply: Callable[[Path], None]


STEPS: list[Migration] = []  # none yet: release 1's documents are read as they are


def current_version() -> int:
    """The version of the data this release reads and writes."""
    return FIRST_VERSION + len(STEPS)


class NewerData(RuntimeError):
    """The folder was written by a newer release: this one must not touch it. str() is French."""


def folder_version(data_dir: Path) -> int:
    """The schema version of the data in data_dir (see the module's docstring)."""
    try:
        return int(json.loads((Path(data_dir) / SCHEMA_FILE).read_text("utf-8"))["version"])
    except FileNotFoundError:
        has_data = any((Path(data_dir) / marker).exists() for marker in DATA_MARKERS)
        return FIRST_VERSION if has_data else current_version()


def note_version(data_dir: Path, version: int) -> None:
    """Record the folder's schema version (after each step, so that a crash resumes at the next one)."""
    write_atomically(Path(data_dir) / SCHEMA_FILE, json.dumps({"version": version}).encode("utf-8"))


def pending_steps(data_dir: Path) -> list[Migration]:
    """The steps still to run on data_dir, in order; NewerData when its data is newer than this release."""
    version = folder_version(data_dir)
    if version > current_version():
        raise NewerData(f"Les données de « {data_dir} » sont en version {version}, écrites par une version plus récente "
                        f"du portail ; celle-ci lit la version {current_version()}. Installez la version plus récente "
                        "(ou restaurez une sauvegarde faite avant la mise à jour).")
    steps = [step for step in STEPS if step.to_version > version]
    expected = list(range(version + 1, current_version() + 1))
    if [step.to_version for step in steps] != expected:
        raise RuntimeError(f"Migrations incomplètes : versions {expected} attendues, "
                           f"{[step.to_version for step in steps]} enregistrées")
    return steps
