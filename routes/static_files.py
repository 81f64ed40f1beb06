"""Static files (CSS, the vendored htmx, images) from static/."""
from __future__ import annotations

from pathlib import Path

from bottle import Bottle, static_file

STATIC = Path(__file__).resolve().parent.parent / "static"
app = Bottle()


@app.get("/static/<path:path>")
def static(path: str):
    answer = static_file(path, root=str(STATIC))
    answer.set_header("Cache-Control", "public, max-age=3600")
    return answer
