"""The server as operators run it: `stancewatch serve` in its own processes.

A tampered model stops start-up with a clear message and a non-zero exit; a worker killed under
load is replaced while the other keeps answering; SIGTERM shuts down cleanly.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

STANCEWATCH = str(Path(sys.executable).parent / "stancewatch")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(port: int, method: str, path: str, body: bytes | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers={"content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def get(port: int, path: str) -> int:
    return request(port, "GET", path)


def post(port: int) -> int:
    return request(port, "POST", "/v1/predict", b'{"instances": [{"text": "NATO expansion threatens Russia"}]}')


def wait_ready(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            if get(port, "/readyz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail("the server did not become ready")


def workers(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}


@pytest.fixture
def serve(toy_model_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = subprocess.Popen(
        [STANCEWATCH, "serve", "--model", str(toy_model_dir), "--workers", "2", "--port", str(port)],
        env={**os.environ, "STANCEWATCH_ACCESS_LOG": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so that no worker outlives the test
    )
    try:
        wait_ready(port, process)
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # workers orphaned by a killed supervisor


def test_tampered_model_stops_start_up_with_a_clear_message(toy_model_dir: Path, tmp_path: Path) -> None:
    model = Path(shutil.copytree(toy_model_dir, tmp_path / "model"))
    pipeline = model / "pipeline.joblib"
    pipeline.write_bytes(pipeline.read_bytes()[:-10])
    result = subprocess.run(
        [STANCEWATCH, "serve", "--model", str(model), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "modified or truncated" in result.stderr and "stancewatch train" in result.stderr
    assert "Traceback" not in result.stderr


def test_killed_worker_is_replaced_and_the_service_keeps_answering(serve: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = serve
    before = workers(process.pid)
    assert len(before) == 2
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    statuses = []
    deadline = time.monotonic() + 20
    replaced = False
    while time.monotonic() < deadline:
        try:
            statuses.append(post(port))
        except OSError:
            statuses.append(0)  # a request in flight on the killed worker
        current = workers(process.pid)
        if len(current) == 2 and victim not in current:
            replaced = True
            if len(statuses) > 20:
                break
        time.sleep(0.05)
    assert replaced, "no replacement worker appeared"
    assert statuses.count(200) >= len(statuses) - 1, statuses
    assert post(port) == 200


def test_sigterm_shuts_down_cleanly(serve: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = serve
    assert post(port) == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
