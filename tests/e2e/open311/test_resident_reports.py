"""A resident's report through the web pages is the resident's, not an Open311 channel's: the resident
app's key finds nothing of it, and a resident's bearer token is no Open311 key."""

from tests.common.cases import RESIDENT, spot
from tests.e2e.open311.conftest import Open311Api


async def test_an_open311_channel_sees_no_residents_report(open311: Open311Api) -> None:
    body = await open311.cases.report(RESIDENT, "number", **spot(28), source="RESIDENT")
    number = body["data"]["reportCase"]["number"]
    assert (await open311.get(f"requests/{number}.json", key=open311.other_key)).status_code == 404
    assert (await open311.get(f"requests/{number}.json")).status_code == 404  # nor the city-wide hotline's
    listed = await open311.get("requests.json", key=open311.other_key)
    assert listed.status_code == 200 and number not in listed.text
    bearer = {"authorization": f"Bearer {open311.cases.issuer.issue(RESIDENT, ttl=60)}"}
    refused = await open311.client.get(f"/open311/v2/requests/{number}.json", headers=bearer)
    assert refused.status_code == 403 and number not in refused.text
