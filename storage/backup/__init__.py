"""Backups that restore: a consistent snapshot of the data folder taken with writes paused for milliseconds
(snapshot.py, over storage/write_gate.py), the .tar.gz with its manifest of checksums (archive.py), the restore into an
empty folder (restore.py), the backup folder and its rotation (files.py), the nightly job, the agent's download and
the journal (service.py), the command line (commands.py) and its way through a running portal (live.py)."""
