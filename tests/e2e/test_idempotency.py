"""Issue 14 point 2: `Idempotency-Key` on mutations, on both engines, with real tokens and the real gate.

A retry with the same key and body gets the first answer back without running again; the same key
with another body, a key still in use, a malformed key: each is refused as such, changing nothing.
Keys are per subject: another staff member's identical request with the same key runs on its own.
"""

import asyncio
import uuid
from typing import Any

import httpx

from api import global_id
from tests.e2e.conftest import Api

PHONE = "mutation($id: ID!, $p: String!) { updatePersonPhone(id: $id, phone: $p) { id phone } }"
READ_PHONE = "query($id: ID!) { person(id: $id) { phone } }"


def worker(api: Api) -> str:
    return f"staff-{api.samples.grids[0]}-worker"


def target(api: Api) -> str:
    return global_id.encode("Person", api.samples.persons[api.samples.grids[0]])


async def change(api: Api, phone: str, key: str | bytes | None, sub: str | None = None) -> httpx.Response:
    headers = {"idempotency-key": key} if key is not None else {}
    body = {"query": PHONE, "variables": {"id": target(api), "p": phone}}
    return await api.post(body, token=api.token(sub or worker(api)), **headers)  # type: ignore[arg-type]


async def phone_now(api: Api) -> str:
    return (await api.gql(READ_PHONE, sub=worker(api), id=target(api)))["data"]["person"]["phone"]


def codes(answer: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["extensions"]["code"], e["extensions"].get("reason")) for e in answer.get("errors", ())]


async def test_a_retry_is_answered_from_the_first_request_not_run_again(api: Api) -> None:
    key = f"retry-{uuid.uuid4()}"
    first = (await change(api, "13311110001", key)).json()
    assert first["data"]["updatePersonPhone"]["phone"] == "13311110001" and "extensions" not in first
    await change(api, "13311110002", None)  # someone else changes it meanwhile, without a key
    again = await change(api, "13311110001", f'"{key}"')  # the same key as an sf-string, quoted
    assert again.status_code == 200 and again.json() == {**first, "extensions": {"idempotency": "replayed"}}
    assert await phone_now(api) == "13311110002", "the replay did not write again"


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api: Api) -> None:
    key = f"reuse-{uuid.uuid4()}"
    await change(api, "13311110003", key)
    other = (await change(api, "13311110004", key)).json()
    assert other["data"] is None and codes(other) == [("BAD_USER_INPUT", "IDEMPOTENCY_KEY_REUSED")]
    assert await phone_now(api) == "13311110003"


async def test_keys_are_per_subject(api: Api) -> None:
    """A chief who learns a worker's key (a shared log, a proxy) cannot fetch the worker's answer with it."""
    key = f"shared-{uuid.uuid4()}"
    await change(api, "13311110005", key)
    chief = f"staff-{api.samples.grids[0]}-chief"
    theirs = (await change(api, "13311110005", key, sub=chief)).json()
    assert "extensions" not in theirs and theirs["data"]["updatePersonPhone"]["phone"] == "13311110005"
    other = (await change(api, "13311110006", key, sub=chief)).json()
    assert codes(other) == [("BAD_USER_INPUT", "IDEMPOTENCY_KEY_REUSED")], "the chief's key is the chief's own"


async def test_concurrent_duplicates_run_once(api: Api) -> None:
    """A client that fires its retry before the first answer: one runs, the others conflict or replay."""
    key = f"race-{uuid.uuid4()}"
    answers = [r.json() for r in await asyncio.gather(*(change(api, "13311110007", key) for _ in range(6)))]
    ran = [a for a in answers if "errors" not in a and "extensions" not in a]
    others = [codes(a) or a["extensions"]["idempotency"] for a in answers if a not in ran]
    assert len(ran) == 1 and len(others) == 5, answers
    assert set(map(str, others)) <= {str([("CONFLICT", "IDEMPOTENCY_KEY_IN_USE")]), "replayed"}, others


async def test_malformed_keys_are_refused_before_anything_runs(api: Api) -> None:
    before = await phone_now(api)
    for key in ("", "x" * 256, "spa ce", "中文".encode()):
        answer = (await change(api, "13311119999", key)).json()
        assert codes(answer) == [("BAD_USER_INPUT", None)], (key, answer)
    assert await phone_now(api) == before


async def test_a_key_on_a_query_is_ignored(api: Api) -> None:
    key = f"query-{uuid.uuid4()}"
    for _ in range(2):
        answer = (
            await api.post({"query": READ_PHONE, "variables": {"id": target(api)}}, **{"idempotency-key": key})
        ).json()
        assert "extensions" not in answer and answer["data"]["person"]["phone"]
