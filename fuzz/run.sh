#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 8), starting from its seeds in fuzz/seeds/
# (read, never written: what the fuzzer finds goes to a scratch corpus). Exits non-zero on the
# first crash, failed invariant or timeout; libFuzzer writes the input to fuzz/artifacts/.
# Needs cargo-fuzz; the one stable toolchain builds it with RUSTC_BOOTSTRAP=1.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds=${1:-8}
shift || true
export RUSTC_BOOTSTRAP=1
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
# Release builds with debug assertions and overflow checks (cargo fuzz's default): an
# arithmetic overflow on a peer's bytes is a finding.
cargo fuzz build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t"
    seeds=()
    [ -d "seeds/$t" ] && seeds=("seeds/$t")
    # -timeout: one input taking 10 s is a finding too.
    if ! cargo fuzz run "$t" "$scratch/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$scratch/$t.log" 2>&1; then
        cat "$scratch/$t.log"
        echo "fuzz: $t FAILED (the input is in fuzz/artifacts/$t/)"
        exit 1
    fi
    stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
        "$scratch/$t.log" | sed 's/^stat:://' | tr -s ' ' | tr '\n' ' ')
    echo "fuzz: $t ok: $stats"
done
