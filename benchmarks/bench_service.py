"""Throughput and latency of the prediction service on loopback (issue: the prediction service).

Starts each server with 2 worker processes, drives it with wrk (Debian: apt-get install wrk)
and prints, from one run:
- full record, one statement per request, 32 clients: requests/s, p50, p99 (targets: >= 1,500/s,
  p99 <= 50 ms); 1 client: p50 (target <= 2 ms); batches of 100: statements/s (>= 20,000/s);
- the same load on a bare Starlette constant endpoint (ceiling) and on a FastAPI endpoint that
  calls the bare scikit-learn pipeline (floor), and the ratios (full record within 2x of the floor);
- /v1/predict as `async def` (inline) against plain `def` (thread pool);
- /healthz latency while batches of the maximum size are being scored (target: no stall > 100 ms);
- CPU used by each worker (load spread across both);
- a soak at 32 clients (default 60 s): errors, and resident memory of the workers before and after
  (target: within 10%).

    python benchmarks/bench_service.py [--seconds 10] [--soak 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import default_model_dir, statements, table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/readyz" if "stancewatch" in " ".join(command) else "/")
            connection.getresponse().read()
            break
        except OSError:
            time.sleep(0.3)
    time.sleep(1.0)  # let every worker finish start-up
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def stancewatch(port: int, model: Path, **settings: str) -> tuple[list[str], dict[str, str]]:
    env = {f"STANCEWATCH_{k.upper()}": v for k, v in settings.items()}
    return [
        str(Path(PYTHON).parent / "stancewatch"),
        "serve",
        "--model",
        str(model),
        "--workers",
        "2",
        "--port",
        str(port),
    ], env


def reference(port: int, factory: str, model: Path) -> tuple[list[str], dict[str, str]]:
    return [
        PYTHON,
        "-m",
        "uvicorn",
        f"service_apps:{factory}",
        "--factory",
        "--workers",
        "2",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--app-dir",
        str(Path(__file__).parent),
    ], {"STANCEWATCH_MODEL_DIR": str(model)}


def wrk(port: int, body: str, clients: int, seconds: int, path: str = "/v1/predict") -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = {json.dumps(body)}\n'
        )
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def latency(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def workers(process: subprocess.Popen[bytes]) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    nested = [
        c
        for pid in children
        for c in subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
    ]
    # uvicorn's supervisor spawns the workers; skip its resource tracker (no open sockets of its own).
    return [int(pid) for pid in nested + children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def healthz_during_batches(port: int, batch_body: str, seconds: int) -> tuple[float, float]:
    """Max and p99 /healthz latency (ms) while 4 clients send maximum-size batches."""
    load = subprocess.Popen(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", "/dev/stdin", f"http://127.0.0.1:{port}/v1/predict"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert load.stdin is not None
    load.stdin.write(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = {json.dumps(batch_body)}\n'
    )
    load.stdin.close()
    time.sleep(1)
    timings = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    deadline = time.monotonic() + seconds - 2
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(0.01)
    load.wait()
    timings.sort()
    return timings[-1], timings[int(len(timings) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--soak", type=int, default=60, help="length of the soak run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed as the load generator: apt-get install wrk")
    model = default_model_dir()
    texts = statements(300, seed=1)
    one = json.dumps({"instances": [{"text": texts[0]}]})
    hundred = json.dumps({"instances": [{"text": t} for t in texts[:100]]})
    maximum = json.dumps({"instances": [{"text": texts[i % len(texts)]} for i in range(256)]})
    rows: list[tuple[str, str, str]] = []

    port = free_port()
    with server(*reference(port, "ceiling_app", model), port):
        ceiling = wrk(port, one, 32, args.seconds)
    port = free_port()
    with server(*reference(port, "floor_app", model), port):
        floor = wrk(port, one, 32, args.seconds)
    port = free_port()
    with server(*stancewatch(port, model, predict_in_event_loop="false"), port):
        threaded = wrk(port, one, 32, args.seconds)
    port = free_port()
    with server(*stancewatch(port, model), port) as process:
        pids = workers(process)
        cpu_before = [cpu_seconds(pid) for pid in pids]
        full = wrk(port, one, 32, args.seconds)
        cpu_used = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
        single = wrk(port, one, 1, max(3, args.seconds // 2))
        batch = wrk(port, hundred, 8, args.seconds)
        stall_max, stall_p99 = healthz_during_batches(port, maximum, max(6, args.seconds))
        rss_before = sum(rss_mb(pid) for pid in pids)
        soak = wrk(port, one, 32, args.soak)
        rss_after = sum(rss_mb(pid) for pid in pids)

    rows += [
        (
            "ceiling: bare Starlette constant",
            f"{ceiling['rps']:,.0f} req/s",
            f"p50 {ceiling['p50']:.2f} ms, p99 {ceiling['p99']:.2f} ms",
        ),
        (
            "floor: FastAPI + bare pipeline",
            f"{floor['rps']:,.0f} req/s",
            f"p50 {floor['p50']:.2f} ms, p99 {floor['p99']:.2f} ms",
        ),
        (
            "full record, async def (inline)",
            f"{full['rps']:,.0f} req/s",
            f"p50 {full['p50']:.2f} ms, p99 {full['p99']:.2f} ms; targets >= 1,500 req/s, p99 <= 50 ms",
        ),
        (
            "full record, def (thread pool)",
            f"{threaded['rps']:,.0f} req/s",
            f"p50 {threaded['p50']:.2f} ms, p99 {threaded['p99']:.2f} ms",
        ),
        ("full / ceiling", f"{full['rps'] / ceiling['rps']:.2f}", "share of the framework's ceiling"),
        (
            "full / floor",
            f"{full['rps'] / floor['rps']:.2f}",
            "target >= 0.5 (full record within 2x of the bare pipeline)",
        ),
        ("one client, p50", f"{single['p50']:.2f} ms", f"p99 {single['p99']:.2f} ms; target p50 <= 2 ms"),
        ("batches of 100, 8 clients", f"{batch['rps'] * 100:,.0f} stmt/s", "target >= 20,000 statements/s"),
        (
            "/healthz during 256-statement batches",
            f"max {stall_max:.1f} ms",
            f"p99 {stall_p99:.1f} ms; target max <= 100 ms",
        ),
        (
            "CPU per worker (32 clients)",
            " / ".join(f"{c:.1f} s" for c in cpu_used),
            f"over {args.seconds} s; spread {min(cpu_used) / max(cpu_used):.0%} of the busier worker",
        ),
        (f"soak {args.soak} s at 32 clients", f"{soak['rps']:,.0f} req/s", f"errors {full['errors'] + soak['errors']}"),
        (
            "worker RSS before / after soak",
            f"{rss_before:.0f} / {rss_after:.0f} MB",
            f"change {rss_after / rss_before - 1:+.1%}; target within 10%",
        ),
    ]
    print(
        f"service benchmark: loopback, 2 workers per server, wrk, {os.cpu_count()} cores shared with the load generator"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
