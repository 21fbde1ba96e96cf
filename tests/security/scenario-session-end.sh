# shellcheck shell=bash
# Issue 10 (H2): a user's own tunnels end when the user's last logind
# session ends, and only then: another session of theirs keeps them, other
# users' tunnels are not touched, and a signal that only looks like
# logind's (sent by bob) changes nothing.  The guest has no logind, so
# python3-dbusmock's logind template owns org.freedesktop.login1 on the
# guest's real system bus; the test removes sessions and users there and
# emits logind's signals from the mock, as logind would.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

LOGIND=org.freedesktop.login1
POLICY=/etc/dbus-1/system.d/$LOGIND.conf
MOCK_LOG=$MIDWAY_LOG_DIR/logind-mock.log
MOCK_ERR=$MIDWAY_LOG_DIR/logind-mock.err
alice_uid=$(id -u alice)
bob_uid=$(id -u bob)

bus_call() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus "org.freedesktop.DBus.$1" "${@:2}"
}
logind_has_owner() {
    bus_call NameHasOwner string:"$LOGIND" | grep -q 'boolean true'
}
# mock METHOD ARGS...: a method of dbusmock's control interface on
# logind's manager object, given as Python literals.
mock() {
    python3 - "$@" <<'EOF'
import sys
import dbus
bus = dbus.SystemBus()
obj = bus.get_object('org.freedesktop.login1', '/org/freedesktop/login1')
args = [eval(a, {'dbus': dbus}) for a in sys.argv[2:]]
getattr(obj, sys.argv[1])(*args, dbus_interface='org.freedesktop.DBus.Mock')
EOF
}
session_path() { echo "/org/freedesktop/login1/session/$1"; }
user_path() { echo "/org/freedesktop/login1/user/$1"; }
# end_session ID: logind removes the session and says so.
end_session() {
    mock RemoveObject "'$(session_path "$1")'" &&
        mock EmitSignal "'org.freedesktop.login1.Manager'" "'SessionRemoved'" "'so'" \
            "['$1', dbus.ObjectPath('$(session_path "$1")')]"
}
# asked_about_user UID N: the helper has read UID's State at least N times.
asked_about_user() {
    [ "$(grep -c "Get $(user_path "$1") org.freedesktop.login1.User.State" "$MOCK_LOG")" -ge "$2" ]
}
tunnel_gone() {
    ! as_user "$1" python3 "$PROBE" path "$2" >/dev/null 2>&1
}

check "python3-dbusmock is installed (Debian package python3-dbusmock)" \
    python3 -c 'import dbusmock'
check_fails "nothing owns $LOGIND" logind_has_owner

cat >"$POLICY" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="$LOGIND"/>
  </policy>
  <policy context="default">
    <allow send_destination="$LOGIND"/>
  </policy>
</busconfig>
EOF
check "the bus reloads its configuration" bus_call ReloadConfig
python3 -m dbusmock --system --template logind --logfile "$MOCK_LOG" \
    </dev/null >>"$MOCK_ERR" 2>&1 &
mock_pid=$!
check "the mock owns $LOGIND on the system bus" wait_for 20 logind_has_owner
# The template's GetUser adds a number to a string and fails; logind's
# answers with the user's path.
check "the mock's GetUser answers as logind's" mock AddMethod "'org.freedesktop.login1.Manager'" \
    "'GetUser'" "'u'" "'o'" "'ret = dbus.ObjectPath(\"/org/freedesktop/login1/user/%d\" % args[0])'"
check "alice has two sessions" mock AddSession "'c1'" "'seat0'" "dbus.UInt32($alice_uid)" "'alice'" True
check "alice's second session" mock AddSession "'c2'" "'seat0'" "dbus.UInt32($alice_uid)" "'alice'" True
check "bob has one session" mock AddSession "'c3'" "'seat0'" "dbus.UInt32($bob_uid)" "'bob'" False

check "alice imports a profile" write_profile alice office
check "bob imports a profile" write_profile bob work local-address=10.67.0.1 remote-address=10.67.0.2
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
check "bob's tunnel comes up" as_user bob midwayctl up work --timeout 60

# bob, posing as logind: the helper takes logind's signals from logind only.
check "bob sends a UserRemoved for alice" as_user bob dbus-send --system --type=signal \
    /org/freedesktop/login1 org.freedesktop.login1.Manager.UserRemoved \
    uint32:"$alice_uid" objpath:"$(user_path "$alice_uid")"
# One of alice's two sessions ends: she is still logged in.  The helper
# handles signals in order, so once it has asked about her, bob's signal
# is behind it too.
check "alice's first session ends" end_session c1
check "the helper asks logind about alice" wait_for 20 asked_about_user "$alice_uid" 1
check "alice's tunnel is still up (another session, and bob's signal ignored)" \
    state_is alice office up

# Her last session: logind leaves her "closing" until her processes are
# gone; her tunnel ends now.
check "alice's last session ends" mock RemoveObject "'$(session_path c2)'"
check "alice is closing" python3 -c "
import dbus
u = dbus.SystemBus().get_object('$LOGIND', '$(user_path "$alice_uid")')
u.Set('org.freedesktop.login1.User', 'State', 'closing', dbus_interface='org.freedesktop.DBus.Properties')"
check "logind says the session is gone" mock EmitSignal "'org.freedesktop.login1.Manager'" \
    "'SessionRemoved'" "'so'" "['c2', dbus.ObjectPath('$(session_path c2)')]"
check "alice's tunnel ends" wait_for 30 tunnel_gone alice office
check "bob's tunnel is still up" state_is bob work up

# bob's user goes (UserRemoved, as logind sends it once the user is gone).
check "bob's session ends" end_session c3
check "bob's user is removed" mock EmitSignal "'org.freedesktop.login1.Manager'" "'UserRemoved'" \
    "'uo'" "[dbus.UInt32($bob_uid), dbus.ObjectPath('$(user_path "$bob_uid")')]"
check "bob's tunnel ends" wait_for 30 tunnel_gone bob work
check "no pppd or ssh is left" wait_for 20 no_client_tunnel_processes

check "the mock is still running" kill -0 "$mock_pid"
kill "$mock_pid" 2>/dev/null
echo "--- dbusmock's log"; cat "$MOCK_LOG"
finish
