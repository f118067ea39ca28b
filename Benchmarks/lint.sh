#!/usr/bin/env bash
# `qlearn lint Lessons` wall time, medians over N runs (default 5), for one or more qlearn binaries:
#   cold   an empty qlearn cache: QEMU's facts (one QMP process), then each lesson machine's paused probe
#   warm   the same cache again: facts, probes and driver verdicts read from disk
# and, for the open machine model, the paused probe of one machine on its own and the device kinds a lesson can use.
# Usage (repository root):  Benchmarks/lint.sh [runs] [qlearn binary ...]   (default: .build/debug/qlearn)
# To compare with the model before: build the older commit elsewhere and pass both binaries.
# Each cold run has its own cache directory; the kernels of ~/.cache/qlearn are linked in (lint reads their module
# tables for driver warnings, never downloads one).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=(.build/debug/qlearn)
kernels=${XDG_CACHE_HOME:-$HOME/.cache}/qlearn/kernels
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f s (min %.3f, max %.3f, n=%d)\n", m, a[1], a[NR], NR}'; }
export QLEARN_RUNTIME_DIR=${QLEARN_RUNTIME_DIR:-$(mktemp -d)} QLEARN_DATA_DIR=${QLEARN_DATA_DIR:-$(mktemp -d)}
for q in "${bins[@]}"; do
  colds=(); warms=()
  for _ in $(seq "$runs"); do
    cache=$(mktemp -d)
    [ -d "$kernels" ] && ln -s "$kernels" "$cache/kernels"
    t0=$(now); QLEARN_CACHE_DIR=$cache "$q" lint Lessons >/dev/null; t1=$(now)
    colds+=("$(echo "$t1 - $t0" | bc)")
    t0=$(now); QLEARN_CACHE_DIR=$cache "$q" lint Lessons >/dev/null; t1=$(now)
    warms+=("$(echo "$t1 - $t0" | bc)")
    rm -rf "$cache"
  done
  echo "$q"
  printf '  lint cold  %s' "$(printf '%s\n' "${colds[@]}" | median)"; echo
  printf '  lint warm  %s' "$(printf '%s\n' "${warms[@]}" | median)"; echo
done
# The paused probe of one lesson machine (nvme-queues' nvme on pc), as lint runs it: QEMU started with -S, asked
# `info qtree` and `query-pci`, then again for the class registers through ports 0xcf8/0xcfc.
probe=(qemu-system-x86_64 -machine pc,hpet=off -accel tcg -S -nodefaults -no-user-config -display none
  -blockdev driver=null-co,node-name=d0,size=67108864 -device nvme,id=n0,drive=d0,serial=s1 -qmp stdio)
qmp='{"execute":"qmp_capabilities"}
{"execute":"human-monitor-command","arguments":{"command-line":"info qtree"}}
{"execute":"query-pci"}
{"execute":"quit"}'
times=()
for _ in $(seq "$runs"); do
  t0=$(now); echo "$qmp" | "${probe[@]}" >/dev/null; t1=$(now)
  times+=("$(echo "$t1 - $t0" | bc)")
done
printf 'one paused probe (one QEMU process)  %s' "$(printf '%s\n' "${times[@]}" | median)"; echo
kinds=$(qemu-system-x86_64 -machine none -nodefaults -display none -device help | grep -c '^name "')
echo "device kinds in 'qemu-system-x86_64 -device help': $kinds (Lessons/README.md: which of them the policy leaves a lesson)"
