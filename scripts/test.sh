#!/usr/bin/env bash
# Runs every test of Duet on a fresh machine: installs what the tests need, type-checks the
# browser code, checks formatting and lints, runs the Rust tests, then the Chromium end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: the tests need ${need_apt[*]}: install them with 'sudo apt-get install -y ${need_apt[*]}'" >&2
    exit 1
  fi
  echo "==> installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "==> browser code: install and type-check"
(cd webresource && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check)

echo "==> cargo fmt and clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings

echo "==> Rust tests"
cargo test --quiet

echo "==> Chromium end-to-end tests"
# Each file runs on its own; a file that fails is run once more, and a pass on that second run is
# reported as FLAKY (real media and two browser contexts on a loaded 2-core machine can time out).
export DUET_BIN="$PWD/target/debug/duet"
failed=()
for file in e2e/*.test.mjs; do
  if ! node --test --test-concurrency=1 "$file"; then
    echo "==> $file failed; running it once more"
    if node --test --test-concurrency=1 "$file"; then
      echo "FLAKY: $file passed only on its second run"
    else
      failed+=("$file")
    fi
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "end-to-end tests failed: ${failed[*]}" >&2
  exit 1
fi
