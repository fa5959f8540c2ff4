"""The `myeongjang` command line: one console script, a subcommand per job, one module per command
group (`extract`, `interviews`, `users`, `review`, `releases`, `guidance`, `vocabulary`, `archive`,
`serve`), each imported only when one of its commands runs (`root.COMMANDS`).

Errors are one line on standard error with a non-zero exit code, never a traceback.
"""

from ui.cli.base import CliError
from ui.cli.root import COMMANDS, cli, main
from ui.cli.server import streamlit_command

__all__ = ["COMMANDS", "CliError", "cli", "main", "streamlit_command"]
