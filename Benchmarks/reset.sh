#!/usr/bin/env bash
# Per-step reset against cold boot, alternating in one run on one lesson, N times each; prints each median and its
# ratio to the cold start (issue 12 target: restore at most 0.25x cold). Every figure ends with one `qlearn exec -- true`
# (the guest answers):
#   cold      `qlearn start LESSON --detach` on a fresh VM, no pool and no checkpoint (QLEARN_CHECKPOINTS=0)
#   restore   `qlearn reset --step FIRST`: the checkpoint saved when the guest was ready, i.e. the state a cold start
#             reaches, restored into a new QEMU
#   checkpoint `qlearn reset --step LAST` after its reference solution was applied: from the checkpoint of the last step
#   replay    the same reset with checkpoints off: a fresh boot and the reference solutions of the steps before it
# Untimed between them: a start with checkpoints on, `qlearn goto LAST` (replays the steps before it and saves its
# checkpoint), the last step's solution. The warm pool is off throughout (QLEARN_POOL_SIZE=0) so that no background boot
# runs during a timed command.
#
# Usage (repository root):  Benchmarks/reset.sh [runs] [lesson]
#   default 5 runs of virtio-blk-queues (the lesson must have no NVMe device: QEMU cannot migrate one); ACCEL=tcg
#   (default) or kvm; QLEARN_BIN=path times another qlearn binary (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
lesson=${2:-virtio-blk-queues}
if [ -n "${QLEARN_BIN:-}" ]; then q=$QLEARN_BIN; else swift build -c release >/dev/null; q=.build/release/qlearn; fi
accel=(--accel "${ACCEL:-tcg}")
QLEARN_RUNTIME_DIR=$(mktemp -d /tmp/qlreset.XXXXXX)
QLEARN_DATA_DIR=$QLEARN_RUNTIME_DIR/data
export QLEARN_RUNTIME_DIR QLEARN_DATA_DIR QLEARN_POOL_SIZE=0
results=$(mktemp)
errors=$(mktemp)
trap '"$q" stop "$lesson" >/dev/null 2>&1 || true; rm -rf "$QLEARN_RUNTIME_DIR" "$results" "$errors" "$errors.last"' EXIT
now() { date +%s.%N; }

# The lesson's first and last step ids and the last step's guest solution lines, from `qlearn show --json`-free
# parsing of the lesson file: step ids are the `  - id:` lines under `steps:`.
file=Lessons/$lesson.md
first=$(awk '/^steps:/ {s=1} s && /^  - id:/ {print $3; exit}' "$file")
last=$(awk '/^steps:/ {s=1} s && /^  - id:/ {id=$3} END {print id}' "$file")
solution=$(awk -v id="$last" '/^  - id:/ {cur=$3} cur == id && /^      - guest:/ {sub(/^      - guest: /, ""); print}' "$file")
apply() { "$q" exec -- sh -c "$solution" >/dev/null; }

# One timed command + exec; prints "KIND SECONDS" or "KIND failed".
timed() {
  local kind=$1 t0 t1
  shift
  t0=$(now)
  if "$@" >"$errors.last" 2>&1 && "$q" exec -- true 2>>"$errors.last"; then
    t1=$(now)
    echo "$kind $(echo "$t1 - $t0" | bc)"
  else
    echo "$kind failed"
    { echo "$kind: $*"; tail -5 "$errors.last"; } >>"$errors"
  fi
}

# Warm the caches (kernel, initramfs, lpj) untimed.
"$q" start "$lesson" --detach "${accel[@]}" >/dev/null 2>&1 && "$q" stop "$lesson" >/dev/null
for _ in $(seq "$runs"); do
  QLEARN_CHECKPOINTS=0 timed cold "$q" start "$lesson" --detach "${accel[@]}" >>"$results"
  "$q" stop "$lesson" >/dev/null
  "$q" start "$lesson" --detach "${accel[@]}" >/dev/null 2>&1 || echo "untimed start failed" >>"$errors"
  "$q" goto "$last" >/dev/null 2>>"$errors" || echo "untimed goto $last failed" >>"$errors"
  timed restore "$q" reset --step "$first" >>"$results"
  apply
  timed checkpoint "$q" reset --step "$last" >>"$results"
  apply
  QLEARN_CHECKPOINTS=0 timed replay "$q" reset --step "$last" >>"$results"
  "$q" stop "$lesson" >/dev/null
done
echo "lesson: $lesson ($first .. $last), accelerator: ${ACCEL:-tcg}, runs: $runs each, alternating (command + one exec)"
grep -c " failed$" "$results" >/dev/null && grep " failed$" "$results" | sort | uniq -c | sed 's/^/left out: /'
[ -s "$errors" ] && sed 's/^/  /' "$errors"
# "median min max n" of one kind's seconds.
summary() {
  grep "^$1 [0-9.]" "$results" | cut -d' ' -f2 | sort -g |
    awk '{ x[NR] = $1 } END { if (NR) print (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], NR }'
}
read -r cold lo hi n <<<"$(summary cold)"
[ -n "$cold" ] || { echo "no cold start succeeded"; exit 1; }
printf "%-35s median %.3f s (min %.3f, max %.3f, n=%d)\n" "cold start to agent-ready:" "$cold" "$lo" "$hi" "$n"
for kind in restore checkpoint replay; do
  case $kind in
    restore) label="checkpoint restore to agent-ready:" target=" (target at most 0.25)" ;;
    checkpoint) label="per-step reset by checkpoint:" target="" ;;
    replay) label="per-step reset by replay:" target="" ;;
  esac
  read -r median lo hi n <<<"$(summary $kind)"
  [ -n "$median" ] || continue
  printf "%-35s median %.3f s (min %.3f, max %.3f, n=%d), ratio to cold %.3f%s\n" "$label" "$median" "$lo" "$hi" "$n" \
    "$(echo "$median / $cold" | bc -l)" "$target"
done
