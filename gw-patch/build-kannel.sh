#!/bin/sh
# build-kannel.sh - build Kannel 1.4.5's libraries with gwlib-mutex-owner.patch
# into a private prefix that provbox's configure accepts (--with-kannel=PREFIX).
#
# Usage: build-kannel.sh [-f] [-t KANNEL_TARBALL] [-j JOBS] [BUILD_DIR]
#
#   BUILD_DIR       where everything goes (default: $GW_PATCH_BUILD, else
#                   ./gw-patch-build). Layout:
#                     BUILD_DIR/src/                  downloaded source package
#                     BUILD_DIR/kannel-patched/gateway-1.4.5/  patched, built tree
#                     BUILD_DIR/kannel-patched/prefix/         the install
#   -t TARBALL      use this kannel_1.4.5.orig.tar.gz (or $KANNEL_TARBALL)
#                   instead of fetching Debian's source package with
#                   `apt-get source --download-only kannel`.
#   -j JOBS         parallel make jobs (default: number of CPUs).
#   -f              fetch only: obtain and check the tarball, print its path.
#   KANNEL_BUILD_CFLAGS  compiler flags for Kannel (default -g -O2; -fcommon is
#                   always added).
#
# The install holds what building against Kannel needs: PREFIX/bin/gw-config,
# PREFIX/include/kannel/, PREFIX/lib/kannel/lib{gwlib,wap,gw}.a. Kannel's own
# programs (bearerbox, smsbox, wapbox, wmlsc) and libwmlscript.a are not built:
# provbox does not link them, and wmlscript's parser does not build with
# bison >= 3 in 1.4.5 anyway.
#
# Idempotent: a finished build is reused as long as the patch, this script and
# the tarball are unchanged (BUILD_DIR/kannel-patched/stamp). The last line of
# standard output is the prefix; progress goes to standard error.
#
# Needs a C compiler, make, patch, bison, libxml2-dev and libssl-dev; when run
# as root it installs missing ones with apt-get.
set -eu
# An independent build: no command-line variables or jobserver from a caller.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL GNUMAKEFLAGS

KANNEL_VERSION=1.4.5
ORIG=kannel_${KANNEL_VERSION}.orig.tar.gz
HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
PATCH=$HERE/gwlib-mutex-owner.patch

say() { echo "build-kannel: $*" >&2; }
die() { echo "build-kannel: error: $*" >&2; exit 1; }

tarball=${KANNEL_TARBALL:-}
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
fetch_only=no
while getopts ft:j: opt; do
    case $opt in
        f) fetch_only=yes ;;
        t) tarball=$OPTARG ;;
        j) jobs=$OPTARG ;;
        *) sed -n '2,/^set -eu/p' "$SELF" | sed '$d' >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
BUILD=${1:-${GW_PATCH_BUILD:-$PWD/gw-patch-build}}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
KP=$BUILD/kannel-patched
SRCDIR=$KP/gateway-$KANNEL_VERSION
PREFIX=$KP/prefix
STAMP=$KP/stamp

[ -f "$PATCH" ] || die "patch not found: $PATCH"

is_root() { [ "$(id -u)" = 0 ]; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------------------
# The source: a given tarball, a cached one, or Debian's source package.
# ---------------------------------------------------------------------------
have_deb_src() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        grep -Eqi '^Types:.*deb-src' "$f" && return 0
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    return 1
}

# Write a deb-src twin of the first "Types: deb" stanza of the system's
# deb822 sources (its first suite only), or of deb.debian.org for this release.
add_deb_src() {
    out=/etc/apt/sources.list.d/provbox-src.sources
    first=
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && { first=$f; break; }
    done
    if [ -n "$first" ]; then
        awk 'BEGIN { RS = ""; FS = "\n" }
             $0 ~ /(^|\n)Types:[^\n]*deb/ && !done {
                 for (i = 1; i <= NF; i++) {
                     if ($i ~ /^#/) continue
                     if ($i ~ /^Types:/) { print "Types: deb-src"; continue }
                     if ($i ~ /^Suites:/) { split($i, s, /[ \t]+/); print "Suites: " s[2]; continue }
                     print $i
                 }
                 done = 1
             }' "$first" > "$out.tmp"
    fi
    if [ ! -s "$out.tmp" ]; then
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
        [ -n "$codename" ] || die "cannot tell the distribution's codename; add a deb-src entry yourself"
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$codename" > "$out.tmp"
    fi
    mv "$out.tmp" "$out"
    say "wrote $out:"
    sed 's/^/    /' "$out" >&2
}

# Check the orig tarball against the .dsc when it arrived, else gzip -t.
verify_orig() {
    dir=$(dirname "$1")
    dsc=$(ls "$dir"/kannel_${KANNEL_VERSION}-*.dsc 2>/dev/null | head -n 1 || true)
    if [ -n "$dsc" ]; then
        want=$(awk -v f="$ORIG" '/^Checksums-Sha256:/ { on = 1; next }
                                 /^[^ ]/ { on = 0 }
                                 on && $3 == f { print $1 }' "$dsc")
        if [ -n "$want" ]; then
            [ "$(sha "$1")" = "$want" ] || die "$1 does not match the checksum in $dsc"
            return 0
        fi
    fi
    gzip -t "$1" 2>/dev/null || die "$1 is not a complete gzip file"
}

fetch_source() {
    mkdir -p "$BUILD/src"
    if [ -f "$BUILD/src/$ORIG" ]; then
        verify_orig "$BUILD/src/$ORIG"
        tarball=$BUILD/src/$ORIG
        say "using the cached $tarball"
        return
    fi
    if ! have_deb_src; then
        is_root || die "no deb-src entry in /etc/apt; as root, rerun this script (it adds one) or pass -t $ORIG"
        add_deb_src
        say "apt-get update"
        timeout 900 apt-get update >&2 || die "apt-get update failed"
    fi
    say "apt-get source --download-only kannel (in $BUILD/src)"
    if ! (cd "$BUILD/src" && timeout 900 apt-get source --download-only kannel >&2) \
       && [ ! -f "$BUILD/src/$ORIG" ] && is_root; then
        # The source index may never have been fetched.
        say "apt-get source failed; apt-get update and retry"
        timeout 900 apt-get update >&2 || true
        (cd "$BUILD/src" && timeout 900 apt-get source --download-only kannel >&2) || true
    fi
    # A missing Debian diff (debian.tar.xz) makes apt-get fail; only the
    # orig tarball matters.
    if [ ! -f "$BUILD/src/$ORIG" ]; then
        other=$(ls "$BUILD/src"/kannel_*.orig.tar.* 2>/dev/null | head -n 1 || true)
        [ -z "$other" ] || die "apt-get fetched $(basename "$other"), but the patch is for Kannel $KANNEL_VERSION; pass -t $ORIG"
        die "apt-get source did not fetch $ORIG"
    fi
    verify_orig "$BUILD/src/$ORIG"
    tarball=$BUILD/src/$ORIG
}

# ---------------------------------------------------------------------------
# Build dependencies.
# ---------------------------------------------------------------------------
check_deps() {
    missing=
    command -v bison >/dev/null 2>&1 || missing="$missing bison"
    command -v xml2-config >/dev/null 2>&1 || pkg-config --exists libxml-2.0 2>/dev/null \
        || missing="$missing libxml2-dev"
    [ -f /usr/include/openssl/ssl.h ] || pkg-config --exists openssl 2>/dev/null \
        || missing="$missing libssl-dev"
    for tool in make patch gzip tar; do
        command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
    done
    command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing="$missing gcc"
    [ -z "$missing" ] && return 0
    is_root || die "missing build dependencies:$missing (apt-get install$missing)"
    say "apt-get install$missing"
    # shellcheck disable=SC2086 # $missing is a list
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y --no-install-recommends $missing >&2 \
        || { timeout 900 apt-get update >&2 && DEBIAN_FRONTEND=noninteractive \
             timeout 900 apt-get install -y --no-install-recommends $missing >&2; } \
        || die "apt-get install$missing failed"
}

# ---------------------------------------------------------------------------
# Reuse a finished build.
# ---------------------------------------------------------------------------
if [ "$fetch_only" = yes ]; then
    if [ -n "$tarball" ]; then
        [ -f "$tarball" ] || die "no such tarball: $tarball"
        tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
    else
        fetch_source
    fi
    echo "$tarball"
    exit 0
fi
if [ -z "$tarball" ] && [ -f "$BUILD/src/$ORIG" ]; then
    tarball=$BUILD/src/$ORIG
fi
key() {
    echo "kannel=$KANNEL_VERSION patch=$(sha "$PATCH") script=$(sha "$SELF") tarball=$(sha "$1") cflags=${KANNEL_BUILD_CFLAGS:-}"
}
if [ -n "$tarball" ] && [ -f "$STAMP" ] && [ -x "$PREFIX/bin/gw-config" ] \
   && [ "$(cat "$STAMP")" = "$(key "$tarball")" ]; then
    say "reusing the finished build in $KP"
    echo "$PREFIX"
    exit 0
fi

start=$(date +%s)
if [ -n "$tarball" ]; then
    [ -f "$tarball" ] || die "no such tarball: $tarball"
    tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
else
    fetch_source
fi
check_deps

# ---------------------------------------------------------------------------
# Unpack, patch, configure, build, install.
# ---------------------------------------------------------------------------
rm -rf "$KP"
mkdir -p "$KP"
say "unpacking $tarball"
tar -xzf "$tarball" -C "$KP"
[ -d "$SRCDIR" ] || die "$tarball has no gateway-$KANNEL_VERSION/ directory"
got=$(head -n 1 "$SRCDIR/VERSION" 2>/dev/null || true)
[ "$got" = "$KANNEL_VERSION" ] || die "$tarball is Kannel '$got', the patch is for $KANNEL_VERSION"

cd "$SRCDIR"
say "patch -p1 --dry-run < $PATCH"
patch -p1 --dry-run < "$PATCH" >&2 || die "the patch does not apply to $tarball"
patch -p1 < "$PATCH" >&2

# Minimal feature set: no database back ends (all off by default), no docs,
# SSL on as in Debian's build (gwlib's HAVE_LIBSSL code paths stay the same).
# -fcommon: 1.4.5 has tentative definitions in two libraries (dispatch_to_wsp
# in libgw's wap_push_ota.o and libwap's wtp_resp.o); since GCC 10 a program
# that pulls in both fails to link with "multiple definition" without it.
say "configure --prefix=$PREFIX (log: $KP/configure.log)"
./configure --prefix="$PREFIX" --disable-docs --disable-pam --disable-pcre \
    CFLAGS="${KANNEL_BUILD_CFLAGS:--g -O2} -fcommon" \
    > "$KP/configure.log" 2>&1 || { tail -n 30 "$KP/configure.log" >&2; die "configure failed"; }

# Only the libraries and gw-config: Kannel's `all` (and so `make install`)
# also builds the boxes, libwmlscript.a and ~50 test programs.
say "make -j$jobs libgwlib.a libwap.a libgw.a gw-config (log: $KP/make.log)"
make -j"$jobs" libgwlib.a libwap.a libgw.a gw-config > "$KP/make.log" 2>&1 \
    || { tail -n 30 "$KP/make.log" >&2; die "make failed"; }

# The development part of Kannel's `make install`.
say "installing into $PREFIX"
install -d "$PREFIX/bin" "$PREFIX/lib/kannel" \
    "$PREFIX/include/kannel/gwlib" "$PREFIX/include/kannel/gw/smsc" "$PREFIX/include/kannel/wap"
install -m 755 gw-config "$PREFIX/bin/gw-config"
install -m 644 gwlib/*.h gwlib/*.def "$PREFIX/include/kannel/gwlib"
install -m 644 gw/*.h gw/*.def "$PREFIX/include/kannel/gw"
install -m 644 gw/smsc/*.h gw/smsc/*.def "$PREFIX/include/kannel/gw/smsc"
install -m 644 wap/*.h wap/*.def "$PREFIX/include/kannel/wap"
install -m 644 gw-config.h "$PREFIX/include/kannel"
install -m 644 libgwlib.a libwap.a libgw.a "$PREFIX/lib/kannel"

"$PREFIX/bin/gw-config" --version > /dev/null || die "the installed gw-config does not run"
key "$tarball" > "$STAMP"
say "done in $(( $(date +%s) - start )) s: $PREFIX"
echo "$PREFIX"
