"""Reference apps for the service benchmark, served the same way as stancewatch.

- ``ceiling_app``: a bare Starlette endpoint returning a constant: the framework's ceiling.
- ``floor_app``: a FastAPI endpoint that calls the bare scikit-learn pipeline on one statement
  (no lexicon, no voice, no record): the model's floor.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import joblib
from fastapi import FastAPI, Request
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

CONSTANT = b'{"stance":"neutral"}'


async def constant(request: Request) -> Response:
    await request.body()
    return Response(CONSTANT, media_type="application/json")


def ceiling_app() -> Starlette:
    return Starlette(routes=[Route("/v1/predict", constant, methods=["POST"])])


def floor_app() -> FastAPI:
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pipeline"] = joblib.load(Path(os.environ["STANCEWATCH_MODEL_DIR"]) / "pipeline.joblib")
        yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/predict")
    async def predict(request: Request) -> dict[str, list[list[float]]]:
        body = await request.json()
        probabilities = state["pipeline"].predict_proba([body["instances"][0]["text"]])  # type: ignore[attr-defined]
        return {"probabilities": [p[0].tolist() for p in probabilities]}

    return app
