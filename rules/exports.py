"""Decision tables that other engines run: GoRules JDM JSON, DMN 1.3 XML and an XLSX workbook.

The confirmed rules become one decision table per domain and process step, a row per conjunction
of their condition tree (an `any` group gives several rows for one rule), a column per variable
in that variable's reference unit. Each row keeps the rule's identity (id, version, master,
status, certainty) and its action. The master's exceptions ("unless ...") become cells that
require the exception not to hold. Rules with a clause that is not measurable yet cannot be run
by any engine and are listed beside the table instead. Derived facts are an output column
(`sets`); chaining them is our engine's work, not the table's.

One compiler function per target: `to_jdm`, `to_dmn`, `to_xlsx`; `decision_tables` is the shared
step. Cell texts are built from the closed operator set; nothing is evaluated here.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rules.engine import KnownRule
from rules.model import Clause, Operator, Scalar, clause_alternatives
from rules.units import UnitError, normalize_clause, reference_units, show

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


@dataclass
class Row:
    """One conjunction of a rule: the clauses per variable that must hold, and the exceptions."""

    known: KnownRule
    conditions: dict[str, list[Clause]]
    exceptions: dict[str, list[Clause]] = field(default_factory=dict)

    @property
    def sets(self) -> str:
        return "; ".join(
            f"{a.variable}={show(a.value)}" for a in self.known.rule.actions if a.variable and a.value is not None
        )

    @property
    def action(self) -> str:
        return "; ".join(a.text for a in self.known.rule.actions)


@dataclass
class Table:
    """A decision table for one domain and process step."""

    domain: str
    process_step: str
    variables: list[str]
    units: dict[str, str]
    rows: list[Row]
    not_measurable: list[KnownRule]

    @property
    def name(self) -> str:
        return f"{self.domain} / {self.process_step}"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_") or "rules"


def _by_variable(clauses: Iterable[Clause]) -> dict[str, list[Clause]]:
    out: dict[str, list[Clause]] = {}
    for clause in clauses:
        if clause.variable is not None:
            out.setdefault(clause.variable, []).append(clause)
    return out


def decision_tables(rules: Sequence[KnownRule]) -> list[Table]:
    """The rules as decision tables, one per domain / process step, values in reference units."""
    units = reference_units(c for k in rules for c in [*k.rule.clauses(), *k.rule.exceptions])
    grouped: dict[tuple[str, str], list[KnownRule]] = {}
    for known in rules:
        key = (known.rule.domain or "general", known.rule.process_step or "all steps")
        grouped.setdefault(key, []).append(known)
    tables = []
    for (domain, step), members in sorted(grouped.items()):
        rows: list[Row] = []
        not_measurable: list[KnownRule] = []
        for known in members:
            try:
                terms = clause_alternatives(known.rule.conditions)
                exceptions = [normalize_clause(e, units) for e in known.rule.exceptions if e.measurable]
                normalized = [[normalize_clause(c, units) for c in term] for term in terms]
            except UnitError:
                not_measurable.append(known)
                continue
            if not normalized:
                not_measurable.append(known)
            rows.extend(Row(known, _by_variable(term), _by_variable(exceptions)) for term in normalized)
        variables = sorted({v for r in rows for v in [*r.conditions, *r.exceptions]})
        tables.append(
            Table(domain, step, variables, {v: units[v] for v in variables if v in units}, rows, not_measurable)
        )
    return tables


# --- GoRules JDM (ZEN standard expressions on the whole situation) ------------------------------
#
# The columns have no `field`: ZEN's unary cells cannot parenthesise `and` / `or`, which the
# exceptions and the type guards need. Each cell reads its variable as `$root["name"]`, so no
# variable name can clash with a ZEN keyword. The type guards make a missing or mistyped fact
# simply not match, as in our engine, instead of raising.


def _literal(value: Scalar) -> str:
    """A value as ZEN and FEEL both write it: true/false, a float, a lower-case quoted string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format(Decimal(repr(float(value))), "f")  # 0.00005, not 5e-05: FEEL has no exponents
    return json.dumps(value.lower())


def _zen_equal(x: str, value: Scalar) -> str:
    if isinstance(value, str):
        return f'type({x}) == "string" and lower({x}) == {_literal(value)}'
    if isinstance(value, bool):
        return f"{x} == {_literal(value)}"
    return f'type({x}) == "number" and {x} == {_literal(value)}'


def _zen_holds(clause: Clause) -> str:
    """A ZEN expression that is true exactly when our engine says the clause holds (never errors)."""
    x = f"$root[{json.dumps(clause.variable)}]"
    op, value = clause.operator, clause.value
    if op is Operator.IS_TRUE:
        return f"{x} == true"
    if op is Operator.IS_FALSE:
        return f"{x} == false"
    if op is Operator.IN:
        assert isinstance(value, list)
        return " or ".join(f"({_zen_equal(x, v)})" for v in value)
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        low, high = _literal(value[0]), _literal(value[1])
        return f'type({x}) == "number" and {x} >= {low} and {x} <= {high}'
    assert value is not None and not isinstance(value, list)
    if op is Operator.EQ:
        return _zen_equal(x, value)
    if op is Operator.NE:
        return f"{x} != null and not({_zen_equal(x, value)})"
    symbol = {Operator.LT: "<", Operator.LE: "<=", Operator.GT: ">", Operator.GE: ">="}[op]  # type: ignore[index]
    return f'type({x}) == "number" and {x} {symbol} {_literal(value)}'


def _zen_cell(conditions: list[Clause], exceptions: list[Clause]) -> str:
    parts = [f"({_zen_holds(c)})" for c in conditions]
    parts += [f"not({_zen_holds(e)})" for e in exceptions]
    return " and ".join(parts)


def to_jdm(rules: Sequence[KnownRule]) -> dict[str, Any]:
    """A JDM decision graph: the input, one collect-all decision table per domain / step, the output.

    Evaluated (e.g. by zen-engine) on facts in each column's unit, every table lists the rules
    that apply under its slug: `{"welding_preheat": [{"rule_id": "12", ...}, ...]}`.
    """
    tables = decision_tables(rules)
    nodes: list[dict[str, Any]] = [
        {"id": "input", "type": "inputNode", "name": "Situation", "position": {"x": 0, "y": 0}, "content": {}}
    ]
    edges: list[dict[str, Any]] = []
    outputs = ["rule_id", "version", "action", "sets", "master", "status", "certainty"]
    for i, table in enumerate(tables):
        node_id = f"table_{i}"
        columns = [{"id": f"in_{j}", "name": _header(v, table.units)} for j, v in enumerate(table.variables)]
        index = {v: f"in_{j}" for j, v in enumerate(table.variables)}
        rows = []
        for n, row in enumerate(table.rows):
            cells: dict[str, str] = {"_id": f"row_{n}"}
            for var in table.variables:
                cell = _zen_cell(row.conditions.get(var, []), row.exceptions.get(var, []))
                if cell:
                    cells[index[var]] = cell
            k = row.known
            values = [k.key, str(k.version), row.action, row.sets, k.master or "", k.status, k.rule.certainty.value]
            for name, value in zip(outputs, values, strict=True):
                cells[f"out_{name}"] = json.dumps(value, ensure_ascii=False)
            rows.append(cells)
        nodes.append(
            {
                "id": node_id,
                "type": "decisionTableNode",
                "name": table.name,
                "position": {"x": 300, "y": 150 * i},
                "content": {
                    "hitPolicy": "collect",
                    "passThrough": False,
                    "inputField": None,
                    "outputPath": table.slug,
                    "executionMode": "single",
                    "inputs": columns,
                    "outputs": [{"id": f"out_{o}", "name": o, "field": o} for o in outputs],
                    "rules": rows,
                },
            }
        )
        edges.append({"id": f"e_in_{i}", "sourceId": "input", "targetId": node_id, "type": "edge"})
        edges.append({"id": f"e_out_{i}", "sourceId": node_id, "targetId": "output", "type": "edge"})
    nodes.append(
        {"id": "output", "type": "outputNode", "name": "Guidance", "position": {"x": 600, "y": 0}, "content": {}}
    )
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _header(variable: str, units: dict[str, str]) -> str:
    return f"{variable} [{units[variable]}]" if variable in units else variable


# --- DMN 1.3 (FEEL; `?` is the input's value) --------------------------------------------------


def _feel_holds(clause: Clause) -> str:
    op, value = clause.operator, clause.value
    if op is Operator.IS_TRUE:
        return "? = true"
    if op is Operator.IS_FALSE:
        return "? = false"
    if op is Operator.IN:
        assert isinstance(value, list)
        return f"list contains([{', '.join(_literal(v) for v in value)}], ?)"
    # Each test is false, never null, on a missing fact: FEEL would compare a null cell with the
    # input ("? = null") and call a missing fact a match.
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        return f"? != null and ? in [{_literal(value[0])}..{_literal(value[1])}]"
    assert value is not None and not isinstance(value, list)
    if op is Operator.NE:
        return f"? != null and ? != {_literal(value)}"
    symbol = {
        Operator.EQ: "=",
        Operator.NE: "!=",
        Operator.LT: "<",
        Operator.LE: "<=",
        Operator.GT: ">",
        Operator.GE: ">=",
    }[op]  # type: ignore[index]
    return f"? != null and ? {symbol} {_literal(value)}"


def _feel_unary(clause: Clause) -> str:
    """The plain unary test for a single clause (`< 5.0`, `[1.0..2.0]`, `"rain"`, `not("argon")`)."""
    op, value = clause.operator, clause.value
    if op is Operator.IS_TRUE:
        return "true"
    if op is Operator.IS_FALSE:
        return "false"
    if op is Operator.IN:
        assert isinstance(value, list)
        return ", ".join(_literal(v) for v in value)
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        return f"[{_literal(value[0])}..{_literal(value[1])}]"
    assert value is not None and not isinstance(value, list)
    if op is Operator.EQ:
        return _literal(value)
    if op is Operator.NE:
        return f"not(null, {_literal(value)})"  # a missing fact is not "other than": nothing holds
    return f"{op.value} {_literal(value)}"  # type: ignore[union-attr]


def feel_cell(conditions: list[Clause], exceptions: list[Clause]) -> str:
    """A DMN input entry: a unary test for one clause, a FEEL expression on `?` otherwise."""
    if not conditions and not exceptions:
        return "-"
    if len(conditions) == 1 and not exceptions:
        return _feel_unary(conditions[0])
    parts = [f"({_feel_holds(c)})" for c in conditions]
    parts += [f"(? = null or not({_feel_holds(e)}))" for e in exceptions]
    return " and ".join(parts)


def _feel_type(clauses: Sequence[Clause]) -> str:
    """The FEEL type of a variable: boolean for yes/no answers, number, else string."""
    kinds = {c.cue_kind for c in clauses}
    flags = {Operator.IS_TRUE, Operator.IS_FALSE}
    if all(c.operator in flags for c in clauses):
        return "boolean"
    if kinds == {"number"}:
        return "number"
    if kinds <= {"category", "observation"}:
        return "string"
    return "Any"  # tested both as a number and as a word


def to_dmn(rules: Sequence[KnownRule], *, name: str = "myeongjang") -> bytes:
    """DMN 1.3 XML: one decision per domain / step, each a COLLECT decision table, its inputs
    typed (an itemDefinition and an inputData per variable: boolean for observations answered yes
    or no, number with its unit, string with the values heard), ids in ASCII whatever the
    variables are named, text compared in lower case as our engine does, and the rules no
    engine can run yet listed with the reason."""
    ET.register_namespace("", DMN_NS)
    q = f"{{{DMN_NS}}}"
    root = ET.Element(
        q + "definitions", {"id": "myeongjang", "name": name, "namespace": "https://myeongjang.example/dmn"}
    )
    tables = decision_tables(rules)
    by_variable = _by_variable(
        c for t in tables for r in t.rows for cs in (*r.conditions.values(), *r.exceptions.values()) for c in cs
    )
    variables = sorted(by_variable)
    ids = {v: f"v{j}" for j, v in enumerate(variables)}
    types = {v: _feel_type(by_variable[v]) for v in variables}
    units = {v: u for t in tables for v, u in t.units.items()}
    for var in variables:
        item = ET.SubElement(root, q + "itemDefinition", {"id": f"type_{ids[var]}", "name": f"{var}_type"})
        ET.SubElement(item, q + "typeRef").text = types[var]
        heard = sorted({str(v).lower() for c in by_variable[var] for v in _values(c) if isinstance(v, str)})
        scale = next((c.scale for c in by_variable[var] if c.scale), None)
        if scale:  # in the master's order, every step (a rule may need only some)
            heard = [*(s.lower() for s in scale), *(h for h in heard if h not in {s.lower() for s in scale})]
        if types[var] == "string" and heard and all(c.observed for c in by_variable[var]):
            # an observation on the master's own scale (flame colour: dull red, orange, ...)
            allowed = ET.SubElement(item, q + "allowedValues", {"id": f"allowed_{ids[var]}"})
            ET.SubElement(allowed, q + "text").text = ", ".join(json.dumps(h, ensure_ascii=False) for h in heard)
    for table_index, table in enumerate(tables):
        _dmn_decision(root, q, table_index, table, ids, types)
    for var in variables:
        given = ET.SubElement(root, q + "inputData", {"id": f"input_{ids[var]}", "name": var})
        if var in units:
            ET.SubElement(given, q + "description").text = f"in {units[var]}"
        ET.SubElement(given, q + "variable", {"id": f"var_{ids[var]}", "name": var, "typeRef": f"{var}_type"})
    for n, line in enumerate(_not_run(rules, tables)):
        note = ET.SubElement(root, q + "textAnnotation", {"id": f"not_run_{n}"})
        ET.SubElement(note, q + "text").text = line
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _values(clause: Clause) -> list[Scalar]:
    return clause.value if isinstance(clause.value, list) else [] if clause.value is None else [clause.value]


def _dmn_decision(root: ET.Element, q: str, i: int, table: Table, ids: dict[str, str], types: dict[str, str]) -> None:
    outputs = ["rule_id", "version", "action", "sets", "master", "status", "certainty"]
    decision = ET.SubElement(root, q + "decision", {"id": f"decision_{i}", "name": table.name})
    for var in table.variables:
        need = ET.SubElement(decision, q + "informationRequirement", {"id": f"d{i}_needs_{ids[var]}"})
        ET.SubElement(need, q + "requiredInput", {"href": f"#input_{ids[var]}"})
    dt = ET.SubElement(decision, q + "decisionTable", {"id": f"table_{i}", "hitPolicy": "COLLECT"})
    for j, var in enumerate(table.variables):
        inp = ET.SubElement(dt, q + "input", {"id": f"t{i}_in_{j}", "label": _header(var, table.units)})
        expr = ET.SubElement(inp, q + "inputExpression", {"id": f"t{i}_ie_{j}", "typeRef": types[var]})
        # text is compared in lower case, as our engine compares it ("Rain" is rain)
        ET.SubElement(expr, q + "text").text = f"lower case({var})" if types[var] == "string" else var
    for o in outputs:
        ET.SubElement(dt, q + "output", {"id": f"t{i}_out_{o}", "name": o, "typeRef": "string"})
    ET.SubElement(dt, q + "annotation", {"name": "quote"})
    for n, row in enumerate(table.rows):
        rule_el = ET.SubElement(dt, q + "rule", {"id": f"t{i}_rule_{n}"})
        ET.SubElement(rule_el, q + "description").text = f"rule #{row.known.key} v{row.known.version}"
        for j, var in enumerate(table.variables):
            entry = ET.SubElement(rule_el, q + "inputEntry", {"id": f"t{i}_r{n}_in{j}"})
            ET.SubElement(entry, q + "text").text = feel_cell(row.conditions.get(var, []), row.exceptions.get(var, []))
        k = row.known
        values = [k.key, str(k.version), row.action, row.sets, k.master or "", k.status, k.rule.certainty.value]
        for o, value in zip(outputs, values, strict=True):
            entry = ET.SubElement(rule_el, q + "outputEntry", {"id": f"t{i}_r{n}_{o}"})
            ET.SubElement(entry, q + "text").text = json.dumps(value, ensure_ascii=False)
        note = ET.SubElement(rule_el, q + "annotationEntry")
        ET.SubElement(note, q + "text").text = k.quote or ""


def _not_run(rules: Sequence[KnownRule], tables: Sequence[Table]) -> list[str]:
    """A line for each rule no engine can run yet, and each exception that cannot be tested."""
    lines = [
        f"rule #{k.key} v{k.version} is not in the tables: a condition is not measurable yet ({k.rule.summary()})"
        for t in tables
        for k in t.not_measurable
    ]
    for k in rules:
        for e in k.rule.exceptions:
            if not e.measurable:
                lines.append(f"rule #{k.key}: the exception “{e.text}” is not measurable yet and is not tested")
    return lines


# --- XLSX ---------------------------------------------------------------------------------------


def to_xlsx(rules: Sequence[KnownRule]) -> bytes:
    """A workbook with a sheet per domain / step: a row per rule alternative, cells in the master's
    operators and the column's unit, then the action, identity and the master's words."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About"
    about.append(["myeongjang decision tables: one sheet per domain / process step"])
    about.append(["A row applies when every condition cell holds; an empty cell means any value."])
    about.append(["Values are in the unit shown in the column header. 'unless' cells must NOT hold."])
    used: set[str] = {"About"}
    for table in decision_tables(rules):
        title = _sheet_title(table.name, used)
        sheet = book.create_sheet(title)
        header = ["rule", "version", *(_header(v, table.units) for v in table.variables)]
        header += ["THEN", "sets", "certainty", "status", "master", "quote"]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            cells: list[Any] = [f"#{row.known.key}", row.known.version]
            for var in table.variables:
                texts = [_readable(c) for c in row.conditions.get(var, [])]
                texts += [f"unless {_readable(e)}" for e in row.exceptions.get(var, [])]
                cells.append(" and ".join(texts))
            k = row.known
            cells += [row.action, row.sets, k.rule.certainty.value, k.status, k.master or "", k.quote or ""]
            sheet.append(cells)
        for known in table.not_measurable:
            sheet.append([f"#{known.key}", known.version, "(not measurable yet: " + known.rule.summary() + ")"])
        sheet.freeze_panes = "C2"
        for column in sheet.columns:
            column[0].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    data: bytes = out.getvalue()
    return data


def _readable(clause: Clause) -> str:
    op, value = clause.operator, clause.value
    if op is Operator.IS_TRUE:
        return "yes"
    if op is Operator.IS_FALSE:
        return "no"
    if op is Operator.BETWEEN and isinstance(value, list):
        return f"{show(value[0])} to {show(value[1])}"
    if op is Operator.IN and isinstance(value, list):
        return " or ".join(show(v) for v in value)
    assert op is not None and value is not None and not isinstance(value, list)
    return show(value) if op is Operator.EQ else f"{op.value} {show(value)}"


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:28] or "rules"
    title, n = base, 1
    while title in used:
        n += 1
        title = f"{base[:25]}~{n}"
    used.add(title)
    return title
