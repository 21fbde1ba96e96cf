#!/bin/sh
# check-unit-security.sh SYSTEMD_ANALYZE UNIT THRESHOLD
#
# Prints systemd's security report for the helper's generated unit and
# fails when its overall exposure is above THRESHOLD (0.0 best, 10.0 worst),
# so that no change loosens the unit's sandbox unnoticed.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

analyze=$1
unit=$2
threshold=$3

if [ "$analyze" = "" ] || [ ! -x "$analyze" ]; then
    echo "systemd-analyze not found: install systemd (see .ci) to check the unit" >&2
    exit 1
fi
[ -f "$unit" ] || { echo "no unit at $unit" >&2; exit 1; }

# Offline: judge the file itself, not a unit loaded in a running systemd.
report=$("$analyze" security --offline=true --no-pager "$unit" 2>&1) || {
    printf '%s\n' "$report"
    echo "systemd-analyze security failed" >&2
    exit 1
}
printf '%s\n' "$report"

figure=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p')
if [ -z "$figure" ]; then
    echo "no overall exposure level in the report" >&2
    exit 1
fi

# awk compares the decimals; the shell cannot.
if awk -v f="$figure" -v t="$threshold" 'BEGIN { exit !(f > t) }'; then
    echo "FAIL: exposure $figure is above the threshold $threshold" >&2
    exit 1
fi
echo "exposure $figure (threshold $threshold)"
