#!/bin/sh
# check.sh - build provbox and run every test; the README's test command.
#
#   sh test/check.sh
#
# Installs the Debian packages it needs (as root), builds in place, runs
# `make check` (unit and integration tests against a real bearerbox and
# fakesmsc it starts on 127.0.0.1), the slow gw-patch suite, the crash test,
# a libFuzzer smoke run and the Debian package test (PROVBOX_SKIP_SLOW=1
# skips those), then prints "N passed, N failed" and exits non-zero if
# anything failed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/deps.sh"
provbox_install_deps
provbox_build "$top"
cd "$top"
find . -name '*.trs' -delete
status=0
make -k check >test/check.out 2>&1 || status=1
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' test/check.out | grep -v '^PASS' || true
if [ "${PROVBOX_SKIP_SLOW:-0}" != 1 ] && grep -q '^check-patch:' Makefile; then
    make -k check-patch >test/check-patch.out 2>&1 || status=1
    grep -E '^(FAIL|ERROR|XPASS|SKIP):' test/check-patch.out || true
fi
if [ "${PROVBOX_SKIP_SLOW:-0}" != 1 ]; then
    # issue 7: the crash test (kill -9 of provbox and bearerbox) and a 30 s
    # libFuzzer smoke per harness; their figures go to the console
    make -k check-crash >test/check-crash.out 2>&1 || status=1
    grep -E '^(FAIL|ERROR|XPASS|SKIP):' test/check-crash.out || true
    grep -E '^# (jobs|CRASH_SEED)' test/reliability/crash.log 2>/dev/null || true
    make fuzz-smoke >test/fuzz-smoke.out 2>&1 || status=1
    grep -E '^fuzz_' test/fuzz-smoke.out || true
fi
if [ "${PROVBOX_SKIP_SLOW:-0}" != 1 ]; then
    # the Debian package: built in a copy of the tree, linted, installed,
    # one job sent with the installed provbox, purged (root only)
    make -k check-deb >test/check-deb.out 2>&1 || status=1
    grep -E '^(FAIL|ERROR|XPASS|SKIP):' test/check-deb.out || true
    grep -E '^# (dpkg-buildpackage|lintian)' test/deb/deb_package.log 2>/dev/null || true
fi
[ $status = 0 ] || { echo "Some tests failed; logs: test/**/*.log, test/check.out"; \
    find . -name '*.log' -path './test/*' -newer configure -exec grep -l '^not ok' {} + 2>/dev/null | head -20; }
sh test/summary.sh . || status=1
exit $status
