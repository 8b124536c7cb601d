"""Real-browser journeys: a real server in the embedded default (SQLite, embedded Redis with
the worker in-process, database search) with the demo data, driven by Playwright in Debian's
Chromium. Skipped, visibly, where /usr/bin/chromium is missing (CI installs it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    data = Path(tempfile.mkdtemp(prefix="ideabank-browser-"))
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": f"sqlite://{data}/ideabank.sqlite3",
        "DATA_DIR": str(data),
        "SECRET_KEY": "browser-test-secret",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MEILI_URL": "",
    }
    ideabank = str(BIN / "ideabank")
    subprocess.run([ideabank, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([ideabank, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [ideabank, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(base + "/health", timeout=1).status_code == 200:
                break
        except httpx2.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError((data / "server.log").read_text(errors="replace")[-4000:])
        time.sleep(0.1)  # polling for the server to come up, not waiting for a worker
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser(live_server: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (its own cookies), phone-sized, Vietnamese by default."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 780}, locale="vi-VN"
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(page: Page, email: str, password: str = "ideabank-demo") -> None:  # noqa: S107
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
