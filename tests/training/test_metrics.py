"""Metrics: hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from training.metrics import brier_score, expected_calibration_error, format_head, head_metrics

LABELS = ("favor", "against", "none")


def test_perfect_confident_predictions() -> None:
    truth = ["favor", "against", "none"]
    probabilities = np.eye(3)
    metrics = head_metrics("nato", truth, probabilities, LABELS)
    assert metrics["accuracy"] == 1.0 and metrics["macro_f1"] == 1.0 and metrics["f_avg"] == 1.0
    assert metrics["ece"] == 0.0 and metrics["brier"] == 0.0
    assert metrics["confusion"]["matrix"] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_f_avg_is_the_mean_f1_of_favor_and_against() -> None:
    truth = ["favor", "favor", "against", "none"]
    probabilities = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    metrics = head_metrics("russia", truth, probabilities, LABELS)
    favor_f1 = 2 * 1.0 * 0.5 / 1.5
    against_f1 = 2 * 0.5 * 1.0 / 1.5
    assert metrics["f_avg"] == pytest.approx((favor_f1 + against_f1) / 2)
    assert "favor" in format_head("russia", metrics)


def test_ece_of_overconfident_errors() -> None:
    # Always 90% confident and right half the time: ECE 0.4.
    truth = ["favor", "against"] * 50
    probabilities = np.tile([0.9, 0.05, 0.05], (100, 1))
    assert expected_calibration_error(truth, probabilities, LABELS) == pytest.approx(0.4)


def test_brier_of_uniform_predictions() -> None:
    probabilities = np.full((2, 3), 1 / 3)
    assert brier_score(["favor", "none"], probabilities, LABELS) == pytest.approx(2 / 3)
