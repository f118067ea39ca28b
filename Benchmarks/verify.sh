#!/usr/bin/env bash
# `qlearn verify` of two builds, side by side in one run: OLD and NEW are checkouts (each with .build/release/qlearn
# and its own Lessons/ and Checks/); runs alternate OLD, NEW, OLD, NEW... on the same lessons, then the medians of the
# wall times and the ratio OLD/NEW (issue 12's target: at least 1.5).
#
# Usage (repository root):  Benchmarks/verify.sh RUNS OLD_TREE NEW_TREE [KERNEL_VERSION]
#   LESSONS="a b c" limits the lessons (default: the ids both trees' Lessons/ hold, so each build proves the same
#   lessons, each from its own files); JOBS (default 2); ACCEL (default tcg). Each build runs from its own tree.
set -euo pipefail
runs=${1:?usage: Benchmarks/verify.sh RUNS OLD_TREE NEW_TREE [KERNEL_VERSION]}
old=$(cd "${2:?old tree}" && pwd)
new=$(cd "${3:?new tree}" && pwd)
kernel=${4:-}
jobs=${JOBS:-2}
ids() { ls "$1"/Lessons/*.md | xargs -n1 basename | sed 's/\.md$//' | grep -v '^README$' | sort; }
if [ -z "${LESSONS:-}" ]; then
  LESSONS=$(comm -12 <(ids "$old") <(ids "$new") | tr '\n' ' ')
fi
args=(-j "$jobs" --accel "${ACCEL:-tcg}")
[ -n "$kernel" ] && args+=(--kernel-version "$kernel")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
runtime=$(mktemp -d /tmp/qlvb.XXXXXX)
export QLEARN_RUNTIME_DIR=$runtime QLEARN_DATA_DIR=$runtime/data

# One timed verify; prints "NAME SECONDS STATUS".
timed() {
  local name=$1 tree=$2 t0 t1 status=0
  t0=$(date +%s.%N)
  (cd "$tree" && ./.build/release/qlearn verify $LESSONS "${args[@]}" >"$runtime/$name.out" 2>&1) || status=$?
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc) $status"
}

echo "lessons ($(echo $LESSONS | wc -w)): $LESSONS" >&2
# Warm the caches (kernel, initramfs, lpj, machine probes) of both builds, untimed.
for tree in "$old" "$new"; do (cd "$tree" && ./.build/release/qlearn verify $(echo $LESSONS | cut -d' ' -f1) "${args[@]}" >/dev/null 2>&1 || true); done
for i in $(seq "$runs"); do
  timed old "$old" | tee -a "$results" >&2
  timed new "$new" | tee -a "$results" >&2
done
median() { grep "^$1 " "$results" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_old=$(median old)
m_new=$(median new)
echo "verify -j $jobs ${kernel:+--kernel-version $kernel }on $(echo $LESSONS | wc -w) lessons, $runs runs each, alternating"
echo "old median ${m_old} s   new median ${m_new} s   old/new $(echo "scale=3; $m_old / $m_new" | bc)"
if awk '$3 != 0 && $3 != 1 {bad=1} END {exit !bad}' "$results"; then echo "warning: a run ended abnormally (see $runtime)"; fi
