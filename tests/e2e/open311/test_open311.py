"""Open311 GeoReport v2 over HTTP on both engines: a request filed with a key, followed through the
lifecycle that staff run over GraphQL, and the insider's attempts: no key or a wrong one, another
client's requests, requests the client never filed, and personal data in what GET answers."""

import httpx

from api import global_id
from graph_model.store import GraphStore
from ops.open311_keys import create_client_key, revoke_client
from tests.common.cases import CENTRE, WORKER, officer
from tests.e2e.open311.conftest import HOTLINE, Open311Api

SERVED_KEYS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "agency_responsible",
    "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "lat", "long",
}  # fmt: skip
SOURCE = "query($id: ID!) { case(id: $id) { source priority status description contactPhone reporter } }"


def _place(n: int) -> dict[str, float]:
    """Points inside G0, about 110 m apart and away from the case suites' spots (no duplicates of them)."""
    return {"lat": 28.8825 + (n - 40) * 0.001, "lon": 118.79}


def _point(n: int) -> dict[str, str]:
    place = _place(n)
    return {"lat": str(place["lat"]), "long": str(place["lon"])}


def _errors(response: httpx.Response, status: int) -> str:
    """The GeoReport error list's one description, after checking the shape and the status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == status, body
    return str(body[0]["description"])


async def _filed(open311: Open311Api, **params: str) -> str:
    response = await open311.post(**{"service_code": "safety.hazard", "description": "路灯不亮", **params})
    assert response.status_code == 201, response.text
    return str(response.json()[0]["service_request_id"])


async def test_a_request_round_trips_from_open_to_closed(open311: Open311Api) -> None:
    number = await _filed(open311, **_point(40))
    opened = (await open311.get(f"requests/{number}.json")).json()
    assert opened[0]["status"] == "open" and opened[0]["status_notes"].startswith("已收到")
    assert opened[0]["service_code"] == "safety.hazard" and opened[0]["expected_datetime"] is not None
    case_id = global_id.encode("Case", number)
    staff = open311.cases
    assert (await staff.ok(CENTRE, SOURCE, id=case_id))["reporter"] == f"open311:{HOTLINE}"
    await staff.act(CENTRE, "acceptCase", case_id)
    await staff.act(CENTRE, "assignCase", case_id, departmentCode="330802-yingji")
    await staff.act(officer("yingji"), "signCase", case_id)
    await staff.act(officer("yingji"), "resolveCase", case_id, result="已更换灯泡，联系人王五")
    await staff.act(CENTRE, "verifyCase", case_id, passed=True)
    staff.clock.advance(hours=1)
    closing = await staff.act(CENTRE, "closeCase", case_id)
    assert closing["data"]["closeCase"]["status"] == "CLOSED", closing
    closed = (await open311.get(f"requests/{number}.json")).json()[0]
    departments = await staff.ok(CENTRE, 'query { departments(division: "330802") { code name } }')
    assert closed["agency_responsible"] == {d["code"]: d["name"] for d in departments}["330802-yingji"]
    assert closed["status"] == "closed" and closed["status_notes"] == "已结案 (closed)"
    assert closed["expected_datetime"] is None and closed["updated_datetime"] > closed["requested_datetime"]
    assert "王五" not in (await open311.get(f"requests/{number}.json")).text  # the handler's note stays inside
    listed = (await open311.get("requests.json", status="closed")).json()
    assert number in {r["service_request_id"] for r in listed}
    assert all(r["status"] == "closed" for r in listed)


async def test_json_and_form_bodies_map_to_the_catalogue(open311: Open311Api) -> None:
    urgent = await open311.post(
        as_json=True, service_code="safety.fire", description="楼道堆物", lat=28.8835, long=118.79,
        attribute={"priority": "urgent"},
    )  # fmt: skip
    assert urgent.status_code == 201, urgent.text
    number = urgent.json()[0]["service_request_id"]
    form = await open311.post(**{"service_code": "safety.fire", "description": "楼道堆物", **_point(44),
                                 "attribute[priority]": "urgent"})  # fmt: skip
    assert form.status_code == 201, form.text
    for filed in (number, form.json()[0]["service_request_id"]):
        case = await open311.cases.ok(CENTRE, SOURCE, id=global_id.encode("Case", filed))
        assert (case["source"], case["priority"], case["status"]) == ("HOTLINE", "URGENT", "REPORTED")
    services = (await open311.get("services.json", key="")).json()
    work_items = await open311.cases.ok(WORKER, "query { workItemTypes { code name } }")
    assert {(s["service_code"], s["service_name"]) for s in services} == {(w["code"], w["name"]) for w in work_items}
    definition = (await open311.get("services/safety.fire.json", key="")).json()
    assert [a["code"] for a in definition["attributes"]] == ["priority"]
    assert "no such service_code" in _errors(await open311.get("services/mayor.wish.json", key=""), 404)


async def test_a_post_without_a_valid_key_is_refused_and_files_nothing(open311: Open311Api) -> None:
    key_id, _, secret = open311.key.partition(".")
    wrong = {
        "no key": "",
        "malformed": "not-a-key",
        "wrong secret": f"{key_id}.{secret[::-1]}",
        "unknown id": f"{'0' * 16}.{secret}",
    }
    before = {r["service_request_id"] for r in (await open311.get("requests.json")).json()}
    for name, key in wrong.items():
        response = await open311.post(key=key, service_code="safety.hazard", description="x", **_point(45))
        assert _errors(response, 403) == "a valid api_key is required", name
        assert _errors(await open311.get("requests.json", key=key), 403), name
    assert {r["service_request_id"] for r in (await open311.get("requests.json")).json()} == before


async def test_a_revoked_key_stops_at_once(open311: Open311Api, store: GraphStore) -> None:
    key = await create_client_key(store, HOTLINE, "hotline", "3308")
    assert (await open311.post(key=key, service_code="safety.hazard", description="x", **_point(46))).status_code == 201
    assert await revoke_client(store, HOTLINE)
    assert _errors(await open311.post(service_code="safety.hazard", description="x", **_point(46)), 403)
    refused = await open311.post(key=key, service_code="safety.hazard", description="x", **_point(46))
    assert _errors(refused, 403)


async def test_get_answers_hold_no_personal_data(open311: Open311Api) -> None:
    secret_text = "邻居张三13912345678家漏水"
    number = await _filed(
        open311, **{**_point(47), "description": secret_text, "phone": "+86 13800001234", "first_name": "李",
                    "last_name": "四", "email": "li4@example.cn", "address_string": "花园路1号"},
    )  # fmt: skip
    stored = await open311.cases.ok(CENTRE, SOURCE, id=global_id.encode("Case", number))
    assert stored["contactPhone"] == "13800001234"  # kept for the centre (case.reporter), never served out
    for response in (
        await open311.get(f"requests/{number}.json"),
        await open311.get("requests.json"),
        await open311.get("requests.json", service_request_id=number),
    ):
        assert response.status_code == 200, response.text
        served = [r for r in response.json() if r["service_request_id"] == number]
        assert len(served) == 1 and set(served[0]) == SERVED_KEYS
        for value in ("13800001234", "13912345678", "张三", "li4@example.cn", "花园路", "open311:", "李"):
            assert value not in response.text, value


async def test_a_client_sees_only_what_it_filed(open311: Open311Api) -> None:
    mine = await _filed(open311, **_point(48))
    theirs = await _filed(open311, key=open311.other_key, **_point(49))
    staff_case = (await open311.cases.report(WORKER, **_place(50)))["data"]["reportCase"]["number"]
    nowhere = _errors(await open311.get("requests/2099-999999.json"), 404)
    for number in (theirs, staff_case):  # exactly what a request that does not exist answers
        assert _errors(await open311.get(f"requests/{number}.json"), 404) == nowhere
    assert _errors(await open311.get(f"requests/{mine}.json", key=open311.other_key), 404) == nowhere
    listed = (await open311.get("requests.json", service_request_id=f"{mine},{theirs},{staff_case},2026-1")).json()
    assert [r["service_request_id"] for r in listed] == [mine]
    every = {r["service_request_id"] for r in (await open311.get("requests.json")).json()}
    assert mine in every and not every & {theirs, staff_case}


async def test_bad_requests_answer_georeport_errors_and_file_nothing(open311: Open311Api) -> None:
    before = {r["service_request_id"] for r in (await open311.get("requests.json")).json()}
    refused = {
        "unknown service": ({"service_code": "mayor.wish", "description": "x", **_point(51)}, 400),
        "outside every grid": ({"service_code": "safety.hazard", "description": "x", "lat": "30", "long": "120"}, 400),
        "no location": ({"service_code": "safety.hazard", "description": "x"}, 400),
        "bad latitude": ({"service_code": "safety.hazard", "description": "x", "lat": "north", "long": "1"}, 400),
        "no description": ({"service_code": "safety.hazard", **_point(51)}, 400),
        "bad phone": ({"service_code": "safety.hazard", "description": "x", "phone": "12345", **_point(51)}, 400),
        "bad priority": ({"service_code": "safety.hazard", "description": "x", "attribute[priority]": "now",
                          **_point(51)}, 400),
    }  # fmt: skip
    for name, (params, status) in refused.items():
        assert _errors(await open311.post(**params), status), name
    xml = await open311.client.post("/open311/v2/requests.json", content=b"<x/>", headers={"content-type": "text/xml"})
    assert _errors(xml, 415)
    assert _errors(await open311.client.get("/open311/v2/requests.xml"), 404)
    assert _errors(await open311.get("requests.json", status="pending"), 400)
    assert {r["service_request_id"] for r in (await open311.get("requests.json")).json()} == before


async def test_an_open311_subject_is_reached_by_its_key_only(open311: Open311Api) -> None:
    """A bearer token naming a client's subject (an IdP user so named, a development token) is refused:
    the client would otherwise run any GraphQL operation its grant allows, not the Open311 ones."""
    body = await open311.cases.client.post(
        "/graphql",
        json={"query": "{ workItemTypes { code } }"},
        headers={"authorization": f"Bearer {open311.cases.issuer.issue(f'open311:{HOTLINE}', ttl=60)}"},
    )
    assert body.status_code == 401 and body.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
