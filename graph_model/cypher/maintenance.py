"""Whole-graph maintenance used by `wangge seed --reset` and the test session."""

from typing import Final

from graph_model.statement import Statement

DELETE_NODES_BATCH: Final = Statement(
    "DELETE_NODES_BATCH",
    "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
)
COUNT_NODES_BY_LABEL: Final = Statement(
    "COUNT_NODES_BY_LABEL", "MATCH (n) RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label"
)
COUNT_RELATIONSHIPS_BY_TYPE: Final = Statement(
    "COUNT_RELATIONSHIPS_BY_TYPE", "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n ORDER BY type"
)
