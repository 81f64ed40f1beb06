"""Page weight: the bytes of HTML + CSS + JS (+ icon) a browser downloads for the family home page and the login pages,
on the demo commune: uncompressed, and over the wire as the portal sends them to a browser that accepts gzip
(compressed bodies plus response headers), for a first visit and a repeat visit (static files cached a year under
their hashed URLs: the repeat visit downloads only the HTML).

    python3 tests/perf/page_weight.py                  # the table
    python3 tests/perf/page_weight.py --json           # the same figures as JSON
    python3 tests/perf/page_weight.py --gzip-levels    # CPU cost of each gzip level on the family home

A page to add to the table: one line in PAGES. Runs in process (WebTest on create_app); nothing to start."""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "tests"):
    sys.path.insert(0, str(folder))
warnings.filterwarnings("ignore", "'cgi' is deprecated", DeprecationWarning)

from bs4 import BeautifulSoup  # noqa: E402
from webtest import TestApp  # noqa: E402

from helpers import DEMO_FAMILY, login_agent, login_family, wire_answer  # noqa: E402
from portal import create_app  # noqa: E402
from routes.compression import PAGE_GZIP_LEVEL  # noqa: E402
from site_map import local_url, page_assets  # noqa: E402
from storage.demo import DEMO_AGENT, seed_demo  # noqa: E402

# (label, who is logged in, URL)
PAGES = [
    ("Connexion famille", None, "/connexion"),
    ("Connexion agent", None, "/agent/connexion"),
    ("Accueil famille", "family", "/accueil"),
    ("Tableau de bord agent", "agent", "/agent"),
]
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
KINDS = ("html", "css", "js", "icon")


def kind_of(content_type: str) -> str:
    if "css" in content_type:
        return "css"
    if "javascript" in content_type:
        return "js"
    if content_type.startswith("image/"):
        return "icon"
    return "html"


def loaded_files(html: str, base: str) -> list[str]:
    """The stylesheets, scripts and icons the page makes the browser download, each once."""
    icons = [local_url(link.get("href"), base) for link in BeautifulSoup(html, "html.parser").find_all("link", href=True)
             if "icon" in (link.get("rel") or [])]
    return list(dict.fromkeys(page_assets(html, base) + [url for url in icons if url]))


def header_bytes(answer) -> int:
    """The size of the status line and headers, as HTTP/1.1 sends them."""
    return len(f"HTTP/1.1 {answer.status}\r\n") + sum(len(f"{name}: {value}\r\n") for name, value in
                                                      answer.headerlist) + 2


def cached_for_a_while(answer) -> bool:
    """Whether a browser reuses this answer on the next visit without asking (a positive max-age)."""
    directives = [part.strip() for part in answer.headers.get("Cache-Control", "").lower().split(",")]
    return any(part.startswith("max-age=") and part != "max-age=0" for part in directives) and "no-cache" not in \
        directives and "no-store" not in directives


def weigh(client: TestApp, url: str) -> dict:
    """Per kind, (plain bytes, bytes over the wire) of the first visit; the repeat visit's bytes and requests."""
    page = wire_answer(client, url, BROWSER)
    html = (gzip.decompress(page.body) if page.headers.get("Content-Encoding") == "gzip" else page.body).decode()
    files = [(url, page)] + [(asset, wire_answer(client, asset, BROWSER)) for asset in loaded_files(html, url)]
    weights = {kind: [0, 0] for kind in KINDS}
    repeat_bytes, repeat_requests = 0, 0
    for name, answer in files:
        kind = kind_of(answer.headers.get("Content-Type", ""))
        weights[kind][0] += len(client.get(name).body)  # WebTest decodes: the plain size
        weights[kind][1] += len(answer.body) + header_bytes(answer)
        if not cached_for_a_while(answer):
            again = wire_answer(client, name, {**BROWSER, "If-None-Match": answer.headers.get("ETag", "")})
            repeat_bytes += len(again.body) + header_bytes(again)
            repeat_requests += 1
    return {"files": [name for name, _ in files], **{kind: tuple(pair) for kind, pair in weights.items()},
            "repeat_visit": repeat_bytes, "repeat_requests": repeat_requests}


def demo_clients(folder: Path):
    seed_demo(folder / "data")
    app = create_app(folder / "data")
    clients = {None: TestApp(app), "family": TestApp(app), "agent": TestApp(app)}
    login_family(clients["family"], *DEMO_FAMILY)
    login_agent(clients["agent"], *DEMO_AGENT)
    return clients


def measure() -> dict[str, dict]:
    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    try:
        clients = demo_clients(folder)
        return {label: weigh(clients[who], url) for label, who, url in PAGES}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def kb(size: int) -> str:
    return f"{size / 1024:6.1f}"


def table(results: dict[str, dict]) -> str:
    lines = ["page                   |  HTML KB |   CSS KB |    JS KB | total KB | first visit, wire KB | "
             "repeat visit, wire KB (requests)",
             "-----------------------|----------|----------|----------|----------|----------------------|"
             "---------------------------------"]
    for label, weights in results.items():
        total = sum(weights[k][0] for k in KINDS)
        wire = sum(weights[k][1] for k in KINDS)
        lines.append(f"{label:<22} |   {kb(weights['html'][0])} |   {kb(weights['css'][0])} |   {kb(weights['js'][0])} |"
                     f"   {kb(total)} |               {kb(wire)} |   {kb(weights['repeat_visit'])} "
                     f"({weights['repeat_requests']})")
    files = sorted({f for weights in results.values() for f in weights["files"][1:]})
    lines.append("")
    lines.append("total: HTML + CSS + JS + icon, uncompressed. wire: what a browser accepting gzip receives, bodies and "
                 "response headers. Loaded by these pages: " + ", ".join(files) + " (cached a year: the repeat visit "
                 "fetches the HTML only).")
    return "\n".join(lines)


def gzip_levels(repeats: int = 7, runs: int = 400) -> str:
    """CPU per compression of the family home's HTML at each gzip level (best of repeats), and the size it gives."""
    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    try:
        html = demo_clients(folder)["family"].get("/accueil").body
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines = [f"family home /accueil: {len(html)} bytes of HTML (pages use level {PAGE_GZIP_LEVEL})",
             "level | gzip bytes | CPU µs per page"]
    for level in range(1, 10):
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            for _ in range(runs):
                packed = gzip.compress(html, compresslevel=level, mtime=0)
            best = min(best, (time.process_time() - started) / runs)
        lines.append(f"{level:5} | {len(packed):10} | {best * 1e6:8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bytes of HTML + CSS + JS per page, uncompressed and over the wire")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--gzip-levels", action="store_true", help="CPU cost of gzip levels 1-9 on the family home")
    args = parser.parse_args(argv)
    if args.gzip_levels:
        print(gzip_levels())
        return
    results = measure()
    print(json.dumps(results, indent=2) if args.json else table(results))


if __name__ == "__main__":
    main()
