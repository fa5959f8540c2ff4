#!/usr/bin/env bash
# Sets up a fresh machine: a virtual environment at .venv with CPU PyTorch first, then the
# project and its pinned dependencies, then the knowledge base schema. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup: $PYTHON not found; myeongjang needs Python 3.11" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# CPU PyTorch first: an unpinned torch would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev]"
# Create or migrate the knowledge base (SQLite by default, MYEONGJANG_DATABASE_URL otherwise).
.venv/bin/python -c "from knowledge_base import KnowledgeBase; print('knowledge base ready:', KnowledgeBase().url)"
# Export the sentence model's graph for ONNX Runtime now (seconds, once per machine), so that the
# first question asked in the UI does not pay for it.
.venv/bin/python -W ignore -c "from elicitation.embeddings import default_encoder as e; e().encode(['ready']); print('sentence model ready:', e().cache_dir)"
