"""Checks of prediction payloads that need no model: text that cannot be encoded is refused before the model runs."""

from __future__ import annotations

import pytest

from backend.application.prediction_payloads import PayloadError, check_payload

pytestmark = pytest.mark.unit

TEXT_SIGNATURE = {"inputs": [{"name": "text", "shape": [None, 1], "dtype": "string"}]}


def test_unpaired_surrogate_refused() -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload({"instances": [["fine"], ["bad \ud800 text"]]}, TEXT_SIGNATURE)

    assert raised.value.field == "instances[1][0]"
    assert "unpaired surrogate U+D800 at index 4" in raised.value.message
    assert raised.value.received == "an unpaired surrogate at index 4"


def test_valid_text_accepted() -> None:
    request = check_payload({"instances": [["naïve café"], ["日本語のレビュー"]]}, TEXT_SIGNATURE)

    assert request.rows == 2
