#!/bin/sh
# test-app-lifecycle.sh MIDWAY: the real midway binary in a session from
# run-session.sh --display (no tray) or --tray: it claims its application
# id on the session bus, exports its actions, shows its window, writes
# the login entry of "Start at Login", and quits through app.quit.  Then
# the entry's own command starts it again: into the tray when there is
# one, and with its window when there is none, never invisibly.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

midway=$1
app_id=io.github.midway_vpn.Midway
app_path=/io/github/midway_vpn/Midway
entry=$XDG_CONFIG_HOME/autostart/$app_id.desktop
log=$MIDWAY_TEST_TMPDIR/midway.log
failed=0

echo "1..9"

ok() { echo "ok $1 - $2"; }
not_ok() {
  echo "not ok $1 - $2"
  [ -s "$log" ] && sed 's/^/# /' "$log"
  failed=1
}
bail() { not_ok "$@"; kill "$pid" 2>/dev/null; exit 1; }

# Waits up to 10 s for the app to own its id; fails if it exits first.
wait_for_app() {
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
          org.freedesktop.DBus.GetNameOwner "string:$app_id" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -ge 100 ] || ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
}

# Whether an X window titled Midway is on screen (Xvfb, no window
# manager).  GDK's hidden leader window has the same name: each is asked.
window_shown() {
  for id in $(xwininfo -root -children 2>/dev/null | sed -n 's/^ *\(0x[0-9a-f]*\) "Midway".*/\1/p'); do
    xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable' && return 0
  done
  return 1
}

wait_for_window() {
  i=0
  until window_shown; do
    i=$((i + 1)); [ "$i" -lt 100 ] || return 1
    sleep 0.1
  done
}

quit_app() {
  gdbus call --session --dest $app_id --object-path $app_path \
    --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 100 ]; then
      kill "$pid"
      return 1
    fi
    sleep 0.1
  done
  wait "$pid"
}

"$midway" 2>"$log" &
pid=$!

wait_for_app || bail 1 "midway claims $app_id"
ok 1 "midway claims $app_id"

actions=$(gdbus call --session --dest $app_id --object-path $app_path --method org.gtk.Actions.List)
missing=""
for action in connect disconnect quit show-log; do
  printf '%s\n' "$actions" | grep -q "'$action'" || missing="$missing $action"
done
if [ -z "$missing" ]; then
  ok 2 "app actions exported"
else
  not_ok 2 "app actions exported (missing:$missing)"
fi

# Started by hand, it shows its window, tray or not.
if wait_for_window; then ok 3 "started plainly, midway shows its window"
else not_ok 3 "started plainly, midway shows its window"; fi

# "Start at Login" in the window's menu, as a person would flip it.
gdbus call --session --dest $app_id --object-path $app_path/window/1 \
  --method org.gtk.Actions.SetState autostart '<true>' '{}' >/dev/null
if [ -f "$entry" ] && out=$(desktop-file-validate "$entry" 2>&1) && [ -z "$out" ]; then
  ok 4 "Start at Login writes a valid $app_id.desktop"
else
  not_ok 4 "Start at Login writes a valid $app_id.desktop"
  [ -f "$entry" ] && printf '%s\n' "$out" | sed 's/^/# /'
fi

if quit_app; then ok 5 "app.quit ends midway"
else not_ok 5 "app.quit ends midway (exit status $?)"; fi

# The entry's command, as the session would run it at login; midway is
# found on $PATH, as an installed one would be.
exec_line=$(sed -n 's/^Exec=//p' "$entry")
case $exec_line in
  "midway --hidden") ok 6 "the entry runs midway --hidden" ;;
  *) not_ok 6 "the entry runs midway --hidden (Exec=$exec_line)" ;;
esac
: > "$log"
# shellcheck disable=SC2086 # the Exec line is split into its words
PATH="$(dirname "$midway"):$PATH" $exec_line 2>"$log" &
pid=$!
wait_for_app || bail 7 "midway --hidden claims $app_id"
ok 7 "midway --hidden claims $app_id"

if [ "${MIDWAY_TEST_TRAY:-}" = 1 ]; then
  # Once the tray has the icon, and past the time midway gives the tray
  # to answer (5 s), there is still no window, and midway still runs.
  # The item is registered by the unique name that owns its bus name,
  # alone or followed by the item's path.
  item_name="org.kde.StatusNotifierItem-$pid-1"
  i=0
  until unique=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                   --method org.freedesktop.DBus.GetNameOwner "$item_name" 2>/dev/null |
                 sed -n "s/^('\(.*\)',)\$/\1/p") && [ -n "$unique" ] &&
        gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
          --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher \
          RegisteredStatusNotifierItems 2>/dev/null |
          grep -Eq "'$(printf %s "$unique" | sed 's/\./\\./g')([/@][^']*)?'"; do
    i=$((i + 1)); [ "$i" -lt 100 ] || bail 8 "midway --hidden puts its icon in the tray"
    sleep 0.1
  done
  sleep 6
  if window_shown; then not_ok 8 "with a tray, midway --hidden shows no window"
  elif ! kill -0 "$pid" 2>/dev/null; then not_ok 8 "with a tray, midway --hidden keeps running"
  else ok 8 "with a tray, midway --hidden shows no window and keeps running"; fi
else
  if wait_for_window; then ok 8 "without a tray, midway --hidden shows its window all the same"
  else not_ok 8 "without a tray, midway --hidden shows its window all the same"; fi
fi

if quit_app; then ok 9 "app.quit ends midway --hidden"
else not_ok 9 "app.quit ends midway --hidden (exit status $?)"; fi

exit "$failed"
