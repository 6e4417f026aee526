"""Intake over HTTP on both engines: routing by building and by point (inside, on a boundary,
outside every grid), duplicates linked to the first report, and refused input that changes nothing."""

from api import global_id
from graph_model.cypher.maintenance import COUNT_NODES_BY_LABEL
from graph_model.store import GraphStore
from tests.common.cases import CENTRE, G0, G1, WORKER, CaseApi, code, spot
from tests.common.samples import Samples


async def _cases_in_graph(store: GraphStore) -> int:
    return next((r["n"] for r in await store.read(COUNT_NODES_BY_LABEL) if r["label"] == "Case"), 0)


async def test_routing_by_point_and_building(cases: CaseApi, samples: Samples) -> None:
    inside_g1 = (await cases.report(WORKER, lat=28.9, lon=118.802))["data"]["reportCase"]
    assert inside_g1["grid"]["code"] == G1
    # (118.796756, 28.88) is a corner of both G0 and G1: the lower code takes it, whatever the tree's order
    shared = (await cases.report(WORKER, lat=28.88, lon=118.796756, category="city.environment"))["data"]
    assert shared["reportCase"]["grid"]["code"] == G0
    west_edge = (await cases.report(WORKER, lat=28.9, lon=118.78, category="safety.fire"))["data"]["reportCase"]
    assert west_edge["grid"]["code"] == G0
    building = global_id.encode("Building", samples.building)
    by_building = (await cases.report(WORKER, buildingId=building, category="service.proxy"))["data"]["reportCase"]
    assert by_building["grid"]["code"] == samples.grids[0]


async def test_refused_reports_create_nothing(cases: CaseApi, store: GraphStore) -> None:
    before = await _cases_in_graph(store)
    refused = {
        "outside every grid": {"lat": 30.0, "lon": 120.0},
        "no place": {},
        "both places": {**spot(19), "buildingId": global_id.encode("Building", "bld-x")},
        "unknown building": {"buildingId": global_id.encode("Building", "bld-missing")},
        "half a point": {"lat": 28.9},
        "unknown item": {**spot(19), "category": "mayor.wish"},
        "bad phone": {**spot(19), "contactPhone": "12345"},
        "long text": {**spot(19), "description": "很" * 2001},
        "blank text": {**spot(19), "description": "   "},
        "latitude": {"lat": 91.0, "lon": 118.78},
    }
    for name, fields in refused.items():
        assert code(await cases.report(WORKER, **fields)) == "BAD_USER_INPUT", name
    assert await _cases_in_graph(store) == before


async def test_duplicates_link_to_the_first_report(cases: CaseApi) -> None:
    place = {"lat": 28.9101, "lon": 118.7851}
    first = (await cases.report(WORKER, **place, category="city.illegal_building"))["data"]["reportCase"]
    assert first["duplicateOf"] is None
    cases.clock.advance(hours=2)
    near = {"lat": place["lat"] + 0.0002, "lon": place["lon"]}  # ~22 m away
    second = (await cases.report(CENTRE, **near, category="city.illegal_building"))["data"]["reportCase"]
    assert second["duplicateOf"] == first["number"] and second["status"] == "REPORTED"
    other_item = (await cases.report(WORKER, **near, category="dispute.neighbour"))["data"]["reportCase"]
    assert other_item["duplicateOf"] is None
    far = {"lat": place["lat"] + 0.002, "lon": place["lon"]}  # ~220 m away
    assert (await cases.report(WORKER, **far, category="city.illegal_building"))["data"]["reportCase"][
        "duplicateOf"
    ] is None
    cases.clock.advance(hours=23)
    later = (await cases.report(WORKER, **near, category="city.illegal_building"))["data"]["reportCase"]
    assert later["duplicateOf"] is None  # outside the 24 h window
