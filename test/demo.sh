#!/bin/sh
# demo.sh - the README's demo command: install, build, and run provbox
# against a local bearerbox with a fake SMSC (see test/demo.py).
#
#   sh test/demo.sh
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/deps.sh"
provbox_install_deps
provbox_build "$top"
cd "$top"
PROVBOX_SRCDIR="$top" PROVBOX_BUILDDIR="$top" PYTHONPATH="$top/test/lib" \
    exec python3 "$top/test/demo.py"
