#!/bin/sh
# deps.sh - install what building and testing provbox needs (Debian 12, root).
#
# Sourced by test/check.sh and test/demo.sh. Installs only what is missing,
# so a second run is quick. Everything comes from Debian's own packages.
set -e

PROVBOX_PACKAGES="build-essential autoconf automake pkg-config \
 kannel kannel-dev kannel-extras libxml2-dev libssl-dev libxml2-utils \
 libwbxml2-utils tshark python3 openssl bison curl \
 man-db groff-base systemd logrotate \
 valgrind clang libclang-rt-14-dev iproute2 procps prometheus \
 dpkg-dev debhelper lintian chromium fonts-dejavu-core"

provbox_missing_packages() {
    missing=""
    for p in $PROVBOX_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    echo "$missing"
}

# Runs "$@" with every service start refused: a policy-rc.d that says no
# (exit 101), which invoke-rc.d and deb-systemd-invoke obey, unless one is
# there already (Debian's container images have one).
provbox_without_service_starts() {
    policy=/usr/sbin/policy-rc.d
    if [ -e "$policy" ]; then
        "$@"
        return
    fi
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    rc=0
    "$@" || rc=$?
    rm -f "$policy"
    return $rc
}

provbox_install_deps() {
    missing=$(provbox_missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "provbox: these Debian packages are missing:$missing" >&2
        echo "provbox: run as root, or install them with apt-get." >&2
        exit 1
    fi
    echo "provbox: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # tshark asks whether non-root users may capture: answer no, quietly.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    # prometheus is here for promtool (test/integration/metrics.py); its own
    # server, which would listen on *:9090, must neither start now nor at
    # boot (a Prometheus that was installed before is left alone).
    provbox_without_service_starts \
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    case " $missing " in
    *" prometheus "*) systemctl disable --quiet prometheus.service 2>/dev/null || true ;;
    esac
}

provbox_build() {
    # $1: source dir; builds in place (autotools in-tree build)
    cd "$1"
    [ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
    [ -f Makefile ] && [ Makefile -nt configure ] || ./configure -q
    make -j"$(nproc)" >/dev/null
}
