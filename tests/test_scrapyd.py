"""Deploying the crawler to scrapyd, as docs/crawling.md says: a real scrapyd on
localhost, `scrapyd-deploy` of the project through scrapy.cfg's `node` target, a demo-portal
crawl scheduled over scrapyd's HTTP API, and its documents in the data folder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from tests.test_crawl_demo import EXPECTED

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    """The program next to this Python (the venv's), else on PATH."""
    here = BIN / name
    return str(here) if here.exists() else shutil.which(name)


pytestmark = pytest.mark.skipif(
    tool("scrapyd") is None or tool("scrapyd-deploy") is None,
    reason="scrapyd and scrapyd-client are not installed (pip install -e '.[test]' installs them)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    """A scrapyd on a free localhost port, its files under tmp_path; stopped afterwards."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home / "eggs"}
logs_dir = {home / "logs"}
dbs_dir = {home / "dbs"}
items_dir =
max_proc = 1
poll_interval = 0.5
""",
        encoding="utf-8",
    )
    with open(home / "stderr", "wb") as stderr:
        proc = subprocess.Popen([tool("scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert api(base, "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"scrapyd did not start: {(home / 'stderr').read_text()[-2000:]}")
                time.sleep(0.3)
        yield base, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def project_copy(dest: Path) -> Path:
    """The project's files as a checkout has them: scrapyd-deploy builds its egg in the
    project folder (setup.py clean, build/), which must not touch this working tree."""
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "build",
        "*.egg-info",
        "__pycache__",
        "data",
        "*.so",
        "_compiled.json",
        "tests",
        "docs",
    )
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def test_a_demo_crawl_deployed_and_scheduled_on_scrapyd_stores_its_reports(scrapyd, tmp_path):
    base, home = scrapyd
    project = project_copy(tmp_path / "project")
    env = {**os.environ, "SCRAPYD_URL": base + "/"}  # the egg is pure Python (setup.py)
    deploy = subprocess.run(
        [tool("scrapyd-deploy"), "node", "--version", "r1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    assert api(base, "listprojects.json")["projects"] == ["xxgk"]
    spiders = api(base, "listspiders.json?project=xxgk")
    assert "reports" in spiders.get("spiders", []), spiders

    server = DemoServer(port=0).start()
    data = tmp_path / "data"
    try:
        job = api(
            base,
            "schedule.json",
            [
                ("project", "xxgk"),
                ("spider", "reports"),
                ("portal", "demo-shanghai"),
                ("setting", f"XXGK_DATA={data}"),
                ("setting", f"XXGK_DEMO_URL={server.url}"),
                ("setting", "AUTOTHROTTLE_ENABLED=0"),
                ("setting", "DOWNLOAD_DELAY=0"),
            ],
        )
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 300
        while True:
            jobs = api(base, "listjobs.json?project=xxgk")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(1)
    finally:
        server.stop()

    log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text(encoding="utf-8", errors="replace")
    assert (data / "xxgk.db").exists(), log[-3000:]
    db = sqlite3.connect(data / "xxgk.db")
    titles = {
        t
        for (t,) in db.execute("SELECT title FROM documents WHERE portal = 'demo-shanghai' AND kind = 'page'")
    }
    assert titles == EXPECTED["demo-shanghai"], log[-3000:]
    for (sha,) in db.execute("SELECT sha256 FROM documents"):
        assert (data / "docs" / sha[:2] / sha).exists()
    assert db.execute("SELECT portal, status FROM crawl_runs").fetchall() == [("demo-shanghai", "ok")]
