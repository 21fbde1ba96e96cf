#!/bin/sh
# test-app-lifecycle.sh MIDWAY: the real midway binary in a session from
# run-session.sh --display: it claims its application id on the session
# bus, exports its actions, and quits through app.quit.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

midway=$1
app_id=io.github.midway_vpn.Midway
app_path=/io/github/midway_vpn/Midway

echo "1..3"

"$midway" 2>"$MIDWAY_TEST_TMPDIR/midway.log" &
pid=$!

i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.GetNameOwner "string:$app_id" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "not ok 1 - midway claims $app_id"
    sed 's/^/# /' "$MIDWAY_TEST_TMPDIR/midway.log"
    kill "$pid" 2>/dev/null
    exit 1
  fi
  sleep 0.1
done
echo "ok 1 - midway claims $app_id"

actions=$(gdbus call --session --dest $app_id --object-path $app_path --method org.gtk.Actions.List)
missing=""
for action in connect disconnect quit; do
  printf '%s\n' "$actions" | grep -q "'$action'" || missing="$missing $action"
done
if [ -z "$missing" ]; then
  echo "ok 2 - app actions exported"
else
  echo "not ok 2 - app actions exported (missing:$missing)"
fi

gdbus call --session --dest $app_id --object-path $app_path \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then
    echo "not ok 3 - app.quit ends midway"
    kill "$pid"
    exit 1
  fi
  sleep 0.1
done
if wait "$pid"; then
  echo "ok 3 - app.quit ends midway"
else
  echo "not ok 3 - app.quit ends midway (exit status $?)"
  sed 's/^/# /' "$MIDWAY_TEST_TMPDIR/midway.log"
fi
[ -z "$missing" ]
