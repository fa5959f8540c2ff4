"""The command that serves the Streamlit app, set for the shop floor: on loopback, no "Deploy"
button or other developer items in the menu (the viewer's print and theme stay), no usage
statistics (and the app itself fetches nothing from outside)."""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
# Streamlit's settings for a plant's network: the menu shows what a viewer needs (print, record the
# screen, light or dark) and none of the developer's items (Deploy, rerun, clear cache), and no
# usage statistics are sent.
STREAMLIT_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",
}


def streamlit_command(port: int) -> list[str]:
    """The command that serves the Streamlit app on loopback at PORT (also used by the browser test);
    the models load as it starts (`ui.serve`)."""
    command = [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port)]
    for option, value in STREAMLIT_OPTIONS.items():
        command += [f"--{option}", value]
    return command
