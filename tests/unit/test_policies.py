"""Who may do what, asked of the policies alone: roles, a master's own rules, confidentiality and
the review steps a status allows."""

from __future__ import annotations

import pytest

from knowledge_base import InvalidTransition, PermissionDenied
from knowledge_base.models import RuleRow
from knowledge_base.policies import (
    MERGEABLE,
    TRANSITIONS,
    Actor,
    check_live,
    check_transition,
    may_set_password,
    require,
)


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("admin", "manage_users", True),
        ("interviewer", "import", True),
        ("interviewer", "review", False),
        ("master", "review", True),
        ("master", "export", False),
        ("sme", "import", False),
    ],
)
def test_a_role_grants_its_actions_and_no_others(role: str, action: str, allowed: bool) -> None:
    actor = Actor("someone", role)
    if allowed:
        assert require(actor, action) is actor
    else:
        with pytest.raises(PermissionDenied, match=f"someone \\({role}\\) may not"):
            require(actor, action)


def test_a_master_speaks_for_himself_and_the_masters_delegated_to_him() -> None:
    park = Actor("park", "master", master_id=1, delegated=frozenset({3}))
    assert park.speaks_for(1) and park.speaks_for(3) and not park.speaks_for(2)
    assert Actor("boss", "admin").speaks_for(2)


def test_confidential_rules_stay_in_their_organisation_and_smes_read_confirmed_ones_only() -> None:
    inside = Actor("kim", "interviewer", organisation="HD")
    outside = Actor("lee", "interviewer", organisation="Other")
    assert inside.can_see(status="proposed", confidential=True, organisation="HD")
    assert not outside.can_see(status="proposed", confidential=True, organisation="HD")
    assert Actor("boss", "admin").can_see(status="proposed", confidential=True, organisation="HD")
    sme = Actor("sme", "sme", organisation="HD")
    assert sme.can_see(status="confirmed", confidential=False, organisation=None)
    assert not sme.can_see(status="proposed", confidential=False, organisation=None)


def test_a_review_decision_must_be_one_the_status_allows() -> None:
    row = RuleRow(id=4, status="rejected")
    check_transition(row, "proposed")
    with pytest.raises(InvalidTransition, match="rule 4 is rejected; it cannot become confirmed"):
        check_transition(row, "confirmed")
    assert TRANSITIONS["retired"] == set() and "merged" not in MERGEABLE


def test_only_a_live_rule_is_split_or_merged() -> None:
    with pytest.raises(InvalidTransition, match="only a live rule can be split"):
        check_live(RuleRow(id=5, status="retired"), "split")
    with pytest.raises(InvalidTransition, match="only live rules can be merged"):
        check_live(RuleRow(id=5, status="merged"), "merge")
    check_live(RuleRow(id=5, status="confirmed"), "merge")


def test_a_user_changes_his_own_password_and_only_an_admin_another_users() -> None:
    may_set_password(Actor("kim", "interviewer"), "kim")
    may_set_password(Actor("boss", "admin"), "kim")
    with pytest.raises(PermissionDenied, match="may not change another user's password"):
        may_set_password(Actor("lee", "sme"), "kim")
