"""A real portal server in a subprocess and a small keep-alive HTTP client with cookies, for the HTTP
benchmark (bench_http), the kill loop (kill_loop) and the crash and concurrency tests in tests/web.

Standard library only: http.client over loopback, one connection per client, kept alive.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
FAMILY_PASSWORD = "demo2026"  # generate_town's password for every family
AGENT_LOGIN, AGENT_PASSWORD = "agent", "agent2026"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_status_kb(pid: int, field: str) -> int | None:
    """VmRSS / VmHWM (kB) of a process, from /proc/<pid>/status."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- The server -----------------------------------------------------------------------------------

class Server:
    """One server process (the portal, or any command serving HTTP on a port), started and stopped here."""

    def __init__(self, command: list[str], port: int, log_path: Path | None = None, env: dict | None = None):
        self.command, self.port, self.log_path, self.env = command, port, log_path, env
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    @classmethod
    def portal(cls, data_dir: Path, port: int | None = None, threads: int = 8, log_path: Path | None = None,
               demo: bool = False):
        port = port or free_port()
        command = [sys.executable, str(REPO / "portal.py"), "--data", str(data_dir), "--port", str(port),
                   "--threads", str(threads)] + (["--demo"] if demo else [])
        return cls(command, port, log_path)

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, ready_path: str = "/connexion", timeout: float = 60.0) -> float:
        """Start the process; returns the seconds from process start to the first 200 on ready_path."""
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        env = dict(os.environ, **(self.env or {}))
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
        if log is not subprocess.DEVNULL:
            log.close()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {' '.join(self.command)}"
                                   + (f" (log: {self.log_path})" if self.log_path else ""))
            if self._answers(ready_path):
                self.startup_seconds = time.perf_counter() - started
                return self.startup_seconds
            time.sleep(0.005)
        self.stop()
        raise TimeoutError(f"server not ready after {timeout} s: {' '.join(self.command)}")

    def _answers(self, path: str) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def kill(self) -> None:
        """kill -9: no clean-up of any kind in the server."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_mb(self) -> float | None:
        value = proc_status_kb(self.pid, "VmRSS")
        return value / 1024 if value is not None else None

    def peak_rss_mb(self) -> float | None:
        value = proc_status_kb(self.pid, "VmHWM")
        return value / 1024 if value is not None else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- The client -----------------------------------------------------------------------------------

class Answer:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """One browser: a kept-alive connection and its cookies. Not thread-safe: one per thread or process."""

    def __init__(self, port: int, timeout: float = 30.0, cookies: dict | None = None):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = dict(cookies or {})
        self.csrf: str | None = None
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, fields: dict | list | None = None, headers: dict | None = None) -> Answer:
        """One request on the kept-alive connection (reopened if the server closed it between requests)."""
        sent_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True).encode("utf-8")
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            fresh = self._connection is None
            if fresh:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self._connection.request(method, path, body=body, headers=sent_headers)
                response = self._connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                # Only an idle kept-alive connection closed by the server is retried; a fresh one failing
                # (server down, killed mid-request) is the caller's business: a POST must not be sent twice.
                if fresh or attempt == 2 or method != "GET":
                    raise
            except BaseException:
                self.close()
                raise
        for header in response.msg.get_all("Set-Cookie") or ():
            self._store_cookie(header)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, response.msg, data)

    def _store_cookie(self, header: str) -> None:
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        attributes = attributes.lower()
        if "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes or "max-age=-" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip().strip('"')

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict | list, with_csrf: bool = True) -> Answer:
        """POST a form; adds this session's CSRF token unless told not to."""
        if with_csrf:
            fields = dict(fields) if isinstance(fields, dict) else list(fields)
            if isinstance(fields, dict):
                fields.setdefault("csrf_token", self.csrf)
            else:
                fields.append(("csrf_token", self.csrf))
        return self.request("POST", path, fields)

    # Logging in through the real forms ---------------------------------------------------------------

    def login(self, identifiant: str, password: str, area: str = "family") -> None:
        """Log in as a family (area='family') or the agent; keeps the session cookie and its CSRF token."""
        form = "/connexion" if area == "family" else "/agent/connexion"
        page = self.get(form)
        match = CSRF_INPUT.search(page.text)
        assert page.status == 200 and match, (page.status, page.text[:300])
        answer = self.request("POST", form, {"identifiant": identifiant, "mot_de_passe": password,
                                             "csrf_token": match.group(1)})
        assert answer.status == 303 and "pf_session" in self.cookies, (answer.status, answer.text[:500])
        home = self.get("/accueil" if area == "family" else "/agent")
        match = CSRF_INPUT.search(home.text)
        assert home.status == 200 and match, (home.status, home.text[:300])
        self.csrf = match.group(1)

    def state(self) -> dict:
        """What another process needs to act as this browser: its cookies and CSRF token."""
        return {"cookies": dict(self.cookies), "csrf": self.csrf}

    @classmethod
    def resume(cls, port: int, state: dict, timeout: float = 30.0) -> "Client":
        client = cls(port, timeout, state["cookies"])
        client.csrf = state["csrf"]
        return client


# --- Forms ----------------------------------------------------------------------------------------

class _FormFields(HTMLParser):
    """The fields a browser would submit from the POST form whose action is `action`."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action and (a.get("method") or "").lower() == "post"
            return
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self._select, self._select_value, self._select_first = a.get("name"), None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            if self.inside and self._select:
                chosen = self._select_value if self._select_value is not None else self._select_first
                self.fields.append((self._select, chosen or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self.inside and self._textarea:
                self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """The name -> value pairs of the POST form with that action, as a browser would send them unchanged."""
    parser = _FormFields(action)
    parser.feed(html)
    fields = dict(parser.fields)
    assert fields, f"no POST form with action {action!r}"
    return fields


def phone_number(*parts: int) -> str:
    """A valid French mobile number made from small numbers ('06 cc rr ss ss'), unique per parts."""
    digits = "06" + "".join(f"{p:02d}" for p in parts)
    digits = (digits + "0" * 10)[:10]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
