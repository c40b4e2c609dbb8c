#!/usr/bin/env bash
# Python package tests: a virtualenv in python/.venv (reusing system-wide torch/transformers/trl when they are
# installed, else installing them from the machine's package index), `pip install -e python/[trl]`, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV=python/.venv
INDEX=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple --find-links /opt/wheels)

if [ ! -x "$VENV/bin/python" ]; then
  if "$PY" -c "import torch, transformers, trl, pytest" 2>/dev/null; then
    "$PY" -m venv --system-site-packages "$VENV"
  else
    "$PY" -m venv "$VENV"
  fi
fi
if ! "$VENV/bin/python" -c "import rhythmscope, trl, pytest" 2>/dev/null; then
  if "$VENV/bin/python" -c "import torch, transformers, trl, pytest, setuptools" 2>/dev/null; then
    "$VENV/bin/python" -m pip install -q "${INDEX[@]}" --no-deps -e "python/[trl]"  # build backend from the index
  else
    "$VENV/bin/python" -m pip install -q "${INDEX[@]}" -e "python/[trl,test]"
  fi
fi
cd python
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests "$@"
