#!/usr/bin/env bash
# Builds Duet in release and runs every benchmark against it: the relay, memory and wire-size
# benchmark with the store's and session recordings' cost (benches/relay), then glass-to-glass
# latency, the customer's tab and opening a 30-minute recording in Chromium (bench/browser).
# Usage: scripts/bench.sh [--quick] [more flags for benches/relay, e.g. --sessions 500,1000
# --soak-secs 120]. Writes bench/results/relay{,-quick}.{md,json} and
# bench/results/browser{,-quick}.{md,json}. Numbers only; no asserts.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each session holds two client sockets here and two server sockets in the server process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -n)" >&2

cargo build --release --bin duet
export DUET_BIN="${DUET_BIN:-$PWD/target/release/duet}"
export BENCH_COMMIT="${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
cargo bench --bench relay -- "$@"

quick=()
for arg in "$@"; do
  [ "$arg" = "--quick" ] && quick=(--quick)
done
(cd webresource && npm ci --no-audit --no-fund --loglevel=error)
node bench/browser/run.mjs "${quick[@]}"
