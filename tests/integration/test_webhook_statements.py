"""Every webhook statement on both engines: the same answers, and the guards that keep workers
apart raced for real (an enqueue from a stale cursor, concurrent claims, a settle by a stale claim)."""

import asyncio
import uuid
from typing import Any

from graph_model.cypher import feed, webhook
from graph_model.store import GraphStore

NOW = 1_790_000_000_000


def _rows(hook: str, events: range) -> list[dict[str, Any]]:
    return [{"id": f"{hook}-{e}", "event": e, "case_id": f"2099-{e:06d}", "payload": "{}"} for e in events]


async def _hook(store: GraphStore) -> str:
    hook = f"wh_contract_{uuid.uuid4().hex[:8]}"
    params = {"id": hook, "url": "http://127.0.0.1:9/hook", "secret": "whsec_c2VjcmV0", "department": "330802-yingji",
              "subject": "officer-330802-yingji", "cursor": 0, "now": NOW}  # fmt: skip
    await store.write(webhook.CREATE_WEBHOOK, params)
    return hook


async def _claim(store: GraphStore, claim: str, now: int = NOW) -> list[dict[str, Any]]:
    return await store.write(
        webhook.CLAIM_WEBHOOK_DELIVERIES, {"now": now, "limit": 100, "lease": 60_000, "claim": claim}
    )


def _settle(delivery: str, claim: str, status: str, next_at: int | None = None) -> dict[str, Any]:
    return {"id": delivery, "claim": claim, "status": status, "next_at": next_at, "last_status": 503,
            "last_error": "HTTP 503", "now": NOW}  # fmt: skip


def _strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without the ids, which differ between the engines' runs; the secret never leaves a claim here."""
    return [{k: v for k, v in r.items() if k not in ("id", "webhook", "secret")} for r in rows]


async def test_webhook_statements_agree(seeded_stores: dict[str, GraphStore]) -> None:
    answers = []
    for store in seeded_stores.values():
        hook = await _hook(store)
        enqueue = {"webhook": hook, "cursor": 0, "next": 3, "rows": _rows(hook, range(1, 4)), "now": NOW}
        enqueued = await store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, enqueue)
        stale = await store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, {**enqueue, "next": 9})  # cursor moved on
        listed = [r for r in await store.read(webhook.LIST_ACTIVE_WEBHOOKS) if r["id"] == hook]
        claimed = [r for r in await _claim(store, "c1") if r["id"].startswith(hook)]
        again = [r for r in await _claim(store, "c2") if r["id"].startswith(hook)]  # leased: nothing due
        first, second, third = (r["id"] for r in claimed)
        stale_settle = await store.write(webhook.RECORD_WEBHOOK_ATTEMPT, _settle(first, "c2", "dead"))
        settled = [
            await store.write(webhook.RECORD_WEBHOOK_ATTEMPT, _settle(first, "c1", "dead")),
            await store.write(webhook.RECORD_WEBHOOK_ATTEMPT, _settle(second, "c1", "pending", NOW + 1_000)),
            await store.write(webhook.RECORD_WEBHOOK_ATTEMPT, _settle(third, "c1", "delivered")),
        ]
        retried = [r["id"] for r in await _claim(store, "c3", NOW + 2_000) if r["id"].startswith(hook)]
        dead = [r for r in await store.read(webhook.LIST_DEAD_WEBHOOK_DELIVERIES, {"after": "", "limit": 1000})
                if r["webhook"] == hook]  # fmt: skip
        replayed = await store.write(webhook.REPLAY_WEBHOOK_DELIVERY, {"id": first, "now": NOW})
        not_dead = await store.write(webhook.REPLAY_WEBHOOK_DELIVERY, {"id": third, "now": NOW})
        head = await store.read(feed.GET_CASE_EVENT_HEAD)
        answers.append(
            {
                "counts": [len(enqueued), len(stale), len(listed), len(claimed), len(again), len(stale_settle)],
                "listed": _strip(listed),
                "claimed": _strip(claimed),
                "settled": [_strip(s) for s in settled],
                "retried": len(retried),
                "dead": _strip(dead),
                "replayed": _strip(replayed),
                "not_dead": not_dead,
                "head": len(head),
            }
        )
    assert answers[0] == answers[1]
    assert answers[0]["counts"] == [3, 0, 1, 3, 0, 0]
    assert answers[0]["listed"][0]["cursor"] == 3 and answers[0]["retried"] == 1
    assert answers[0]["replayed"][0]["status"] == "pending" and answers[0]["not_dead"] == []


async def test_concurrent_claims_take_each_delivery_once(store: GraphStore) -> None:
    hook = await _hook(store)
    rows = _rows(hook, range(1, 41))
    await store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, {"webhook": hook, "cursor": 0, "next": 40, "rows": rows,
                                                           "now": NOW - 1})  # fmt: skip
    claims = await asyncio.gather(*(_claim(store, f"race-{n}", NOW + 10**9) for n in range(6)))
    taken = [r["id"] for claim in claims for r in claim if r["id"].startswith(hook)]
    assert sorted(taken) == sorted(r["id"] for r in rows)  # every one claimed, none twice


async def test_concurrent_enqueues_from_one_cursor_make_each_delivery_once(store: GraphStore) -> None:
    hook = await _hook(store)
    enqueue = {"webhook": hook, "cursor": 0, "next": 5, "rows": _rows(hook, range(1, 6)), "now": NOW}
    results = await asyncio.gather(*(store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, enqueue) for _ in range(6)))
    assert sorted(len(r) for r in results) == [0] * 5 + [5]


async def test_management_statements_agree(seeded_stores: dict[str, GraphStore]) -> None:
    """A department's officers list, rotate and deactivate only their own webhooks; a deactivated one
    takes no more deliveries and its claimed ones say so; a plain secret from before is sealed once."""
    answers = []
    mine, theirs = ["330802-yingji"], ["330802-minzheng"]
    for store in seeded_stores.values():
        hook = await _hook(store)
        listed = [r for r in await store.read(webhook.LIST_WEBHOOKS, {"departments": mine}) if r["id"] == hook]
        not_listed = [r for r in await store.read(webhook.LIST_WEBHOOKS, {"departments": theirs}) if r["id"] == hook]
        rotate = {"id": hook, "secret": "aesgcm:rotated"}
        rotated_by_other = await store.write(webhook.ROTATE_WEBHOOK_SECRET, {**rotate, "departments": theirs})
        plain = [r for r in await store.read(webhook.LIST_PLAIN_WEBHOOK_SECRETS) if r["id"] == hook]
        sealed = await store.write(webhook.SEAL_WEBHOOK_SECRET, {"id": hook, "plain": "whsec_c2VjcmV0",
                                                                  "sealed": "aesgcm:first"})  # fmt: skip
        sealed_again = await store.write(webhook.SEAL_WEBHOOK_SECRET, {"id": hook, "plain": "whsec_c2VjcmV0",
                                                                        "sealed": "aesgcm:second"})  # fmt: skip
        still_plain = [r for r in await store.read(webhook.LIST_PLAIN_WEBHOOK_SECRETS) if r["id"] == hook]
        rotated = await store.write(webhook.ROTATE_WEBHOOK_SECRET, {**rotate, "departments": mine})
        enqueue = {"webhook": hook, "cursor": 0, "next": 2, "rows": _rows(hook, range(1, 3)), "now": NOW}
        await store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, enqueue)
        deactivate = {"id": hook, "now": NOW}
        by_other = await store.write(webhook.DEACTIVATE_WEBHOOK, {**deactivate, "departments": theirs})
        deactivated = await store.write(webhook.DEACTIVATE_WEBHOOK, {**deactivate, "departments": mine})
        twice = await store.write(webhook.DEACTIVATE_WEBHOOK, {**deactivate, "departments": mine})
        later = {**enqueue, "cursor": 2, "next": 4, "rows": _rows(hook, range(3, 5))}
        enqueued_after = await store.write(webhook.ENQUEUE_WEBHOOK_DELIVERIES, later)
        rotated_after = await store.write(webhook.ROTATE_WEBHOOK_SECRET, {**rotate, "departments": mine})
        claimed = [r for r in await _claim(store, "m1", NOW + 1) if r["id"].startswith(hook)]
        answers.append(
            {
                "listed": _strip(listed),
                "refused": [not_listed, rotated_by_other, by_other, twice, enqueued_after, rotated_after],
                "plain": [r["secret"] for r in plain],
                "sealed": [len(sealed), len(sealed_again), len(still_plain)],
                "rotated": _strip(rotated),
                "deactivated": _strip(deactivated),
                "claimed": [(r["active"], r["secret"]) for r in claimed],
            }
        )
    assert answers[0] == answers[1]
    answer = answers[0]
    assert answer["listed"] == [{"url": "http://127.0.0.1:9/hook", "department": "330802-yingji",
                                 "created_at": NOW, "active": True}]  # fmt: skip
    assert answer["refused"] == [[]] * 6
    assert answer["plain"] == ["whsec_c2VjcmV0"] and answer["sealed"] == [1, 0, 0]
    assert answer["rotated"][0]["active"] and not answer["deactivated"][0]["active"]
    assert answer["claimed"] == [(False, "aesgcm:rotated")] * 2  # enqueued before: the dispatcher settles them
