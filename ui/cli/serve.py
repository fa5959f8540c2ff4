"""The UI on localhost: `demo` (the knowledge base, the sample interviews, demo accounts, then the
UI) and `ui`."""

from __future__ import annotations

import contextlib
import os
import subprocess

import click
import platformdirs

from knowledge_base import KnowledgeBase
from ui.cli.base import Acting, pass_acting
from ui.cli.server import streamlit_command
from ui.workflows import demo_accounts, ensure_admin, load_samples


def _serve(port: int, url: str, user: str | None) -> None:
    """Serve the UI over the knowledge base at `url` (opened once already, so its schema is there)."""
    click.echo(f"The myeongjang UI is at http://127.0.0.1:{port}  (Ctrl-C stops it)")
    env = dict(os.environ, MYEONGJANG_DATABASE_URL=url)
    if user:
        env["MYEONGJANG_USER"] = user
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(streamlit_command(port), env=env, check=False)


@click.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--no-ui", is_flag=True, help="Set up the knowledge base and load the samples, then stop.")
@pass_acting
def demo(acting: Acting, port: int, no_ui: bool) -> None:
    """Create the knowledge base, import the bundled sample interviews, extract rules, start the UI."""
    kb = ensure_admin(KnowledgeBase(), acting.user or "admin")
    click.echo(f"knowledge base: {kb.url} (acting as {kb.user})")
    for name, result in load_samples(kb):
        if result is None:
            click.echo(f"  {name}: already imported")
        else:
            click.echo(f"  {name}: {result.turns} turns, {len(result.rule_ids)} proposed rules")
    counts = kb.count_rules()
    click.echo("rules: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    secrets_file = platformdirs.user_data_path("myeongjang") / "demo-password.txt"
    accounts, password = demo_accounts(kb, secrets_file)
    click.echo("sign in as: " + ", ".join(f"{u} ({r})" for u, r in accounts))
    if password is None:
        click.echo(f"  the demo password file {secrets_file} is gone: set one with `myeongjang user passwd admin`")
    else:
        click.echo(f"  password: {password}   (kept in {secrets_file})")
    if not no_ui:
        _serve(port, kb.url, kb.user)


@click.command()
@click.option("--port", default=8501, show_default=True)
@pass_acting
def ui(acting: Acting, port: int) -> None:
    """Start the Streamlit UI on localhost."""
    _serve(port, KnowledgeBase().url, acting.user)
