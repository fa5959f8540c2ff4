"""The served app is set for a plant's server, not a developer's laptop (ui.cli.server)."""

from itertools import pairwise

from ui.cli.server import streamlit_command


def options(command: list[str]) -> dict[str, str]:
    return {a.removeprefix("--"): b for a, b in pairwise(command) if a.startswith("--")}


def test_the_server_skips_a_full_collection_after_every_click_and_watches_no_source_file() -> None:
    served = options(streamlit_command(8599))
    # a full garbage collection after each run cost 0.3-0.5 s a click with 10,000 rules loaded
    assert served["runner.postScriptGC"] == "false"
    assert served["server.fileWatcherType"] == "none"
    assert served["server.address"] == "127.0.0.1" and served["browser.gatherUsageStats"] == "false"
    assert streamlit_command(8599)[1:3] == ["-m", "ui.serve"]  # the models load as the server starts
