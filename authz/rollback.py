"""Rollback as a diff: the policy state of an earlier version, compared with the state now.

Replaying inverse changes in one batch loses their order (a grant added, then revoked,
would come back), so the state at the target version is computed instead: walking the
applied changes back from the newest, each undone in turn, over the rules in force and
over the grants those changes touched. The rollback is the change from now to that state.
"""

from collections.abc import Iterable, Sequence
from typing import TypeVar

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rules import Rule

T = TypeVar("T")


def _undo(present: set[T], added: Iterable[T], removed: Iterable[T]) -> None:
    present.difference_update(added)
    present.update(removed)


def restore(
    newest_first: Sequence[ChangeSet], rules_now: Iterable[Rule], grants_now: Iterable[Grant], now_ms: int
) -> ChangeSet:
    """The change that brings the rules and the touched grants back to the state before `newest_first`.

    `grants_now` must hold every stored grant of the subjects those changes name. A grant
    that has expired since is not restored: it would grant nothing.
    """
    rules_then, grants_then = set(rules_now), set(grants_now)
    touched: set[Grant] = set()
    for change in newest_first:
        _undo(rules_then, change.add_rules, change.remove_rules)
        _undo(grants_then, change.add_grants, change.remove_grants)
        touched.update(change.add_grants + change.remove_grants)
    rules, grants = set(rules_now), set(grants_now) & touched
    grants_then &= touched
    return ChangeSet(
        add_rules=tuple(sorted(rules_then - rules)),
        remove_rules=tuple(sorted(rules - rules_then)),
        add_grants=tuple(sorted((g for g in grants_then - grants if g.active(now_ms)), key=lambda g: g.key)),
        remove_grants=tuple(sorted(grants - grants_then, key=lambda g: g.key)),
    )
