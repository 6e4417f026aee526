"""Settings read from the environment: the limits and purpose codes of the trust issue."""

import pytest

from api.limits import Limits
from api.purpose import DEFAULT_REASON_CODES
from ops.errors import OperatorError
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
    with pytest.raises(OperatorError, match="WANGGE_PURPOSE_CODES"):
        load_settings({"WANGGE_PURPOSE_CODES": "dispute,reason:x"})


@pytest.mark.parametrize("value", ["abc", "", "-1", "1.5", "0"])
def test_a_count_that_is_not_a_whole_number_names_its_variable(value: str) -> None:
    with pytest.raises(OperatorError, match=f"WANGGE_MAX_DEPTH='{value}' is not a whole number"):
        load_settings({"WANGGE_MAX_DEPTH": value})


def test_a_token_leeway_of_zero_is_allowed() -> None:
    assert load_settings({"WANGGE_TOKEN_LEEWAY": "0"}).token_leeway == 0


def test_in_flight_bound_defaults_to_four_and_refuses_zero() -> None:
    assert load_settings({}).max_in_flight == 4
    assert load_settings({"WANGGE_MAX_IN_FLIGHT": "16"}).max_in_flight == 16
    with pytest.raises(OperatorError, match="WANGGE_MAX_IN_FLIGHT='0' is not a whole number ≥ 1"):
        load_settings({"WANGGE_MAX_IN_FLIGHT": "0"})
