"""A click group whose commands are imported when one of them runs (click's "lazily loading
subcommands"), so `myeongjang --help` loads no knowledge base and `myeongjang extract` no database."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """`lazy` maps each command's name to where it lives ("package.module:attribute") and the one
    line the group's help shows for it (a test checks that it opens with the command's own words)."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name][0]} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from `lazy`'s lines, importing none of those commands (and any command
        added to the group itself, unless hidden)."""
        lines = {name: line for name, (_, line) in self.lazy.items()}
        for name, command in self.commands.items():
            if not command.hidden:
                lines[name] = command.get_short_help_str(limit=formatter.width)
        rows = sorted(lines.items())
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
