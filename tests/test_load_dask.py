"""`xxgk load --dask`: a real `dask scheduler` and two `dask worker` processes on localhost,
started here and stopped after; the database is the same, cell for cell, as a local load."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_load_parallel import CORPUS_FILES, TABLES, dump
from xxgk.cli import main

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'xxgk[dask]'")

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, as `dask scheduler` / `dask worker` start them."""
    if not DASK.exists():
        pytest.skip(f"no `dask` command beside {sys.executable}")
    logs = tmp_path_factory.mktemp("dask-logs")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    procs = []

    def start(name: str, *args: str) -> None:
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        procs.append((subprocess.Popen([str(DASK), *args], stdout=log, stderr=log, env=env), log))

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    for i in (1, 2):
        start(f"worker{i}", "worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{i}")
    try:
        from distributed import Client

        deadline = time.monotonic() + 120
        with Client(address, timeout="120s") as client:
            while len(client.scheduler_info()["workers"]) < 2:
                assert time.monotonic() < deadline, "the two Dask workers did not join: " + "".join(
                    p.read_text() for p in logs.iterdir()
                )
                time.sleep(0.5)
        yield address
    finally:
        for proc, _log in reversed(procs):
            proc.terminate()
        for proc, log in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def test_dask_load_is_the_local_load_cell_for_cell(cluster, tmp_path):
    files = [*map(str, CORPUS_FILES)]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot a PDF at all\n")
    files.insert(3, str(broken))
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    # 1: the broken document failed (and the others loaded)
    assert main(["load", "-q", "--db", str(local), "--jobs", "0", *files]) == 1
    assert main(["load", "-q", "--db", str(remote), "--dask", cluster, *files]) == 1
    a, b = dump(local), dump(remote)
    assert len(a["reports"]) >= 11
    for table in TABLES:
        assert b[table] == a[table], f"--dask: {table} differs from the local load"
    # the broken document failed alone, with the reason the local load gives
    assert [r[2] for r in a["extraction_errors"]] == [str(broken)]


def test_dask_reads_the_store_by_hash_from_a_shared_path(cluster, tmp_path):
    """The crawler's store, seen by the workers under another path (--dask-store)."""
    import hashlib

    from db.load import document_path
    from db.schema import connect

    data, shared = tmp_path / "data", tmp_path / "shared-mount"
    data.mkdir()
    db = connect(data / "xxgk.db")
    for i, src in enumerate(CORPUS_FILES[:6], 1):
        blob = src.read_bytes()
        sha = hashlib.sha256(blob).hexdigest()
        document_path(data, sha).parent.mkdir(parents=True, exist_ok=True)
        document_path(data, sha).write_bytes(blob)
        db["documents"].insert({"sha256": sha, "url": f"http://x/{src.name}", "fetched_at": f"2026-01-0{i}"})
    db.conn.commit()
    db.close()
    shutil.copytree(data, shared)  # as another machine would mount it
    shutil.copy(data / "xxgk.db", tmp_path / "before.db")
    shutil.rmtree(data / "docs")  # the workers read the shared path, not this one
    argv = ["load", "-q", "--data", str(data), "--dask", cluster, "--dask-store", str(shared)]
    assert main(argv) == 0
    shutil.copy(tmp_path / "before.db", data / "local.db")
    assert main(["load", "-q", "--data", str(shared), "--db", str(data / "local.db"), "--jobs", "0"]) == 0
    a, b = dump(data / "local.db"), dump(data / "xxgk.db")
    assert len(b["reports"]) == 6 and not b["extraction_errors"]
    for table in TABLES:
        assert b[table] == a[table], table
