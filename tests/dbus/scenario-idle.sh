# shellcheck shell=bash
# Issue 5, suite dbus: the helper stays while a tunnel is up, exits once idle
# (60 s), and the next call activates a fresh one.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

version() {
    as_user bob python3 -c '
from gi.repository import Gio, GLib
b = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
r = b.call_sync("io.github.midway_vpn.Midway.Helper", "/io/github/midway_vpn/Midway",
                "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", ("io.github.midway_vpn.Midway.Helper1", "Version")),
                None, Gio.DBusCallFlags.NONE, 10000, None)
print(r.unpack()[0])'
}

check_fails "no helper runs before the first call" test -n "$(helper_pid)"
check "a property Get activates the helper" version
first=$(helper_pid)
check "the helper runs ($first)" test -n "$first"

check "alice imports a profile" write_profile alice office
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
sleep 70
check "with a tunnel up, the helper is still there after 70 s" test "$(helper_pid)" = "$first"
check "and the tunnel is still up" state_is alice office up
check "alice's tunnel goes down" as_user alice midwayctl down office
down=$(date +%s)
sleep 45
check "45 s after the last tunnel the helper still runs" test "$(helper_pid)" = "$first"
check "the idle helper exits within 80 s" wait_for 35 bash -c '! pgrep -f "^/usr/libexec/midway-helper" >/dev/null'
echo "the helper exited after $(( $(date +%s) - down )) s"
check "it said why" grep -q 'exiting' "$MIDWAY_LOG_DIR/dbus.log"
check "the bus name has no owner" test "$(python3 -c '
from gi.repository import Gio, GLib
b = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
print(b.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "NameHasOwner", GLib.Variant("(s)", ("io.github.midway_vpn.Midway.Helper",)),
                  None, Gio.DBusCallFlags.NONE, 5000, None).unpack()[0])')" = False
check "the next call activates a fresh helper" version
second=$(helper_pid)
check "it is a new process ($second)" test -n "$second" -a "$second" != "$first"
check "and it serves tunnels" as_user alice midwayctl up office --timeout 60
check "alice's tunnel goes down" as_user alice midwayctl down office
finish
