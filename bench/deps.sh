#!/bin/sh
# deps.sh - what the benchmarks need beyond test/deps.sh: gnuplot for the
# plots, curl for driving sendota. Debian 12, run as root.
set -e
. "$(dirname "$0")/../test/deps.sh"
PROVBOX_PACKAGES="$PROVBOX_PACKAGES gnuplot-nox curl"
provbox_install_deps
