"""The command that serves the Streamlit app, set for the shop floor: on loopback, no "Deploy"
button or other developer items in the menu (the viewer's print and theme stay), no usage
statistics (and the app itself fetches nothing from outside)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
# Streamlit's settings for a plant's network: the menu shows what a viewer needs (print, record the
# screen, light or dark) and none of the developer's items (Deploy, rerun, clear cache), and no
# usage statistics are sent. Two defaults meant for a developer's laptop cost every click at a
# programme's size: a full garbage collection after each script run (0.3-0.5 s with the models and
# 10,000 rules in memory; `ui.warmup` freezes what the start loaded instead), and a watcher polling
# the app's source files for edits.
STREAMLIT_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",
    "runner.postScriptGC": "false",
    "server.fileWatcherType": "none",
}


def streamlit_command(port: int) -> list[str]:
    """The command that serves the Streamlit app on loopback at PORT (also used by the browser test);
    the models load as it starts (`ui.serve`)."""
    command = [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port)]
    for option, value in STREAMLIT_OPTIONS.items():
        command += [f"--{option}", value]
    return command


@contextlib.contextmanager
def serving(url: str, *, start_s: float = 120) -> Iterator[str]:
    """The app served on a free loopback port over the knowledge base at `url`, once its health
    check answers (within `start_s` seconds); its address. Used by the browser test and bench."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MYEONGJANG_DATABASE_URL=url)
    env.pop("MYEONGJANG_USER", None)
    proc = subprocess.Popen(streamlit_command(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the app did not start on {address}") from None
                time.sleep(0.5)
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=30)
