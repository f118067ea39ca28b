#!/bin/sh
# Guest image figures: kernel fetch (with QLEARN_BENCHMARK_FETCH=1), initramfs build cold and cached, and
# boot-to-ready-line under TCG for vmlinux/bzImage and plain/gzip initramfs. Medians over 5 runs.
# Usage (from the repository root, after `swift build`):  Benchmarks/initramfs.sh
# Options (environment): QLEARN_BENCHMARK_FETCH=1 also times a fresh kernel download into a temporary cache;
# QLEARN_BENCHMARK_KERNEL=6.12 measures that Debian kernel instead of the default 6.1.
# The Debian kernel is fetched once into the qlearn cache ($QLEARN_CACHE_DIR, else ~/.cache/qlearn).
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
QLEARN_BENCHMARK=1 swift test --skip-build --filter GuestBenchmarkTests 2>&1 \
  | grep -E '^BENCH|✘|error' | sed 's/^BENCH //'
