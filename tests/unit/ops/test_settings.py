"""Settings read from the environment: the limits and purpose codes of the trust issue."""

import pytest

from api.limits import Limits
from api.purpose import DEFAULT_REASON_CODES
from ops.settings import load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.limits.max_body_bytes == Limits.max_body_bytes == 1_048_576
    assert settings.reason_codes == DEFAULT_REASON_CODES
    assert "public-service" in settings.reason_codes and "law-enforcement" in settings.reason_codes


def test_configured() -> None:
    settings = load_settings({"WANGGE_MAX_BODY_BYTES": "65536", "WANGGE_PURPOSE_CODES": "flood-drill,dispute"})
    assert settings.limits.max_body_bytes == 65536
    assert settings.reason_codes == {"flood-drill", "dispute"}


def test_malformed_purpose_codes_stop_start_up() -> None:
    with pytest.raises(ValueError, match="WANGGE_PURPOSE_CODES"):
        load_settings({"WANGGE_PURPOSE_CODES": "dispute,reason:x"})
