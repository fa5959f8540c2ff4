#!/usr/bin/env bash
# Sets up a fresh machine: a virtual environment at .venv with CPU PyTorch first, then the
# project and its pinned dependencies, then the knowledge base schema and the sentence model's
# graph. Safe to run again. It says what it does, one line a step; pip's own chatter (and the
# warnings of this machine's package indexes) is kept for the log, and shown only if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup: $PYTHON not found; myeongjang needs Python 3.11" >&2
    exit 1
fi
mkdir -p .venv
log=.venv/setup.log
: >"$log"

# step DESCRIPTION COMMAND...: run COMMAND with its output in the log; on failure show the log's tail.
step() {
    local what=$1
    shift
    echo "setup: $what"
    if ! "$@" >>"$log" 2>&1; then
        echo "setup: failed: $what; the last lines of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}

if [ ! -x .venv/bin/python ]; then
    step "creating the virtual environment .venv ($("$PYTHON" --version))" "$PYTHON" -m venv .venv
fi
step "upgrading pip" .venv/bin/python -m pip install -qq --upgrade pip
# CPU PyTorch first: an unpinned torch would pull a multi-GB CUDA build.
step "installing CPU PyTorch 2.13.0" .venv/bin/python -m pip install -qq "torch==2.13.0"
step "installing myeongjang and its pinned dependencies (spaCy, the sentence models, Streamlit, ...)" \
    .venv/bin/python -m pip install -qq -e ".[dev]"
# The tests run the DMN export in bpmn.io's FEEL interpreter, as a third party would (Node.js).
# The product does not need it, so a machine that cannot reach npm's registry still sets up.
if command -v npm >/dev/null 2>&1; then
    echo "setup: installing the FEEL interpreter the DMN tests use (npm: feelin, dmn-moddle)"
    if ! npm ci --prefix tests/feel --no-audit --no-fund --loglevel=error >>"$log" 2>&1; then
        echo "setup: npm could not install tests/feel (see $log); the DMN test with a third-party FEEL engine will be skipped"
    fi
else
    echo "setup: npm not found; the DMN test with a third-party FEEL engine will be skipped"
fi
# Create or migrate the knowledge base (SQLite by default, MYEONGJANG_DATABASE_URL otherwise).
.venv/bin/python -c "from knowledge_base import KnowledgeBase; print('setup: knowledge base ready:', KnowledgeBase().url)"
# Export the sentence model's graph for ONNX Runtime now (seconds, once per machine), so that the
# first question asked in the UI does not pay for it.
TQDM_DISABLE=1 .venv/bin/python -W ignore -c "from elicitation.embeddings import default_encoder as e; e().encode(['ready']); print('setup: sentence model ready:', e().cache_dir)"
