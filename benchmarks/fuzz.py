"""Hostile input at scale: the property and hostile-input tests with many more examples.

Runs tests/model/test_properties.py (matcher, segmenter, voice, document, predict over arbitrary
Unicode) and tests/service/test_hostile.py (the API: arbitrary Unicode, control characters,
arbitrary JSON, malformed bytes) with hypothesis raised to --examples per test, and prints how
many inputs were tried and how many failed.

    python benchmarks/fuzz.py [--examples 20000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=20_000, help="hypothesis examples per property test")
    args = parser.parse_args()
    env = {
        **os.environ,
        "STANCEWATCH_FUZZ_EXAMPLES": str(args.examples),
        "STANCEWATCH_PROPERTY_EXAMPLES": str(args.examples),
    }
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            "tests/model/test_properties.py",
            "tests/service/test_hostile.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    tried = sum(int(n) for n in re.findall(r"(\d+) passing", result.stdout))
    failing = sum(int(n) for n in re.findall(r"(\d+) failing", result.stdout))
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    print(
        f"fuzz run: {tried:,} generated inputs passed, {failing} failed, in {time.perf_counter() - started:.0f} s; "
        f"pytest: {summary}"
    )
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
