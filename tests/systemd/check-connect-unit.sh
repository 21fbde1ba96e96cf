#!/bin/sh
# check-connect-unit.sh SYSTEMD_ANALYZE UNIT MIDWAYCTL
#
# systemd-analyze verify of the boot unit of a system profile, as an
# instance (a template alone is not verified), and that it runs
# "midwayctl up --system" and "down --system" for the instance's name.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

analyze=$1
unit=$2
midwayctl=$3

if [ "$analyze" = "" ] || [ ! -x "$analyze" ]; then
    echo "systemd-analyze not found: install systemd (see .ci) to check the unit" >&2
    exit 1
fi
[ -f "$unit" ] || { echo "no unit at $unit" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$unit" "$dir/midway-connect@.service"
ln -s midway-connect@.service "$dir/midway-connect@Office.service"

grep -qx "ExecStart=$midwayctl up --system --timeout 0 -- %I" "$unit" ||
    { echo "ExecStart is not \"$midwayctl up --system --timeout 0 -- %I\"" >&2; exit 1; }
grep -qx "ExecStop=$midwayctl down --system -- %I" "$unit" ||
    { echo "ExecStop is not \"$midwayctl down --system -- %I\"" >&2; exit 1; }

# verify wants the programs to exist; a build that is not installed has
# its midwayctl elsewhere, so the check runs on a copy that names /bin/true
# for it, after the lines above proved what the unit really runs.
sed -i "s|$midwayctl|/bin/true|" "$dir/midway-connect@.service"
out=$(cd "$dir" && SYSTEMD_LOG_LEVEL=notice "$analyze" verify --man=no \
      "$dir/midway-connect@Office.service" 2>&1) || { printf '%s\n' "$out"; exit 1; }
# verify reports unit file problems as messages, not always as its status.
if printf '%s\n' "$out" | grep -v 'network-online.target\|dbus.service' | grep -q .; then
    printf '%s\n' "$out"
    exit 1
fi
echo "verified: $unit"
