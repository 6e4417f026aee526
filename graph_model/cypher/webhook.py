"""Outgoing webhooks: the departments' registrations and the deliveries owed to them.

A `Webhook` follows the case feed with its own cursor; a `WebhookDelivery` is one event owed to
one webhook, named `<webhook>-<event>` so that it exists once however often it is enqueued (and
that name is the `webhook-id` the receiver dedupes by). Deliveries live in the graph so every
worker and host shares them and they survive restarts:

- enqueueing moves the webhook's cursor only from the value the enqueuer read (a compare-and-set
  behind the same set-and-remove lock marker as a case's version guard), so of two workers
  enqueueing the same events one does and the other changes nothing;
- a worker claims due deliveries by pushing their `next_at` a lease ahead under that lock and
  stamping its claim; only the claim's holder may record the outcome. A worker that dies holding
  a claim loses it when the lease runs out and the delivery is sent again: at least once.

A webhook's `secret` is sealed (`aesgcm:…`, api/webhook/secrets.py): apart from sealing those
left in plain text from before, no statement here sees a signing secret itself, and no read for
the API returns even the sealed form.
"""

from typing import Final

from graph_model.statement import Statement

_WEBHOOK: Final = "w.id AS id, w.url AS url, w.department AS department, w.created_at AS created_at, w.active AS active"
_DELIVERY: Final = (
    "d.id AS id, d.webhook AS webhook, d.department AS department, d.event AS event, d.case_id AS case_id, "
    "d.status AS status, d.attempts AS attempts, d.next_at AS next_at, d.last_status AS last_status, "
    "d.last_error AS last_error, d.updated_at AS updated_at"
)

CREATE_WEBHOOK: Final = Statement(
    "CREATE_WEBHOOK",
    "CREATE (w:Webhook {id: $id, url: $url, secret: $secret, department: $department, subject: $subject, "
    "cursor: $cursor, created_at: $now, active: true}) RETURN " + _WEBHOOK,
)
# The webhooks of the caller's departments (`$departments`), never their secrets.
LIST_WEBHOOKS: Final = Statement(
    "LIST_WEBHOOKS", "MATCH (w:Webhook) WHERE w.department IN $departments RETURN " + _WEBHOOK + " ORDER BY id"
)
# A new sealed secret (api/webhook/secrets.py) for an active webhook of the caller's departments;
# deliveries claimed from now on are signed with it.
ROTATE_WEBHOOK_SECRET: Final = Statement(
    "ROTATE_WEBHOOK_SECRET",
    "MATCH (w:Webhook {id: $id}) WHERE w.department IN $departments AND w.active = true "
    "SET w.secret = $secret RETURN " + _WEBHOOK,
)
# Inactive for good: nothing more is enqueued for it (the enqueue's guard), and the dispatcher
# settles its remaining deliveries as dead when they come due (`CLAIM_WEBHOOK_DELIVERIES` says so).
DEACTIVATE_WEBHOOK: Final = Statement(
    "DEACTIVATE_WEBHOOK",
    "MATCH (w:Webhook {id: $id}) SET w._lock = true REMOVE w._lock "
    "WITH w WHERE w.department IN $departments AND w.active = true "
    "SET w.active = false, w.deactivated_at = $now RETURN " + _WEBHOOK,
)
# Secrets stored in plain text before they were sealed: sealed once at a dispatcher's start, each
# only if it still holds the plain value read (two workers starting at once seal it once).
LIST_PLAIN_WEBHOOK_SECRETS: Final = Statement(
    "LIST_PLAIN_WEBHOOK_SECRETS",
    "MATCH (w:Webhook) WHERE NOT w.secret STARTS WITH 'aesgcm:' RETURN w.id AS id, w.secret AS secret ORDER BY id",
)
SEAL_WEBHOOK_SECRET: Final = Statement(
    "SEAL_WEBHOOK_SECRET",
    "MATCH (w:Webhook {id: $id}) WHERE w.secret = $plain SET w.secret = $sealed RETURN w.id AS id",
)
LIST_ACTIVE_WEBHOOKS: Final = Statement(
    "LIST_ACTIVE_WEBHOOKS",
    "MATCH (w:Webhook) WHERE w.active = true RETURN w.id AS id, w.subject AS subject, w.department AS department, "
    "w.cursor AS cursor ORDER BY id",
)
ENQUEUE_WEBHOOK_DELIVERIES: Final = Statement(
    "ENQUEUE_WEBHOOK_DELIVERIES",
    "MATCH (w:Webhook {id: $webhook}) SET w._lock = true REMOVE w._lock "
    "WITH w WHERE w.cursor = $cursor AND w.active = true SET w.cursor = $next "
    "WITH w UNWIND $rows AS r MERGE (d:WebhookDelivery {id: r.id}) "
    "ON CREATE SET d.webhook = w.id, d.department = w.department, d.event = r.event, d.case_id = r.case_id, "
    "d.payload = r.payload, d.status = 'pending', d.attempts = 0, d.next_at = $now, d.updated_at = $now "
    "RETURN d.id AS id ORDER BY id",
)
CLAIM_WEBHOOK_DELIVERIES: Final = Statement(
    "CLAIM_WEBHOOK_DELIVERIES",
    "MATCH (d:WebhookDelivery) WHERE d.status = 'pending' AND d.next_at <= $now "
    "WITH d ORDER BY d.next_at, d.id LIMIT $limit SET d._lock = true REMOVE d._lock "
    "WITH d WHERE d.status = 'pending' AND d.next_at <= $now SET d.next_at = $now + $lease, d.claim = $claim "
    "WITH d MATCH (w:Webhook {id: d.webhook}) "
    "RETURN d.id AS id, d.attempts AS attempts, d.payload AS payload, d.case_id AS case_id, w.id AS webhook, "
    "w.url AS url, w.secret AS secret, w.subject AS subject, w.department AS department, w.active AS active "
    "ORDER BY id",
)
# `status` is 'delivered', 'pending' (retry at `next_at`) or 'dead'; only the claim's holder records it.
RECORD_WEBHOOK_ATTEMPT: Final = Statement(
    "RECORD_WEBHOOK_ATTEMPT",
    "MATCH (d:WebhookDelivery {id: $id}) WHERE d.claim = $claim "
    "SET d.status = $status, d.attempts = d.attempts + 1, d.next_at = $next_at, d.last_status = $last_status, "
    "d.last_error = $last_error, d.updated_at = $now "
    "RETURN d.id AS id, d.status AS status, d.attempts AS attempts",
)
LIST_DEAD_WEBHOOK_DELIVERIES: Final = Statement(
    "LIST_DEAD_WEBHOOK_DELIVERIES",
    "MATCH (d:WebhookDelivery) WHERE d.status = 'dead' AND d.id > $after "
    "RETURN " + _DELIVERY + " ORDER BY id LIMIT $limit",
)
REPLAY_WEBHOOK_DELIVERY: Final = Statement(
    "REPLAY_WEBHOOK_DELIVERY",
    "MATCH (d:WebhookDelivery {id: $id}) SET d._lock = true REMOVE d._lock "
    "WITH d WHERE d.status = 'dead' "
    "SET d.status = 'pending', d.attempts = 0, d.next_at = $now, d.claim = null, d.updated_at = $now "
    "RETURN " + _DELIVERY,
)
