#!/bin/sh
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address, with TocsinCore's sources)
# and runs each for FUZZ_SECONDS (default 60) from the seed corpus in Fuzz/corpus. A crash or
# hang leaves its input in .build-fuzz/NAME/ and fails; turn it into a regression test.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
out=.build-fuzz
mkdir -p "$out"
core=$(find Sources/TocsinCore -name '*.swift' | sort)
status=0
for target in EventParser RuleCompiler MailRenderer MailIn; do
    echo "== building fuzz target $target"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name TocsinFuzz $core "Fuzz/$target/"*.swift \
        -o "$out/fuzz-$target" 2>&1 | grep -v "ld.gold: warning" || true
    mkdir -p "$out/$target/corpus"
    echo "== fuzzing $target for ${seconds}s"
    if ! "$out/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$out/$target/" "$out/$target/corpus" "Fuzz/corpus/$target" 2>"$out/$target/log"; then
        echo "FAILED: $target (see $out/$target/log and the crash-* or timeout-* input there)"
        status=1
    fi
    grep -E "^(Done|#[0-9]+ +DONE)" "$out/$target/log" | tail -1 || true
    tail -n 1 "$out/$target/log"
done
exit $status
