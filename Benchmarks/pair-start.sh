#!/usr/bin/env bash
# Compares two qlearn builds (or one build with two lesson folders) by booting them at the same moment, one per core,
# N times: `qlearn start LESSON --detach` to agent-ready for each, then the median of the per-pair ratios B/A.
#
# Why pairs: this shared VM's speed drifts by 30-70% within minutes (2.2 to 3.9 s for the same boot), which swamps a
# 5% change in sequential or interleaved runs (compare-start.sh). Two boots that run together meet the same host; their
# ratio stayed within 0.93-1.07 for identical A and B. Each boot is slower than alone (both share the memory bus and
# caches), so read the ratio, not the absolute medians.
#
# Usage (repository root):  Benchmarks/pair-start.sh RUNS BINARY_A BINARY_B
#   LESSON=name (default nvme-queues); KERNEL=6.12 boots that Debian kernel;
#   LESSONS_A=dir / LESSONS_B=dir put a folder of lessons first for A or B, e.g. a copy of the lesson with other
#   kernel_args, to measure a kernel argument with one binary.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?runs}
a=${2:?binary A}
b=${3:?binary B}
lesson=${LESSON:-nvme-queues}
kernel=()
[ -n "${KERNEL:-}" ] && kernel=(--kernel-version "$KERNEL")
extra_a=()
[ -n "${LESSONS_A:-}" ] && extra_a=(--lessons "$LESSONS_A")
extra_b=()
[ -n "${LESSONS_B:-}" ] && extra_b=(--lessons "$LESSONS_B")
# Own runtime folders: the two sessions of one lesson must not meet.
runtime_a=$(mktemp -d)
runtime_b=$(mktemp -d)
results=$(mktemp)
trap 'QLEARN_RUNTIME_DIR=$runtime_a "$a" stop "$lesson" >/dev/null 2>&1 || true;
      QLEARN_RUNTIME_DIR=$runtime_b "$b" stop "$lesson" >/dev/null 2>&1 || true;
      rm -rf "$runtime_a" "$runtime_b" "$results"' EXIT
now() { date +%s.%N; }

# One timed start; prints its seconds, or "failed".
timed_start() {
  local binary=$1 runtime=$2
  shift 2
  local t0 t1
  t0=$(now)
  if QLEARN_RUNTIME_DIR=$runtime "$binary" start "$lesson" --detach "${kernel[@]}" "$@" >/dev/null 2>&1; then
    t1=$(now)
    echo "$t1 - $t0" | bc
  else
    echo failed
  fi
  QLEARN_RUNTIME_DIR=$runtime "$binary" stop "$lesson" >/dev/null 2>&1 || true
}

# Warm both caches (initramfs, lpj, kernel) untimed, one at a time.
timed_start "$a" "$runtime_a" "${extra_a[@]}" >/dev/null
timed_start "$b" "$runtime_b" "${extra_b[@]}" >/dev/null
for _ in $(seq "$runs"); do
  out_a=$(mktemp)
  out_b=$(mktemp)
  timed_start "$a" "$runtime_a" "${extra_a[@]}" >"$out_a" &
  timed_start "$b" "$runtime_b" "${extra_b[@]}" >"$out_b" &
  wait
  echo "$(cat "$out_a") $(cat "$out_b")" >>"$results"
  rm -f "$out_a" "$out_b"
done
echo "lesson: $lesson, kernel: ${KERNEL:-default}, pairs: $runs (A and B booting together)"
awk '
  $1 == "failed" || $2 == "failed" { failed++; next }
  { a[++n] = $1; b[n] = $2; r[n] = $2 / $1 }
  function median(v, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
    return (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
  }
  END {
    if (failed) printf "pairs with a failed start, left out: %d\n", failed
    if (!n) exit 1
    printf "A median %.3f s, B median %.3f s\n", median(a, n), median(b, n)
    lo = 1e9; hi = 0; for (i = 1; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
    printf "ratio B/A: median %.3f (min %.3f, max %.3f, n=%d)\n", median(r, n), lo, hi, n
  }' "$results"
