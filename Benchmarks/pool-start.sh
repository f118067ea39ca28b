#!/usr/bin/env bash
# Warm pool against cold boot, alternating in one run: the time from `qlearn start LESSON --detach` to the end of one
# `qlearn exec -- true` (the guest answers), N times each, then both medians and the ratio pooled/cold (target: at most
# 0.15). Before each pooled run `qlearn pool fill` boots and pauses a guest, untimed; the background refill after an
# adoption is off (QLEARN_POOL_REFILL=0) so no boot runs during a timed start; cold runs set QLEARN_POOL_SIZE=0.
#
# Usage (repository root):  Benchmarks/pool-start.sh [runs] [lesson]
#   default 5 runs of nvme-queues; ACCEL=tcg (default) or kvm; QLEARN_BIN=path times another qlearn binary.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
lesson=${2:-nvme-queues}
if [ -n "${QLEARN_BIN:-}" ]; then q=$QLEARN_BIN; else swift build -c release >/dev/null; q=.build/release/qlearn; fi
accel=(--accel "${ACCEL:-tcg}")
QLEARN_RUNTIME_DIR=$(mktemp -d /tmp/qlpool.XXXXXX)
export QLEARN_RUNTIME_DIR QLEARN_POOL_REFILL=0
unset QLEARN_POOL_BUDGET
results=$(mktemp)
trap '"$q" stop "$lesson" >/dev/null 2>&1 || true; "$q" pool drain >/dev/null 2>&1 || true;
      rm -rf "$QLEARN_RUNTIME_DIR" "$results"' EXIT
now() { date +%s.%N; }

# One timed start + exec; prints "KIND SECONDS", or "KIND failed". A pooled run that did not adopt counts as failed.
timed() {
  local kind=$1 size=$2 log t0 t1
  log=$(mktemp)
  t0=$(now)
  if QLEARN_POOL_SIZE=$size "$q" start "$lesson" --detach "${accel[@]}" >/dev/null 2>"$log" && "$q" exec -- true; then
    t1=$(now)
    if [ "$kind" = pooled ] && ! grep -q "adopted a VM from the warm pool" "$log"; then
      echo "$kind failed"
    else
      echo "$kind $(echo "$t1 - $t0" | bc)"
    fi
  else
    echo "$kind failed"
  fi
  rm -f "$log"
  "$q" stop "$lesson" >/dev/null 2>&1 || true
}

# Warm the caches (kernel, initramfs, lpj) untimed.
QLEARN_POOL_SIZE=0 "$q" start "$lesson" --detach "${accel[@]}" >/dev/null 2>&1 && "$q" stop "$lesson" >/dev/null
for _ in $(seq "$runs"); do
  timed cold 0 >>"$results"
  "$q" pool fill "$lesson" "${accel[@]}" --size 1 >/dev/null
  sleep 1
  timed pooled 1 >>"$results"
done
echo "lesson: $lesson, accelerator: ${ACCEL:-tcg}, runs: $runs each, alternating (start --detach + one exec)"
awk '
  $2 == "failed" { failed[$1]++; next }
  { v[$1, ++n[$1]] = $2 }
  function median(kind,   i, j, t, a, m) {
    m = n[kind]
    for (i = 1; i <= m; i++) a[i] = v[kind, i]
    for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    lo[kind] = a[1]; hi[kind] = a[m]
    return (m % 2) ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
  }
  END {
    for (k in failed) printf "%s runs that failed, left out: %d\n", k, failed[k]
    if (!n["cold"] || !n["pooled"]) exit 1
    c = median("cold"); p = median("pooled")
    printf "cold start + exec:   median %.3f s (min %.3f, max %.3f, n=%d)\n", c, lo["cold"], hi["cold"], n["cold"]
    printf "pooled start + exec: median %.3f s (min %.3f, max %.3f, n=%d)\n", p, lo["pooled"], hi["pooled"], n["pooled"]
    printf "ratio pooled/cold: %.3f (target at most 0.15)\n", p / c
  }' "$results"
