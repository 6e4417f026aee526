"""What the residents' pages check before they call the API, and the reopen window they show."""

from datetime import datetime

from starlette.datastructures import FormData

from api.web.grid_map import GridMap
from api.web.my_cases import page_number, reopen_deadline
from api.web.report_case import report_input

OFFERED = {"safety.hazard"}
# An L-shaped grid: the box's top right quarter is not in it.
L_GRID = "POLYGON ((118.78 28.88, 118.80 28.88, 118.80 28.90, 118.79 28.90, 118.79 28.92, 118.78 28.92, 118.78 28.88))"
MAPS = {"330802001001001": GridMap.of(L_GRID)}
GOOD = {"category": "safety.hazard", "description": " 路灯不亮 ", "lat": "28.93", "lon": "118.87"}


def test_a_complete_form_is_a_report_case_input() -> None:
    data, refused = report_input(FormData({**GOOD, "anonymous": "on", "contact": "13800001111"}), OFFERED, {})
    assert refused is None and data == {
        "category": "safety.hazard", "description": "路灯不亮", "lat": 28.93, "lon": 118.87, "source": "RESIDENT",
        "anonymous": True, "contactPhone": "13800001111",
    }  # fmt: skip
    plain, _ = report_input(FormData(GOOD), OFFERED, {})
    assert plain is not None and plain["anonymous"] is False and "contactPhone" not in plain


def test_what_the_api_would_refuse_anyway_is_refused_before_it() -> None:
    for field, value in (("lat", "north"), ("lat", "nan"), ("lon", "inf"), ("lat", "91"), ("lon", "-180.5"),
                         ("lat", ""), ("description", "  "), ("category", "base.collection")):  # fmt: skip
        data, refused = report_input(FormData({**GOOD, field: value}), OFFERED, {})
        assert data is None and refused and refused.startswith("输入有误"), (field, value)


def test_the_reopen_window_runs_from_the_last_closing() -> None:
    steps = [{"action": "close", "at": "2026-12-01T10:00:00+08:00"}, {"action": "reopen", "at": "2026-12-02T10:00:00+08:00"},
             {"action": "close", "at": "2026-12-05T10:00:00+08:00"}]  # fmt: skip
    assert reopen_deadline({"status": "CLOSED", "steps": steps}, 15) == datetime.fromisoformat(
        "2026-12-20T10:00:00+08:00"
    )
    assert reopen_deadline({"status": "ACCEPTED", "steps": steps}, 15) is None
    assert reopen_deadline({"status": "CLOSED", "steps": []}, 15) is None


def test_a_page_number_is_a_small_positive_integer_or_the_first_page() -> None:
    assert [page_number(t) for t in ("2", None, "", "0", "-1", "x", "١", "99999")] == [2, 1, 1, 1, 1, 1, 1, 1]


def test_a_map_is_true_to_shape_and_a_click_reads_back_as_the_place() -> None:
    grid = MAPS["330802001001001"]
    assert grid.pixel(118.78, 28.92) == (8, 8)  # north-west corner at the margin
    x, y = grid.pixel(118.785, 28.91)
    assert grid.place(x, y) == (28.91, 118.785)
    east, south = grid.pixel(118.80, 28.88)
    assert south == 312 and abs(east - 8 - 304 * 0.02 * 0.8755 / 0.04) < 0.5  # a degree east is cos(lat) long
    assert grid.place(*grid.pixel(118.795, 28.91)) is None  # the missing quarter
    assert grid.place(0, 0) is None  # a keyboard press of the image button


def test_a_click_on_the_map_replaces_the_typed_place() -> None:
    x, y = MAPS["330802001001001"].pixel(118.785, 28.91)
    form = FormData({**GOOD, "map-330802001001001.x": str(round(x)), "map-330802001001001.y": str(round(y))})
    data, refused = report_input(form, OFFERED, MAPS)
    assert refused is None and data is not None
    assert abs(data["lat"] - 28.91) < 1e-4 and abs(data["lon"] - 118.785) < 1e-4
    beside = FormData({**GOOD, "map-330802001001001.x": "0", "map-330802001001001.y": "0"})
    assert report_input(beside, OFFERED, MAPS) == (
        None,
        "输入有误：请在地图上网格范围（蓝色区域）内点击问题所在位置，或填写经纬度。",
    )
    unknown = FormData({**GOOD, "map-330803001001001.x": "100", "map-330803001001001.y": "100"})
    assert report_input(unknown, OFFERED, MAPS)[0] == report_input(FormData(GOOD), OFFERED, {})[0]  # typed place
