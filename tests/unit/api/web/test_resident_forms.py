"""What the residents' pages check before they call the API, and the reopen window they show."""

from datetime import datetime

from starlette.datastructures import FormData

from api.web.my_cases import page_number, reopen_until
from api.web.report_case import report_input

OFFERED = {"safety.hazard"}
GOOD = {"category": "safety.hazard", "description": " 路灯不亮 ", "lat": "28.93", "lon": "118.87"}


def test_a_complete_form_is_a_report_case_input() -> None:
    data, refused = report_input(FormData({**GOOD, "anonymous": "on", "contact": "13800001111"}), OFFERED)
    assert refused is None and data == {
        "category": "safety.hazard", "description": "路灯不亮", "lat": 28.93, "lon": 118.87, "source": "RESIDENT",
        "anonymous": True, "contactPhone": "13800001111",
    }  # fmt: skip
    plain, _ = report_input(FormData(GOOD), OFFERED)
    assert plain is not None and plain["anonymous"] is False and "contactPhone" not in plain


def test_what_the_api_would_refuse_anyway_is_refused_before_it() -> None:
    for field, value in (("lat", "north"), ("lat", "nan"), ("lon", "inf"), ("lat", "91"), ("lon", "-180.5"),
                         ("lat", ""), ("description", "  "), ("category", "base.collection")):  # fmt: skip
        data, refused = report_input(FormData({**GOOD, field: value}), OFFERED)
        assert data is None and refused and refused.startswith("输入有误"), (field, value)


def test_the_reopen_window_runs_from_the_last_closing() -> None:
    steps = [{"action": "close", "at": "2026-12-01T10:00:00+08:00"}, {"action": "reopen", "at": "2026-12-02T10:00:00+08:00"},
             {"action": "close", "at": "2026-12-05T10:00:00+08:00"}]  # fmt: skip
    assert reopen_until({"status": "CLOSED", "steps": steps}, 15) == datetime.fromisoformat("2026-12-20T10:00:00+08:00")
    assert reopen_until({"status": "ACCEPTED", "steps": steps}, 15) is None
    assert reopen_until({"status": "CLOSED", "steps": []}, 15) is None


def test_a_page_number_is_a_small_positive_integer_or_the_first_page() -> None:
    assert [page_number(t) for t in ("2", None, "", "0", "-1", "x", "١", "99999")] == [2, 1, 1, 1, 1, 1, 1, 1]
