"""Time each CSV export of the agent's Exports page on a generated town, through the real app (WebTest): wall and CPU
time to the last byte, size, lines, and the time to the first byte of the streamed ones. The exports of changes are
remembered in the folder's data/exports.json, as the agent's would be.

    python -m tests.perf.generate_town --families 10000 --data /tmp/exports-town
    python -m tests.perf.bench_exports --data /tmp/exports-town"""
from __future__ import annotations

import argparse
import os
import time
import warnings

from storage import clock


def timed_download(app, cookie: str, url: str) -> dict:
    """Run the WSGI app for url, consuming its body chunk by chunk as a server would."""
    from webtest import TestRequest
    environ = TestRequest.blank(url, headers={"Cookie": cookie}).environ
    started, cpu = time.perf_counter(), time.process_time()
    status = []
    body = app(environ, lambda s, headers, exc_info=None: status.append((s, dict(headers))))
    first_byte = None
    size = lines = 0
    for chunk in body:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    getattr(body, "close", lambda: None)()
    return {"status": status[0][0], "type": status[0][1].get("Content-Type", ""), "wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
            "first_byte_s": first_byte or 0.0, "bytes": size, "lines": lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="a data folder made by tests.perf.generate_town")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from webtest import TestApp
    from portal import create_app
    from tests.perf.generate_town import AGENT_LOGIN, AGENT_PASSWORD
    from tests.helpers import login_agent
    from storage.exports.choices import previous_month

    started = time.perf_counter()
    app = create_app(args.data)
    print(f"portal opened ({len(app.portal.index)} families) in {time.perf_counter() - started:.1f} s")
    client = TestApp(app)
    assert login_agent(client, AGENT_LOGIN, AGENT_PASSWORD).status_int == 303
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    today = clock.today()
    year_start = today.replace(month=1, day=1).isoformat()
    month_first, month_last = previous_month(today)
    for label, url in (
            ("modifications, every one since the portal opened",
             "/agent/exports/modifications.csv?depuis=date&depuis_le=01/01/2000"),
            ("modifications, since the last export (nothing new)", "/agent/exports/modifications.csv?depuis=dernier"),
            ("modifications, since 1 January, Windows-1252",
             f"/agent/exports/modifications.csv?depuis=date&depuis_le={year_start}&encodage=windows-1252"),
            ("familles, UTF-8", "/agent/exports/familles.csv?encodage=utf-8"),
            ("familles, Windows-1252", "/agent/exports/familles.csv?encodage=windows-1252"),
            ("paiements, previous month", f"/agent/exports/paiements.csv?du={month_first}&au={month_last}"),
            ("paiements, whole year", f"/agent/exports/paiements.csv?du={year_start}&au={today.isoformat()}")):
        figures = timed_download(app, cookie, url)
        assert figures["status"].startswith("200") and figures["type"].startswith("text/csv"), figures
        print(f"{label}: {figures['status']}, {figures['lines']} lines, {figures['bytes'] / 1e6:.1f} MB, "
              f"wall {figures['wall_s']:.2f} s (first byte {figures['first_byte_s']:.2f} s), "
              f"CPU {figures['cpu_s']:.2f} s")
    app.portal.close()


if __name__ == "__main__":
    os.environ.setdefault("PORTAL_NOW", "2026-12-02T09:00:00")
    main()
