#!/usr/bin/env bash
# Fuzzes qlearn's untrusted-input front end with libFuzzer: lesson files (bytes -> YAML -> lesson -> lint), check
# files, and the Markdown renderers (terminal and HTML). Builds Fuzz/ with -sanitize=fuzzer,address, seeds each corpus from
# Lessons/, Checks/ and the lint fixtures, runs each target for MINUTES, and prints executions, coverage and findings.
#
#   Benchmarks/fuzz.sh MINUTES [TARGET...]     (targets: FuzzLesson FuzzCheckFile FuzzMarkdown; default all)
#
# Crashes, hangs (-timeout) and runaway memory (-rss_limit_mb) are written to .fuzz/artifacts/TARGET/; each one found
# becomes a regression test in Tests/QLearnUnitTests. Leak detection is off: Foundation's Process.run leaks a weak
# reference's side table (32 bytes a run) whenever lint starts QEMU for a machine probe, which is not qlearn's leak.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
minutes=${1:?usage: Benchmarks/fuzz.sh MINUTES [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzLesson FuzzCheckFile FuzzMarkdown)

swift build -c release --package-path Fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
bin=.build-fuzz/release

work=.fuzz
# Lint probes a lesson's machine in a paused QEMU, cached by machine hash: keep those caches out of the learner's.
export QLEARN_CACHE_DIR="$PWD/$work/cache"
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  artifacts=$work/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  case $target in
    FuzzLesson) cp Lessons/*.md Tests/QLearnTestSupport/Fixtures/lessons/*/*.md "$corpus"/ 2>/dev/null || true ;;
    FuzzCheckFile) cp Checks/*.yaml "$corpus"/ ;;
    FuzzMarkdown) cp Lessons/*.md Tests/QLearnTestSupport/Fixtures/markdown/*.md Tests/QLearnTestSupport/Fixtures/web/hostile/*.md "$corpus"/ ;;
  esac
  log=$work/$target.log
  echo "== $target: $minutes min, corpus $(ls "$corpus" | wc -l) files" >&2
  set +e
  "$bin/$target" "$corpus" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -max_len=131072 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -oE '#[0-9]+\s+(DONE|pulse|NEW|REDUCE).*cov: [0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || echo "cov: ?")
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 || echo "ft: ?")
  found=$(ls "$artifacts" | wc -l)
  printf '%-14s exit %d  executions %s  %s  %s  corpus %d  findings %d\n' \
    "$target" "$status" "$execs" "$cov" "$ft" "$(ls "$corpus" | wc -l)" "$found"
done
