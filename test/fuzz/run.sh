#!/bin/sh
# run.sh - runs the libFuzzer harnesses built by build.sh.
#
#   run.sh SRCDIR OUT [HARNESS...]       (default: wbxml job inspect)
#
# FUZZ_SECONDS (default 30) is the time per harness: `make fuzz-smoke` uses
# the default, `make fuzz FUZZ_SECONDS=600` a long run. Each harness starts
# from its seeds (the test corpora named below plus test/fuzz/regress/NAME,
# the inputs that once crashed it, which must never crash again) and keeps
# what it learns in OUT/corpus-NAME. A crash leaves OUT/crash-NAME-*; copy it
# into test/fuzz/regress/NAME/ once fixed. Prints one line per harness:
#   fuzz_NAME: N executions in S s, 0 crashes
# and exits non-zero if any harness crashed.
set -e
src=$1
out=$2
shift 2
seconds=${FUZZ_SECONDS:-30}
harnesses=${*:-wbxml job inspect}

seed_dirs() {
    case "$1" in
        wbxml)   echo "$src/test/corpus $src/test/corpus-bad" ;;
        job)     echo "$src/test/hostile" ;;
        inspect) echo "$src/test/vectors $src/test/fuzz/seeds/inspect" ;;
    esac
}

status=0
for h in $harnesses; do
    corpus="$out/corpus-$h"
    mkdir -p "$corpus"
    # Seeds: copy the files (never the EXPECTED list) so that libFuzzer's
    # merge into $corpus cannot touch the source tree.
    for d in $(seed_dirs "$h") "$src/test/fuzz/regress/$h"; do
        [ -d "$d" ] || continue
        for f in "$d"/*; do
            [ -f "$f" ] && [ "$(basename "$f")" != EXPECTED ] && cp "$f" "$corpus/"
        done
    done
    [ "$h" = wbxml ] && cp "$src"/test/vectors/*.xml "$corpus/"
    log="$out/fuzz_$h.log"
    rc=0
    "$out/fuzz_$h" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crash-$h-" "$corpus" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(ls "$out"/crash-"$h"-* 2>/dev/null | wc -l)
    echo "fuzz_$h: ${runs:-?} executions in $seconds s, $crashes crashes (exit $rc; log $log)"
    if [ $rc != 0 ] || [ "$crashes" != 0 ]; then
        status=1
        grep -m5 -E 'ERROR|SUMMARY|panic' "$log" || true
    fi
done
exit $status
