"""Page weight: the bytes of HTML + CSS + JS a browser downloads for the family home page and the login pages, on the
demo commune, as served (uncompressed: Waitress does not compress) and as gzip would send them behind a proxy.

    python3 tests/perf/page_weight.py            # the table
    python3 tests/perf/page_weight.py --json     # the same figures as JSON

A page to add to the table: one line in PAGES. Runs in process (WebTest on create_app); nothing to start."""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "tests"):
    sys.path.insert(0, str(folder))
warnings.filterwarnings("ignore", "'cgi' is deprecated", DeprecationWarning)

from webtest import TestApp  # noqa: E402

from helpers import DEMO_FAMILY, login_agent, login_family  # noqa: E402
from portal import create_app  # noqa: E402
from site_map import page_assets  # noqa: E402
from storage.demo import DEMO_AGENT, seed_demo  # noqa: E402

# (label, who is logged in, URL)
PAGES = [
    ("Connexion famille", None, "/connexion"),
    ("Connexion agent", None, "/agent/connexion"),
    ("Accueil famille", "family", "/accueil"),
    ("Tableau de bord agent", "agent", "/agent"),
]


def kind_of(content_type: str) -> str:
    if "css" in content_type:
        return "css"
    if "javascript" in content_type:
        return "js"
    return "html"


def weigh(client: TestApp, url: str) -> dict:
    """{kind: (bytes, gzip bytes)} for the page and every stylesheet and script it loads (each file once)."""
    page = client.get(url)
    files = [(url, page)] + [(asset, client.get(asset)) for asset in dict.fromkeys(page_assets(page.text, url))]
    weights: dict[str, list[int]] = {"html": [0, 0], "css": [0, 0], "js": [0, 0]}
    for _, answer in files:
        kind = kind_of(answer.headers.get("Content-Type", ""))
        weights[kind][0] += len(answer.body)
        weights[kind][1] += len(gzip.compress(answer.body, 9))
    return {"files": [name for name, _ in files], **{k: tuple(v) for k, v in weights.items()}}


def measure() -> dict[str, dict]:
    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    try:
        seed_demo(folder / "data")
        app = create_app(folder / "data")
        clients = {None: TestApp(app), "family": TestApp(app), "agent": TestApp(app)}
        login_family(clients["family"], *DEMO_FAMILY)
        login_agent(clients["agent"], *DEMO_AGENT)
        return {label: weigh(clients[who], url) for label, who, url in PAGES}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def kb(size: int) -> str:
    return f"{size / 1024:6.1f}"


def table(results: dict[str, dict]) -> str:
    lines = ["page                   |  HTML KB |   CSS KB |    JS KB |  total KB | total gzip KB",
             "-----------------------|----------|----------|----------|-----------|--------------"]
    for label, weights in results.items():
        total = sum(weights[k][0] for k in ("html", "css", "js"))
        zipped = sum(weights[k][1] for k in ("html", "css", "js"))
        lines.append(f"{label:<22} |   {kb(weights['html'][0])} |   {kb(weights['css'][0])} |   {kb(weights['js'][0])} |"
                     f"    {kb(total)} |  {kb(zipped)}")
    files = sorted({f for weights in results.values() for f in weights["files"][1:]})
    lines.append("")
    lines.append("loaded by these pages: " + ", ".join(files) + " (each file counted once per page; the browser "
                 "caches /static/ for an hour)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bytes of HTML + CSS + JS per page")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    results = measure()
    if parser.parse_args(argv).json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))


if __name__ == "__main__":
    main()
