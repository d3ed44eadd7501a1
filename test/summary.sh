#!/bin/sh
# summary.sh - the closing line of a test run: "N passed, N failed".
#
# Counts every TAP check the automake driver recorded (*.trs files under the
# build tree): PASS and XFAIL pass; FAIL, XPASS and ERROR fail (a test program
# that crashed or printed no plan counts as a failure). Exit 1 on any failure.
dir=${1:-.}
find "$dir" -name '*.trs' -exec cat {} + 2>/dev/null | awk '
    /^:test-result: (PASS|XFAIL)/ { passed++ }
    /^:test-result: (FAIL|XPASS|ERROR)/ { failed++ }
    /^:test-result: SKIP/ { skipped++ }
    END {
        if (skipped) printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
        else printf "%d passed, %d failed\n", passed, failed
        exit (failed > 0 || passed == 0) ? 1 : 0
    }'
