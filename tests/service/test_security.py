"""Access control: API keys (settings or file), revocation, rate limits, keys kept out of logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

BODY = {"instances": [{"text": "NATO expansion threatens Russia"}]}
KEY = "k-3f9a7c1e55d2"


def test_open_by_default_on_localhost(client: TestClient) -> None:
    assert client.post("/v1/predict", json=BODY).status_code == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="missing"),
        pytest.param({"x-api-key": "wrong"}, 401, id="wrong"),
        pytest.param({"x-api-key": "k-revoked-000"}, 401, id="revoked"),
        pytest.param({"x-api-key": KEY}, 200, id="valid-header"),
        pytest.param({"authorization": f"Bearer {KEY}"}, 200, id="valid-bearer"),
    ],
)
def test_keys(make_client, headers: dict[str, str], status: int) -> None:  # type: ignore[no-untyped-def]
    client = make_client(api_keys=f"{KEY},k-revoked-000", revoked_keys="k-revoked-000")
    response = client.post("/v1/predict", json=BODY, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"


def test_key_file(make_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = tmp_path / "keys"
    keys.write_text(f"# team keys\n{KEY}  # monitoring pipeline\n\n")
    client = make_client(api_key_file=keys)
    assert client.post("/v1/predict", json=BODY).status_code == 401
    assert client.post("/v1/predict", json=BODY, headers={"x-api-key": KEY}).status_code == 200


def test_health_and_page_need_no_key(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(api_keys=KEY)
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/v1/model").status_code == 401


def test_rate_limit_per_key_with_retry_after(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(api_keys=f"{KEY},k-other-key-1", rate_limit="3/minute")
    statuses = [client.post("/v1/predict", json=BODY, headers={"x-api-key": KEY}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.post("/v1/predict", json=BODY, headers={"x-api-key": KEY})
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"]["code"] == "rate_limited"
    # Another key has its own budget.
    assert client.post("/v1/predict", json=BODY, headers={"x-api-key": "k-other-key-1"}).status_code == 200


def test_keys_never_reach_logs_or_error_bodies(make_client, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    client = make_client(api_keys=KEY)
    secret_attempt = "k-attacker-guess-42"
    with caplog.at_level(logging.DEBUG):
        ok = client.post("/v1/predict", json=BODY, headers={"x-api-key": KEY})
        bad = client.post("/v1/predict", json=BODY, headers={"x-api-key": secret_attempt})
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert KEY not in logged and secret_attempt not in logged
    assert KEY not in ok.text and secret_attempt not in bad.text
    # The access log still says which key was used, by fingerprint.
    assert any(getattr(record, "key_id", "") for record in caplog.records)


def test_cors_is_off_unless_configured(make_client) -> None:  # type: ignore[no-untyped-def]
    closed = make_client()
    preflight = {"origin": "https://monitor.example", "access-control-request-method": "POST"}
    assert "access-control-allow-origin" not in closed.options("/v1/predict", headers=preflight).headers
    opened = make_client(cors_origins="https://monitor.example")
    response = opened.options("/v1/predict", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://monitor.example"
