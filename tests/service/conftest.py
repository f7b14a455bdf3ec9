from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture
def make_client(toy_model_dir: Path) -> Iterator[object]:
    """Build a TestClient for the toy model with the given settings."""
    clients: list[TestClient] = []

    def build(**settings: object) -> TestClient:
        client = TestClient(create_app(Settings(model_dir=toy_model_dir, **settings)))  # type: ignore[arg-type]
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:  # type: ignore[no-untyped-def]
    return make_client()  # type: ignore[no-any-return]
