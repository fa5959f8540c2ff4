"""The console script as a user runs it: output, exit codes, one-line errors."""

import json
import subprocess
from pathlib import Path

import pytest

from ..conftest import SAMPLES, run


def test_every_subcommand_has_help() -> None:
    for cmd in [
        "demo",
        "ui",
        "import",
        "extract",
        "ask",
        "search",
        "vocabulary",
        "review",
        "export",
        "backup",
        "restore",
        "release",
        "user",
    ]:
        out = run(cmd, "--help")
        assert out.returncode == 0 and "Usage" in out.stdout, cmd


def test_extract_json_follows_the_contract() -> None:
    out = run("extract", str(SAMPLES / "converter_steelmaking.txt"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    text_turns = (SAMPLES / "converter_steelmaking.txt").read_text().splitlines()
    assert data["rules"]
    for rule in data["rules"]:
        assert {"conditions", "actions", "confidence", "certainty", "evidence"} <= rule.keys()
        [ev] = rule["evidence"]
        turn_text = text_turns[ev["turn"]].split(": ", 1)[1]
        for clause in rule["conditions"]:
            assert {"text", "start", "end", "variable", "operator", "value", "unit"} <= clause.keys()
            assert turn_text[clause["start"] : clause["end"]] == clause["text"]


def test_extract_jsonl_answers_each_line_in_order_and_nothing_else() -> None:
    lines = [{"id": "a", "text": "If it rains, cover the joint."}, {"id": 7, "text": "Lunch is at noon."}]
    out = run("extract", "--jsonl", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", 7]
    assert len(results[0]["rules"]) == 1 and results[1]["rules"] == []
    action = results[0]["rules"][0]["actions"][0]
    assert lines[0]["text"][action["start"] : action["end"]] == "cover the joint"


@pytest.mark.parametrize(
    "make,args,message",
    [
        (None, ["extract", "/no/such/file.txt"], "no such file"),
        (b"", ["extract", "{f}"], "empty"),
        (b"\x00\x01\x02binary\x00", ["extract", "{f}"], "binary"),
        (None, ["ask", "--fact", "humidity"], "not of the form name=value"),
        (None, ["ask", "--facts-json", "{oops"], "not JSON"),
        (None, ["ask"], "describe the situation"),
        (None, ["extract", "--jsonl"], None),
        (None, ["--as", "x", "review", "confirm", "999"], "unknown user 'x'"),
        (None, ["review", "list"], "no user given"),
        (None, ["frobnicate"], "No such command"),
    ],
)
def test_bad_input_gives_one_line_error_and_nonzero_exit(
    tmp_path: Path, make: bytes | None, args: list[str], message: str | None
) -> None:
    f = tmp_path / "in.txt"
    if make is not None:
        f.write_bytes(make)
    out = run(*[a.replace("{f}", str(f)) for a in args], stdin="not json\n", env_url=f"sqlite:///{tmp_path / 'kb.db'}")
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr
    if message:
        assert message in out.stderr


def test_end_to_end_roles_import_confirm_ask(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"

    def as_(user: str, *args: str) -> subprocess.CompletedProcess[str]:
        return run("--as", user, *args, env_url=url)

    assert run("user", "add", "boss", "--role", "admin", env_url=url).returncode == 0
    assert as_("boss", "user", "add", "kim", "--role", "interviewer").returncode == 0
    welding = str(SAMPLES / "shipyard_welding.txt")
    refused = as_("kim", "import", welding, "--master", "Park Jae-sung")
    assert refused.returncode == 1 and "register the master first" in refused.stderr
    assert as_("kim", "consent", "add", "--master", "Park Jae-sung", "--craft", "welding").returncode == 0
    imported = as_("kim", "import", welding, "--master", "Park Jae-sung", "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["rule_ids"]
    assert as_("boss", "user", "add", "park", "--role", "master", "--master", "Park Jae-sung").returncode == 0
    listed = json.loads(as_("park", "review", "list", "--json").stdout)
    rain = next(r for r in listed if any(c["variable"] == "weather" for c in r["rule"]["conditions"]))
    assert json.loads(as_("park", "ask", "--fact", "weather=rain", "--json").stdout)["fired"] == []
    by_kim = as_("kim", "review", "confirm", str(rain["id"]))
    assert by_kim.returncode == 1 and "kim (interviewer) may not review" in by_kim.stderr
    confirmed = as_("park", "review", "confirm", str(rain["id"]))
    assert confirmed.returncode == 0 and "confirmed" in confirmed.stdout
    answer = json.loads(as_("park", "ask", "--fact", "weather=rain", "--fact", "humidity=85", "--json").stdout)
    [fired] = answer["fired"]
    assert fired["rule_id"] == str(rain["id"]) and fired["master"] == "Park Jae-sung"
    assert fired["matched"][0]["variable"] == "weather" and "rains" in fired["quote"]
    text = as_("park", "ask", "--fact", "weather=rain").stdout
    assert "Park Jae-sung said" in text and "because weather = rain satisfies" in text
    assert "confirmed" in as_("park", "review", "history", str(rain["id"])).stdout
    assert "status: 'proposed' -> 'confirmed'" in as_("park", "review", "diff", str(rain["id"]), "1", "2").stdout
    assert as_("boss", "release", "create", "welding 2026-Q4").returncode == 0
    assert json.loads(as_("park", "ask", "--release", "welding 2026-Q4", "--fact", "weather=rain", "--json").stdout)[
        "fired"
    ]
    jdm = as_("boss", "export", "--format", "jdm")
    assert jdm.returncode == 0, jdm.stderr
    table_rows = [
        r for n in json.loads(jdm.stdout)["nodes"] if n["type"] == "decisionTableNode" for r in n["content"]["rules"]
    ]
    assert [json.loads(r["out_rule_id"]) for r in table_rows] == [str(rain["id"])]
    dmn = as_("boss", "export", "--format", "dmn", "--release", "welding 2026-Q4")
    assert dmn.returncode == 0 and "<decisionTable" in dmn.stdout and 'hitPolicy="COLLECT"' in dmn.stdout
    no_out = as_("boss", "export", "--format", "xlsx")
    assert no_out.returncode == 2 and "needs --out" in no_out.stderr
    assert as_("boss", "export", "--format", "xlsx", "--out", str(tmp_path / "kb.xlsx")).returncode == 0
    assert (tmp_path / "kb.xlsx").read_bytes()[:2] == b"PK"
    in_fahrenheit = json.loads(
        as_("park", "ask", "--fact", "weather=rain", "--facts-json", '{"t": "2912 degF"}', "--json").stdout
    )
    assert in_fahrenheit["facts"]["t"] == {"value": 2912.0, "unit": "degF"}
    backup = tmp_path / "kb.json"
    assert as_("boss", "backup", "--out", str(backup)).returncode == 0
    other = f"sqlite:///{tmp_path / 'copy.db'}"
    restored = run("restore", str(backup), env_url=other)
    assert restored.returncode == 0, restored.stderr
    again = run("--as", "park", "review", "list", "--json", env_url=other)
    assert json.loads(again.stdout) == json.loads(as_("park", "review", "list", "--json").stdout)


def test_demo_without_ui_loads_the_samples_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    first = run("demo", "--no-ui", env_url=url)
    assert first.returncode == 0, first.stderr
    assert "shipyard_welding.txt: 11 turns" in first.stdout
    again = run("demo", "--no-ui", env_url=url)
    assert "already imported" in again.stdout


def test_search_and_vocabulary_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    assert run("demo", "--no-ui", env_url=url).returncode == 0
    found = run("--as", "admin", "search", "what do I do in wet weather?", "--include-proposed", "--json", env_url=url)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert "rains" in data["rules"][0]["rule"] and data["rules"][0]["cosine"] > 0.2
    humid = json.loads(
        run("--as", "admin", "search", "is 85% humidity a problem?", "--include-proposed", "--json", env_url=url).stdout
    )
    assert humid["facts"]["humidity"]["value"].startswith("85")
    empty = run("--as", "admin", "search", "  ", env_url=url)
    assert empty.returncode == 1 and "the question is empty" in empty.stderr
    proposed = run("--as", "admin", "vocabulary", "propose", env_url=url)
    assert proposed.returncode == 0 and "proposed" in proposed.stdout, proposed.stderr
    first = int(proposed.stdout.split()[0].lstrip("#"))
    bad = run("--as", "admin", "vocabulary", "confirm", str(first), "--name", "two-words!", env_url=url)
    assert bad.returncode == 1 and "invalid cue name" in bad.stderr
    good = run("--as", "admin", "vocabulary", "confirm", str(first), "--name", "canonical_cue", env_url=url)
    assert good.returncode == 0 and "canonical_cue" in good.stdout and "confirmed" in good.stdout
    applied = run("--as", "admin", "vocabulary", "apply", env_url=url)
    assert applied.returncode == 0 and "rules renamed" in applied.stdout
    listed = json.loads(run("--as", "admin", "vocabulary", "list", "--json", env_url=url).stdout)
    assert listed[0]["name"] == "canonical_cue" and listed[0]["status"] == "confirmed"
