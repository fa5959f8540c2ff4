"""The UI in Korean: the catalogue covers every text the UI shows and every error template, errors
and findings are worded in Korean from their templates, and each page renders in Korean."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from elicitation import TranscriptError, parse_bytes
from knowledge_base import InvalidEdit, KnowledgeBase, PermissionDenied, StaleEdit
from rules import Action, Clause, Group, KnownRule, Operator, Rule
from rules.checks import check
from ui import i18n
from ui.catalogue_keys import all_keys, message_templates, ui_texts
from ui.editing import clauses_from_rows

from ..conftest import APP, run_app, samples_with_accounts

PASSWORD = "long enough secret"
KO = json.loads((i18n.LOCALES / "ko.json").read_text(encoding="utf-8"))
_PLACEHOLDER = re.compile(r"\{([a-z_0-9]*)(?:![rsa])?(?::[^}]*)?\}")


def hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.fixture
def korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "language", lambda: "ko")


# --- the catalogue ------------------------------------------------------------------------------


def test_every_ui_text_and_error_template_has_a_korean_wording() -> None:
    assert len(ui_texts()) > 250 and len(message_templates()) > 100  # the collector finds them
    missing = sorted(k for k in all_keys() if k not in KO)
    assert not missing, missing[:10]


def test_each_korean_wording_keeps_the_placeholders_of_its_english_text() -> None:
    wrong = [k for k, v in KO.items() if sorted(_PLACEHOLDER.findall(k)) != sorted(_PLACEHOLDER.findall(v))]
    assert not wrong, wrong[:5]
    assert all(hangul(v) or not hangul(k) for k, v in KO.items() if re.search("[a-z]{3}", k) and not k.isupper())


def test_english_is_the_text_itself_and_placeholders_are_filled() -> None:
    assert i18n.say("Rule #{rule_id} {decision}.", "en", rule_id=3, decision="confirmed") == "Rule #3 confirmed."
    assert i18n.say("Rule #{rule_id} {decision}.", "ko", rule_id=3, decision="confirmed") == "규칙 #3 확정됨."


# --- errors and findings in Korean ---------------------------------------------------------------


def test_a_stale_edit_and_a_refusal_read_in_korean(korean: None, kb: KnowledgeBase) -> None:
    assert i18n.error_text(StaleEdit(4, 2, 3)).startswith("규칙 4은(는) 다른 사람이 바꿨습니다: 편집한 버전은 2")
    kb.add_user("sme", "sme")
    with pytest.raises(PermissionDenied) as refused:
        kb.as_user("sme").register_master("Kim")
    said = i18n.error_text(refused.value)
    assert hangul(said) and "sme" in said and "명장 등록" in said


def test_transcript_errors_read_in_korean(korean: None) -> None:
    with pytest.raises(TranscriptError) as empty:
        parse_bytes(b"  ", "면담.txt")
    assert i18n.error_text(empty.value) == "면담.txt: 파일이 비어 있습니다"
    with pytest.raises(TranscriptError) as stamp:
        parse_bytes(b"[00:99] Q: hello\n", "a.txt")
    assert "잘못된 시간" in i18n.error_text(stamp.value)


def test_a_bad_row_in_the_rule_editor_is_named_in_korean(korean: None) -> None:
    with pytest.raises(InvalidEdit) as bad:
        clauses_from_rows([{"text": "습도가 높으면", "variable": "습도", "operator": "between", "value": "80"}])
    said = i18n.error_text(bad.value)
    assert said.startswith("규칙 편집 오류: 조건 1:") and hangul(said.split(":", 2)[2])
    assert str(bad.value).startswith("invalid rule edit: condition 1:")  # the CLI keeps English


def test_findings_read_in_korean_with_their_rules_summarised_in_korean(korean: None) -> None:
    def known(key: str, low: float, high: float, master: str) -> KnownRule:
        clause = Clause(
            text=f"습도 {low}~{high}", variable="습도", operator=Operator.BETWEEN, value=[low, high], unit="%"
        )
        rule = Rule(conditions=Group(items=[clause]), actions=[Action(text="예열하세요", verb="예열하다")])
        return KnownRule(key=key, rule=rule, master=master)

    gaps = [f for f in check([known("1", 10, 20, "김"), known("2", 40, 50, "김")]) if f.kind == "gap"]
    assert gaps
    assert i18n.message_text(gaps[0].question) == "습도이(가) 20~40 % 사이일 때는 어떻게 하십니까?"
    assert "김의 규칙" in i18n.message_text(gaps[0].detail)
    assert str(gaps[0].question) == "What do you do when 습도 is between 20 and 40 %?"


def test_a_rule_in_one_line_in_korean(korean: None) -> None:
    rule = Rule(
        conditions=Group(items=[Clause(text="비가 오면")]),
        actions=[Action(text="용접봉을 말리세요")],
        exceptions=[Clause(text="건조로가 고장 나면")],
    )
    assert i18n.rule_summary(rule) == "조건: 비가 오면 → 행동: 용접봉을 말리세요 (단, 건조로가 고장 나면 제외)"
    assert i18n.rule_summary(rule, "en") == "IF 비가 오면 THEN 용접봉을 말리세요 UNLESS 건조로가 고장 나면"


# --- the pages in Korean -------------------------------------------------------------------------


@pytest.fixture
def loaded(sqlite_env: str) -> KnowledgeBase:
    return samples_with_accounts(sqlite_env, PASSWORD, ("kim", "master", "김옥순"), ("sme", "sme", None))


def app_ko(user: str | None = "admin", page: str | None = None) -> AppTest:
    return run_app(user, page, language="ko")


def test_the_language_switch_turns_the_sign_in_page_korean_and_a_wrong_password_is_refused_in_korean(
    loaded: KnowledgeBase,
) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert at.title[0].value == "Sign in"
    at.selectbox(key="lang_switch").select("ko").run()
    assert at.title[0].value == "로그인"
    at.text_input(key="sign_in_user").input("kim")
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "사용자 이름이나 비밀번호가 틀렸습니다."
    assert at.session_state["lang"] == "ko"


@pytest.mark.parametrize("page", ["interview", "review", "guidance", "knowledge", "vocabulary", "admin"])
def test_every_page_renders_in_korean(loaded: KnowledgeBase, page: str) -> None:
    at = app_ko("admin", page)
    assert hangul(at.title[0].value)
    labels = [b.label for b in at.button] + [s.value for s in at.subheader] + [t.label for t in at.tabs]
    english = [x for x in labels if x and not hangul(x) and x in KO]
    assert not english, english


def test_the_master_reviews_his_korean_rules_in_korean_and_confirms_one(loaded: KnowledgeBase) -> None:
    at = app_ko("kim", "review")
    assert at.title[0].value == "명장 검토"
    top = loaded.list_rules(master="김옥순", status="proposed")[0]
    at.button(key="confirm").click().run()
    assert any(f"규칙 #{top.id} 확정됨." in s.value for s in at.success)
    assert loaded.get_rule(top.id).status == "confirmed"


def test_a_korean_question_on_the_guidance_page_finds_the_korean_masters_rule(loaded: KnowledgeBase) -> None:
    for view in loaded.list_rules(master="김옥순"):
        loaded.review(view.id, "confirmed", expected_version=view.version)
    at = app_ko("sme", "guidance")
    at.text_input(key="question").input("비 오는 날 장독은 어떻게 해요?").run()
    assert not at.exception
    cards = " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.text)
    assert "뚜껑을 닫아야 돼요" in cards
    assert any(s.value == "질문과 가장 가까운 명장들의 규칙" for s in at.subheader)
