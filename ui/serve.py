"""The server process: `python -m ui.serve [streamlit options]` starts loading the models and making
the knowledge base's missing sentence vectors (`ui.warmup`), then serves the app with Streamlit in
the same process, so that what the start loaded is what the pages use."""

from __future__ import annotations

import sys

from ui.cli.server import APP


def main(options: list[str]) -> None:
    from streamlit.web import cli

    from ui import warmup

    warmup.start()
    sys.argv = ["streamlit", "run", str(APP), *options]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
