"""The root command `myeongjang`: the acting user (--as) onto click's context, the command list,
and the console script's entry point, which turns every error the product knows into one line."""

from __future__ import annotations

import sys

import click

from ui.cli.base import EXIT_INPUT, Acting, fail
from ui.cli.lazy import LazyGroup

# name -> (where the command lives, the line `myeongjang --help` shows for it)
COMMANDS = {
    "ask": ("ui.cli.guidance:ask", "Describe a situation; print the rules that apply, and why."),
    "audit": ("ui.cli.audit:audit", "The audit trail, and a check that the history is intact."),
    "backup": ("ui.cli.archive:backup", "Write the whole knowledge base to a file (admins)."),
    "check": ("ui.cli.guidance:check_rules", "Find conflicts, duplicates, special cases and gaps."),
    "consent": ("ui.cli.interviews:consent", "Register masters and record or withdraw consent."),
    "demo": ("ui.cli.serve:demo", "Create the knowledge base, load the samples, start the UI."),
    "evaluate": ("ui.cli.extract:evaluate", "Score the extractor against gold data."),
    "export": ("ui.cli.archive:export", "Export the knowledge base as JSON or decision tables."),
    "extract": ("ui.cli.extract:extract", "Extract candidate rules from a transcript; store nothing."),
    "import": ("ui.cli.interviews:import_", "Import a transcript FILE for MASTER as proposed rules."),
    "release": ("ui.cli.releases:release", "Named, immutable snapshots of the confirmed rules."),
    "restore": ("ui.cli.archive:restore", "Load a backup or an export into an empty knowledge base."),
    "review": ("ui.cli.review:review", "List rules and record a master's review decisions."),
    "search": ("ui.cli.guidance:search", "Ask in plain words; the rules closest to the question."),
    "train": ("ui.cli.train:train", "Retrain the reader from the masters' reviews (admins); a worse model is refused."),
    "ui": ("ui.cli.serve:ui", "Start the Streamlit UI on localhost."),
    "user": ("ui.cli.users:user", "Users and roles."),
    "vocabulary": ("ui.cli.vocabulary:vocabulary", "The cue vocabulary: one variable for each cue."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--as", "as_user", envvar="MYEONGJANG_USER", default=None, help="Act as this user (or MYEONGJANG_USER).")
@click.pass_context
def cli(ctx: click.Context, as_user: str | None) -> None:
    """myeongjang: turn masters' interviews into reviewed, explainable if-then rules.

    The knowledge base is a SQLite file in your data directory unless MYEONGJANG_DATABASE_URL
    names another database (e.g. postgresql://user@host/db). Every command acts as a user
    (--as USER); what it may do follows that user's role.
    """
    ctx.obj = Acting(as_user)


# The errors the product knows, by the module that defines them, and the exit code each gets: input
# the user can correct (2), or a refusal or an engine that cannot run (1). They are looked up only in
# modules already loaded: a command that never imported elicitation cannot have raised its
# TranscriptError, and `myeongjang --help` need not load the NLP libraries to be ready for one.
KNOWN_ERRORS = (
    ("ui.cli.base", "CliError", EXIT_INPUT),
    ("rules.facts", "FactSyntaxError", EXIT_INPUT),
    ("rules.engine", "FactError", EXIT_INPUT),
    ("rules.engine", "EngineUnavailable", 1),
    ("elicitation.errors", "TranscriptError", EXIT_INPUT),
    ("knowledge_base.errors", "KnowledgeBaseError", 1),
    ("sqlalchemy.exc", "DBAPIError", 1),
)


def _database_unusable(exc: BaseException) -> BaseException:
    """A database's own error (a damaged file, a server gone) as the service layer's one line."""
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, errors.DBAPIError):
        return exc
    from knowledge_base.errors import database_unusable

    return database_unusable(exc)


def exit_code(exc: BaseException) -> int | None:
    """The exit code of an error the product knows, or None for any other."""
    for module, name, code in KNOWN_ERRORS:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return code
    return None


def main(argv: list[str] | None = None) -> None:
    """The console script: every error the product knows is one line on standard error."""
    try:
        cli.main(args=argv, prog_name="myeongjang", standalone_mode=False)
    except click.exceptions.Abort:
        fail("aborted", 130)
    except click.ClickException as exc:
        fail(exc.format_message().replace("\n", " "), EXIT_INPUT)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:
        code = exit_code(exc)
        if code is None:
            raise
        fail(str(_database_unusable(exc)), code)


if __name__ == "__main__":
    main()
