#!/usr/bin/env bash
# Runs the end-to-end suite: builds the frontend and the dev binary, starts a
# private Xvfb display, and runs every e2e/*.test.mjs with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm --prefix frontend run build >/dev/null
go build -tags dev,webkit2_41 -o build/shipdeck-dev .
go build -o build/xclose ./backend/internal/xwindow/xclose
go build -o build/pgserver ./internal/pgtest/pgserver
display=""
for n in $(seq 120 160); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "no free X display" >&2; exit 1; }
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
export DISPLAY="$display"
cd frontend
node --test --test-concurrency=1 --test-timeout=300000 e2e/*.test.mjs
