"""Crawl in a process of its own, through the library call under `xxgk crawl`.

Twisted's reactor runs once per process, so each crawl of an end-to-end test (and of
bench/crawl.py) is a subprocess; it calls `xxgk.commands.crawl.crawl` with a
`CrawlOptions`, the same call `xxgk crawl`, `xxgk run` and `xxgk demo` make. Tests run
against portals on localhost: no throttle, and retries after 0.05 s instead of seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RUNNER = """import json, sys
from xxgk import logs
from xxgk.commands.crawl import CrawlOptions, crawl
from xxgk.commands.status import exit_status
spec = json.loads(sys.argv[1])
logs.setup(logs.NORMAL)
sys.exit(exit_status("crawl", lambda: crawl(spec["names"], spec["data"], options=CrawlOptions(**spec["options"]))))
"""
LOCAL = {"XXGK_RETRY_BACKOFF": "0.05"}


def crawl_command(
    data: Path, *names: str, settings: dict[str, str] | None = None, **options: Any
) -> list[str]:
    """The command line of a crawl of `names` into `data`; `options` are CrawlOptions
    fields (registry=, demo_url=, revalidate=, ...) and `settings` Scrapy settings."""
    options = {"throttle": False, **options, "scrapy_settings": {**LOCAL, **(settings or {})}}
    spec = {"names": list(names), "data": str(data), "options": options}
    return [sys.executable, "-c", RUNNER, json.dumps(spec)]


def crawl(
    data: Path, *names: str, timeout: float = 300, settings: dict[str, str] | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run the crawl of `crawl_command` to its end; its exit status as `xxgk crawl` gives it."""
    cmd = crawl_command(data, *names, settings=settings, **options)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
