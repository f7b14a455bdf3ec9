"""Prometheus metrics: requests, latencies, predictions by label, loaded terms by category.

With several worker processes, ``stancewatch serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` so that
``/metrics`` aggregates every worker, as prometheus_client's multiprocess mode prescribes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter(
    "stancewatch_requests_total", "HTTP requests by route, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "stancewatch_request_seconds",
    "HTTP request latency by route.",
    ["route"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
PREDICTIONS = Counter("stancewatch_predictions_total", "Statements predicted, by head and label.", ["head", "label"])
LOADED_TERMS = Counter(
    "stancewatch_loaded_terms_total", "Loaded terms found, by category and voice.", ["category", "voice"]
)


def observe_records(records: Iterable[Any]) -> None:
    """Count the labels and loaded terms of prediction records."""
    stance: dict[str, int] = {}
    targets: dict[tuple[str, str], int] = {}
    terms: dict[tuple[str, str], int] = {}
    for record in records:
        stance[record["stance"]] = stance.get(record["stance"], 0) + 1
        for head, result in record["targets"].items():
            key = (head, result["label"])
            targets[key] = targets.get(key, 0) + 1
        for term in record["loaded_terms"]:
            key = (term["category"], term["voice"])
            terms[key] = terms.get(key, 0) + 1
    # Counting per batch, not per record, keeps the metrics cost independent of batch size.
    for label, count in stance.items():
        PREDICTIONS.labels("stance", label).inc(count)
    for (head, label), count in targets.items():
        PREDICTIONS.labels(head, label).inc(count)
    for (category, voice), count in terms.items():
        LOADED_TERMS.labels(category, voice).inc(count)


def render() -> tuple[bytes, str]:
    """The metrics exposition and its content type, aggregated over workers when multiprocess."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
