"""The command line's shape, in process: every command and subcommand answers --help, the command
list says of each command what its own help says, and the acting user reaches the commands through
click's context, not a module global."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from ui.cli import COMMANDS, cli
from ui.cli.base import Acting


def every_command(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


COMMAND_PATHS = sorted(every_command())


def test_the_walk_finds_the_groups_and_their_subcommands() -> None:
    assert {("review", "confirm"), ("vocabulary", "apply"), ("consent", "add"), ("extract",)} <= set(COMMAND_PATHS)
    assert len(COMMAND_PATHS) > 35


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_command_and_subcommand_answers_help(path: tuple[str, ...]) -> None:
    out = CliRunner().invoke(cli, [*path, "--help"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Usage: ") and " ".join(path) in out.output.splitlines()[0]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_list_says_what_each_command_says_of_itself(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    listed = COMMANDS[name][1].lower().split()[:4]
    assert command.help.lower().split()[:4] == listed, (command.help, COMMANDS[name][1])


def test_the_top_help_lists_every_command_without_importing_them() -> None:
    out = CliRunner().invoke(cli, ["--help"])
    assert out.exit_code == 0
    for name, (_, line) in COMMANDS.items():
        assert name in out.output and line.split()[0] in out.output


def test_the_acting_user_rides_on_clicks_context() -> None:
    seen: list[Acting] = []

    @cli.command("probe-acting", hidden=True)
    @click.pass_obj
    def probe(obj: Acting) -> None:
        seen.append(obj)

    try:
        assert CliRunner().invoke(cli, ["--as", "park", "probe-acting"]).exit_code == 0
        assert CliRunner().invoke(cli, ["probe-acting"], env={"MYEONGJANG_USER": "kim"}).exit_code == 0
    finally:
        cli.commands.pop("probe-acting")
    assert [a.user for a in seen] == ["park", "kim"]
