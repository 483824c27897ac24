#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 30): seeds each target's corpus from the shipped
# lessons, networks, submissions and data sets (copied at run time, so they are not kept twice
# in the repository), then runs libFuzzer with a 2 s limit per input and 2 GB of memory. Exits
# non-zero on the first crash, timeout or out-of-memory input, which libFuzzer leaves in
# fuzz/artifacts/TARGET/; keep it as a test in tests/robustness.rs once fixed.
# Needs the nightly toolchain and cargo-fuzz. Prints one line per target: executions, coverage.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
root=..

seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "corpus/$target/seed-$(basename "$f")"
  done
}
seed network_json "$root"/tests/fixtures/*.json
seed network_toml "$root"/tests/fixtures/lessons/networks/*.toml
seed lesson_toml "$root"/lessons/*.toml "$root"/tests/fixtures/lessons/*.toml
seed lesson_json "$root"/tests/fixtures/lessons/*.json
seed submission "$root"/tests/fixtures/submissions/*.json
seed csv "$root"/assets/datasets/*.csv "$root"/tests/fixtures/csv/*.csv
seed worksheet "$root"/lessons/*.toml "$root"/tests/fixtures/lessons/*.toml

targets=(network_json network_toml lesson_json lesson_toml submission csv worksheet)
# No sanitizer: the crate is safe Rust but for two audited SIMD calls, and AddressSanitizer
# would double the build of the whole GUI stack and halve the executions. Debug assertions
# (overflow checks) stay on, as cargo-fuzz builds by default.
cargo +nightly fuzz build --sanitizer none
for t in "${targets[@]}"; do
  log="$(mktemp)"
  if ! cargo +nightly fuzz run --sanitizer none "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=2 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $t failed (the input is in fuzz/artifacts/$t/)"
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || echo '?')
  echo "fuzz: $t: $runs executions in ${secs} s, coverage $cov edges, corpus $(ls "corpus/$t" | wc -l) inputs"
  rm -f "$log"
done
