"""Console sessions held server-side, so that signing out ends a session on every worker and host.

The browser's cookie carries a random session id; the graph keeps only its SHA-256, with the
subject and the expiry. A cookie whose id is not here (signed out, expired, never opened) is no
session, however valid its signature.
"""

from typing import Final

from graph_model.statement import Statement

OPEN_WEB_SESSION: Final = Statement(
    "OPEN_WEB_SESSION",
    "CREATE (s:WebSession {id: $id, subject: $subject, expires: $expires}) RETURN s.id AS id",
)
GET_LIVE_WEB_SESSION: Final = Statement(
    "GET_LIVE_WEB_SESSION",
    "MATCH (s:WebSession) WHERE s.id = $id AND s.expires > $now RETURN s.subject AS subject",
)
END_WEB_SESSION: Final = Statement(
    "END_WEB_SESSION", "MATCH (s:WebSession) WHERE s.id = $id DELETE s RETURN count(*) AS ended"
)
# Run at each sign-in, a batch at a time: sessions nobody signed out of would pile up otherwise.
DELETE_EXPIRED_WEB_SESSIONS: Final = Statement(
    "DELETE_EXPIRED_WEB_SESSIONS",
    "MATCH (s:WebSession) WHERE s.expires <= $now WITH s LIMIT 1000 DELETE s RETURN count(*) AS deleted",
)
