"""What every command shares: the acting user (click's context object), the knowledge base opened
as that user, one-line errors, JSON output, and the progress bar for long transcripts."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from knowledge_base import KnowledgeBase

EXIT_INPUT = 2
LONG_TRANSCRIPT_TURNS = 40


class CliError(Exception):
    """A user-facing error from a command."""


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"myeongjang: error: {message}", err=True)
    sys.exit(code)


@dataclass
class Acting:
    """The user the command acts as (--as USER or MYEONGJANG_USER), kept on click's context."""

    user: str | None

    def kb(self) -> KnowledgeBase:
        """The knowledge base, acting as this user, with the semantic layer on (the sentence
        models load only if the command needs them). Imported here, not at the top: a command
        that never opens the knowledge base (extract, --help) does not load its libraries."""
        from elicitation.embeddings import default_encoder, multilingual_encoder
        from knowledge_base import KnowledgeBase

        return KnowledgeBase(user=self.user, encoder=default_encoder(), multilingual=multilingual_encoder())


pass_acting = click.make_pass_decorator(Acting)


def emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextlib.contextmanager
def turn_bar(turns: int | None) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error for long transcripts, when it is a terminal or with
    MYEONGJANG_PROGRESS=1 (then one line per tenth, for logs); yields the `progress(done,
    total)` callback, or None."""
    wanted = os.environ.get("MYEONGJANG_PROGRESS")
    terminal = sys.stderr.isatty()
    if not (wanted == "1" or (wanted != "0" and terminal)) or (turns is not None and turns < LONG_TRANSCRIPT_TURNS):
        yield None
        return
    shown = {"tenth": -1}

    def progress(done: int, total: int) -> None:
        if total < LONG_TRANSCRIPT_TURNS:
            return
        tenth = done * 10 // total
        if terminal:
            filled = done * 30 // total
            sys.stderr.write(f"\rextracting rules [{'#' * filled}{'-' * (30 - filled)}] {done}/{total} turns")
            if done == total:
                sys.stderr.write("\n")
        elif tenth > shown["tenth"]:
            sys.stderr.write(f"extracting rules: {done}/{total} turns\n")
        shown["tenth"] = tenth
        sys.stderr.flush()

    yield progress
