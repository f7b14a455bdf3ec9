"""Contract: schemathesis generates requests from the app's own OpenAPI and checks that no
response is a 5xx and every response matches its documented schema.

The schema is loaded at import (schemathesis parametrizes at collection), from an app serving
the toy model built into a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from model.predictor import StanceModel
from service.app import create_app
from service.settings import Settings
from tests.conftest import build_toy_model, write_toy_lexicon

# Enough examples per operation to reach each field's bounds; STANCEWATCH_CONTRACT_EXAMPLES
# raises it for a long run.
EXAMPLES = int(os.environ.get("STANCEWATCH_CONTRACT_EXAMPLES", "150"))

_folder = Path(tempfile.mkdtemp(prefix="stancewatch-contract-"))
_model_dir = build_toy_model(_folder / "model", write_toy_lexicon(_folder / "lexicon"))
app = create_app(
    Settings(model_dir=_model_dir, max_texts_per_request=64, max_chars_per_text=5000),
    model=StanceModel.load(_model_dir),
)
# A request over a size limit is refused with 413 (SPEC section 3); schemathesis must accept
# that as a rejection of schema-violating data, beside 400/422.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {"expected-statuses": ["400", "401", "404", "405", "406", "413", "415", "422"]}
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
