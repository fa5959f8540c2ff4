"""`myeongjang train`: the reader learns from the masters' reviews."""

from __future__ import annotations

import click

from elicitation.errors import ModelRefused
from ui.cli.base import Acting, CliError, pass_acting


def _figure(f: dict[str, float]) -> str:
    return f"F1 {f['f1']:.3f} (precision {f['precision']:.3f}, recall {f['recall']:.3f}, Brier {f['brier']:.3f})"


@click.command()
@click.option("--language", type=click.Choice(["en", "ko", "all"]), default="all", show_default=True)
@click.option("--list", "listing", is_flag=True, help="List the models trained so far, and their held-out figures.")
@pass_acting
def train(acting: Acting, language: str, listing: bool) -> None:
    """Retrain the reader from the masters' reviews (admins); a worse model is refused."""
    from ui import learning

    kb = acting.kb()
    if listing:
        for m in kb.reader_models():
            held = m.figures.get("held_out", {})
            click.echo(f"{m.label:12s} {m.created_at}  {m.examples:5d} examples  {m.fingerprint[:12]}  {_figure(held)}")
        return
    accepted = 0
    for lang in learning.LANGUAGES if language == "all" else (language,):
        try:
            done = learning.train(kb, lang)
        except ModelRefused as exc:
            click.echo(f"{lang}: refused: {exc}", err=True)
            continue
        accepted += 1
        f = done.figures
        click.echo(
            f"{lang}: {done.model.label} from {done.model.examples} reviewed proposals "
            f"(fingerprint {done.model.fingerprint[:12]}); held out: {_figure(f['held_out'])}, "
            f"{f['replaced_label']}: {_figure(f['replaced'])}"
        )
    if not accepted:
        raise CliError("no model was trained")
