#!/bin/sh
# Guest image figures: kernel fetch (with QLEARN_BENCHMARK_FETCH=1), initramfs build cold and cached, and
# boot-to-ready-line under TCG for vmlinux/bzImage and plain/gzip initramfs. Medians over 5 runs.
# Usage (from the repository root, after `swift build`):  Benchmarks/initramfs.sh
# The Debian kernel is fetched once into the qlearn cache ($QLEARN_CACHE_DIR, else ~/.cache/qlearn).
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
QLEARN_BENCHMARK=1 swift test --skip-build --filter GuestBenchmarkTests 2>&1 \
  | grep -E '^BENCH|✘|error' | sed 's/^BENCH //'
