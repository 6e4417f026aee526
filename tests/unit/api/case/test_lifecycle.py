"""The transition table: every status reachable, final statuses final, illegal steps refused."""

import pytest

from api.case.catalogue import load_catalogue
from api.case.enums import CaseStatus
from api.case.lifecycle import LIMIT_OF, OPEN, TRANSITIONS, Due, transition
from api.errors import ApiError


def test_every_status_is_reachable_from_a_report() -> None:
    reached, frontier = {CaseStatus.REPORTED}, [CaseStatus.REPORTED]
    while frontier:
        status = frontier.pop()
        for move in TRANSITIONS.values():
            if status in move.sources and move.target and move.target not in reached:
                reached.add(move.target)
                frontier.append(move.target)
    assert reached == set(CaseStatus)


def test_rejected_is_final_and_closed_only_rates_or_reopens() -> None:
    assert not [a for a, m in TRANSITIONS.items() if CaseStatus.REJECTED in m.sources]
    assert {a for a, m in TRANSITIONS.items() if CaseStatus.CLOSED in m.sources} == {"rate", "reopen"}


def test_a_step_limit_exists_wherever_a_transition_starts_one() -> None:
    for move in TRANSITIONS.values():
        if move.due is Due.STEP:
            assert move.target in LIMIT_OF
    assert CaseStatus.SUSPENDED in OPEN and CaseStatus.CLOSED not in OPEN


def test_illegal_transition_is_bad_user_input() -> None:
    with pytest.raises(ApiError) as refused:
        transition("sign", CaseStatus.REPORTED)
    assert refused.value.extensions == {"code": "BAD_USER_INPUT"}
    assert transition("sign", CaseStatus.ASSIGNED).target is CaseStatus.SIGNED


def test_catalogue_names_every_step_and_admits_no_enforcement() -> None:
    items = load_catalogue()
    assert {i.code for i in items} >= {"safety.hazard", "dispute.neighbour", "petition.request", "service.proxy"}
    assert not any(i.admitted for i in items if i.category == "执法事项")
    assert [i.code for i in items if i.petition] == ["petition.request"]
