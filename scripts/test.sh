#!/usr/bin/env bash
# Runs every test of Duet on a fresh machine: installs what the tests need, type-checks the
# browser code, checks formatting and lints, makes PostgreSQL available for the store suite and a
# NATS server for the cluster tests, runs the Rust tests, then the Chromium end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# What to stop at exit (throwaway servers), in the order they were started.
on_exit=()
stop_all() {
  local step
  for step in "${on_exit[@]}"; do "$step"; done
}
trap stop_all EXIT

# The local PostgreSQL the store suite uses by default (trust auth), when it answers.
local_postgres="postgres://postgres@127.0.0.1:5432/postgres"

local_postgres_answers() {
  command -v psql >/dev/null 2>&1 &&
    PGCONNECT_TIMEOUT=3 psql "$local_postgres" -Atqc 'select 1' >/dev/null 2>&1
}

# The directory of PostgreSQL's initdb and pg_ctl (Debian's newest, else the PATH's), empty when
# they are not installed.
postgres_bin() {
  local initdb
  initdb="$(find /usr/lib/postgresql -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$initdb" ] && command -v initdb >/dev/null 2>&1; then
    initdb="$(readlink -f "$(command -v initdb)")"
  fi
  if [ -n "$initdb" ] && [ -x "$(dirname "$initdb")/pg_ctl" ]; then
    dirname "$initdb"
  fi
}

# The NATS server the cluster tests use by default, when it answers.
nats_answers() {
  (echo >/dev/tcp/127.0.0.1/4222) 2>/dev/null
}

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
if [ -z "${DUET_TEST_POSTGRES_URL:-}" ] && ! local_postgres_answers && [ -z "$(postgres_bin)" ]; then
  need_apt+=(postgresql)
fi
if [ -z "${DUET_TEST_NATS_URL:-}" ] && ! nats_answers && ! command -v nats-server >/dev/null 2>&1; then
  need_apt+=(nats-server)
fi
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

echo "==> PostgreSQL for the store suite"
if [ -n "${DUET_TEST_POSTGRES_URL:-}" ]; then
  echo "using DUET_TEST_POSTGRES_URL"
elif local_postgres_answers; then
  echo "using the local server on 127.0.0.1:5432"
  export DUET_TEST_POSTGRES_URL="$local_postgres"
else
  # A throwaway cluster the tests own: trust auth, loopback only, on a free port, stopped at exit.
  pg_bin="$(postgres_bin)"
  pg_dir="$(mktemp -d)"
  pg_port=55432
  while (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done
  as_owner=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$pg_dir"
    as_owner=(runuser -u postgres --)
  fi
  stop_postgres() {
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  }
  on_exit+=(stop_postgres)
  echo "starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
  "${as_owner[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >/dev/null
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o \
    "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export DUET_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
fi

echo "==> NATS for the cluster tests"
if [ -n "${DUET_TEST_NATS_URL:-}" ]; then
  echo "using DUET_TEST_NATS_URL"
elif nats_answers; then
  echo "using the local server on 127.0.0.1:4222"
  export DUET_TEST_NATS_URL="nats://127.0.0.1:4222"
else
  # A throwaway server the tests own: loopback only, on a free port, stopped at exit.
  nats_bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  nats_port=54222
  while (echo >"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null; do nats_port=$((nats_port + 1)); done
  nats_log="$(mktemp)"
  echo "starting a throwaway NATS server on 127.0.0.1:$nats_port"
  "$nats_bin" -a 127.0.0.1 -p "$nats_port" >"$nats_log" 2>&1 &
  nats_pid=$!
  stop_nats() {
    kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null || true
    rm -f "$nats_log"
  }
  on_exit+=(stop_nats)
  for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break
    sleep 0.1
  done
  if ! (echo >"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null; then
    echo "error: nats-server did not start on 127.0.0.1:$nats_port:" >&2
    cat "$nats_log" >&2
    exit 1
  fi
  export DUET_TEST_NATS_URL="nats://127.0.0.1:$nats_port"
fi

echo "==> Rust tests"
cargo test --quiet

echo "==> Chromium end-to-end tests"
# Each file runs on its own; a file that fails is run once more, and a pass on that second run is
# reported as FLAKY (real media and two browser contexts on a loaded 2-core machine can time out).
export DUET_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/duet"
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
