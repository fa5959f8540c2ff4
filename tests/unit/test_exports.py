"""Decision tables other engines run: JDM on zen-engine against our engine, DMN and XLSX read back."""

from __future__ import annotations

import io
import json
import random
import re
import xml.etree.ElementTree as ET

import pytest
import zen
from openpyxl import load_workbook

from rules import Action, Clause, Engine, Group, KnownRule, Rule
from rules.exports import DMN_NS, decision_tables, feel_cell, to_dmn, to_jdm, to_xlsx
from rules.synthetic import knowledge_base, situation


def test_zen_engine_fires_exactly_our_rules_on_1000_random_situations() -> None:
    rules, pool = knowledge_base(400, 25, seed=3)
    ours = Engine(rules)
    theirs = zen.ZenEngine().create_decision(json.dumps(to_jdm(rules)))
    rng = random.Random(11)
    mismatches, fired = [], 0
    for _ in range(1000):
        facts = situation(pool, rng.randrange(3, 20), rng)
        expected = {f.known.key for f in ours.ask(facts).fired}
        result = theirs.evaluate(facts)["result"]
        got = {row["rule_id"] for rows in result.values() for row in rows}
        fired += len(expected)
        if got != expected:
            mismatches.append((facts, expected ^ got))
    assert mismatches == []
    assert fired > 10_000  # the situations exercise the rules, not an empty intersection
    units = {c.unit for k in rules for c in k.rule.clauses()}
    assert {"degC", "degF"} <= units  # clauses in two units of one dimension were compared as one


def known(key: str, *clauses: Clause, exceptions: list[Clause] | None = None, **extra: object) -> KnownRule:
    rule = Rule(
        conditions=Group(items=list(clauses)),
        actions=[Action(text=f"do {key}")],
        exceptions=exceptions or [],
        **extra,  # type: ignore[arg-type]
    )
    return KnownRule(key=key, rule=rule, master="Park", quote=f"I always do {key}")


COLD = Clause(text="below 5 degrees", variable="steel_temperature", operator="<", value=5, unit="degC")
RAIN = Clause(text="it rains", variable="weather", operator="==", value="Rain")


def test_tables_are_split_by_domain_and_step_and_unmeasurable_rules_are_listed() -> None:
    rules = [
        known("1", COLD, domain="welding", process_step="preheat"),
        known("2", RAIN, domain="welding", process_step="preheat"),
        known("3", RAIN, domain="casting"),
        known("4", Clause(text="the arc sounds wrong"), domain="casting"),
    ]
    tables = {t.name: t for t in decision_tables(rules)}
    assert set(tables) == {"welding / preheat", "casting / all steps"}
    assert tables["welding / preheat"].variables == ["steel_temperature", "weather"]
    assert [k.key for k in tables["casting / all steps"].not_measurable] == ["4"]


@pytest.mark.parametrize(
    "clause,cell",
    [
        (Clause(text="t", variable="t", operator="<", value=5), "< 5.0"),
        (Clause(text="t", variable="t", operator=">=", value=5), ">= 5.0"),
        (Clause(text="t", variable="t", operator="between", value=[1600, 1700]), "[1600.0..1700.0]"),
        (Clause(text="g", variable="g", operator="==", value="Argon"), '"argon"'),
        (Clause(text="g", variable="g", operator="!=", value="argon"), 'not(null, "argon")'),
        (Clause(text="g", variable="g", operator="in", value=["argon", "co2"]), '"argon", "co2"'),
        (Clause(text="w", variable="w", operator="is_true"), "true"),
    ],
)
def test_dmn_input_entries_are_feel_unary_tests(clause: Clause, cell: str) -> None:
    assert feel_cell([clause], []) == cell


def test_dmn_exception_cell_requires_the_exception_not_to_hold() -> None:
    dry = Clause(text="unless dry", variable="w", operator="is_true")
    assert feel_cell([], [dry]) == "(? = null or not(? = true))"


def test_dmn_document_has_a_collect_table_per_domain_with_rule_identity_and_quote() -> None:
    dry = Clause(text="unless it is dry", variable="dry", operator="is_true")
    rules = [known("7", COLD, RAIN, exceptions=[dry], domain="welding"), known("8", RAIN, domain="welding")]
    root = ET.fromstring(to_dmn(rules))
    ns = {"d": DMN_NS}
    assert root.tag == f"{{{DMN_NS}}}definitions"
    [table] = root.findall("d:decision/d:decisionTable", ns)
    assert table.get("hitPolicy") == "COLLECT"
    labels = [i.get("label") for i in table.findall("d:input", ns)]
    assert labels == ["dry", "steel_temperature [degC]", "weather"]
    first = table.findall("d:rule", ns)[0]
    cells = [e.findtext("d:text", namespaces=ns) for e in first.findall("d:inputEntry", ns)]
    assert cells == ["(? = null or not(? = true))", "< 5.0", '"rain"']
    outputs = [json.loads(e.findtext("d:text", namespaces=ns) or "") for e in first.findall("d:outputEntry", ns)]
    assert outputs[:3] == ["7", "1", "do 7"] and "Park" in outputs
    assert first.findtext("d:annotationEntry/d:text", namespaces=ns) == "I always do 7"


def test_any_group_becomes_one_row_per_alternative_in_every_format() -> None:
    rule = KnownRule(
        key="9",
        rule=Rule(conditions=Group(join="any", items=[COLD, RAIN]), actions=[Action(text="cover the plate")]),
    )
    [table] = decision_tables([rule])
    assert len(table.rows) == 2
    jdm = to_jdm([rule])
    [node] = [n for n in jdm["nodes"] if n["type"] == "decisionTableNode"]
    assert len(node["content"]["rules"]) == 2


def test_xlsx_workbook_reads_back_with_units_in_headers_and_the_masters_words() -> None:
    fahrenheit = Clause(text="above 2900 F", variable="melt", operator=">", value=2912, unit="degF")
    celsius = Clause(text="above 1500 C", variable="melt", operator=">", value=1500, unit="degC")
    rules = [
        known("1", COLD, RAIN, domain="welding", process_step="preheat"),
        known("2", celsius, domain="steel"),
        known("3", celsius, domain="steel"),
        known("4", fahrenheit, domain="steel"),
    ]
    book = load_workbook(io.BytesIO(to_xlsx(rules)))
    assert book.sheetnames == ["About", "steel - all steps", "welding - preheat"]
    sheet = book["welding - preheat"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["rule", "version", "steel_temperature [degC]", "weather"]
    row = [c.value for c in sheet[2]]
    assert row[:5] == ["#1", 1, "< 5", "Rain", "do 1"] and row[-1] == "I always do 1"
    steel = book["steel - all steps"]
    assert [c.value for c in steel[1]][2] == "melt [degC]"
    assert [steel.cell(row=r, column=3).value for r in (2, 3, 4)] == ["> 1500", "> 1500", "> 1600"]


def test_derived_facts_are_an_output_column() -> None:
    humid = Clause(text="humidity above 80", variable="humidity", operator=">", value=80, unit="%")
    rule = KnownRule(
        key="5",
        rule=Rule(
            conditions=Group(items=[humid]),
            actions=[Action(text="treat it as rain", variable="weather", value="rain")],
        ),
    )
    [table] = decision_tables([rule])
    assert table.rows[0].sets == "weather=rain"
    result = zen.ZenEngine().create_decision(json.dumps(to_jdm([rule]))).evaluate({"humidity": 85.0})["result"]
    assert [row["sets"] for rows in result.values() for row in rows] == ["weather=rain"]


def test_dmn_inputs_are_typed_ids_are_ascii_text_is_lower_case_and_unrun_rules_are_listed() -> None:
    cold = Clause(text="작업장 온도가 5도 밑이면", variable="작업장_온도", operator="<", value=5, unit="degC")
    pops = Clause(text="the arc pops", variable="arc_pops", operator="is_true", observed=True)
    vague = Clause(text="the arc sounds wrong")
    unless = Clause(text="unless something feels off")
    rules = [known("1", cold, RAIN, exceptions=[unless]), known("2", pops), known("3", vague)]
    data = to_dmn(rules)
    root = ET.fromstring(data)
    ns = {"d": DMN_NS}
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", el.get("id", "a")) for el in root.iter())
    types = {i.get("name"): i.findtext("d:typeRef", namespaces=ns) for i in root.findall("d:itemDefinition", ns)}
    assert types == {"arc_pops_type": "boolean", "weather_type": "string", "작업장_온도_type": "number"}
    inputs = {i.get("name"): i for i in root.findall("d:inputData", ns)}
    assert inputs["작업장_온도"].findtext("d:description", namespaces=ns) == "in degC"
    texts = [e.findtext("d:text", namespaces=ns) for e in root.iter(f"{{{DMN_NS}}}inputExpression")]
    assert "lower case(weather)" in texts and "작업장_온도" in texts
    required = {r.get("href") for r in root.iter(f"{{{DMN_NS}}}requiredInput")}
    assert required == {f"#{i.get('id')}" for i in inputs.values()}
    notes = [n.findtext("d:text", namespaces=ns) or "" for n in root.findall("d:textAnnotation", ns)]
    assert any("rule #3" in n and "not measurable" in n for n in notes)
    assert any("rule #1" in n and "something feels off" in n for n in notes)
