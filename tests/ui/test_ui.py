"""The Streamlit pages with AppTest: sign-in, pages by role, and each page doing its job through
the service layer (which refuses what the role may not do)."""

import io

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from elicitation import evaluation
from knowledge_base import KnowledgeBase
from rules import Action, Clause, Group

from ..conftest import run_app, samples_with_accounts

PASSWORD = "long enough secret"


@pytest.fixture
def loaded(sqlite_env: str) -> KnowledgeBase:
    return samples_with_accounts(
        sqlite_env,
        PASSWORD,
        ("park", "master", "Park Jae-sung"),
        ("sme", "sme", None),
        ("kim", "interviewer", None),
    )


def app(user: str | None = "admin", page: str | None = None) -> AppTest:
    """The app with `user` already signed in (as the sign-in page leaves it)."""
    return run_app(user, page)


def nav_titles(at: AppTest) -> list[str]:
    return [p.page_name for p in at.get("navigation")[0].proto.app_pages] if at.get("navigation") else []


# --- sign-in and roles ----------------------------------------------------------------------


def test_nobody_signed_in_sees_only_the_sign_in_page(loaded: KnowledgeBase) -> None:
    at = app(None)
    assert at.title[0].value == "Sign in"
    assert not at.dataframe


def test_a_wrong_password_is_refused_and_audited(loaded: KnowledgeBase) -> None:
    at = app(None)
    at.text_input(key="sign_in_user").input("park")
    at.text_input(key="sign_in_password").input("not his password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong user name or password."
    assert "user" not in at.session_state
    assert loaded.audit(5)[0]["action"] == "sign_in_failed"


def test_the_right_password_signs_in_to_the_roles_first_page(loaded: KnowledgeBase) -> None:
    at = app(None)
    at.text_input(key="sign_in_user").input("park")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["user"] == "park"
    assert not at.error
    # The page after the rerun is checked in the real browser (tests/test_browser.py): AppTest
    # keeps rendering the page it started on after a script-initiated rerun.
    assert app("park").title[0].value == "Master review"


def test_an_account_without_a_password_cannot_sign_in(loaded: KnowledgeBase) -> None:
    loaded.add_user("nopass", "sme")
    at = app(None)
    at.text_input(key="sign_in_user").input("nopass")
    at.text_input(key="sign_in_password").input("")
    at.button[0].click().run()
    assert at.error and "user" not in at.session_state


@pytest.mark.parametrize(
    "user,first,hidden",
    [
        ("sme", "Guidance", ["screens/review.py", "screens/interview.py", "screens/admin.py"]),
        ("park", "Master review", ["screens/interview.py", "screens/admin.py"]),
        ("kim", "Interview", ["screens/review.py", "screens/admin.py"]),
    ],
)
def test_each_role_sees_its_pages_and_not_the_others(
    loaded: KnowledgeBase, user: str, first: str, hidden: list[str]
) -> None:
    at = app(user)
    assert at.title[0].value == first
    for page in hidden:  # the page is not even registered for this role
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


# --- interview ------------------------------------------------------------------------------


def test_interview_page_highlights_rules_in_the_transcript_and_escapes_it(loaded: KnowledgeBase) -> None:
    at = app("kim", "interview")
    assert at.selectbox(key="import_master").options == ["Choi Min-ji", "Lee Dong-hyun", "Park Jae-sung", "김옥순"]
    html = " ".join(m.value for m in at.markdown)
    assert 'class="condition"' in html and 'class="action"' in html
    assert "<script" not in html


def test_interview_page_offers_the_guide_and_coverage(loaded: KnowledgeBase) -> None:
    at = app("kim", "interview")
    texts = [t.value for t in at.text]
    assert any("What would a novice miss when" in t for t in texts)
    assert len(at.get("download_button")) == 2
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_interview_page_shows_the_consent_form_only_to_who_may_record_consent(loaded: KnowledgeBase) -> None:
    at = app("kim", "interview")
    assert any(e.label == "Register a master and record consent" for e in at.expander)


# --- review ---------------------------------------------------------------------------------


def test_review_page_confirms_the_top_rule_as_the_master(loaded: KnowledgeBase) -> None:
    at = app("park", "review")
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    assert at.selectbox(key="review_master").options == ["Park Jae-sung"]  # his own only
    at.button(key="confirm").click().run()
    assert not at.exception
    assert any(f"Rule #{top.id} confirmed" in s.value for s in at.success)
    assert loaded.get_rule(top.id).status == "confirmed"
    assert loaded.history(top.id)[-1].author == "park"
    assert any("1 of 7 reviewed" in str(p.proto.text) for p in at.get("progress"))


def test_review_says_when_a_proposed_rule_may_be_an_interviewers_question(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    asked = top.rule.model_copy(update={"actions": [Action(text="Do you change anything at night?")]})
    loaded.edit_rule(top.id, asked, reason="as it was read", expected_version=top.version)
    at = app("park", "review")
    assert not at.exception
    doubt = [w.value for w in at.warning if w.value.startswith("This may not be a rule")]
    assert doubt and "is a question, not something to do" in doubt[0]


def test_a_database_failing_during_a_confirm_is_one_line(
    loaded: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("UPDATE rules", {}, Exception("database is locked"))

    at = app("park", "review")
    monkeypatch.setattr(KnowledgeBase, "review", locked)
    at.button(key="confirm").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "the knowledge base's database cannot be used\\: database is locked; nothing was written"
    ]


def test_needs_discussion_requires_a_comment(loaded: KnowledgeBase) -> None:
    at = app("park", "review")
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    at.button(key="discuss").click().run()
    assert any("comment" in e.value for e in at.error)
    assert loaded.get_rule(top.id).status == "proposed"
    at.text_input(key=f"comment_{top.id}").input("which hygrometer?")
    at.button(key="discuss").click().run()
    assert loaded.get_rule(top.id).status == "needs_discussion"


def test_next_and_previous_walk_the_queue(loaded: KnowledgeBase) -> None:
    queue = loaded.list_rules(status="proposed", master="Park Jae-sung")
    at = app("park", "review")
    at.button(key="skip").click().run()
    assert any(f"Rule #{queue[1].id}, version 1" in c.value for c in at.caption)
    at.button(key="previous").click().run()
    assert any(f"Rule #{queue[0].id}, version 1" in c.value for c in at.caption)


def test_a_decision_can_be_undone_and_a_decided_rule_reopened(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    at = app("park", "review")
    at.button(key="confirm").click().run()
    assert loaded.get_rule(top.id).status == "confirmed"
    at.button(key="undo_last").click().run()
    assert not at.exception and loaded.get_rule(top.id).status == "proposed"
    assert any(f"Rule #{top.id} is proposed again." in s.value for s in at.success)
    at.button(key="reject").click().run()
    at.radio(key="review_queue").set_value("decided").run()
    assert any(f"#{top.id}" in m.value for m in at.markdown)
    at.button(key=f"reopen_{top.id}").click().run()
    assert not at.exception and loaded.get_rule(top.id).status == "proposed"
    assert [v.status for v in loaded.history(top.id)][-3:] == ["proposed", "rejected", "proposed"]


def test_confirming_a_rule_that_can_never_fire_shows_why_and_fixes_it_in_place(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    dead = top.rule.model_copy(update={"conditions": Group(items=[Clause(text="the arc sounds wrong")])})
    loaded.edit_rule(top.id, dead, reason="as he said it", expected_version=top.version)
    at = app("park", "review")
    at.button(key="confirm").click().run()
    assert loaded.get_rule(top.id).status == "proposed"  # not confirmed yet: he sees why first
    assert any("can never fire" in w.value for w in at.warning)
    at.button(key=f"observe_{top.id}_0").click().run()
    assert not at.exception
    fixed = loaded.get_rule(top.id)
    [clause] = fixed.rule.clauses()
    assert fixed.status == "confirmed" and clause.observed and clause.variable == "arc_sounds_wrong"


def test_an_observations_reference_media_shows_in_review_and_guidance(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    pops = Clause(text="the arc pops and hisses", variable="arc_pop_hiss", operator="is_true", observed=True)
    loaded.edit_rule(
        top.id, top.rule.model_copy(update={"conditions": Group(items=[pops])}), reason="x", expected_version=1
    )
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(picture, format="PNG")
    loaded.attach_media("arc_pop_hiss", picture.getvalue(), "arc.png", caption="a popping arc")
    at = app("park", "review")
    assert any("arc_pop_hiss" in e.label for e in at.expander)
    assert not at.exception
    loaded.review(top.id, "confirmed", expected_version=2)
    guide = app("sme", "guidance")
    assert not guide.exception
    assert "the arc pops and hisses" in [s.label for s in guide.selectbox]


def test_an_sme_cannot_review_even_by_reaching_the_page(loaded: KnowledgeBase) -> None:
    at = app("sme")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("screens/review.py")
    top = loaded.list_rules(status="proposed")[0]
    with pytest.raises(Exception, match="may not review"):  # and the service refuses it anyway
        loaded.as_user("sme").review(top.id, "confirmed", expected_version=1)


def test_review_page_escapes_transcript_html(loaded: KnowledgeBase) -> None:
    at = app("park", "review")
    html = " ".join(m.value for m in at.markdown)
    assert "<mark" in html and "<script" not in html


def test_the_review_page_saves_an_edit_from_the_structured_editor(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    at = app("park", "review")
    at.selectbox(key=f"certainty_{top.id}").select("always")
    at.text_input(key=f"rationale_{top.id}").input("wet air")
    at.text_input(key=f"reason_{top.id}").input("he is sure")
    at.button(key=f"FormSubmitter:edit_{top.id}-Save new version").click().run()
    assert not at.exception
    assert any(f"Saved rule #{top.id} as version 2" in s.value for s in at.success)
    saved = loaded.get_rule(top.id).rule
    assert (saved.certainty.value, saved.rationale) == ("always", "wet air")


def test_an_edit_without_a_reason_is_refused_and_nothing_is_stored(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    at = app("park", "review")
    at.button(key=f"FormSubmitter:edit_{top.id}-Save new version").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    assert loaded.get_rule(top.id).version == 1


def test_history_shows_a_readable_diff(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    loaded.edit_rule(top.id, top.rule.model_copy(update={"certainty": "always"}), reason="sure", expected_version=1)
    at = app("park", "review")
    assert not any(t.value == "certainty: usually → always" for t in at.text)  # read only when opened
    at.session_state["review_tab"] = "History"
    at.run()
    assert any(t.value == "certainty: usually → always" for t in at.text)


# --- guidance -------------------------------------------------------------------------------


def test_guidance_form_is_built_from_the_variables_and_explains_fired_rules(loaded: KnowledgeBase) -> None:
    rain = next(v for v in loaded.list_rules() if any(c.variable == "weather" for c in v.rule.clauses()))
    loaded.review(rain.id, "confirmed", expected_version=1)
    at = app("sme", "guidance")
    weather = next(s for s in at.selectbox if s.label == "weather")
    assert weather.options == ["(unknown)", "rain"]
    weather.select("rain")
    at.button[0].click().run()
    assert not at.exception
    assert any(f"Rule #{rain.id}" in m.value for m in at.markdown)
    assert any("because weather = rain satisfies" in t.value for t in at.text)


def test_guidance_reads_facts_from_a_plain_words_question(loaded: KnowledgeBase) -> None:
    humid = next(v for v in loaded.list_rules() if any(c.variable == "humidity" for c in v.rule.clauses()))
    loaded.review(humid.id, "confirmed", expected_version=1)
    at = app("sme", "guidance")
    at.text_input(key="question").input("what do I do at 85% humidity?").run()
    assert not at.exception
    assert any("humidity = 85" in c.value for c in at.caption)
    assert any(f"Rule #{humid.id}" in m.value for m in at.markdown)


def test_guidance_shows_the_rules_closest_to_a_question_in_other_words(loaded: KnowledgeBase) -> None:
    rain = next(v for v in loaded.list_rules() if any(c.variable == "weather" for c in v.rule.clauses()))
    loaded.review(rain.id, "confirmed", expected_version=1)
    at = app("sme", "guidance")
    at.text_input(key="question").input("what do I do in wet weather?").run()
    assert not at.exception
    assert any("closest to your question" in h.value for h in at.subheader)
    first = next(m.value for m in at.markdown if m.value.startswith("**Rule #"))
    assert first.startswith(f"**Rule #{rain.id}**") and "match: meaning" in first


def test_a_found_rule_says_which_of_the_workers_numbers_met_its_conditions(loaded: KnowledgeBase) -> None:
    humid = next(v for v in loaded.list_rules() if any(c.variable == "humidity" for c in v.rule.clauses()))
    loaded.review(humid.id, "confirmed", expected_version=1)
    at = app("sme", "guidance")
    at.text_input(key="question").input("the air is at 92% and the rods feel damp, what now?").run()
    assert not at.exception
    said = [x.value for x in at.text if x.value.startswith(("✓", "✗"))]
    assert any(x.startswith("✓ your 92% meets “") for x in said), said


def test_vocabulary_page_proposes_and_confirms_a_renamed_cue(loaded: KnowledgeBase) -> None:
    at = app("kim", "vocabulary")
    assert at.title[0].value == "Cue vocabulary"
    at.button(key="propose_vocabulary").click().run()
    assert not at.exception and "cues proposed" in at.success[0].value
    cue = next(c for c in loaded.vocabulary() if c.status == "proposed")
    at.text_input(key=f"cue_name_{cue.id}").input("renamed_cue")
    confirm = next(b for b in at.button if b.label == "Confirm")  # the first proposal's form, as listed
    confirm.click().run()
    assert not at.exception
    assert [c.name for c in loaded.vocabulary() if c.status == "confirmed"] == ["renamed_cue"]
    at.text_input(key=f"cue_name_{cue.id}").input("not a name!")
    next(b for b in at.button if b.label == "Save").click().run()
    assert "invalid cue name" in at.error[0].value
    assert [c.name for c in loaded.vocabulary() if c.status == "confirmed"] == ["renamed_cue"]


def test_guidance_page_reports_a_fact_in_the_wrong_unit(loaded: KnowledgeBase) -> None:
    melt = next(v for v in loaded.list_rules() if any(c.variable == "melt_temperature" for c in v.rule.clauses()))
    loaded.review(melt.id, "confirmed", expected_version=1)
    at = app("sme", "guidance")
    at.text_input(key="question").input("melt temperature is 3 mm").run()
    assert not at.exception
    assert "melt_temperature" in at.error[0].value


def test_an_sme_is_not_offered_unconfirmed_rules(loaded: KnowledgeBase) -> None:
    at = app("sme", "guidance")
    assert not [c for c in at.checkbox if c.key == "include_proposed"]
    assert any("No confirmed rules" in i.value for i in at.info)


# --- knowledge base -------------------------------------------------------------------------


def test_knowledge_base_page_shows_counts_and_rules(loaded: KnowledgeBase) -> None:
    at = app(page="knowledge")
    assert at.metric[0].label == "proposed"
    assert len(at.dataframe[0].value) == sum(loaded.count_rules().values())


def test_knowledge_base_search_and_filters_narrow_the_list(loaded: KnowledgeBase) -> None:
    at = app(page="knowledge")
    at.text_input(key="kb_search").input("humidity filler").run()
    assert list(at.dataframe[0].value["rule"]) == [
        "IF the humidity is above eighty percent THEN I usually add a little more filler"
    ]
    at.text_input(key="kb_search").input("").run()
    at.selectbox(key="kb_domain").select("cnc machining").run()
    assert set(at.dataframe[0].value["master"]) == {"Lee Dong-hyun"}


def test_an_sme_sees_only_confirmed_rules(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed")[0]
    loaded.review(top.id, "confirmed", expected_version=1)
    at = app("sme", "knowledge")
    assert [m.label for m in at.metric] == ["confirmed"]
    assert list(at.dataframe[0].value["id"]) == [top.id]
    assert any("may not take rules out" in i.value for i in at.info)


def test_knowledge_base_page_lists_findings_offers_downloads_and_releases(loaded: KnowledgeBase) -> None:
    at = app(page="knowledge")
    assert any(t.value.startswith("Ask: What do you do when melt temperature is between") for t in at.text)
    at.toggle(key="prepare_tables").set_value(True).run()
    assert not at.exception
    assert len(at.get("download_button")) == 4
    at.button(key="FormSubmitter:release-Freeze the confirmed rules as a release").click().run()
    assert loaded.releases()


def test_knowledge_base_draws_the_chaining_graph(loaded: KnowledgeBase) -> None:
    rain = next(v for v in loaded.list_rules() if any(c.variable == "weather" for c in v.rule.clauses()))
    humid = next(v for v in loaded.list_rules() if any(c.variable == "humidity" for c in v.rule.clauses()))
    sets_rain = humid.rule.model_copy(
        update={
            "actions": [*humid.rule.actions, {"text": "treat it like rain", "variable": "weather", "value": "rain"}]
        }
    )
    loaded.edit_rule(humid.id, sets_rain.model_dump(), reason="it chains", expected_version=1)
    at = app(page="knowledge")
    at.toggle(key="show_graph").set_value(True).run()
    dot = at.get("graphviz_chart")[0].proto.spec
    assert f'"r{humid.id}" -> "r{rain.id}"' in dot


# --- admin ----------------------------------------------------------------------------------


def test_admin_adds_a_user_and_withdraws_consent(loaded: KnowledgeBase) -> None:
    at = app(page="admin")
    form = "add_user"
    inputs = {t.label: t for t in at.text_input}
    inputs["User name"].input("lee")
    inputs["First password (8 characters or more)"].input(PASSWORD)
    next(s for s in at.selectbox if s.label == "Role").select("master")
    next(s for s in at.selectbox if s.label == "Master (for a master's account)").select("Lee Dong-hyun")
    at.button(key=f"FormSubmitter:{form}-Add user").click().run()
    assert not at.exception
    assert any(u["username"] == "lee" and u["master"] == "Lee Dong-hyun" for u in loaded.list_users())
    assert loaded.sign_in("lee", PASSWORD)
    next(s for s in at.selectbox if s.label == "Master" and "Choi Min-ji" in s.options).select("Choi Min-ji")
    at.button(key="FormSubmitter:consent_change-Withdraw all consent").click().run()
    assert not next(m for m in loaded.masters() if m.name == "Choi Min-ji").consent_scopes


def test_admin_page_marks_a_rule_confidential(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules()[0]
    at = app(page="admin")
    at.number_input[0].set_value(top.id)
    at.button(key="FormSubmitter:classify-Apply").click().run()
    assert loaded.get_rule(top.id).confidential


def test_admin_page_trains_the_reader_and_shows_the_learning_curve_of_the_replay(loaded: KnowledgeBase) -> None:
    at = app(page="admin")
    assert any("No model trained yet" in i.value for i in at.info)
    at.button(key="learning_train").click().run()
    assert not at.exception
    said = [e.value for e in at.error] + [s.value for s in at.success]
    assert len(said) == 1 and "too little to learn from" in said[0], said  # nothing reviewed yet: one line
    next(r for r in at.radio if r.key == "learning_language").set_value("Korean").run()
    at.button(key="learning_replay").click().run()
    assert not at.exception
    curve = next(m.value for m in at.markdown if "Learning curve" in m.value)
    assert "for the reader alone" in curve
    steps = next(d.value for d in at.dataframe if "interview" in d.value.columns)
    assert len(steps) >= 3 and set(steps["interview"]) <= {p.name for p in evaluation.GOLD_DIR_KO.glob("*.gold.json")}
