"""Rollback computes the state of the target version; order within the undone changes matters."""

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rollback import restore
from authz.rules import Rule

X, Y = Grant("x", "grid_worker", "330802001001001"), Grant("y", "resident", "330802001001001")
R = Rule("resident", "building", "read")
NOW = 1_800_000_000_000


def test_a_grant_revoked_after_the_target_stays_revoked() -> None:
    """Added at v+1 and revoked at v+2: at v it did not exist, and it does not now (problem 4)."""
    newest_first = [ChangeSet(remove_grants=(X,)), ChangeSet(add_grants=(Y,)), ChangeSet(add_grants=(X,))]
    assert restore(newest_first, [], [Y], NOW) == ChangeSet(remove_grants=(Y,))


def test_rules_and_grants_return_to_the_target_state() -> None:
    newest_first = [ChangeSet(add_rules=(R,), remove_grants=(X,))]
    assert restore(newest_first, [R], [], NOW) == ChangeSet(remove_rules=(R,), add_grants=(X,))


def test_untouched_grants_are_left_alone_and_expired_ones_not_restored() -> None:
    expired = Grant("z", "grid_worker", "330802001001001", expires=NOW - 1)
    newest_first = [ChangeSet(remove_grants=(expired,))]
    assert restore(newest_first, [], [X], NOW).empty
