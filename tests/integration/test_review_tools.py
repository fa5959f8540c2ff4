"""What the review and knowledge-base pages stand on: search and filters in SQL, split, merge,
similar rules, confidentiality, transcripts; on SQLite and PostgreSQL. Plus the pure helpers:
the structured editor, the variable catalogue, plain-words facts, the guide and chaining."""

import io

import pytest

from elicitation import coverage, guide_docx, guide_markdown, interview_guide
from knowledge_base import InvalidEdit, InvalidTransition, KnowledgeBase, PermissionDenied, StaleEdit
from knowledge_base.versions import FieldChange
from rules import Action, Clause, Group, KnownRule, Quantity, Rule, catalogue, facts_from_text
from rules.chaining import chaining_links, to_dot
from ui.editing import (
    ACTION_COLUMNS,
    CLAUSE_COLUMNS,
    action_rows,
    clause_rows,
    columns,
    readable,
    rule_from_editor,
    split,
)
from ui.workflows import load_samples


@pytest.fixture
def samples(kb: KnowledgeBase) -> KnowledgeBase:
    load_samples(kb)
    return kb


def by_variable(kb: KnowledgeBase, variable: str) -> int:
    return next(v.id for v in kb.list_rules() if any(c.variable == variable for c in v.rule.clauses()))


def test_search_finds_every_word_and_counts_match_the_list(samples: KnowledgeBase) -> None:
    found = samples.list_rules(search="HUMIDITY filler")
    assert [v.rule.summary() for v in found] == [
        "IF the humidity is above eighty percent THEN I usually add a little more filler"
    ]
    assert samples.count_rules(search="humidity filler") == {"proposed": 1}
    assert samples.list_rules(search="100%_") == []  # LIKE wildcards are taken literally


def test_rules_take_the_masters_craft_as_domain_and_filter_by_it(samples: KnowledgeBase) -> None:
    assert samples.domains() == ["cnc machining", "converter steelmaking", "shipyard welding", "전통 장 담그기"]
    assert {v.master for v in samples.list_rules(domain="cnc machining")} == {"Lee Dong-hyun"}
    assert sum(samples.count_rules(domain="cnc machining").values()) == 5


def test_an_edit_updates_what_search_finds(samples: KnowledgeBase) -> None:
    rule_id = by_variable(samples, "humidity")
    view = samples.get_rule(rule_id)
    changed = view.rule.model_copy(update={"rationale": "porosity in damp air"})
    samples.edit_rule(rule_id, changed, reason="why", expected_version=1)
    assert [v.id for v in samples.list_rules(search="porosity")] == [rule_id]


def test_release_filter_shows_the_frozen_version(samples: KnowledgeBase) -> None:
    rule_id = by_variable(samples, "humidity")
    samples.review(rule_id, "confirmed", expected_version=1)
    samples.create_release("r1")
    view = samples.get_rule(rule_id)
    samples.edit_rule(rule_id, view.rule.model_copy(update={"rationale": "later"}), reason="x", expected_version=2)
    frozen = samples.list_rules(release="r1")
    assert [(v.id, v.version) for v in frozen] == [(rule_id, 2)]


def test_split_makes_a_new_proposed_rule_citing_the_same_words(samples: KnowledgeBase) -> None:
    rule_id = by_variable(samples, "steel_temperature")
    view = samples.get_rule(rule_id)
    rule = view.rule.model_copy(update={"actions": [Action(text="preheat"), Action(text="use low-hydrogen rods")]})
    samples.edit_rule(rule_id, rule, reason="two actions", expected_version=1)
    kept, made = samples.split_rule(rule_id, split(rule, [1]), reason="two decisions", expected_version=2)
    assert [a.text for a in kept.rule.actions] == ["preheat"]
    assert [a.text for a in made.rule.actions] == ["use low-hydrogen rods"]
    assert made.status == "proposed" and made.master == view.master
    assert [(e.turn.id, e.start, e.end) for e in made.evidence] == [(e.turn.id, e.start, e.end) for e in view.evidence]
    assert samples.history(made.id)[0].reason.startswith(f"split from rule {rule_id}")
    assert samples.audit(1)[0]["action"] == "split"


def test_a_stale_split_is_refused_and_nothing_is_made(samples: KnowledgeBase) -> None:
    rule_id = by_variable(samples, "steel_temperature")
    rule = samples.get_rule(rule_id).rule
    rule = rule.model_copy(update={"actions": [Action(text="a"), Action(text="b")]})
    before = sum(samples.count_rules().values())
    with pytest.raises(StaleEdit):
        samples.split_rule(rule_id, split(rule, [1]), reason="x", expected_version=7)
    assert sum(samples.count_rules().values()) == before


def test_merge_keeps_both_sources_and_marks_the_other_merged(samples: KnowledgeBase) -> None:
    melts = [v for v in samples.list_rules() if any(c.variable == "melt_temperature" for c in v.rule.clauses())]
    keep, other = melts[0], melts[1]
    merged = samples.merge_rules(keep.id, other.id, reason="same rule", expected_versions=(1, 1))
    assert merged.version == 2
    quotes = {e.quote for e in merged.evidence}
    assert {e.quote for e in keep.evidence} | {e.quote for e in other.evidence} <= quotes
    assert samples.get_rule(other.id).status == "merged"
    assert samples.history(other.id)[-1].reason.startswith(f"merged into rule {keep.id}")
    with pytest.raises(InvalidTransition):
        samples.merge_rules(keep.id, other.id, reason="again", expected_versions=(2, 2))
    with pytest.raises(InvalidTransition, match="merge"):
        samples.review(keep.id, "merged", expected_version=2)


def test_a_master_cannot_merge_another_masters_rule_into_his(samples: KnowledgeBase) -> None:
    samples.add_user("park", "master", master="Park Jae-sung")
    park = samples.list_rules(master="Park Jae-sung")[0]
    choi = samples.list_rules(master="Choi Min-ji")[0]
    with pytest.raises(PermissionDenied):
        samples.as_user("park").merge_rules(park.id, choi.id, reason="x", expected_versions=(1, 1))
    assert samples.get_rule(choi.id).status == "proposed"


def test_similar_rules_rank_shared_words_first(samples: KnowledgeBase) -> None:
    melts = [v.id for v in samples.list_rules() if any(c.variable == "melt_temperature" for c in v.rule.clauses())]
    similar = samples.similar_rules(melts[0])
    assert similar and similar[0][0].id == melts[1]
    assert all(0 < score <= 1 for _, score in similar)


def test_only_an_admin_marks_a_rule_confidential_and_it_leaves_other_organisations(samples: KnowledgeBase) -> None:
    rule_id = samples.list_rules(master="Park Jae-sung")[0].id
    samples.add_user("kim", "interviewer", organisation="Elsewhere")
    with pytest.raises(PermissionDenied):
        samples.as_user("kim").set_confidential(rule_id, True)
    samples.set_confidential(rule_id, True)
    assert rule_id not in [v.id for v in samples.as_user("kim").list_rules()]


def test_transcripts_list_and_show_turns_with_their_rules(samples: KnowledgeBase) -> None:
    listed = samples.transcripts()
    assert [t.master for t in listed] == ["김옥순", "Lee Dong-hyun", "Choi Min-ji", "Park Jae-sung"]
    turns, views = samples.transcript(listed[0].id)
    assert len(turns) == listed[0].turns and len(views) == listed[0].rules
    samples.add_user("sme", "sme")
    with pytest.raises(PermissionDenied):
        samples.as_user("sme").transcripts()


def test_the_state_token_moves_on_every_write(samples: KnowledgeBase) -> None:
    before = samples.state_token()
    samples.review(samples.list_rules()[0].id, "confirmed", expected_version=1)
    assert samples.state_token() > before


# --- the structured editor ------------------------------------------------------------------

RULE = Rule(
    conditions=Group(items=[Clause(text="humidity above 80", variable="humidity", operator=">", value=80, unit="%")]),
    actions=[Action(text="add filler"), Action(text="put up screens")],
    certainty="usually",
)


def test_the_editor_round_trips_a_rule() -> None:
    rows = columns(clause_rows(RULE.clauses()), ["text", "variable", "operator", "value", "unit"])
    actions = [{"text": a.text, "negated": False} for a in RULE.actions]
    again = rule_from_editor(RULE, join="all", conditions=rows, actions=actions, exceptions=[], certainty="usually")
    assert again.model_dump() == RULE.model_dump()


def test_an_edit_keeps_every_evidence_span_observation_and_instruction() -> None:
    said = Rule(
        conditions=Group(
            items=[
                Clause(text="the arc pops", variable="arc_pops", operator="is_true", observed=True, start=3, end=15),
                Clause(text="above 80 %", variable="humidity", operator=">", value=80, unit="%", start=20, end=30),
            ]
        ),
        actions=[Action(text="I add filler", instruction="Add filler", start=32, end=44)],
    )
    rows = columns(clause_rows(said.clauses()), CLAUSE_COLUMNS)
    actions = columns(action_rows(said.actions), ACTION_COLUMNS)
    only_rationale = rule_from_editor(
        said, join="all", conditions=rows, actions=actions, exceptions=[], certainty="always", rationale="it spatters"
    )
    assert only_rationale.model_dump(exclude={"rationale"}) == said.model_dump(exclude={"rationale"})
    reworded = dict(rows, text=["the arc pops and hisses", "above 80 %"])
    edited = rule_from_editor(said, join="all", conditions=reworded, actions=actions, exceptions=[], certainty="always")
    assert [(c.start, c.end) for c in edited.clauses()] == [(3, 15), (20, 30)]
    assert edited.clauses()[0].observed and edited.actions[0].instruction == "Add filler"


@pytest.mark.parametrize(
    "conditions,actions,message",
    [
        ([{"text": "x", "variable": "bad name", "operator": ">", "value": "1"}], [{"text": "a"}], "condition 1"),
        ([{"text": "x", "variable": "h", "operator": "nonsense", "value": "1"}], [{"text": "a"}], "condition 1"),
        ([], [{"text": ""}], "at least one action"),
        ([], [{"text": "", "verb": "add"}], "action 1 needs its words"),
        ([], [{"text": "a", "amount": "lots"}], "action 1"),
    ],
)
def test_an_invalid_edit_names_the_row(conditions: list, actions: list, message: str) -> None:
    with pytest.raises(InvalidEdit, match=message):
        rule_from_editor(RULE, join="all", conditions=conditions, actions=actions, exceptions=[], certainty="always")


def test_an_empty_editor_table_keeps_its_columns() -> None:
    assert columns([], ["text", "unit"]) == {"text": [""], "unit": [""]}


def test_a_split_needs_an_action_on_each_side() -> None:
    with pytest.raises(InvalidEdit):
        split(RULE, [0, 1])
    with pytest.raises(InvalidEdit):
        split(RULE, [])


@pytest.mark.parametrize(
    "path,before,after,expected",
    [
        ("conditions.items.0.value", 80, 85, "condition 1 value: 80 → 85"),
        ("actions.1.text", "a", "b", "action 2 text: a → b"),
        ("rationale", None, "wet", "rationale: (none) → wet"),
    ],
)
def test_version_changes_read_as_words(path: str, before: object, after: object, expected: str) -> None:
    assert readable(FieldChange(path, before, after)) == expected


# --- variables and plain-words questions ----------------------------------------------------

KNOWN = [
    Rule(conditions=Group(items=[Clause(text="it rains", variable="weather", operator="==", value="rain")]), actions=[Action(text="a")]),
    Rule(conditions=Group(items=[Clause(text="humid", variable="humidity", operator=">", value=80, unit="%")]), actions=[Action(text="b")]),
    Rule(conditions=Group(items=[Clause(text="hot", variable="melt_temperature", operator=">", value=1600, unit="degC")]), actions=[Action(text="c")]),
    Rule(conditions=Group(items=[Clause(text="preheated", variable="preheated", operator="is_true")]), actions=[Action(text="d")]),
]  # fmt: skip


def test_the_catalogue_types_each_variable() -> None:
    kinds = {v.name: (v.kind, v.unit, v.values) for v in catalogue(KNOWN)}
    assert kinds == {
        "weather": ("category", None, ("rain",)),
        "humidity": ("number", "%", ()),
        "melt_temperature": ("number", "degC", ()),
        "preheated": ("flag", None, ()),
    }


@pytest.mark.parametrize(
    "question,expected",
    [
        ("what do I do when welding in the rain at 85% humidity?", {"weather": "rain", "humidity": Quantity(85, "%")}),
        ("melt temperature is 2950 °F", {"melt_temperature": Quantity(2950, "degF")}),
        ("the plate is not preheated", {"preheated": False}),
        ("humidity around eighty", {"humidity": 80.0}),
        ("lunch is at noon", {}),
    ],
)
def test_facts_are_read_from_plain_words(question: str, expected: dict) -> None:
    assert facts_from_text(question, catalogue(KNOWN)) == expected


# --- the interview guide, coverage and chaining ---------------------------------------------


def known(key: str, rule: Rule, status: str = "proposed") -> KnownRule:
    return KnownRule(key=key, rule=rule, status=status, quote="he said so")


def test_the_guide_asks_about_unmeasured_cues_and_probes_the_rules() -> None:
    vague = Rule(conditions=Group(items=[Clause(text="the flame looks lazy")]), actions=[Action(text="open the valve")])
    questions = interview_guide([known("1", vague), known("2", KNOWN[1]), known("3", KNOWN[0], "rejected")])
    cues = [q for q in questions if q.kind == "cue"]
    assert [q.rules for q in cues] == [("1",)] and "the flame looks lazy" in cues[0].question
    probes = [q for q in questions if q.kind == "probe"]
    assert {q.rules for q in probes} == {("1",), ("2",)}  # nothing for a rejected rule
    text = guide_markdown("Guide", questions)
    assert "## Cues to make measurable" in text and "What would a novice miss when humid?" in text
    from docx import Document

    doc = Document(io.BytesIO(guide_docx("Guide", questions)))
    assert any("the flame looks lazy" in p.text for p in doc.paragraphs)


def test_the_guide_comes_back_to_what_was_said_like_a_rule_but_not_read() -> None:
    said = "The burner is serviced in order to keep the flame stable."
    questions = interview_guide([], unclear=[said, said])
    (q,) = questions
    assert q.kind == "unclear" and q.said == said and q.rules == ()
    assert "“The burner is serviced in order to keep the flame stable”. When exactly" in q.question
    text = guide_markdown("Guide", questions)
    assert "## Said like a rule, but not yet clear" in text and "_no rule yet" in text


def test_the_interview_page_finds_unclear_sayings_in_stored_turns() -> None:
    from ui.state import unclear_sayings

    turns = (
        (0, "Interviewer", "How did it start?"),
        (
            1,
            "Lee",
            "The burner is serviced every year in order to keep the flame stable. "
            "When I moved here, the machines were all manual. If the tool squeals, reduce the speed.",
        ),
    )
    found = unclear_sayings(turns)
    assert found == ["The burner is serviced every year in order to keep the flame stable."]
    # not the story told in the past, and not the sentence read as a rule


def test_coverage_counts_rules_per_step_and_cue() -> None:
    step = KNOWN[1].model_copy(update={"process_step": "preheating"})
    table = coverage([known("1", step), known("2", KNOWN[0]), known("3", KNOWN[2], "merged")])
    assert table == {"preheating": {"humidity": 1}, "(no step)": {"weather": 1}}


def test_chaining_links_a_fact_setter_to_its_testers_and_draws_them() -> None:
    setter = Rule(
        conditions=Group(items=[Clause(text="humid", variable="humidity", operator=">", value=80)]),
        actions=[Action(text='treat it like "rain"', variable="weather", value="rain")],
    )
    rules = [known("1", setter), known("2", KNOWN[0])]
    links = chaining_links(rules)
    assert [(link.source, link.variable, link.target) for link in links] == [("1", "weather", "2")]
    dot = to_dot(rules, links)
    assert '"r1" -> "r2" [label="weather = rain"]' in dot
    assert '\\"rain\\"' in dot  # quotes in rule text cannot break the graph
