#!/usr/bin/env bash
# Compares `qlearn start LESSON --detach` (to agent-ready) between qlearn binaries, runs interleaved so that the
# machine's drifting speed (this VM's varies by 20% over minutes) weighs on each binary alike. Medians per binary.
# For a change of a few percent, Benchmarks/pair-start.sh (both boot at once) gives a tighter ratio.
# Usage (repository root):  Benchmarks/compare-start.sh [runs] BINARY...     LESSON=name (default nvme-queues),
#                            KERNEL=6.12 boots that Debian kernel (default: qlearn's choice)
#   e.g. git worktree add /tmp/base HEAD~1 && (cd /tmp/base && swift build -c release) &&
#        Benchmarks/compare-start.sh 11 /tmp/base/.build/release/qlearn .build/release/qlearn
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?runs}
shift
[ "$#" -ge 1 ] || { echo "give at least one qlearn binary" >&2; exit 64; }
lesson=${LESSON:-nvme-queues}
kernel=()
[ -n "${KERNEL:-}" ] && kernel=(--kernel-version "$KERNEL")
export QLEARN_RUNTIME_DIR=${QLEARN_RUNTIME_DIR:-$(mktemp -d)}
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f s (min %.3f, max %.3f, n=%d)\n", m, a[1], a[NR], NR}'; }
declare -A times
for q in "$@"; do   # warm each binary's caches (initramfs, lpj) untimed
  "$q" start "$lesson" --detach "${kernel[@]}" >/dev/null 2>&1 && "$q" stop "$lesson" >/dev/null
done
for _ in $(seq "$runs"); do
  for q in "$@"; do
    t0=$(now)
    "$q" start "$lesson" --detach "${kernel[@]}" >/dev/null 2>&1 || echo "a start of $q failed" >&2
    t1=$(now)
    times[$q]+="$(echo "$t1 - $t0" | bc) "
    "$q" stop "$lesson" >/dev/null 2>&1 || true
  done
done
echo "lesson: $lesson, kernel: ${KERNEL:-default}, runs: $runs each, interleaved"
for q in "$@"; do
  printf '%s: ' "$q"
  echo "${times[$q]}" | tr ' ' '\n' | grep . | median
done
