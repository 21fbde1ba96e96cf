#!/bin/sh
# run-session.sh [--keyring] [--display] [--notifications] [--tray] PROGRAM [ARG...]
#
# Runs PROGRAM in a throwaway desktop session: a fresh HOME and XDG
# directories, a private session bus that activates nothing (so "no
# Secret Service" is really none), and on request a real, unlocked
# gnome-keyring-daemon, an X server (Xvfb), a real notification server
# (dunst), and a tray: xfce4-panel whose only plugin is systray, which
# holds the StatusNotifierWatcher and a host.  The same private bus stands
# in for the system bus, so that no test ever reaches the machine's
# helper.  A missing daemon is a failure, never a skip.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

keyring=0
display=0
notifications=0
tray=0
inside=0
while [ $# -gt 0 ]; do
  case $1 in
    --keyring) keyring=1 ;;
    --display) display=1 ;;
    --notifications) notifications=1; display=1 ;;
    --tray) tray=1; display=1 ;;
    --inside) inside=1 ;;
    *) break ;;
  esac
  shift
done

die() { echo "Bail out! run-session: $*"; exit 1; }

if [ "$inside" = 0 ]; then
  command -v dbus-run-session >/dev/null || die "dbus-run-session not found (dbus-daemon)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p -m 700 "$tmp/home/.config" "$tmp/home/.local/share" "$tmp/home/.cache" "$tmp/run"
  # No <servicedir>: nothing on this bus is activated behind the test's back.
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
  set -- --inside "$@"
  [ "$tray" = 1 ] && set -- --tray "$@"
  [ "$notifications" = 1 ] && set -- --notifications "$@"
  [ "$display" = 1 ] && set -- --display "$@"
  [ "$keyring" = 1 ] && set -- --keyring "$@"
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
    XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_STATE_HOME="$tmp/home/.local/state" \
    XDG_RUNTIME_DIR="$tmp/run" MIDWAY_TEST_TMPDIR="$tmp" \
    dbus-run-session --config-file="$tmp/bus.conf" -- "$0" "$@" || status=$?
  exit "$status"
fi

export DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"

# Daemons claim their bus name some time after they fork or daemonize.
wait_for_name() {
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
          org.freedesktop.DBus.GetNameOwner "string:$1" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 100 ] || die "$1 did not appear on the bus: $2"
    sleep 0.1
  done
}

pids=""
# The daemons' output goes to files or nowhere, never to the test's own
# stdout: a child of theirs that outlived them would keep meson waiting.
# Last started, first stopped: xfce4-panel still has its X server and
# xfconfd while it exits.  A daemon that does not go within 5 s (the panel
# once hung on its way out after a passed test, and meson timed the test
# out) is killed: the test's verdict is already in.
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

if [ "$keyring" = 1 ]; then
  command -v gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon not found (gnome-keyring)"
  # Unlocked before any libsecret call: the login keyring is created with
  # this password, so no prompt is ever needed.  It leaves with the bus.
  eval "$(printf PASS | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  wait_for_name org.freedesktop.secrets "gnome-keyring-daemon"
  export MIDWAY_TEST_KEYRING=1
fi

if [ "$display" = 1 ]; then
  command -v Xvfb >/dev/null || die "Xvfb not found (xvfb)"
  Xvfb -displayfd 3 -nolisten tcp -screen 0 800x600x24 3>"$MIDWAY_TEST_TMPDIR/display" >/dev/null 2>"$MIDWAY_TEST_TMPDIR/xvfb.log" &
  pids="$!"
  i=0
  while [ ! -s "$MIDWAY_TEST_TMPDIR/display" ]; do
    i=$((i + 1)); [ "$i" -lt 100 ] || die "Xvfb did not start: $(cat "$MIDWAY_TEST_TMPDIR/xvfb.log")"
    sleep 0.1
  done
  DISPLAY=:$(cat "$MIDWAY_TEST_TMPDIR/display")
  # No accessibility bus or dconf in this session: neither is under test.
  export DISPLAY GDK_BACKEND=x11 GTK_A11Y=none GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
fi

if [ "$notifications" = 1 ]; then
  command -v dunst >/dev/null || die "dunst not found (dunst)"
  mkdir -p "$XDG_CONFIG_HOME/dunst"
  : > "$XDG_CONFIG_HOME/dunst/dunstrc"
  dunst -config "$XDG_CONFIG_HOME/dunst/dunstrc" >/dev/null 2>"$MIDWAY_TEST_TMPDIR/dunst.log" &
  pids="$pids $!"
  wait_for_name org.freedesktop.Notifications "dunst"
  export MIDWAY_TEST_NOTIFICATIONS=1
fi

if [ "$tray" = 1 ]; then
  command -v xfce4-panel >/dev/null || die "xfce4-panel not found (xfce4-panel)"
  xfconfd=""
  for candidate in /usr/lib/*/xfce4/xfconf/xfconfd /usr/lib/xfce4/xfconf/xfconfd /usr/libexec/xfconfd; do
    [ -x "$candidate" ] && xfconfd=$candidate && break
  done
  [ -n "$xfconfd" ] || die "xfconfd not found (xfconf)"
  channel_dir="$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml"
  # MIDWAY_TEST_PANEL_RGBA="R,G,B,A" (0 to 1): a panel of that colour
  # while the GTK theme stays light, as a dark tray whose host draws
  # symbolic icons in the light theme's dark foreground.
  panel_background=""
  if [ -n "${MIDWAY_TEST_PANEL_RGBA:-}" ]; then
    panel_background='      <property name="background-style" type="uint" value="1"/>
      <property name="background-rgba" type="array">'
    for component in $(echo "$MIDWAY_TEST_PANEL_RGBA" | tr ',' ' '); do
      panel_background="$panel_background
        <value type=\"double\" value=\"$component\"/>"
    done
    panel_background="$panel_background
      </property>"
  fi
  mkdir -p "$channel_dir"
  cat > "$channel_dir/xfce4-panel.xml" <<PANEL
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
$panel_background
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
PANEL
  # Started by hand: this bus activates nothing.
  "$xfconfd" >/dev/null 2>"$MIDWAY_TEST_TMPDIR/xfconfd.log" &
  pids="$pids $!"
  wait_for_name org.xfce.Xfconf "xfconfd"
  xfce4-panel --disable-wm-check >/dev/null 2>"$MIDWAY_TEST_TMPDIR/panel.log" &
  pids="$pids $!"
  wait_for_name org.kde.StatusNotifierWatcher "xfce4-panel"
  export MIDWAY_TEST_TRAY=1
fi

"$@"
