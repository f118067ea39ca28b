#!/usr/bin/env bash
# Session figures, medians over N runs (default 7) with a release build:
#   start   `qlearn start LESSON --detach` wall time, from the command to agent-ready (cached kernel and initramfs)
#   exec    one `qlearn exec -- true` round trip (process start, agent connect, guest-exec, exit status)
#   status  one `qlearn status`
# Usage (repository root):  Benchmarks/start.sh [lesson] [runs]    QLEARN_BIN=path times another qlearn binary
# The cache ($QLEARN_CACHE_DIR, else ~/.cache/qlearn) is warmed by one untimed start first.
# It also prints how fast this host hands a process fresh memory: each boot faults in ~180 MB (guest RAM, the TCG code
# buffer), and where the host is itself a VM that takes freed memory back, that first touch is slow: 215-554 MB/s on
# one such host against 4.7 GB/s for memory the same process had touched before; `perf record` of a boot there put
# 17.6% of QEMU's samples in the host kernel's page clearing.
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=${1:-nvme-queues}
runs=${2:-7}
if [ -n "${QLEARN_BIN:-}" ]; then q=$QLEARN_BIN; else swift build -c release >/dev/null; q=.build/release/qlearn; fi
export QLEARN_RUNTIME_DIR=${QLEARN_RUNTIME_DIR:-$(mktemp -d)}
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f s (min %.3f, max %.3f, n=%d)\n", m, a[1], a[NR], NR}'; }
$q start "$lesson" --detach >/dev/null 2>&1 && $q stop "$lesson" >/dev/null   # warm the caches
starts=(); execs=(); statuses=()
for _ in $(seq "$runs"); do
  t0=$(now); $q start "$lesson" --detach >/dev/null 2>&1; t1=$(now)
  starts+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); $q exec -- true; t1=$(now)
  execs+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); $q status >/dev/null; t1=$(now)
  statuses+=("$(echo "$t1 - $t0" | bc)")
  $q stop "$lesson" >/dev/null
done
echo "lesson: $lesson, accelerator: $(grep -q . "${QLEARN_CACHE_DIR:-$HOME/.cache/qlearn}/kvm-hangs" 2>/dev/null && echo TCG || echo auto), runs: $runs"
printf 'start --detach to agent-ready: '; printf '%s\n' "${starts[@]}" | median
printf 'exec round trip:               '; printf '%s\n' "${execs[@]}" | median
printf 'status:                        '; printf '%s\n' "${statuses[@]}" | median
if command -v python3 >/dev/null; then
  printf 'host, first touch of memory:   '
  python3 -c '
import mmap, time
n = 256 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
m.madvise(mmap.MADV_HUGEPAGE)  # QEMU asks for transparent huge pages for guest RAM and its code buffer too
t = time.monotonic()
for i in range(0, n, 4096): m[i] = 1
print("%.0f MB/s (256 MB of fresh anonymous memory)" % (256 / (time.monotonic() - t)))'
fi
