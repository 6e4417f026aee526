"""Every named statement runs on both engines, and both engines answer alike.

Reads are compared row for row between the embedded FalkorDB and the real Neo4j
holding the same seeded data. The ingest statements ran on both when the session
seeded them; their effect is compared by counting what they created.
"""

import json
from collections import Counter
from typing import Any

import pytest

from authz.audit.checkpoint import open_signed, write_checkpoint
from authz.audit.reindex import reindex
from authz.audit.writer import AuditWriter
from authz.changes import ChangeSet
from authz.grants import Grant
from authz.policy_store import PolicyStore, StaleVersion
from authz.rules import Rule
from graph_model.cypher import (
    audit,
    case,
    division,
    feed,
    grant,
    grid,
    history,
    household,
    idempotency,
    ingest,
    maintenance,
    open311,
    person,
    place,
    policy,
    resident,
    schema,
    web_session,
    webhook,
)
from graph_model.cypher.catalog import all_statements
from graph_model.cypher.overrides import ONLY_ON, WrongEngine
from graph_model.statement import Statement
from graph_model.store import GraphStore
from ops.datagen import generate
from tests.common.samples import Samples, pick_samples


def read_params(s: Samples) -> dict[str, dict[str, Any]]:
    every = {"grids": s.grids, "after": "", "limit": 500}
    person_filters = {"name_prefix": None, "tags": None, "born_from": None, "born_to": None}
    return {
        division.GET_ROOT_DIVISIONS.name: {},
        division.GET_DIVISIONS_BY_CODES.name: {"codes": ["3308", "330802", "330803", "999999"]},
        division.GET_DIVISION_CHILDREN_BY_PARENTS.name: {"codes": ["3308", s.grids[0][:9]]},
        division.COUNT_DIVISIONS.name: {},
        grid.GET_ALL_GRID_CODES.name: {},
        grid.GET_GRIDS_BY_IDS.name: {"ids": [*s.grids, "missing"]},
        grid.GET_GRIDS_WITHIN_DIVISIONS.name: {"codes": ["3308", s.grids[0][:9]]},
        grid.GET_STAFF_BY_GRIDS.name: {"ids": s.grids},
        grid.COUNT_HOUSEHOLDS_BY_GRIDS.name: {"ids": s.grids},
        grid.COUNT_PERSONS_BY_GRIDS.name: {"ids": s.grids},
        grid.GET_HOUSEHOLD_PAGES_BY_GRIDS.name: {
            "keys": [
                *({"grid": g, "after": "", "limit": 5} for g in s.grids),
                {"grid": s.grids[0], "after": s.household, "limit": 3},
            ],
            "grids": s.grids[:2],
        },
        grid.GET_BUILDING_PAGES_BY_GRIDS.name: {
            "keys": [{"grid": g, "after": "", "limit": 4} for g in s.grids],
            "grids": s.grids,
        },
        person.GET_PERSONS_BY_IDS.name: {"ids": [s.person, "missing"], "grids": s.grids},
        person.GET_PERSONS_BY_HOUSEHOLDS.name: {"ids": [s.household], "grids": s.grids},
        person.LIST_PERSONS.name: {**every, **person_filters, "limit": 60, "born_from": "1950-01-01"},
        household.GET_HOUSEHOLDS_BY_IDS.name: {"ids": [s.household], "grids": s.grids},
        household.GET_DWELLINGS_BY_IDS.name: {"ids": [s.dwelling], "grids": s.grids},
        household.LIST_HOUSEHOLDS.name: {**every, "grids": s.grids[-1:]},
        place.GET_BUILDINGS_BY_IDS.name: {"ids": [s.building, "missing"], "grids": s.grids},
        place.GET_ORGANIZATIONS_BY_IDS.name: {"ids": [s.organization], "grids": s.grids},
        place.GET_ORGANIZATIONS_BY_BUILDINGS.name: {"ids": [s.organization_building], "grids": s.grids},
        place.LIST_ORGANIZATIONS.name: {**every, "kind": None, "name_prefix": None},
        place.GET_KEY_PLACES_BY_IDS.name: {"ids": [s.key_place], "grids": s.grids},
        place.GET_KEY_PLACES_BY_GRIDS.name: {"ids": s.grids, "grids": s.grids},
        place.LIST_KEY_PLACES.name: {**every, "kind": None, "risk": None},
        place.GET_DEPARTMENTS.name: {"within": "330802"},
        grant.LIST_GRANTS.name: {},
        resident.GET_RESIDENT_PERSON.name: {"subject": f"resident-{s.grids[0]}-2"},
        resident.GET_OFFICE_NAMES.name: {"codes": ["3308", f"{s.grids[0][:6]}-minzheng", s.grids[0], "missing"]},
        policy.GET_POLICY_HEAD.name: {},
        policy.GET_POLICY_RULES.name: {},
        policy.GET_ACTIVE_GRANTS_BY_SUBJECT.name: {"subject": f"staff-{s.grids[0]}-chief", "now": 0},
        policy.GET_SUBJECTS_BY_ROLE.name: {"role": "department_officer", "department_kind": "minzheng"},
        policy.GET_GRANTS_BY_SUBJECTS.name: {"subjects": [f"staff-{s.grids[0]}-chief", "security-3308-1", "nobody"]},
        policy.GET_GRANTS_OF_ROLE_HOLDERS.name: {"roles": ["security_officer", "auditor"]},
        policy.COUNT_ACTIVE_GRANTS_BY_ROLE.name: {"role": "security_officer", "now": 0},
        policy.LIST_POLICY_CHANGES.name: {"limit": 10},
        policy.LIST_APPLIED_CHANGES_AFTER.name: {"version": 0},
        maintenance.COUNT_NODES_BY_LABEL.name: {},
        maintenance.COUNT_RELATIONSHIPS_BY_TYPE.name: {},
    }


WRITES = {maintenance.DELETE_NODES_BATCH.name: {"limit": 0}}
AUDIT = {s.name for s in vars(audit).values() if isinstance(s, Statement)}
DATA_WRITES = {person.UPDATE_PERSON_PHONE.name}
IDEMPOTENCY = {s.name for s in vars(idempotency).values() if isinstance(s, Statement)}
POLICY_WRITES = {
    s.name
    for s in (
        policy.INIT_POLICY_HEAD, policy.APPLY_POLICY_CHANGE, policy.CREATE_PENDING_POLICY_CHANGE,
        policy.REJECT_POLICY_CHANGE, policy.GET_POLICY_CHANGE,
    )
}  # fmt: skip
CASES = {s.name for s in vars(case).values() if isinstance(s, Statement)}  # test_case_statements.py
WEB_SESSIONS = {s.name for s in vars(web_session).values() if isinstance(s, Statement)}
OPEN311 = {s.name for s in vars(open311).values() if isinstance(s, Statement)}  # test_open311_statements.py
HISTORY = {s.name for s in vars(history).values() if isinstance(s, Statement)}  # test_history_statements.py
WEBHOOKS = {
    s.name for m in (webhook, feed) for s in vars(m).values() if isinstance(s, Statement)
}  # test_webhook_statements.py
SEEDED = {stmt.name for _, stmts in ingest.INGEST_ORDER for stmt in stmts} | {stmt.name for stmt in schema.SCHEMA}


# What the tests' traffic leaves, not what seeding wrote, and how much of it depends on timing per
# engine: index entries of the rows hypothesis drew per engine; audit records of webhook sends and
# retries, shed tallies and subscription pages; checkpoints (every 30 s); webhook deliveries.
TRAFFIC_LABELS = {"AuditAccess", "AuditRecord", "AuditChain", "AuditChainHead", "AuditCheckpoint", "WebhookDelivery"}
VOLATILE = {"id", "proposed_at", "applied_at", "rejected_at"}  # of a policy change: generated per engine, not data


def _without_expiries(changes: str) -> dict[str, Any]:
    """Grant expiries in the change log come from the clock of the test that made them (e.g. now + 3 s)."""
    parsed = json.loads(changes)
    for key in ("add_grants", "remove_grants"):
        parsed[key] = [{k: v for k, v in g.items() if k != "expires"} for g in parsed[key]]
    return parsed


def canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Order-insensitive, float-tolerant form of a result, to compare two engines."""

    def norm(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, dict) and "changes" in value:
            kept = {k: v for k, v in value.items() if k not in VOLATILE}
            return {**kept, "changes": _without_expiries(value["changes"])}
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value

    return sorted(json.dumps(norm(r), sort_keys=True, ensure_ascii=False) for r in rows)


@pytest.fixture(scope="module")
async def samples(seeded_stores: dict[str, GraphStore]) -> Samples:
    return await pick_samples(seeded_stores["falkordb"])


async def test_every_statement_is_exercised(samples: Samples) -> None:
    assert (
        set(read_params(samples))
        | set(WRITES)
        | SEEDED
        | POLICY_WRITES
        | AUDIT
        | DATA_WRITES
        | IDEMPOTENCY
        | CASES
        | OPEN311
        | WEB_SESSIONS
        | HISTORY
        | WEBHOOKS
        == set(all_statements())
    )


@pytest.mark.parametrize(
    "name",
    sorted(
        set(all_statements())
        - SEEDED
        - POLICY_WRITES
        - AUDIT
        - DATA_WRITES
        - IDEMPOTENCY
        - CASES
        - OPEN311
        - WEB_SESSIONS
        - HISTORY
        - WEBHOOKS
    ),
)
async def test_engines_agree(name: str, seeded_stores: dict[str, GraphStore], samples: Samples) -> None:
    stmt = all_statements()[name]
    answers = []
    for store in seeded_stores.values():
        if name in WRITES:
            answers.append(await store.write(stmt, WRITES[name]))
        else:
            answers.append(await store.read(stmt, read_params(samples)[name]))
    falkor, neo = ([row for row in rows if row.get("label") not in TRAFFIC_LABELS] for rows in answers)
    assert canonical(falkor) == canonical(neo)
    assert falkor, f"{name} returned nothing, so the comparison proves nothing"


async def test_seeding_wrote_the_same_graph_on_both(seeded_stores: dict[str, GraphStore]) -> None:
    generated: Counter[str] = Counter()
    grants = []
    for chunk in generate("tiny", 0):
        grants += chunk["grants"]
        for kind, rows in chunk.items():
            generated[kind] += len(rows)
    counts = {}
    for backend, store in seeded_stores.items():
        nodes = {r["label"]: r["n"] for r in await store.read(maintenance.COUNT_NODES_BY_LABEL)}
        nodes = {label: n for label, n in nodes.items() if label not in TRAFFIC_LABELS}
        edges = {r["type"]: r["n"] for r in await store.read(maintenance.COUNT_RELATIONSHIPS_BY_TYPE)}
        counts[backend] = (nodes, edges)
    assert counts["falkordb"] == counts["neo4j"]
    nodes, edges = counts["falkordb"]
    assert nodes["Person"] == generated["persons"] == edges["MEMBER_OF"]
    assert nodes["Household"] == generated["households"] == edges["LIVES_AT"]
    assert nodes["Grid"] == generated["grids"]
    listed = {
        (g["subject"], g["role"], g["jurisdiction"]) for g in await seeded_stores["neo4j"].read(grant.LIST_GRANTS)
    }
    assert {(g["subject"], g["role"], g["jurisdiction"]) for g in grants} <= listed  # tests may add their own
    assert edges["SERVES"] == generated["serves"]
    assert edges["PART_OF"] == generated["divisions"] - 1 + generated["grids"]


async def test_migrate_is_idempotent(store: GraphStore) -> None:
    await store.migrate(schema.SCHEMA)
    await store.migrate(schema.SCHEMA)
    assert (await store.read(division.COUNT_DIVISIONS))[0]["n"] > 0


async def test_policy_writes_agree(seeded_stores: dict[str, GraphStore]) -> None:
    """A change applied at once, a pending one approved, one rejected, a stale one, and their undoing."""
    rule = Rule("resident", "building", "read")
    grant = Grant("contract-subject", "resident", "330803", None, 4_102_444_800_000)
    outcomes = []
    for store in seeded_stores.values():
        policies = PolicyStore(store)
        start = await policies.ensure_initialized()
        added = ChangeSet(add_rules=(rule,))
        v1 = (await policies.apply(added, start, "security-3308-1", "contract"))["version"]
        pending = await policies.log_pending(ChangeSet(add_grants=(grant,)), "security-3308-1", "contract")
        with pytest.raises(StaleVersion):
            await policies.apply(
                ChangeSet(add_grants=(grant,)), start, "security-3308-1", "contract", None, pending["id"]
            )
        approved = await policies.apply(
            ChangeSet(add_grants=(grant,)), v1, "security-3308-1", "contract", "security-3308-2", pending["id"]
        )
        with pytest.raises(StaleVersion):  # no longer pending
            await policies.apply(ChangeSet(), v1 + 1, "security-3308-1", "contract", "security-3308-2", pending["id"])
        refused = await policies.log_pending(ChangeSet(remove_grants=(grant,)), "security-3308-1", "contract")
        rejected = await policies.reject(refused["id"], "security-3308-2")
        stored = await policies.all_grants_of(["contract-subject"])
        undone = ChangeSet(remove_rules=(rule,), remove_grants=(grant,))
        v3 = (await policies.apply(undone, v1 + 1, "security-3308-1", "contract"))["version"]
        outcomes.append(
            (v1 - start, approved["version"] - start, v3 - start, approved["status"], approved["approved_by"],
             rejected["status"], await policies.reject(refused["id"], "security-3308-2"),
             [(g, g.granted_by, g.approved_by) for g in stored["contract-subject"]],
             await policies.grants_of("contract-subject"),
             ChangeSet.from_json((await policies.change(pending["id"]))["changes"]) == ChangeSet(add_grants=(grant,)))
        )  # fmt: skip
    assert outcomes[0] == outcomes[1]
    assert outcomes[0] == (
        1, 2, 3, "applied", "security-3308-2", "rejected", None,
        [(grant, "security-3308-1", "security-3308-2")], [], True,
    )  # fmt: skip


async def test_a_failing_change_leaves_the_policy_as_it_was(seeded_stores: dict[str, GraphStore]) -> None:
    """The failure is injected after the statement's deletions: a grant row whose expiry is not a
    storable value fails its creation, the last step. Both engines roll the whole change back."""
    for store in seeded_stores.values():
        policies = PolicyStore(store)
        version = await policies.version()
        rules = await store.read(policy.GET_POLICY_RULES)
        chief = f"staff-{(await store.read(grid.GET_ALL_GRID_CODES))[0]['code']}-chief"
        held = await policies.grants_of(chief)
        doomed = ChangeSet(
            remove_rules=(Rule("resident", "grid", "read"),),
            remove_grants=tuple(held),
            add_grants=(Grant("doomed", "resident", "330803", None, {"not": "storable"}),),  # type: ignore[arg-type]
        )
        with pytest.raises(Exception, match=r"(?i)propert"):
            await policies.apply(doomed, version, "security-3308-1", "injected failure")
        assert await policies.version() == version
        assert await store.read(policy.GET_POLICY_RULES) == rules
        assert await policies.grants_of(chief) == held
        assert await policies.all_grants_of(["doomed"]) == {"doomed": []}
        assert all(c["reason"] != "injected failure" for c in await policies.changes(50))


async def test_audit_statements_agree(seeded_stores: dict[str, GraphStore], audit_key: Any) -> None:
    """The same records appended on both engines read back alike through every audit statement."""
    answers = []
    for store in seeded_stores.values():
        writer = AuditWriter(store, chain="contract-chain")
        for n in range(7):
            entry = {"at": 1_700_000_000_000 + n, "subject": "contract-subject", "decision": "allow" if n % 3 else "deny",
                     "outcome": "ok", "data_classes": ["person.basic", "household"][: 1 + n % 2],
                     "data_subjects": [f"P{n}"], "jurisdictions": ["330802"], "purpose": {"kind": "reason", "code": "public-service"}}  # fmt: skip
            await writer.append(entry)
        filters = {"before": "~", "subject": "contract-subject", "data_subject": None, "data_class": None,
                   "decision": None, "since": None, "until": None, "trace_id": None, "jurisdiction": "330802001",
                   "limit": 100}  # fmt: skip
        checkpoint = await write_checkpoint(store, audit_key)
        signed = [open_signed(audit_key, c["signed"]) for c in await store.read(audit.GET_AUDIT_CHECKPOINTS)]
        answers.append(
            (
                canonical(
                    await store.read(audit.GET_AUDIT_RECORDS_BY_SEQ, {"chain": "contract-chain", "from": 2, "to": 6})
                ),
                canonical(await store.read(audit.LIST_AUDIT_RECORDS, {**filters, "data_class": "household"})),
                canonical(await store.read(audit.LIST_AUDIT_RECORDS, {**filters, "data_subject": "P3"})),
                canonical(await store.read(audit.COUNT_AUDIT_BY_SUBJECT, filters)),
                canonical(await store.read(audit.COUNT_AUDIT_BY_DATA_CLASS, filters)),
                canonical(await store.read(audit.COUNT_AUDIT_BY_DAY, filters))
                + canonical(await store.read(audit.COUNT_AUDIT_BY_DAY_AND_CLASS, filters))
                + canonical(await store.read(audit.COUNT_AUDIT_BY_HOUR, filters)),
                [
                    canonical(await store.read(stmt, {**filters, "data_subject": "P4"}))
                    for stmt in (
                        audit.LIST_AUDIT_RECORDS_OF_DATA_SUBJECT,
                        audit.COUNT_AUDIT_OF_DATA_SUBJECT_BY_SUBJECT,
                        audit.COUNT_AUDIT_OF_DATA_SUBJECT_BY_DATA_CLASS,
                        audit.COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY,
                        audit.COUNT_AUDIT_OF_DATA_SUBJECT_BY_HOUR,
                        audit.COUNT_AUDIT_OF_DATA_SUBJECT_BY_DAY_AND_CLASS,
                    )
                ],
                canonical(
                    await store.read(
                        audit.LIST_ACCESSES_TO_DATA_SUBJECT,
                        {"data_subject": "P5", "reader": "someone-else", "before": "~", "limit": 5},
                    )
                )
                + canonical(
                    await store.read(
                        audit.LIST_ACCESSES_TO_DATA_SUBJECT,
                        {"data_subject": "P5", "reader": "contract-subject", "before": "~", "limit": 5},
                    )
                ),
                [h for h in await store.read(audit.GET_AUDIT_CHAIN_HEADS) if h["chain"] == "contract-chain"],
                [c for c in await store.read(audit.GET_AUDIT_RECORD_CHAINS) if c["chain"] == "contract-chain"],
                [h for h in checkpoint["heads"] if h["chain"] == "contract-chain"],
                any(h["chain"] == "contract-chain" for c in signed for h in c["heads"]),
                (await store.write(audit.PRUNE_AUDIT_CHAIN_HEADS, {"chain": "contract-chain", "seq": 7}))[0]["pruned"],
                [h for h in await store.read(audit.GET_AUDIT_CHAIN_HEADS) if h["chain"] == "contract-chain"],
            )
        )
    assert answers[0] == answers[1]
    (by_seq, households, p3, _subjects, _classes, days_hours, p4, p5, heads, chains, in_checkpoint, signed_ok,
     pruned, pruned_heads) = answers[0]  # fmt: skip
    assert pruned == 6 and pruned_heads == heads  # one head per append; the newest stays the head
    assert '"key": "06"' in days_hours[-1] and '"n": 7' in days_hours[-1]  # 1_700_000_000_000 is 06:13 in Beijing
    assert len(by_seq) == 4 and len(households) == 3 and len(p3) == 1 and signed_ok
    assert len(p4[0]) == 1 and '"P4"' in p4[0][0]
    assert len(p4[1]) == len(p4[2]) == len(p4[3]) == len(p4[4]) == len(p4[5]) == 1
    assert '{"key": "2023-11-14 household", "n": 3}' in days_hours and '"key": "2023-11-14 person.basic"' in str(
        days_hours
    )
    assert len(p5) == 1  # the reader's own records are left out
    assert heads[0]["seq"] == 7 and chains == [{"chain": "contract-chain", "records": 7, "last": 7}]
    assert in_checkpoint == heads


async def test_data_writes_agree(seeded_stores: dict[str, GraphStore], samples: Samples) -> None:
    """A write inside the scope changes the row on both engines; outside it, it matches nothing."""
    answers = []
    for store in seeded_stores.values():
        before = (await store.read(person.GET_PERSONS_BY_IDS, {"ids": [samples.person], "grids": samples.grids}))[0]
        inside = await store.write(
            person.UPDATE_PERSON_PHONE, {"id": samples.person, "phone": "13800000000", "grids": samples.grids[:1]}
        )
        changed = (await store.read(person.GET_PERSONS_BY_IDS, {"ids": [samples.person], "grids": samples.grids}))[0]
        outside = await store.write(
            person.UPDATE_PERSON_PHONE, {"id": samples.person, "phone": "13900000000", "grids": samples.grids[1:]}
        )
        await store.write(
            person.UPDATE_PERSON_PHONE, {"id": samples.person, "phone": before["phone"], "grids": samples.grids}
        )
        answers.append((inside, changed["phone"], outside))
    assert answers[0] == answers[1] == ([{"id": samples.person}], "13800000000", [])


async def test_idempotency_keys_agree(seeded_stores: dict[str, GraphStore]) -> None:
    """Claim, conflict, complete, replay, release and expiry of one key answer alike on both engines."""
    answers, now, day = [], 10_000_000, 86_400_000
    for store in seeded_stores.values():
        key = f"contract-{store.backend}"

        async def claim(token: str, at: int, fingerprint: str = "f1", s: GraphStore = store, k: str = key) -> Any:
            params = {"id": k, "claim": token, "fingerprint": fingerprint, "now": at, "expires": at + day,
                      "stale": at - 60_000}  # fmt: skip
            return (await s.write(idempotency.CLAIM_IDEMPOTENCY_KEY, params))[0]

        first = await claim("c1", now)
        busy = await claim("c2", now + 1, "f2")
        wrong = await store.write(idempotency.RELEASE_IDEMPOTENCY_KEY, {"id": key, "claim": "c2"})
        done = await store.write(
            idempotency.COMPLETE_IDEMPOTENCY_KEY, {"id": key, "claim": "c1", "response": "{}", "subjects": ["P1"]}
        )
        replay = await claim("c3", now + 2)
        expired = await claim("c4", now + day + 1)
        released = await store.write(idempotency.RELEASE_IDEMPOTENCY_KEY, {"id": key, "claim": "c4"})
        abandoned = [await claim("c5", now), await claim("c6", now + 60_001)]
        swept = await store.write(idempotency.DELETE_EXPIRED_IDEMPOTENCY_KEYS, {"now": now + 2 * day, "limit": 100})
        answers.append((first, busy, wrong, done, replay, expired, released, abandoned, swept))
    assert answers[0] == answers[1]
    first, busy, wrong, done, replay, expired, released, abandoned, swept = answers[0]
    assert (first["claim"], first["state"], busy["claim"], busy["fingerprint"]) == ("c1", "pending", "c1", "f1")
    assert wrong == [{"released": 0}] and done == [{"completed": 1}]
    assert (replay["claim"], replay["state"], replay["response"], replay["subjects"]) == ("c1", "done", "{}", ["P1"])
    assert (expired["claim"], expired["state"], released) == ("c4", "pending", [{"released": 1}])
    assert [a["claim"] for a in abandoned] == ["c5", "c6"], "a pending claim past its lease is taken over"
    assert swept[0]["deleted"] >= 1


async def test_web_sessions_agree(seeded_stores: dict[str, GraphStore]) -> None:
    """A console session is open until ended or expired, on both engines; expired ones are swept."""
    answers = []
    for store in seeded_stores.values():
        for key, expires in (("contract-live", 2_000), ("contract-ended", 2_000), ("contract-old", 1_000)):
            await store.write(web_session.OPEN_WEB_SESSION, {"id": key, "subject": "someone", "expires": expires})
        ended = await store.write(web_session.END_WEB_SESSION, {"id": "contract-ended"})
        swept = await store.write(web_session.DELETE_EXPIRED_WEB_SESSIONS, {"now": 1_500})
        live = [
            await store.read(web_session.GET_LIVE_WEB_SESSION, {"id": key, "now": now})
            for key, now in (("contract-live", 1_500), ("contract-live", 2_000), ("contract-ended", 1_500))
        ]
        await store.write(web_session.END_WEB_SESSION, {"id": "contract-live"})
        answers.append((ended, swept, live))
    assert answers[0] == answers[1]
    assert answers[0] == ([{"ended": 1}], [{"deleted": 1}], [[{"subject": "someone"}], [], []])


UNINDEXED = Statement(
    "TEST_APPEND_UNINDEXED_AUDIT_RECORD",
    "CREATE (:AuditRecord {id: $id, chain: 'reindex-contract', seq: 1, prev: '', hash: '', at: 0, body: '{}', "
    "subject: 'someone', data_subjects: ['R1', 'R2'], data_classes: [], jurisdictions: []})",
)
COUNT_ENTRIES = Statement(
    "TEST_COUNT_AUDIT_ACCESS", "MATCH (x:AuditAccess) WHERE x.data_subject = $s RETURN count(x) AS n"
)
REMOVE = Statement(
    "TEST_REMOVE_REINDEXED",
    "MATCH (n) WHERE (n:AuditRecord AND n.chain = 'reindex-contract') OR (n:AuditAccess AND n.data_subject IN ['R1', 'R2']) "
    "DELETE n",
)


async def test_reindex_indexes_records_from_before_the_index(seeded_stores: dict[str, GraphStore]) -> None:
    """A record appended without entries (as before the index) is found by data subject after a reindex on
    Neo4j, and a second run adds nothing. FalkorDB finds it at once through its own `data_subjects`: the
    reindex says there is nothing to do and writes no entry."""
    filters = {"before": "~", "subject": None, "data_subject": "R1", "data_class": None, "decision": None,
               "since": None, "until": None, "trace_id": None, "jurisdiction": None, "limit": 10}  # fmt: skip
    for backend, store in seeded_stores.items():
        await store.write(UNINDEXED, {"id": "0000000000000-reindex-contract-000000001"})
        try:
            if backend == "falkordb":
                found = await store.read(audit.LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, filters)
                assert [r["chain"] for r in found] == ["reindex-contract"]
                assert await reindex(store, page=500) is None
                assert (await store.read(COUNT_ENTRIES, {"s": "R2"}))[0]["n"] == 0
                continue
            assert await store.read(audit.LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, filters) == []
            visited = await reindex(store, page=500)
            assert visited == await reindex(store, page=500) >= 1
            found = await store.read(audit.LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, filters)
            assert [r["chain"] for r in found] == ["reindex-contract"]
            assert (await store.read(COUNT_ENTRIES, {"s": "R2"}))[0]["n"] == 1
        finally:
            await store.write(REMOVE)


async def test_a_statement_for_one_engine_is_refused_by_the_other(seeded_stores: dict[str, GraphStore]) -> None:
    """The statements declared for one engine (`ONLY_ON`) run there in the tests above and in migrate;
    the other engine refuses them before sending anything, and its migrate leaves them out."""
    assert set(ONLY_ON.values()) == set(seeded_stores)
    for name, engine in ONLY_ON.items():
        stmt = all_statements()[name]
        for backend, store in seeded_stores.items():
            if backend != engine:
                with pytest.raises(WrongEngine, match=name):
                    await store.write(stmt, {"after": "", "limit": 1})
                await store.migrate([stmt])
