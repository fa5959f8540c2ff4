"""The Streamlit pages with AppTest: each page renders and does its job through the service layer."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from knowledge_base import KnowledgeBase
from ui.workflows import ensure_admin, load_samples

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")


@pytest.fixture
def loaded(sqlite_env: str) -> KnowledgeBase:
    kb = ensure_admin(KnowledgeBase(sqlite_env))
    load_samples(kb)
    kb.add_user("park", "master", master="Park Jae-sung")
    kb.add_user("sme", "sme")
    return kb


def app(user: str = "admin") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = user
    at.run()
    assert not at.exception
    return at


def test_interview_page_lists_masters_with_consent(loaded: KnowledgeBase) -> None:
    at = app()
    assert at.title[0].value == "Interview import"
    assert at.selectbox(key="import_master").options == ["Choi Min-ji", "Lee Dong-hyun", "Park Jae-sung"]


def test_review_page_confirms_the_top_rule_as_the_master(loaded: KnowledgeBase) -> None:
    at = app("park")
    at.switch_page("pages/review.py").run()
    at.selectbox(key="review_master").select("Park Jae-sung").run()
    top = loaded.list_rules(status="proposed", master="Park Jae-sung")[0]
    at.button(key="confirm").click().run()
    assert not at.exception
    assert any(f"Rule #{top.id} confirmed" in s.value for s in at.success)
    assert loaded.get_rule(top.id).status == "confirmed"
    assert loaded.history(top.id)[-1].author == "park"


def test_another_masters_rule_cannot_be_confirmed_from_the_review_page(loaded: KnowledgeBase) -> None:
    at = app("park")
    at.switch_page("pages/review.py").run()
    at.selectbox(key="review_master").select("Choi Min-ji").run()
    top = loaded.list_rules(status="proposed", master="Choi Min-ji")[0]
    at.button(key="confirm").click().run()
    assert any("may not review" in e.value for e in at.error)
    assert loaded.get_rule(top.id).status == "proposed"


def test_an_sme_sees_only_confirmed_rules(loaded: KnowledgeBase) -> None:
    top = loaded.list_rules(status="proposed")[0]
    loaded.review(top.id, "confirmed", expected_version=1)
    at = app("sme")
    at.switch_page("pages/knowledge.py").run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["confirmed"]
    assert list(at.dataframe[0].value["id"]) == [top.id]


def test_review_page_escapes_transcript_html(loaded: KnowledgeBase) -> None:
    at = app()
    at.switch_page("pages/review.py").run()
    html = " ".join(m.value for m in at.markdown)
    assert "<mark>" in html and "<script" not in html


def test_guidance_page_explains_fired_rules(loaded: KnowledgeBase) -> None:
    rain = next(v for v in loaded.list_rules() if any(c.variable == "weather" for c in v.rule.clauses()))
    loaded.review(rain.id, "confirmed", expected_version=1)
    at = app()
    at.switch_page("pages/guidance.py").run()
    at.text_area(key="facts").input("weather=rain").run()
    at.button[0].click().run()
    assert not at.exception
    assert any(f"Rule #{rain.id}" in m.value for m in at.markdown)
    assert any("because weather = rain satisfies" in t.value for t in at.text)


def test_guidance_page_reports_bad_fact_syntax(loaded: KnowledgeBase) -> None:
    at = app()
    at.switch_page("pages/guidance.py").run()
    at.text_area(key="facts").input("humidity").run()
    at.button[0].click().run()
    assert "not of the form name=value" in at.error[0].value


def test_knowledge_base_page_shows_counts_and_rules(loaded: KnowledgeBase) -> None:
    at = app()
    at.switch_page("pages/knowledge.py").run()
    assert not at.exception
    assert at.metric[0].label == "proposed"
    assert len(at.dataframe[0].value) == sum(loaded.count_rules().values())


def test_knowledge_base_page_lists_findings_and_offers_decision_tables(loaded: KnowledgeBase) -> None:
    at = app()
    at.switch_page("pages/knowledge.py").run()
    assert any(t.value.startswith("Ask: What do you do when melt temperature is between") for t in at.text)
    at.toggle(key="prepare_tables").set_value(True).run()
    assert not at.exception


def test_guidance_page_reports_a_fact_in_the_wrong_unit(loaded: KnowledgeBase) -> None:
    melt = next(v for v in loaded.list_rules() if any(c.variable == "melt_temperature" for c in v.rule.clauses()))
    loaded.review(melt.id, "confirmed", expected_version=1)
    at = app()
    at.switch_page("pages/guidance.py").run()
    at.text_area(key="facts").input("melt_temperature=3 mm").run()
    at.button[0].click().run()
    assert not at.exception
    assert "melt_temperature" in at.error[0].value
