"""The ceiling of this stack: a bare Bottle app served by Waitress, answering a few bytes of HTML.

    python -m tests.perf.hello_server --port 8099 --threads 8
"""
from __future__ import annotations

import argparse

import bottle
import waitress


def create_hello_app() -> bottle.Bottle:
    app = bottle.Bottle()

    @app.get("/connexion")  # the path the benchmark polls for readiness, as on the portal
    @app.get("/")
    def hello():
        return "<!DOCTYPE html><html lang='fr'><title>Bonjour</title><p>Bonjour</p></html>"

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bare Bottle + Waitress hello app (benchmark ceiling)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    waitress.serve(create_hello_app(), host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
