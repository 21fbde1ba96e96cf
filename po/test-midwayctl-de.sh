#!/bin/bash
# Runs midwayctl in German against the catalogue compiled in the build tree
# (laid out as it is installed: LOCALEDIR/de/LC_MESSAGES/midway.mo), and
# checks that its messages, including a format string, come out translated.
#
# Usage: test-midwayctl-de.sh PATH-TO-MIDWAYCTL BUILD-LOCALEDIR.  Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

MIDWAYCTL=${1:?usage: $0 PATH-TO-MIDWAYCTL BUILD-LOCALEDIR}
BUILD_LOCALEDIR=${2:?usage: $0 PATH-TO-MIDWAYCTL BUILD-LOCALEDIR}

work=$(mktemp -d "${TMPDIR:-/tmp}/midwayctl-de-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# No de_DE locale needs to be generated: glibc honours LANGUAGE under
# C.UTF-8 (only the plain C/POSIX locale switches translation off), and the
# messages stay UTF-8.  A private store and no bus keep midwayctl offline.
export LC_ALL=C.UTF-8
export LANGUAGE=de
export XDG_CONFIG_HOME=$work/config
export HOME=$work/home
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-such-bus
unset SSH_AUTH_SOCK
mkdir -p "$HOME" "$work/empty-localedir"

n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  for line in "$@"; do
    printf '%s\n' "$line" | sed 's/^/# /'
  done
}

# Runs midwayctl with MIDWAY_LOCALEDIR=$1 and the remaining arguments;
# leaves stdout, stderr and the exit status in $out, $err, $rc.
run () {
  local localedir=$1
  shift
  MIDWAY_LOCALEDIR=$localedir "$MIDWAYCTL" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

# Succeeds when $2 contains $1 as a fixed string.
contains () {
  printf '%s\n' "$2" | grep -qF -- "$1"
}

if [ -f "$BUILD_LOCALEDIR/de/LC_MESSAGES/midway.mo" ]; then
  ok "the build has de/LC_MESSAGES/midway.mo"
else
  not_ok "the build has de/LC_MESSAGES/midway.mo" "missing under $BUILD_LOCALEDIR"
fi

# The control: the same call without the German catalogue is English, so
# what follows is the catalogue's doing and not the test's.
run "$work/empty-localedir" --help
if [ $rc -eq 0 ] && contains "Commands:" "$out" && ! contains "Befehle:" "$out"; then
  ok "without the catalogue, --help is English"
else
  not_ok "without the catalogue, --help is English" "status $rc" "$out" "$err"
fi

run "$BUILD_LOCALEDIR" --help
if [ $rc -eq 0 ] &&
   contains "Aufruf:" "$out" &&
   contains "midwayctl BEFEHL [OPTION …] [ARGUMENT …]" "$out" &&
   contains "Befehle:" "$out" &&
   contains "Die gespeicherten Profile auflisten" "$out" &&
   contains "Exit-Status:" "$out" &&
   ! contains "Commands:" "$out" &&
   ! contains "List the stored profiles" "$out"; then
  ok "--help is German"
else
  not_ok "--help is German" "status $rc" "$out" "$err"
fi

# A c-format message: the argument lands inside the German quotes.
run "$BUILD_LOCALEDIR" frobnicate
if [ $rc -eq 2 ] &&
   contains "unbekannter Befehl „frobnicate“" "$err" &&
   contains "Siehe „midwayctl --help“." "$err"; then
  ok "an unknown command is reported in German"
else
  not_ok "an unknown command is reported in German" "status $rc" "$err"
fi

run "$BUILD_LOCALEDIR" remove nosuch
if [ $rc -eq 3 ] && contains "Kein Profil namens „nosuch“ (siehe „midwayctl list“)" "$err"; then
  ok "a missing profile is reported in German"
else
  not_ok "a missing profile is reported in German" "status $rc" "$err"
fi

# The validation messages come from libmidway-common, through the same
# text domain.
printf '[Midway Profile]\nname=Büro\nhost=-oProxyCommand=x\n' >"$work/bad.conf"
run "$BUILD_LOCALEDIR" import "$work/bad.conf"
if [ $rc -eq 3 ] && contains "host: darf nicht mit „-“ beginnen" "$err"; then
  ok "an invalid profile is reported in German"
else
  not_ok "an invalid profile is reported in German" "status $rc" "$err"
fi

echo "1..$n"
[ $failed -eq 0 ]
