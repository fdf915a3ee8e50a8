#!/usr/bin/env bash
# Create .venv and install the project. `--dev` adds test tools and Debian's chromium for the
# browser tests. Safe to re-run: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install --disable-pip-version-check -q)
# The CPU build of torch must come first: an unpinned torch pulls a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || "${PIP[@]}" "torch==2.13.0"
if [ "${1:-}" = "--dev" ]; then
  "${PIP[@]}" -e ".[dev]"
  if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  fi
else
  "${PIP[@]}" -e .
fi
# Export the embedding model to ONNX once (torch is needed only here and for bf16/GPU ingest):
# questions then run on ONNX Runtime without importing torch.
.venv/bin/python -c "from assistant.config import Settings; from assistant.embedding import Embedder
print('embedding model for questions:', Embedder(Settings.load()).prepare_query_model())"
