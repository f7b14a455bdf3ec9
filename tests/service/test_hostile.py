"""Hostile input against the API: arbitrary Unicode, control characters, lone surrogates escaped
in JSON, megabyte strings, deeply nested or malformed JSON, wrong types, huge batches.

Zero 5xx; every rejection is the SPEC's JSON error with the right status. The example count
is raised for a long run with STANCEWATCH_FUZZ_EXAMPLES (see benchmarks/fuzz.py for the
figures in docs/reliability.md).
"""

from __future__ import annotations

import json
import os

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.textnorm import fold
from service.app import create_app
from service.settings import Settings

EXAMPLES = int(os.environ.get("STANCEWATCH_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
ALLOWED = {200, 400, 413, 422}

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def client(toy_model_dir):  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(model_dir=toy_model_dir, max_chars_per_text=1_100_000, max_body_bytes=3_000_000, access_log=False)
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def check(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in ALLOWED, (response.status_code, response.text[:300])
    body = response.json()
    if response.status_code != 200:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
        assert "Traceback" not in response.text


@FUZZ
@given(text=st.text(min_size=1, max_size=300))
def test_arbitrary_unicode_statements(client: TestClient, text: str) -> None:
    response = client.post("/v1/predict", json={"instances": [{"text": text}], "explain": True})
    check(response)
    if response.status_code == 200:
        prediction = response.json()["predictions"][0]
        for term in prediction["loaded_terms"]:
            assert text[term["start"] : term["end"]] == term["term"]
        for item in prediction["explanation"]:
            for start, end in item["spans"]:  # spans index the text as received
                assert 0 <= start < end <= len(text)
                words = item["feature"].split(" ")
                assert fold(text[start:end]).startswith(words[0]) and fold(text[start:end]).endswith(words[-1])


@FUZZ
@given(text=st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=50))
def test_control_characters(client: TestClient, text: str) -> None:
    check(client.post("/v1/analyze", json={"text": text, "title": text}))


@FUZZ
@given(body=JSON_VALUES)
def test_arbitrary_json_bodies(client: TestClient, body: object) -> None:
    check(client.post("/v1/predict", content=json.dumps(body), headers={"content-type": "application/json"}))
    check(client.post("/v1/analyze", content=json.dumps(body), headers={"content-type": "application/json"}))


@FUZZ
@given(raw=st.binary(max_size=200))
def test_malformed_bytes(client: TestClient, raw: bytes) -> None:
    check(client.post("/v1/predict", content=raw, headers={"content-type": "application/json"}))


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"instances": [{"text": "\\ud800 lone surrogate"}]}', id="lone-high-surrogate"),
        pytest.param('{"instances": [{"text": "\\udfff"}]}', id="lone-low-surrogate"),
        pytest.param('{"instances": [{"text": "ok \\u0000 nul"}]}', id="nul"),
        pytest.param("[" * 5000 + "]" * 5000, id="deeply-nested-array"),
        pytest.param('{"a":' * 3000 + "1" + "}" * 3000, id="deeply-nested-object"),
        pytest.param('{"instances": [{"text": "x"}], "instances": 5}', id="duplicate-key"),
        pytest.param('{"instances": "not a list"}', id="wrong-type"),
        pytest.param('{"instances": [{"text": "unterminated', id="truncated"),
        pytest.param("", id="empty-body"),
        pytest.param("null", id="null"),
    ],
)
def test_pathological_json(client: TestClient, raw: str) -> None:
    check(
        client.post(
            "/v1/predict", content=raw.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"}
        )
    )


def test_megabyte_statement_and_article(client: TestClient) -> None:
    text = ("The Kiev regime said “NATO is a threat,” according to the ministry. " * 15_000)[:1_000_000]
    check(client.post("/v1/predict", json={"instances": [{"text": text}]}))
    check(client.post("/v1/analyze", json={"text": text[:190_000]}))


def test_huge_batch_is_refused_not_crashed(client: TestClient) -> None:
    response = client.post("/v1/predict", json={"instances": [{"text": "x"}] * 100_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_service_keeps_serving_after_hostile_input(client: TestClient) -> None:
    client.post("/v1/predict", content=b"\xff\xfe garbage", headers={"content-type": "application/json"})
    response = client.post("/v1/predict", json={"instances": [{"text": "NATO expansion threatens Russia"}]})
    assert response.status_code == 200
