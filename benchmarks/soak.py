"""Steady load on the API for minutes: zero errors and flat memory (issue: reliability).

Starts `stancewatch serve --workers 2` on loopback and sends a fixed rate of requests (a mix of
single statements, batches of 20, short articles and health checks) from keep-alive connections,
sampling the workers' resident memory every 30 s. Prints errors, latency percentiles and RSS at
start (after warm-up) and end.

    python benchmarks/soak.py [--minutes 10] [--rate 300]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import default_model_dir, statements

STANCEWATCH = str(Path(sys.executable).parent / "stancewatch")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def workers_rss_mb(parent: int) -> float:
    total = 0
    for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=300, help="requests per second")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    model = default_model_dir()
    port = free_port()
    server = subprocess.Popen(
        [STANCEWATCH, "serve", "--model", str(model), "--workers", "2", "--port", str(port)],
        env={**os.environ, "STANCEWATCH_ACCESS_LOG": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    texts = statements(2000, seed=9)
    bodies = (
        [("POST", "/v1/predict", json.dumps({"instances": [{"text": texts[i]}]}).encode()) for i in range(200)]
        + [
            ("POST", "/v1/predict", json.dumps({"instances": [{"text": t} for t in texts[i : i + 20]]}).encode())
            for i in range(0, 400, 20)
        ]
        + [("POST", "/v1/analyze", json.dumps({"text": " ".join(texts[i : i + 8])}).encode()) for i in range(0, 160, 8)]
        + [("GET", "/healthz", b"")] * 20
    )
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    interval = args.threads / args.rate

    def client(offset: int, until: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        next_at = time.monotonic() + offset * interval / args.threads
        index = offset
        while next_at < until:
            time.sleep(max(0.0, next_at - time.monotonic()))
            method, path, body = bodies[index % len(bodies)]
            index += args.threads
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body or None, headers={"content-type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError as exc:
                status, connection = 0, http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                with lock:
                    errors.append(repr(exc))
            with lock:
                latencies.append(time.perf_counter() - started)
                if status not in (0, 200):
                    errors.append(f"{path}: {status}")
            next_at += interval

    client(0, time.monotonic() + 10)  # warm up, then take the starting memory figure
    latencies.clear()
    rss_start = workers_rss_mb(server.pid)
    samples = [rss_start]
    until = time.monotonic() + args.minutes * 60
    threads = [threading.Thread(target=client, args=(i, until)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        time.sleep(30)
        samples.append(workers_rss_mb(server.pid))
    rss_end = workers_rss_mb(server.pid)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    latencies.sort()
    count = len(latencies)
    print(
        f"soak: {args.minutes:g} min at {args.rate} req/s target, {count:,} requests ({count / (args.minutes * 60):.0f}/s), "
        f"errors {len(errors)}; p50 {latencies[count // 2] * 1000:.1f} ms, p99 {latencies[int(count * 0.99)] * 1000:.1f} ms"
    )
    print(
        f"worker RSS: start {rss_start:.0f} MB, end {rss_end:.0f} MB ({rss_end / rss_start - 1:+.1%}), "
        f"max {max(samples):.0f} MB over {len(samples)} samples"
    )
    if errors:
        print("first errors:", errors[:5])
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
