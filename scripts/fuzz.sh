#!/usr/bin/env bash
# Fuzzes the frames a browser sends: a million random, structured and mutated inputs through the
# client frame parser and the binary frame reader, and 20,000 random frames through a live
# session (tests/frame_fuzz.rs), in release mode. Usage: scripts/fuzz.sh [cases]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-1000000}"
echo "==> fuzzing the frame parsers with $cases inputs each"
DUET_FUZZ_CASES="$cases" cargo test --release --test frame_fuzz -- --nocapture
