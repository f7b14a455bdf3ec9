"""The FastAPI application: routes of SPEC section 3, the model loaded once in the lifespan.

Routes get the model and the settings through dependencies that tests override. CPU-bound
routes are plain ``def`` (they run in the thread pool and never block the event loop); scale is
worker processes (``stancewatch serve --workers N``).
"""

# No `from __future__ import annotations` here: FastAPI reads the route signatures at run time, and
# the request classes are built per app (with its limits), so they must not be strings.
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from model import __version__
from model.document import analyze_document
from model.exceptions import ArtifactError, LexiconError, ModelNotReadyError
from model.predictor import StanceModel
from service import metrics
from service.errors import install
from service.logs import configure_logging
from service.middleware import RequestMiddleware
from service.schemas import (
    ANALYZE_EXAMPLE,
    PREDICT_EXAMPLE,
    AnalyzeResponse,
    Health,
    PredictResponse,
    Readiness,
    request_models,
    with_example,
)
from service.security import AccessControl
from service.settings import LOCAL_HOSTS, Settings

log = logging.getLogger("stancewatch.service")
PAGE_DIR = Path(__file__).resolve().parent / "page"


class JSONBytes(Response):
    """A JSON response serialised once by orjson, skipping response-model validation: records
    are built by ``model`` to the documented schema already, and at 100 records per response
    orjson takes under a microsecond per record where the standard library takes ten."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


async def get_model(request: Request) -> StanceModel:
    model: StanceModel | None = request.app.state.model
    if model is None:
        raise ModelNotReadyError(
            f"The model is not loaded ({request.app.state.model_error or 'still starting'}). Retry shortly; "
            "if this persists, the operator must rebuild the model."
        )
    return model


async def check_access(request: Request) -> None:
    access: AccessControl = request.app.state.access
    access(request)


ModelDep = Annotated[StanceModel, Depends(get_model)]


def create_app(settings: Settings | None = None, model: StanceModel | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to the ``STANCEWATCH_*`` environment.
    model : StanceModel, optional
        A model to serve as is (tests); otherwise the lifespan loads ``settings.model_dir``.
    """
    settings = settings or Settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.model = model
        app.state.model_error = ""
        if app.state.model is None:
            try:
                app.state.model = StanceModel.load(settings.model_dir)
                log.info("model loaded", extra={"model": app.state.model.info, "directory": str(settings.model_dir)})
            except (ArtifactError, LexiconError) as exc:
                app.state.model_error = str(exc)
                log.error("model not loaded: %s", exc)
                if settings.exit_on_bad_model:
                    raise
        if settings.host not in LOCAL_HOSTS and not settings.keys_required:
            log.warning(
                "serving on %s without API keys: set STANCEWATCH_API_KEYS or STANCEWATCH_API_KEY_FILE", settings.host
            )
        yield
        log.info("shutting down")

    app = FastAPI(
        title="stancewatch",
        version=__version__,
        summary="Stance toward NATO and Russia, voice, and loaded framing in statements and news text.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.model = model
    app.state.model_error = ""
    app.state.access = AccessControl(settings)
    install(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization", "X-Request-ID"],
        )
    app.add_middleware(
        RequestMiddleware, max_body_bytes=settings.max_body_bytes, access_log_enabled=settings.access_log
    )

    protected = [Depends(check_access)]
    PredictRequest, AnalyzeRequest = request_models(
        settings.max_texts_per_request, settings.max_chars_per_text, settings.max_article_chars
    )

    def run_predict(body: Any, model: StanceModel) -> JSONBytes:
        texts = [instance.text for instance in body.instances]
        ids = [
            instance.id if instance.id is not None else str(position)
            for position, instance in enumerate(body.instances)
        ]
        records = model.predict(texts, ids=ids, explain=body.explain)
        metrics.observe_records(records)
        return JSONBytes({"model": model.info, "predictions": records})

    predict_route = app.post(
        "/v1/predict", response_model=PredictResponse, responses=with_example(PREDICT_EXAMPLE), dependencies=protected
    )
    if settings.predict_in_event_loop:
        # Measured (benchmarks/bench_service.py, docs/performance.md): a prediction of a few
        # hundred microseconds costs less than the hop to the thread pool, so running it inline
        # gives higher throughput and a lower p99; the largest allowed batch still returns
        # within the event-loop stall budget checked by the same benchmark.
        @predict_route
        async def predict(body: PredictRequest, model: ModelDep) -> JSONBytes:  # type: ignore[valid-type]
            """Predict stance, per-target stance, voice and loaded terms for 1 to N statements."""
            return run_predict(body, model)
    else:

        @predict_route
        def predict_in_thread(body: PredictRequest, model: ModelDep) -> JSONBytes:  # type: ignore[valid-type]
            """Predict stance, per-target stance, voice and loaded terms for 1 to N statements."""
            return run_predict(body, model)

    @app.post(
        "/v1/analyze", response_model=AnalyzeResponse, responses=with_example(ANALYZE_EXAMPLE), dependencies=protected
    )
    def analyze(body: AnalyzeRequest, model: ModelDep) -> JSONBytes:  # type: ignore[valid-type]
        """Analyse one article: sentence records, speakers, framing and a document stance."""
        article: Any = body
        result = analyze_document(model, article.text, title=article.title)
        metrics.observe_records(result["sentences"])
        return JSONBytes({"model": model.info, "id": article.id, **result})

    @app.get("/v1/model", dependencies=protected)
    def model_card(model: ModelDep) -> JSONBytes:
        """The model card: name, version, labels, training data hash, metrics, lexicon version."""
        return JSONBytes({**model.metadata, "model": model.info})

    @app.get("/v1/lexicon", dependencies=protected)
    def lexicon(model: ModelDep) -> JSONBytes:
        """The loaded-term lexicon, with categories, neutral alternatives and target aliases."""
        return JSONBytes(model.lexicon.as_dict())

    @app.get("/healthz", response_model=Health)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
    async def readyz(request: Request) -> JSONBytes:
        """Readiness: true once the model is loaded."""
        loaded: StanceModel | None = request.app.state.model
        if loaded is None:
            return JSONBytes({"ready": False, "model": None}, status_code=503)
        return JSONBytes({"ready": True, "model": loaded.info})

    @app.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        """Prometheus metrics."""
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        """The analysts' page."""
        return FileResponse(PAGE_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=PAGE_DIR), name="static")
    return app


def default_app() -> FastAPI:
    """Factory for ``uvicorn --factory service.app:default_app`` (settings from the environment)."""
    return create_app()
