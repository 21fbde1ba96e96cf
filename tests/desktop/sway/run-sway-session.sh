#!/bin/sh
# run-sway-session.sh [--dark] PROGRAM [ARG...]
#
# Runs PROGRAM in a throwaway sway session: sway on wlroots' headless
# backend (one 1280x800 output, no input device, no Xwayland), waybar
# with only its tray module (light, or with --dark a #222222 tray whose
# icons waybar does not recolour), and mako; each on a private session
# bus that activates nothing, which also stands in for the system bus.
# sway refuses to run as root: run as root (as CI does), the whole
# session, PROGRAM included, runs as uid 65534 of a user namespace of its
# own, in a scratch HOME and XDG_RUNTIME_DIR that this script creates and
# removes afterwards.  Outside, the session is still root's: it reads a
# build tree wherever it is (a clone under /root is closed to the real
# nobody), and gains nothing root does not already have.
# A missing program is a failure, never a skip.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

die() { echo "Bail out! run-sway-session: $*"; exit 1; }

dark=0
inside=0
while [ $# -gt 0 ]; do
  case $1 in
    --dark) dark=1 ;;
    --inside) inside=1 ;;
    *) break ;;
  esac
  shift
done

if [ "$inside" = 0 ]; then
  for program in dbus-run-session sway swaymsg waybar mako makoctl grim unshare; do
    command -v "$program" >/dev/null || die "$program not found"
  done
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/home/.config/sway" "$tmp/home/.config/waybar" "$tmp/home/.config/mako" \
    "$tmp/home/.local/share" "$tmp/home/.cache"
  mkdir -m 700 "$tmp/run"
  cat > "$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$tmp/run</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  cat > "$tmp/home/.config/sway/config" <<'SWAY'
xwayland disable
output HEADLESS-1 resolution 1280x800 position 0 0
SWAY
  # The bar on top, 30 px high, the tray alone at its right end.
  cat > "$tmp/home/.config/waybar/config" <<'BAR'
{
  "layer": "top",
  "position": "top",
  "height": 30,
  "modules-left": [],
  "modules-center": [],
  "modules-right": ["tray"],
  "tray": { "icon-size": 16, "spacing": 8 }
}
BAR
  # GTK's default theme gives a light bar; the dark one is waybar's own
  # kind of style, a colour on the bar and the tray.
  if [ "$dark" = 1 ]; then
    printf '%s\n' 'window#waybar, #tray { background-color: #222222; color: #ffffff; }' \
      > "$tmp/home/.config/waybar/style.css"
  else
    printf '%s\n' 'window#waybar, #tray { background-color: #f6f5f4; color: #2e3436; }' \
      > "$tmp/home/.config/waybar/style.css"
  fi
  : > "$tmp/home/.config/mako/config"
  run_as=""
  if [ "$(id -u)" = 0 ]; then
    run_as="unshare --user --map-user=65534 --map-group=65534 --"
    # shellcheck disable=SC2086 # run_as is its words
    [ "$($run_as id -u)" = 65534 ] || die "cannot enter a user namespace as uid 65534 (unshare --user)"
  fi
  status=0
  # shellcheck disable=SC2086 # run_as is empty or its words
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u SWAYSOCK \
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
    XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_STATE_HOME="$tmp/home/.local/state" \
    XDG_RUNTIME_DIR="$tmp/run" MIDWAY_TEST_TMPDIR="$tmp" MIDWAY_TEST_DARK_TRAY="$dark" \
    $run_as dbus-run-session --config-file="$tmp/bus.conf" -- "$0" --inside "$@" || status=$?
  exit "$status"
fi

export DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
# No accessibility bus or dconf in this session: neither is under test.
export GTK_A11Y=none GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
# Nothing written behind the session's back while it is being removed.
export MESA_SHADER_CACHE_DISABLE=true
# No GPU here (sway renders with pixman): GTK 4 draws without GL, which
# in software is slow enough to matter in a sanitizer build.
export GSK_RENDERER=cairo

wait_for_name() {
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
          org.freedesktop.DBus.GetNameOwner "string:$1" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 150 ] || die "$1 did not appear on the bus: $(cat "$2")"
    sleep 0.1
  done
}

pids=""
# Last started, first stopped; one that does not go within 5 s is killed:
# the test's verdict is already in.
cleanup() {
  reversed=""
  for pid in $pids; do reversed="$pid $reversed"; done
  for pid in $reversed; do kill "$pid" 2>/dev/null || true; done
  ( sleep 5; for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
  for pid in $reversed; do wait "$pid" 2>/dev/null || true; done
  kill "$watchdog" 2>/dev/null || true
}
trap cleanup EXIT

WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=1 WLR_RENDERER=pixman \
  sway -c "$XDG_CONFIG_HOME/sway/config" >/dev/null 2>"$MIDWAY_TEST_TMPDIR/sway.log" &
sway_pid=$!
pids="$sway_pid"
# Ready when its IPC socket answers; the Wayland socket is there by then.
SWAYSOCK=$XDG_RUNTIME_DIR/sway-ipc.$(id -u).$sway_pid.sock
export SWAYSOCK
i=0
until [ -S "$SWAYSOCK" ] && swaymsg -t get_outputs >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 150 ] || die "sway did not start: $(cat "$MIDWAY_TEST_TMPDIR/sway.log")"
  kill -0 "$sway_pid" 2>/dev/null || die "sway exited: $(cat "$MIDWAY_TEST_TMPDIR/sway.log")"
  sleep 0.1
done
WAYLAND_DISPLAY=""
for socket in "$XDG_RUNTIME_DIR"/wayland-*; do
  case $socket in *.lock) continue ;; esac
  [ -S "$socket" ] && WAYLAND_DISPLAY=$(basename "$socket")
done
[ -n "$WAYLAND_DISPLAY" ] || die "sway made no Wayland socket: $(cat "$MIDWAY_TEST_TMPDIR/sway.log")"
export WAYLAND_DISPLAY GDK_BACKEND=wayland

# The virtual pointer ($MIDWAY_TEST_POINTER, midway-test-pointer), made
# before waybar starts so that waybar has its wl_pointer from the start.
# The test writes "X Y left|right" lines into $MIDWAY_TEST_POINTER_IN and
# reads one "clicked" a line from $MIDWAY_TEST_POINTER_OUT.
if [ -n "${MIDWAY_TEST_POINTER:-}" ]; then
  MIDWAY_TEST_POINTER_IN=$MIDWAY_TEST_TMPDIR/pointer.in
  MIDWAY_TEST_POINTER_OUT=$MIDWAY_TEST_TMPDIR/pointer.out
  mkfifo "$MIDWAY_TEST_POINTER_IN"
  # Opened for reading and writing: it never sees an end between writers.
  "$MIDWAY_TEST_POINTER" <>"$MIDWAY_TEST_POINTER_IN" >"$MIDWAY_TEST_POINTER_OUT" 2>"$MIDWAY_TEST_TMPDIR/pointer.log" &
  pids="$pids $!"
  i=0
  until grep -q '^ready$' "$MIDWAY_TEST_POINTER_OUT" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 150 ] || die "the virtual pointer did not start: $(cat "$MIDWAY_TEST_TMPDIR/pointer.log")"
    sleep 0.1
  done
  export MIDWAY_TEST_POINTER_IN MIDWAY_TEST_POINTER_OUT
fi

waybar -c "$XDG_CONFIG_HOME/waybar/config" -s "$XDG_CONFIG_HOME/waybar/style.css" \
  >"$MIDWAY_TEST_TMPDIR/waybar.log" 2>&1 &
pids="$pids $!"
wait_for_name org.kde.StatusNotifierWatcher "$MIDWAY_TEST_TMPDIR/waybar.log"

mako -c "$XDG_CONFIG_HOME/mako/config" >/dev/null 2>"$MIDWAY_TEST_TMPDIR/mako.log" &
pids="$pids $!"
wait_for_name org.freedesktop.Notifications "$MIDWAY_TEST_TMPDIR/mako.log"

status=0
"$@" || status=$?
# What the programs said, for a failed test.
if [ "$status" != 0 ]; then
  for log in "$MIDWAY_TEST_TMPDIR"/*.log; do
    [ -s "$log" ] && { echo "# $(basename "$log"):"; sed 's/^/#   /' "$log"; }
  done
fi
exit "$status"
