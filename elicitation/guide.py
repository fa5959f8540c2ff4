"""The interview guide: what to ask a master in the next session.

Three kinds of question, each tied to the rules it would settle: cues the master named but did
not make measurable ("when the flame looks lazy"), the conflicts, duplicates and gaps the checks
found, and the classic knowledge-elicitation probes (which cues, what a novice would miss, what
goes wrong) for the rules that matter most. Written as Markdown or as a Word document the
interviewer can print.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rules import KnownRule
from rules.checks import Finding
from rules.messages import Message

Translate = Callable[[str], str]  # a message (often a rules.messages.Message) in the reader's language

SECTIONS = (
    ("unclear", "Said like a rule, but not yet clear"),
    ("cue", "Cues to make measurable"),
    ("finding", "Conflicts, duplicates and gaps"),
    ("probe", "Probes for the most important rules"),
)


@dataclass(frozen=True)
class GuideQuestion:
    kind: str  # "cue", "finding" or "probe"
    question: str  # a rules.messages.Message, so a translator can word it
    rules: tuple[str, ...]
    said: str | None = None  # the master's words the question comes back to


def interview_guide(
    rules: Sequence[KnownRule],
    findings: Sequence[Finding] = (),
    *,
    probes: int = 8,
    unclear: Sequence[str] = (),
) -> list[GuideQuestion]:
    """The follow-up questions for these rules and findings, in the order of SECTIONS.

    `unclear` are the master's sentences the detector took for rules that could not be read as
    one (`elicitation.read_interview(...).possible`): each asks for the condition and the action
    plainly. Retired, rejected and merged rules ask nothing; probes go to the `probes` rules the
    extractor was surest of, since those are the ones a novice will meet first.
    """
    live = [k for k in rules if k.status not in ("rejected", "retired", "merged")]
    out: list[GuideQuestion] = [
        GuideQuestion(
            "unclear",
            Message(
                "You said “{words}”. When exactly does that apply, and what do you do then?",
                words=words.rstrip(".!;, "),
            ),
            (),
            words,
        )
        for words in dict.fromkeys(unclear)
    ]
    seen: set[str] = set()
    for k in live:
        for clause in k.rule.clauses():
            key = clause.text.strip().lower()
            if clause.measurable or key in seen:
                continue
            seen.add(key)
            out.append(
                GuideQuestion(
                    "cue",
                    Message(
                        "You said “{words}”. What exactly do you look at, listen for or feel, "
                        "and at what point does it count?",
                        words=clause.text,
                    ),
                    (k.key,),
                    k.quote,
                )
            )
    keys = {k.key for k in live}
    for f in findings:
        if set(f.rules) & keys:
            out.append(
                GuideQuestion(
                    "finding",
                    Message("{question} ({kind}: {detail})", question=f.question, kind=f.kind, detail=f.detail),
                    f.rules,
                )
            )
    for k in sorted(live, key=lambda k: (-k.rule.confidence, k.key))[:probes]:
        cond = " and ".join(c.text for c in k.rule.clauses()) or Message("you do this")
        act = "; ".join(a.text for a in k.rule.actions)
        first = Message("When {conditions}: which cues tell you first, and which do you trust most?", conditions=cond)
        second = Message("What would a novice miss when {conditions}?", conditions=cond)
        third = Message("What goes wrong if nobody does “{actions}”, and how would you notice?", actions=act)
        for question in (first, second, third):
            out.append(GuideQuestion("probe", question, (k.key,), k.quote))
    return out


def coverage(rules: Sequence[KnownRule]) -> dict[str, dict[str, int]]:
    """How many live rules use each cue, per process step (or domain): {step: {cue: rules}}.
    A clause not yet measurable counts under "(unmeasured)"; thin columns are where to ask next."""
    table: dict[str, dict[str, int]] = {}
    for k in rules:
        if k.status in ("rejected", "retired", "merged"):
            continue
        step = k.rule.process_step or k.rule.domain or "(no step)"
        cues = {c.variable or "(unmeasured)" for c in k.rule.clauses()} or {"(always)"}
        row = table.setdefault(step, {})
        for cue in cues:
            row[cue] = row.get(cue, 0) + 1
    return table


def _sections(questions: Sequence[GuideQuestion]) -> list[tuple[str, list[GuideQuestion]]]:
    return [(title, [q for q in questions if q.kind == kind]) for kind, title in SECTIONS]


def _cites(q: GuideQuestion, translate: Translate) -> str:
    rules = (
        translate(Message("rules {rules}", rules=", ".join("#" + r for r in q.rules)))
        if q.rules
        else translate(Message("no rule yet"))
    )
    return rules + (translate(Message(" · said: “{words}”", words=q.said)) if q.said else "")


def _same(text: str) -> str:
    return str(text)


_NONE_OPEN = "No open questions: every cue is measurable and no conflicts or gaps were found."


def guide_markdown(title: str, questions: Sequence[GuideQuestion], translate: Translate = _same) -> str:
    """The guide as Markdown, numbered within each section, with the rules each question settles;
    `translate` words it in the master's language (the UI passes its Korean catalogue)."""
    lines = [f"# {title}", ""]
    for heading, items in _sections(questions):
        if not items:
            continue
        lines += [f"## {translate(Message(heading))}", ""]
        for n, q in enumerate(items, start=1):
            lines.append(f"{n}. {translate(q.question)}  ")
            lines.append(f"   _{_cites(q, translate)}_")
        lines.append("")
    if not questions:
        lines.append(translate(Message(_NONE_OPEN)))
    return "\n".join(lines)


def guide_docx(title: str, questions: Sequence[GuideQuestion], translate: Translate = _same) -> bytes:
    """The guide as a Word document for printing, with space under each question for notes."""
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    for heading, items in _sections(questions):
        if not items:
            continue
        doc.add_heading(translate(Message(heading)), level=2)
        for q in items:
            doc.add_paragraph(translate(q.question), style="List Number")
            doc.add_paragraph().add_run(_cites(q, translate)).italic = True
            doc.add_paragraph(translate(Message("Answer: ______________________________________________")))
    if not questions:
        doc.add_paragraph(translate(Message(_NONE_OPEN)))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
