#!/bin/sh
# gw-patch.sh - the slow test of gw-patch/ (issue 6), run by `make check-patch`.
#
# 1. gw-patch/gwlib-mutex-owner.patch applies cleanly to Kannel 1.4.5 (dry
#    run, then for real, in a fresh copy of the source).
# 2. gw-patch/build-kannel.sh builds the patched Kannel into a cached prefix
#    ($GW_PATCH_BUILD, default $PROVBOX_BUILDDIR/gw-patch-build).
# 3. test/patch/mutex_twice.c, built against Debian's stock gwlib and against
#    the patched one: stock panics with "Managed to lock the mutex twice" for
#    a plain pthread; patched finishes, and still panics on a gwthread's real
#    relock of a recursive mutex (the check it keeps).
# 4. Kannel's own gwlib tests (checks/check_list.c, test/test_wakeup.c,
#    test/test_prioqueue.c from the build tree) against the patched library.
# 5. provbox configured with --with-kannel=PREFIX in a separate VPATH build
#    directory, and built there. When PATCHED_E2E_TESTS names tests, runs
#    `make check TESTS="$PATCHED_E2E_TESTS"` in that build directory.
#
# Environment: PROVBOX_SRCDIR, PROVBOX_BUILDDIR (set by make check),
# GW_PATCH_BUILD, KANNEL_TARBALL (skip apt-get source), STOCK_GW_CONFIG
# (default: gw-config on the PATH, i.e. Debian's kannel-dev), GW_PATCH_JOBS,
# PATCHED_E2E_TESTS. Output is TAP.
set -u

# Never run inside itself (e.g. from the provbox build it makes below).
if [ -n "${GW_PATCH_NESTED:-}" ]; then
    echo "1..0 # SKIP gw-patch.sh does not run inside itself"
    exit 0
fi
GW_PATCH_NESTED=1
export GW_PATCH_NESTED
# The makes below are independent builds: they must not inherit the calling
# make's command-line variables (TESTS=..., check_PROGRAMS=) or jobserver.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL GNUMAKEFLAGS

HERE=$(cd "$(dirname "$0")" && pwd)
PROVBOX_SRCDIR=${PROVBOX_SRCDIR:-$(cd "$HERE/../.." && pwd)}
PROVBOX_BUILDDIR=${PROVBOX_BUILDDIR:-$PROVBOX_SRCDIR}
B=${GW_PATCH_BUILD:-$PROVBOX_BUILDDIR/gw-patch-build}
JOBS=${GW_PATCH_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
PATCH=$PROVBOX_SRCDIR/gw-patch/gwlib-mutex-owner.patch
BUILD_KANNEL=$PROVBOX_SRCDIR/gw-patch/build-kannel.sh
REPRO=$PROVBOX_SRCDIR/test/patch/mutex_twice.c
CC=${CC:-cc}
PANIC='Managed to lock the mutex twice'

n=0
failed=0
ok() {  # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
    fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { echo "# $*"; }
diag_file() {  # the last lines of a log, as diagnostics
    [ -f "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/#   /'
}
bail() { echo "Bail out! $*"; exit 1; }

mkdir -p "$B" || bail "cannot create $B"
B=$(cd "$B" && pwd)
RUN=$B/run
rm -rf "$RUN"
mkdir -p "$RUN/bin"
diag "build directory: $B"

# --------------------------------------------------------------------------
# 1. The patch applies to Kannel 1.4.5.
# --------------------------------------------------------------------------
if [ -n "${KANNEL_TARBALL:-}" ]; then
    set -- -t "$KANNEL_TARBALL"
else
    set --
fi
TARBALL=$(timeout 1800 sh "$BUILD_KANNEL" -f "$@" "$B" 2> "$RUN/fetch.log" | tail -n 1)
if [ -z "$TARBALL" ] || [ ! -f "$TARBALL" ]; then
    diag_file "$RUN/fetch.log"
    bail "no Kannel 1.4.5 source (set KANNEL_TARBALL to kannel_1.4.5.orig.tar.gz)"
fi
diag "Kannel source: $TARBALL"

mkdir -p "$RUN/apply"
tar -xzf "$TARBALL" -C "$RUN/apply" && cd "$RUN/apply/gateway-1.4.5" \
    || bail "cannot unpack $TARBALL"
[ "$(head -n 1 VERSION)" = 1.4.5 ]
ok $? "the tarball is Kannel 1.4.5"
cp gwlib/thread.c "$RUN/thread.c.orig"
patch -p1 --dry-run < "$PATCH" > "$RUN/apply-dry.log" 2>&1 \
    && cmp -s gwlib/thread.c "$RUN/thread.c.orig"
st=$?
ok $st "the patch applies to 1.4.5 (patch -p1 --dry-run, tree unchanged)"
[ $st -eq 0 ] || diag_file "$RUN/apply-dry.log"
patch -p1 < "$PATCH" > "$RUN/apply.log" 2>&1 \
    && [ -z "$(find . -name '*.rej' -o -name '*.orig')" ] \
    && [ "$(grep -c 'mutex_owned_by(mutex, self)' gwlib/thread.c)" -eq 2 ]
st=$?
ok $st "the patch applies cleanly for real (no fuzz files, both checks changed)"
[ $st -eq 0 ] || diag_file "$RUN/apply.log"
! grep -Eq 'fuzz|offset' "$RUN/apply-dry.log" "$RUN/apply.log"
ok $? "the patch applies without offset or fuzz"
cd "$RUN" || exit 1

# --------------------------------------------------------------------------
# 2. The patched Kannel.
# --------------------------------------------------------------------------
start=$(date +%s)
PREFIX=$(timeout 1800 sh "$BUILD_KANNEL" -j "$JOBS" -t "$TARBALL" "$B" 2> "$RUN/build-kannel.log" | tail -n 1)
[ -n "$PREFIX" ] && [ -x "$PREFIX/bin/gw-config" ]
st=$?
ok $st "build-kannel.sh built the patched Kannel ($(( $(date +%s) - start )) s)"
if [ $st -ne 0 ]; then
    diag_file "$RUN/build-kannel.log" 30
    bail "the patched Kannel did not build"
fi
grep 'reusing\|done in' "$RUN/build-kannel.log" | sed 's/^/# /'
PATCHED_GWC=$PREFIX/bin/gw-config
[ "$("$PATCHED_GWC" --version)" = 1.4.5 ] \
    && [ -f "$PREFIX/include/kannel/gwlib/gwlib.h" ] \
    && [ -f "$PREFIX/include/kannel/gw-config.h" ] \
    && [ -f "$PREFIX/lib/kannel/libgwlib.a" ] \
    && [ -f "$PREFIX/lib/kannel/libwap.a" ] \
    && [ -f "$PREFIX/lib/kannel/libgw.a" ] \
    && grep -q 'mutex_owned_by' "$B/kannel-patched/gateway-1.4.5/gwlib/thread.c"
ok $? "the prefix has gw-config 1.4.5, include/kannel and lib/kannel/lib{gwlib,wap,gw}.a, built from patched source"

# --------------------------------------------------------------------------
# 3. The reproducer against stock and patched gwlib.
# --------------------------------------------------------------------------
build_prog() {  # build_prog GW_CONFIG SOURCE OUTPUT
    cflags=
    for f in $("$1" --cflags); do
        case $f in -I*|-D*) cflags="$cflags $f" ;; esac
    done
    # shellcheck disable=SC2046,SC2086 # word splitting intended
    $CC -g -O2 $cflags -I"$PROVBOX_SRCDIR/test/lib" -o "$3" "$2" $("$1" --libs) \
        > "$3.build.log" 2>&1
    st=$?
    [ $st -eq 0 ] || diag_file "$3.build.log"
    return $st
}
run_prog() {  # run_prog NAME EXE [ARGS]: output in $RUN/NAME.out, .err; sets rc
    name=$1
    shift
    timeout 120 "$@" > "$RUN/$name.out" 2> "$RUN/$name.err"
    rc=$?
}
finishes() {  # finishes NAME EXE MODE: exit 0 and the program's own "ok 1"
    run_prog "$1" "$2" "$3"
    [ $rc -eq 0 ] && grep -q '^ok 1 ' "$RUN/$1.out" && ! grep -q '^not ok' "$RUN/$1.out"
    st=$?
    if [ $st -ne 0 ]; then
        diag "exit status $rc"
        diag_file "$RUN/$1.out" 8
        diag_file "$RUN/$1.err" 8
    fi
    return $st
}
panics() {  # panics NAME EXE MODE: fails with the panic and prints no "ok"
    run_prog "$1" "$2" "$3"
    [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "PANIC: .*$PANIC" "$RUN/$1.err" \
        && ! grep -q '^ok' "$RUN/$1.out"
    st=$?
    if [ $st -ne 0 ]; then
        diag "exit status $rc"
        diag_file "$RUN/$1.out" 8
        diag_file "$RUN/$1.err" 8
    fi
    return $st
}

STOCK_GWC=${STOCK_GW_CONFIG:-$(command -v gw-config 2>/dev/null || true)}
if [ -n "$STOCK_GWC" ] && [ "$STOCK_GWC" != "$PATCHED_GWC" ] && [ -x "$STOCK_GWC" ]; then
    build_prog "$STOCK_GWC" "$REPRO" "$RUN/bin/mutex_twice-stock"
    st=$?
    ok $st "mutex_twice builds against stock gwlib ($STOCK_GWC, $("$STOCK_GWC" --version))"
    if [ $st -eq 0 ]; then
        S=$RUN/bin/mutex_twice-stock
        panics stock-plain "$S" plain
        ok $? "stock gwlib: plain pthread locking a Mutex panics with \"$PANIC\""
        grep -q "$PANIC" "$RUN/stock-plain.err" \
            && sed -n "s/.*\(PANIC: .*$PANIC.*\)/\1/p" "$RUN/stock-plain.err" | head -n 1 | sed 's/^/#   /'
        finishes stock-gwthread "$S" gwthread
        ok $? "stock gwlib: gwthread locking a Mutex finishes (control)"
        panics stock-plain-list "$S" plain-list
        ok $? "stock gwlib: plain pthread consuming from a List panics too"
    else
        skip "stock gwlib: plain pthread panics" "reproducer did not build"
    fi
else
    skip "mutex_twice against stock gwlib" "no stock gw-config (install kannel-dev)"
fi

build_prog "$PATCHED_GWC" "$REPRO" "$RUN/bin/mutex_twice-patched"
st=$?
ok $st "mutex_twice builds against patched gwlib"
if [ $st -eq 0 ]; then
    P=$RUN/bin/mutex_twice-patched
    finishes patched-plain "$P" plain
    ok $? "patched gwlib: plain pthread locks/unlocks/trylocks a Mutex 5 times and finishes"
    finishes patched-gwthread "$P" gwthread
    ok $? "patched gwlib: gwthread locks/unlocks/trylocks a Mutex and finishes"
    finishes patched-contend "$P" contend
    ok $? "patched gwlib: 4 gwthreads contending on one Mutex count exactly"
    finishes patched-mixed "$P" mixed
    ok $? "patched gwlib: 2 gwthreads + 2 plain pthreads contending count exactly"
    finishes patched-plain-list "$P" plain-list
    ok $? "patched gwlib: plain pthread waits on and consumes from a List"
    panics patched-recursive "$P" recursive
    ok $? "patched gwlib keeps the check: gwthread relocking a recursive Mutex panics"
    panics patched-recursive-trylock "$P" recursive-trylock
    ok $? "patched gwlib keeps the check: gwthread re-trylocking a recursive Mutex panics"
else
    for what in plain gwthread contend mixed plain-list recursive recursive-trylock; do
        ok 1 "patched gwlib: mutex_twice $what (did not build)"
    done
fi

# --------------------------------------------------------------------------
# 4. Kannel's own gwlib tests against the patched library.
# --------------------------------------------------------------------------
KSRC=$B/kannel-patched/gateway-1.4.5
for t in checks/check_list test/test_wakeup test/test_prioqueue; do
    name=$(basename "$t")
    if build_prog "$PATCHED_GWC" "$KSRC/$t.c" "$RUN/bin/$name"; then
        run_prog "$name" "$RUN/bin/$name"
        [ $rc -eq 0 ] && ! grep -q 'PANIC:' "$RUN/$name.err"
        st=$?
        [ $st -eq 0 ] || { diag "exit status $rc"; diag_file "$RUN/$name.err"; }
    else
        st=1
    fi
    case $name in
        check_list) what="gwthread producers/consumers on a List (mutexes, condition waits)" ;;
        test_wakeup) what="gwthread sleep, wakeup, cancel, join" ;;
        *) what="priority queue" ;;
    esac
    ok $st "Kannel's $t.c passes against patched gwlib: $what"
done

# --------------------------------------------------------------------------
# 5. provbox against the patched Kannel, in a VPATH build directory.
# --------------------------------------------------------------------------
PB=$B/provbox-build
rm -rf "$PB"
mkdir -p "$PB"
psrc=$PROVBOX_SRCDIR
if [ -f "$PROVBOX_SRCDIR/config.status" ]; then
    # A source tree configured in place refuses VPATH builds ("source
    # directory already configured"): copy it (without this cache and .git)
    # and `make distclean` the copy, which leaves sources and configure.
    psrc=$RUN/provbox-src
    diag "$PROVBOX_SRCDIR is configured in place; VPATH build from a distclean copy, $psrc"
    mkdir -p "$psrc"
    (cd "$PROVBOX_SRCDIR" && tar -cf - --exclude=./.git --exclude="./$(basename "$B")" \
        --exclude=./autom4te.cache .) | (cd "$psrc" && tar -xf -) \
        && timeout 600 make -C "$psrc" distclean > "$RUN/distclean.log" 2>&1 \
        && [ ! -f "$psrc/config.status" ] \
        || { diag_file "$RUN/distclean.log"; psrc=; }
fi
if [ -n "$psrc" ] && [ -x "$psrc/configure" ]; then
    (cd "$PB" && timeout 600 "$psrc/configure" --with-kannel="$PREFIX") > "$RUN/provbox-configure.log" 2>&1
    st=$?
else
    diag "no configure script in ${psrc:-the provbox source} (run autoreconf -fi)"
    st=1
fi
ok $st "provbox: configure --with-kannel=$PREFIX in a separate VPATH build directory"
if [ $st -eq 0 ]; then
    grep 'link line\|gw-config' "$RUN/provbox-configure.log" | sed 's/^/# /'
    grep -q "^KANNEL_CFLAGS = .*-I$PREFIX/include/kannel" "$PB/Makefile" \
        && grep -q "^KANNEL_LIBS = .*-L$PREFIX/lib/kannel " "$PB/Makefile"
    ok $? "provbox's configure chose the patched Kannel (KANNEL_CFLAGS, KANNEL_LIBS)"
    timeout 1200 make -C "$PB" -j"$JOBS" > "$RUN/provbox-make.log" 2>&1
    st=$?
    ok $st "provbox: make against the patched Kannel"
    [ $st -eq 0 ] || diag_file "$RUN/provbox-make.log" 30
    # gwlib's objects carry their build directory as DWARF comp_dir.
    bin=$PB/provbox/daemon/provbox
    [ $st -eq 0 ] && [ -f "$bin" ] && strings -a "$bin" | grep -qxF "$KSRC"
    ok $? "the provbox daemon links the patched gwlib (debug info names $KSRC)"
else
    diag_file "$RUN/provbox-configure.log" 20
    for what in "configure chose the patched Kannel" "make against the patched Kannel" \
                "the provbox daemon links the patched gwlib"; do
        ok 1 "provbox: $what (not configured)"
    done
    st=1
fi

# The end-to-end hook: tests (paths as in TESTS, e.g. test/integration/x.py)
# run in the provbox build made against the patched Kannel.
if [ -z "${PATCHED_E2E_TESTS:-}" ]; then
    skip "provbox end-to-end tests against the patched Kannel" "PATCHED_E2E_TESTS is empty"
elif [ $st -ne 0 ]; then
    ok 1 "provbox end-to-end tests against the patched Kannel ($PATCHED_E2E_TESTS): no build"
else
    timeout "${GW_PATCH_E2E_TIMEOUT:-1800}" make -C "$PB" check TESTS="$PATCHED_E2E_TESTS" \
        > "$RUN/provbox-e2e.log" 2>&1
    st=$?
    grep -E '^(# (TOTAL|PASS|FAIL|ERROR|SKIP|XFAIL|XPASS)|[0-9]+ passed)' "$RUN/provbox-e2e.log" | sed 's/^/# /'
    ok $st "provbox end-to-end tests against the patched Kannel: $PATCHED_E2E_TESTS"
    [ $st -eq 0 ] || diag_file "$RUN/provbox-e2e.log" 30
fi

echo "1..$n"
[ $failed -eq 0 ]
