#!/bin/sh
# test-no-host.sh MIDWAY WATCHER: a StatusNotifierWatcher that draws
# nothing and has no host, yet says IsStatusNotifierHostRegistered (as
# Plasma's kded5 does without plasmashell; here Ayatana's application
# service, the smallest such watcher Debian has, without the indicator
# that would show its items), in a session from run-session.sh --display.
# midway started as at login (--hidden) registers its item with it, and
# must then show its window: never no window and no icon.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

midway=$1
watcher=$2
app_id=io.github.midway_vpn.Midway
log=$MIDWAY_TEST_TMPDIR/midway.log
failed=0

echo "1..4"

ok() { echo "ok $1 - $2"; }
not_ok() {
  echo "not ok $1 - $2"
  [ -s "$log" ] && sed 's/^/# /' "$log"
  failed=1
}

"$watcher" >"$MIDWAY_TEST_TMPDIR/watcher.log" 2>&1 &
watcher_pid=$!
pid=""
trap 'kill $pid $watcher_pid 2>/dev/null' EXIT

i=0
until claim=$(gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
                --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher \
                IsStatusNotifierHostRegistered 2>/dev/null); do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then
    echo "Bail out! the watcher did not start: $(cat "$MIDWAY_TEST_TMPDIR/watcher.log")"
    exit 1
  fi
  sleep 0.1
done
# The premise: the watcher claims a host that is not there.
case $claim in
  "(<true>,)") ok 1 "the watcher says a host is registered, with none on the bus" ;;
  *) not_ok 1 "the watcher says a host is registered (it says $claim)" ;;
esac

"$midway" --hidden 2>"$log" &
pid=$!

# The item is registered by the unique name that owns its bus name,
# alone or followed by the item's path.
item="org.kde.StatusNotifierItem-$pid-1"
i=0
until unique=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                 --method org.freedesktop.DBus.GetNameOwner "$item" 2>/dev/null |
               sed -n "s/^('\(.*\)',)\$/\1/p") && [ -n "$unique" ] &&
      gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
        --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher \
        RegisteredStatusNotifierItems 2>/dev/null |
        grep -Eq "'$(printf %s "$unique" | sed 's/\./\\./g')([/@][^']*)?'"; do
  i=$((i + 1))
  if [ "$i" -ge 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    not_ok 2 "midway --hidden registers its item with the watcher"
    exit 1
  fi
  sleep 0.1
done
ok 2 "midway --hidden registers its item with the watcher"

# Whether an X window titled Midway is on screen (Xvfb, no window
# manager); GDK's hidden leader window has the same name.
window_shown() {
  for id in $(xwininfo -root -children 2>/dev/null | sed -n 's/^ *\(0x[0-9a-f]*\) "Midway".*/\1/p'); do
    xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable' && return 0
  done
  return 1
}

# Within the time midway gives a tray to answer (5 s), and some.
i=0
until window_shown; do
  i=$((i + 1))
  if [ "$i" -ge 150 ] || ! kill -0 "$pid" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
if window_shown; then ok 3 "with a watcher and no host, midway --hidden shows its window"
else not_ok 3 "with a watcher and no host, midway --hidden shows its window"; fi

if kill -0 "$pid" 2>/dev/null; then ok 4 "midway keeps running"
else not_ok 4 "midway keeps running"; fi

gdbus call --session --dest $app_id --object-path /io/github/midway_vpn/Midway \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null 2>&1
exit "$failed"
