"""The console script as a user runs it: output, exit codes, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES

EXE = str(Path(sys.executable).with_name("myeongjang"))


def run(*args: str, stdin: str | None = None, env_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if env_url:
        env["MYEONGJANG_DATABASE_URL"] = env_url
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_every_subcommand_has_help() -> None:
    for cmd in ["demo", "ui", "import", "extract", "ask", "review", "export", "user", "consent"]:
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
        (None, ["review", "confirm", "999", "--as", "x"], "no rule with id 999"),
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


def test_end_to_end_import_confirm_ask(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    refused = run("import", str(SAMPLES / "shipyard_welding.txt"), "--master", "Park Jae-sung", env_url=url)
    assert refused.returncode == 1 and "register the master first" in refused.stderr
    assert run("consent", "add", "--master", "Park Jae-sung", "--craft", "welding", env_url=url).returncode == 0
    imported = run("import", str(SAMPLES / "shipyard_welding.txt"), "--master", "Park Jae-sung", "--json", env_url=url)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["rule_ids"]
    listed = json.loads(run("review", "list", "--json", env_url=url).stdout)
    rain = next(r for r in listed if any(c["variable"] == "weather" for c in r["rule"]["conditions"]))
    assert json.loads(run("ask", "--fact", "weather=rain", "--json", env_url=url).stdout)["fired"] == []
    confirmed = run("review", "confirm", str(rain["id"]), "--as", "Park Jae-sung", env_url=url)
    assert confirmed.returncode == 0 and "confirmed" in confirmed.stdout
    answer = json.loads(run("ask", "--fact", "weather=rain", "--fact", "humidity=85", "--json", env_url=url).stdout)
    [fired] = answer["fired"]
    assert fired["rule_id"] == str(rain["id"]) and fired["master"] == "Park Jae-sung"
    assert fired["matched"][0]["variable"] == "weather" and "rains" in fired["quote"]
    text = run("ask", "--fact", "weather=rain", env_url=url).stdout
    assert "Park Jae-sung said" in text and "because weather = 'rain'" in text


def test_demo_without_ui_loads_the_samples_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    first = run("demo", "--no-ui", env_url=url)
    assert first.returncode == 0, first.stderr
    assert "shipyard_welding.txt: 11 turns" in first.stdout
    again = run("demo", "--no-ui", env_url=url)
    assert "already imported" in again.stdout
