"""The HTTP API: routes, shapes, limits and errors (SPEC section 3)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


def test_predict_one_and_many_same_shape(client: TestClient) -> None:
    one = client.post("/v1/predict", json={"instances": [{"id": "a", "text": "NATO expansion threatens Russia"}]})
    many = client.post("/v1/predict", json={"instances": [{"text": f"Delegates met {i} times"} for i in range(20)]})
    assert one.status_code == many.status_code == 200
    assert one.json()["model"] == {
        "name": "toy",
        "version": "toy-1",
        "lexicon_version": one.json()["model"]["lexicon_version"],
    }
    records = one.json()["predictions"] + many.json()["predictions"]
    assert {tuple(sorted(r)) for r in records} == {tuple(sorted(records[0]))}
    assert records[0]["id"] == "a" and records[1]["id"] == "0"
    for record in records:
        assert math.isclose(sum(record["scores"].values()), 1.0, rel_tol=1e-6)


def test_predict_explain_and_loaded_terms(client: TestClient) -> None:
    text = '"The Kiev regime must go," the spokesman said.'
    record = client.post("/v1/predict", json={"instances": [{"text": text}], "explain": True}).json()["predictions"][0]
    assert record["voice"] == "quoted" and record["speaker"] == "the spokesman"
    assert record["loaded_terms"][0]["term"] == "Kiev regime" and record["loaded_terms"][0]["voice"] == "quoted"
    assert "explanation" in record


def test_analyze_returns_the_document_result(client: TestClient) -> None:
    body = {
        "id": "doc-1",
        "title": "Havana sides with Moscow",
        "text": "The Cuban regime backed Moscow. Delegates met in Geneva.",
    }
    result = client.post("/v1/analyze", json=body).json()
    assert result["id"] == "doc-1"
    assert [s["part"] for s in result["sentences"]] == ["title", "text", "text"]
    assert {"speakers", "framing", "stance", "model"} <= set(result)
    assert result["framing"]["by_target"] == {"Cuba": {"author": 1}}


def test_model_and_lexicon_routes(client: TestClient) -> None:
    card = client.get("/v1/model").json()
    assert card["name"] == "toy" and card["model"]["lexicon_version"]
    lexicon = client.get("/v1/lexicon").json()
    assert {e["id"] for e in lexicon["entries"]} >= {"regime", "kiev_regime"}
    assert lexicon["version"] == card["model"]["lexicon_version"]


def test_health_readiness_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["ready"] is True
    client.post("/v1/predict", json={"instances": [{"text": '"The Kiev regime lies," he said.'}]})
    metrics = client.get("/metrics").text
    assert 'stancewatch_requests_total{method="POST",route="/v1/predict",status="200"}' in metrics
    assert 'stancewatch_loaded_terms_total{category="delegitimizing_label",voice="quoted"}' in metrics
    assert "stancewatch_predictions_total" in metrics


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param({"instances": []}, 422, "at least 1 item", id="no-instances"),
        pytest.param({"instances": [{"text": 5}]}, 422, "instances.0.text", id="wrong-type"),
        pytest.param(
            {"instances": [{"text": "   "}]}, 422, "instances.0.text: String should match pattern", id="blank-text"
        ),
        pytest.param({"instances": [{"text": "x"}], "colour": 1}, 422, "colour", id="unknown-field"),
        pytest.param(
            {"instances": [{"text": "x"}] * 3},
            413,
            "instances: List should have at most 2 items",
            id="too-many-instances",
        ),
        pytest.param(
            {"instances": [{"text": "x" * 101}]},
            413,
            "instances.0.text: String should have at most 100 characters",
            id="text-too-long",
        ),
        pytest.param(
            {"instances": [{"text": "x"}], "explain": 1},
            422,
            "explain: Input should be a valid boolean",
            id="strict-types",
        ),
    ],
)
def test_errors_are_json_with_the_right_status(make_client, body: object, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    client = make_client(max_texts_per_request=2, max_chars_per_text=100)
    response = client.post("/v1/predict", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"code", "message"} and message in error["message"]
    assert "Traceback" not in response.text


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    response = client.post("/v1/predict", content=b'{"instances": [', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_body_cap_holds_before_parsing(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(max_body_bytes=2048)
    response = client.post("/v1/predict", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "2048 bytes" in response.json()["error"]["message"]

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"instances": [{"text": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}]}'

    chunked = client.post("/v1/predict", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413


def test_article_limit(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(max_article_chars=50)
    response = client.post("/v1/analyze", json={"text": "word " * 20})
    assert response.status_code == 413 and "at most 50 characters" in response.json()["error"]["message"]


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/v2/predict").json()["error"]["code"] == "not_found"
    assert client.get("/v1/predict").status_code == 405


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"x-request-id": "bad id with spaces"}).headers["x-request-id"]
    assert made != "bad id with spaces" and len(made) == 32


def test_bad_model_keeps_serving_with_503_when_configured(tmp_path: Path) -> None:
    app = create_app(Settings(model_dir=tmp_path / "missing", exit_on_bad_model=False))
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 503
        response = client.post("/v1/predict", json={"instances": [{"text": "x"}]})
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        assert "metadata.json is missing" in response.json()["error"]["message"]
        assert client.get("/healthz").status_code == 200


def test_bad_model_stops_start_up_by_default(tmp_path: Path) -> None:
    from model.exceptions import ArtifactError

    app = create_app(Settings(model_dir=tmp_path / "missing"))
    with pytest.raises(ArtifactError, match=r"metadata\.json is missing"), TestClient(app):
        pass


def test_unexpected_errors_are_500_without_a_trace(toy_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model.predictor import StanceModel

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(StanceModel, "predict", explode)
    with TestClient(create_app(Settings(model_dir=toy_model_dir)), raise_server_exceptions=False) as client:
        response = client.post("/v1/predict", json={"instances": [{"text": "hello"}]})
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert json.loads(response.text)["error"]["code"] == "internal_error"


def test_page_is_served_with_a_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "stancewatch" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert client.get("/static/app.js").status_code == 200


def test_openapi_documents_every_route_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/predict", "/v1/analyze", "/v1/model", "/v1/lexicon", "/healthz", "/readyz"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert schemas["PredictRequest"]["examples"]
    responses = spec["paths"]["/v1/predict"]["post"]["responses"]
    assert "413" in responses
    assert responses["200"]["content"]["application/json"]["example"]["predictions"][0]["stance"] == "pro_russia"
    assert spec["paths"]["/v1/analyze"]["post"]["responses"]["200"]["content"]["application/json"]["example"]
