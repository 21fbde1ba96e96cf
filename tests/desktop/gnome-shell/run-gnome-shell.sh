#!/bin/sh
# run-gnome-shell.sh [--classic] PROGRAM [ARG...]
#
# Runs PROGRAM beside a real GNOME Shell 43, headless on Wayland, in a
# throwaway session: a fresh HOME and XDG directories, a private session
# bus that activates only dconf and the shell's notification service
# (org.gnome.Shell.Notifications, which owns org.freedesktop.Notifications),
# the AppIndicator extension for the tray, and an extension of ours that
# puts the shell in unsafe mode, so that the test may take screenshots and
# drive a virtual pointer through org.gnome.Shell.Eval.  --classic starts
# the shell in GNOME Classic mode, whose top bar is light.  The same
# private bus stands in for the system bus, so that no test ever reaches
# the machine's helper.  A missing part is a failure, never a skip.
#
# No X: Xwayland refuses a /tmp/.X11-unix that belongs to another user,
# and nothing under test needs it.  As root (CI), the shell and PROGRAM run
# as root too: mutter headless opens no device, and the session directories
# are private to the run.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

classic=0
inside=0
while [ $# -gt 0 ]; do
  case $1 in
    --classic) classic=1 ;;
    --inside) inside=1 ;;
    *) break ;;
  esac
  shift
done

die() { echo "Bail out! run-gnome-shell: $*"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

if [ "$inside" = 0 ]; then
  for tool in dbus-run-session gnome-shell gsettings gjs; do
    command -v "$tool" >/dev/null || die "$tool not found"
  done
  [ -d /usr/share/gnome-shell/extensions/ubuntu-appindicators@ubuntu.com ] ||
    die "the AppIndicator extension is missing (gnome-shell-extension-appindicator)"
  if [ "$classic" = 1 ]; then
    [ -f /usr/share/gnome-shell/modes/classic.json ] ||
      die "GNOME Classic mode is missing (gnome-shell-extensions)"
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p -m 700 "$tmp/home/.config" "$tmp/home/.local/share/gnome-shell/extensions" \
    "$tmp/home/.cache" "$tmp/run" "$tmp/services"
  cp -r "$here/unsafe-mode@midway.test" "$tmp/home/.local/share/gnome-shell/extensions/"
  # Only these are activated; everything else the shell asks for (logind,
  # accounts, NetworkManager...) is answered "unknown" at once.
  for service in ca.desrt.dconf org.gnome.Shell.Notifications; do
    [ -f "/usr/share/dbus-1/services/$service.service" ] || die "$service.service is missing"
    cp "/usr/share/dbus-1/services/$service.service" "$tmp/services/"
  done
  cat > "$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$tmp/run</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  set -- --inside "$@"
  [ "$classic" = 1 ] && set -- --classic "$@"
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u XDG_SESSION_TYPE \
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
    XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_STATE_HOME="$tmp/home/.local/state" \
    XDG_RUNTIME_DIR="$tmp/run" MIDWAY_TEST_TMPDIR="$tmp" \
    dbus-run-session --config-file="$tmp/bus.conf" -- "$0" "$@" || status=$?
  exit "$status"
fi

export DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
export GSETTINGS_BACKEND=dconf

# The shell claims its names a while after it starts.
wait_for_name() {
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
          org.freedesktop.DBus.GetNameOwner "string:$1" >/dev/null 2>&1; do
    kill -0 "$shell" 2>/dev/null || die "gnome-shell exited: $(tail -n 20 "$MIDWAY_TEST_TMPDIR/shell.log")"
    i=$((i + 1)); [ "$i" -lt 600 ] || die "$1 did not appear on the bus: $(tail -n 20 "$MIDWAY_TEST_TMPDIR/shell.log")"
    sleep 0.1
  done
}

# Written through the real dconf service before the shell reads them.
gsettings set org.gnome.shell enabled-extensions "['ubuntu-appindicators@ubuntu.com', 'unsafe-mode@midway.test']"
gsettings set org.gnome.shell disable-user-extensions false
gsettings set org.gnome.shell welcome-dialog-last-shown-version '999'
# No animations: a banner or menu is where it ends up as soon as it is shown.
gsettings set org.gnome.desktop.interface enable-animations false

mode=""
[ "$classic" = 1 ] && mode="--mode=classic"
# The shell's output goes to a file, never to the test's own stdout: a
# child of its that outlived it would keep meson waiting.
# shellcheck disable=SC2086
gnome-shell --headless --wayland --no-x11 --virtual-monitor 1024x768 \
  --wayland-display=wayland-midway-test $mode \
  >"$MIDWAY_TEST_TMPDIR/shell.log" 2>&1 </dev/null &
shell=$!

cleanup() {
  kill "$shell" 2>/dev/null || true
  ( sleep 5; kill -KILL "$shell" 2>/dev/null || true ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
  wait "$shell" 2>/dev/null || true
  kill "$watchdog" 2>/dev/null || true
}
trap cleanup EXIT

wait_for_name org.gnome.Shell
# Owned by the AppIndicator extension once it is enabled.
wait_for_name org.kde.StatusNotifierWatcher

export WAYLAND_DISPLAY=wayland-midway-test GDK_BACKEND=wayland
# GTK's GL renderer on the software rasteriser compiles its shaders anew in
# every fresh session (HOME and its cache are new each run): 20 s and more
# before a window shows on a busy machine.  Cairo draws the same window,
# and the shell, which is under test, composites it either way.
export GSK_RENDERER=cairo
# No accessibility bus in this session: it is not under test.
export GTK_A11Y=none NO_AT_BRIDGE=1
export MIDWAY_TEST_GNOME_SHELL=1 MIDWAY_TEST_SHELL_LOG="$MIDWAY_TEST_TMPDIR/shell.log"
[ "$classic" = 1 ] && export MIDWAY_TEST_SHELL_MODE=classic

# On a failure, what the shell said: the extension's and the shell's
# own errors are only there.
status=0
"$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- the shell's log (last 40 lines):" >&2
  tail -n 40 "$MIDWAY_TEST_TMPDIR/shell.log" >&2
fi
exit "$status"
