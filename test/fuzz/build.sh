#!/bin/sh
# build.sh - builds the libFuzzer harnesses (test/fuzz/fuzz_*.c) with clang,
# -fsanitize=fuzzer,address,undefined, into OUT (normally
# BUILDDIR/test/fuzz). Called by `make fuzz-build` (test/reliability.am),
# which passes, in the environment:
#   FUZZ_CC        clang (default: clang)
#   FUZZ_CPPFLAGS  the project's include flags (AM_CPPFLAGS)
#   FUZZ_LIBS      the libraries provbox links with (without libprov.a)
#   FUZZ_SOURCES   the .c files of provbox/libprov.a, relative to SRCDIR
#   usage: build.sh SRCDIR OUT
# The library sources are compiled again here (instrumented for coverage),
# not taken from libprov.a.
set -e
src=$1
out=$2
cc=${FUZZ_CC:-clang}
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$out/obj"
objs=""
for f in $FUZZ_SOURCES provbox/tool/capture.c; do
    case "$f" in *.c) ;; *) continue ;; esac
    o="$out/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$o" ] || [ "$src/$f" -nt "$o" ]; then
        $cc $flags -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS -c "$src/$f" -o "$o"
    fi
    objs="$objs $o"
done
for h in wbxml job inspect; do
    $cc $flags -fsanitize=fuzzer $FUZZ_CPPFLAGS "$src/test/fuzz/fuzz_$h.c" $objs \
        $FUZZ_LIBS -o "$out/fuzz_$h"
done
echo "fuzz harnesses in $out: fuzz_wbxml fuzz_job fuzz_inspect"
