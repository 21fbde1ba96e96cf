# shellcheck shell=bash
# Issue 10: administrator-deployed system profiles.  Files under
# /etc/midway/profiles are listed to every user; polkit's
# connect-system-profile (here granted to alice by a rules file, as an
# administrator would; bob has no rule and gets the default, a refusal
# with no agent) lets alice start one, which then does what her own
# profile may not without change-system-network (a full tunnel), runs ssh
# as root with root's key, blocks fail-closed for every user, and
# outlives alice's session.  Files anyone but root could have written,
# and broken ones, are neither listed nor connectable.  The app's own
# connection list (app-driver) shows and connects them too.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

SYSTEM_ACTION=io.github.midway_vpn.Midway.connect-system-profile
NETWORK_ACTION=io.github.midway_vpn.Midway.change-system-network
NETWORK_GRANT=/etc/polkit-1/rules.d/60-midway-test-system-network.rules
SYSTEM_GRANT=/etc/polkit-1/rules.d/70-midway-system-profiles.rules
PROFILES=/etc/midway/profiles
KEY=/etc/midway/office.key
alice_uid=$(id -u alice)

may() { # USER ACTION: polkitd says yes to USER's own process
    as_user "$1" sh -c 'exec pkcheck --action-id "$1" --process $$' sh "$2"
}
may_not() {
    ! may "$@"
}
# system_profile FILE NAME [KEY=VALUE...]: a profile of root's, 0644.
system_profile() {
    local file=$PROFILES/$1 name=$2 kv key
    shift 2
    {
        echo "[Midway Profile]"
        echo "name=$name"
        echo "host=$MIDWAY_SRV_ADDR"
        echo "user=mwsrv"
        echo "auth=key-file"
        echo "key-file=$KEY"
        echo "host-key=$MIDWAY_SRV_HOST_KEY"
        echo "local-address=10.68.0.1"
        echo "remote-address=10.68.0.2"
        echo "echo-interval=2"
        echo "echo-failures=3"
    } >"$file"
    for kv in "$@"; do
        key=${kv%%=*}
        sed -i "/^$key=/d" "$file"
        echo "$kv" >>"$file"
    done
    chmod 0644 "$file"
}
listed() { # USER NAME
    as_user "$1" midwayctl list | grep -qx "\[system\] $2 .*"
}
not_listed() {
    ! as_user "$1" midwayctl list | grep -q "\[system\] $2 "
}
helper_said() {
    grep -qF "$1" "$MIDWAY_LOG_DIR"/*.log
}
no_tunnel() {
    ! as_user alice python3 "$PROBE" path "$1" >/dev/null 2>&1
}
drop_and_hold() {
    stop_sshd && srv pkill -KILL -f '^sshd: mwsrv' &&
        wait_for 15 state_is alice "$1" reconnecting && wait_for 5 no_ppp_interface
}
sshd_back() {
    start_sshd && wait_for 20 sshd_listens
}
blocked_routes() {
    ip route show proto "$MIDWAY_RTPROT" type unreachable
}
# unreachable USER ADDR: the kernel refuses USER's packet to ADDR itself
# (an unreachable route), which a lost answer is not.
unreachable() {
    local out
    out=$(as_user "$1" ping -c 1 -W 2 "$2" 2>&1)
    case "$out" in *"unreachable"*|*"No route to host"*) return 0 ;; esac
    echo "ping as $1 $2: $out"
    return 1
}
reaches() {
    as_user "$1" ping -c 1 -W 3 "$2"
}

check "every user may ping" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
check "a third namespace sits behind the server" setup_far
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
check "the far host knows the way back to the uplink" \
    ip netns exec far ip route add 192.0.2.0/24 via 10.99.0.1
check "and to the system profiles' link" ip netns exec far ip route add 10.68.0.0/24 via 10.99.0.1

# Nobody may change the machine's network on their own here: the harness's
# grant goes, so what a system profile may is the file's doing alone.
check "the harness's $NETWORK_ACTION grant is removed" rm "$NETWORK_GRANT"
check "polkitd no longer grants alice $NETWORK_ACTION" wait_for 20 may_not alice "$NETWORK_ACTION"

# ------------------------------------------------ the administrator's files
check "the profiles directory" install -d -m 0755 "$PROFILES"
check "the administrator makes the machine's key (root's, 0600)" \
    ssh-keygen -q -t ed25519 -N '' -C 'root@midway-uml' -f "$KEY"
check "the server accepts it" sh -c "cat $KEY.pub >>/home/mwsrv/.ssh/authorized_keys"
check "a full-tunnel system profile" system_profile office.midway Office full-tunnel=true
check "a fail-closed system profile" system_profile lab.midway Lab routes=$FAR_NET fail-closed=true

# The hostile and broken ones, each with a name of its own.
check "one of alice's" system_profile alices.midway Alices
check "owned by alice" chown alice "$PROFILES/alices.midway"
check "a group-writable one" system_profile group.midway Grouped
check "its mode" chmod 0664 "$PROFILES/group.midway"
check "a symlink to a valid profile" bash -c "cp -a $PROFILES/office.midway /etc/midway/elsewhere.midway &&
    sed -i 's/^name=.*/name=Linked/' /etc/midway/elsewhere.midway &&
    ln -s /etc/midway/elsewhere.midway $PROFILES/linked.midway"
check "a file with a bad name" system_profile 'bad name.midway' Badname
check "a broken file" sh -c "printf '[Midway Profile]\nname=Broken\nhost=\x01\n' >'$PROFILES/broken.midway'"
check "one signing in with alice's key file" system_profile alicekey.midway Alicekey \
    key-file=/etc/midway/alice.key
check "alice's key file" install -m 0600 -o alice /home/alice/.ssh/id_ed25519 /etc/midway/alice.key
hostile_names="Alices Grouped Linked Badname Broken Alicekey"

for user in alice bob; do
    check "$user sees Office listed as a system profile" listed "$user" Office
    check "$user sees Lab listed as a system profile" listed "$user" Lab
    for name in $hostile_names; do
        check "$user does not see $name" not_listed "$user" "$name"
    done
done
as_user bob midwayctl list
list_raw() {
    as_user bob gdbus call --system --dest io.github.midway_vpn.Midway.Helper \
        --object-path /io/github/midway_vpn/Midway \
        --method io.github.midway_vpn.Midway.Helper1.ListSystemProfiles
}
list_raw
check "bob's ListSystemProfiles has Office" bash -c "grep -q \"'name': <'Office'>\" <<<\"\$1\"" sh "$(list_raw)"
check_fails "it does not tell where root keeps its key" grep -q office.key <<<"$(list_raw)"
check "the helper says why it ignored alice's file" \
    helper_said "system profile $PROFILES/alices.midway ignored: is owned by uid $alice_uid, not 0"
check "and the group-writable one" \
    helper_said "system profile $PROFILES/group.midway ignored: is writable by its group or others (mode 0664)"
check "and the symlink" helper_said "system profile $PROFILES/linked.midway ignored: is a symbolic link"
check "and the bad name" helper_said "system profile $PROFILES/bad name.midway ignored: is not named NAME.midway"
check "and the one with alice's key" helper_said "system profile $PROFILES/alicekey.midway ignored: key-file:"

# ------------------------------------------------ polkit
check_fails "before any rule, alice may not $SYSTEM_ACTION (no session: auth_admin)" \
    may alice "$SYSTEM_ACTION"
out=$(as_user alice midwayctl up --system office --timeout 60 2>&1); rc=$?
echo "$out"
check "so alice's up --system is refused as not authorised (exit 4)" test "$rc" -eq 4
check "no tunnel appeared" no_tunnel Office
cat >"$SYSTEM_GRANT" <<'EOF'
// The administrator lets alice start and stop the machine's tunnels.
polkit.addRule(function(action, subject) {
    if (action.id == "io.github.midway_vpn.Midway.connect-system-profile" &&
        subject.user == "alice") {
        return polkit.Result.YES;
    }
});
EOF
chmod 0644 "$SYSTEM_GRANT"
check "polkitd grants alice $SYSTEM_ACTION" wait_for 20 may alice "$SYSTEM_ACTION"

for name in $hostile_names; do
    out=$(as_user alice midwayctl up --system "$name" --timeout 10 2>&1)
    check "alice cannot connect $name" test $? -ne 0
    check "$name: there is no such system profile" grep -qF "No system profile is called" <<<"$out"
    check "$name: no tunnel" no_tunnel "$name"
done
check "nothing was spawned for them" no_client_tunnel_processes

# ------------------------------------------------ what alice's own may not
check "alice's own full-tunnel profile" write_profile alice own-full full-tunnel=true
out=$(as_user alice midwayctl up own-full --timeout 60 2>&1); rc=$?
echo "$out"
check "is refused without $NETWORK_ACTION (exit 4)" test "$rc" -eq 4
check "naming full-tunnel" grep -qE "(^|: )full-tunnel: " <<<"$out"

# ------------------------------------------------ the system profile: no prompt
check "alice connects Office with no prompt" as_user alice midwayctl up --system office --timeout 60
check "it is up" state_is alice Office up
check "its owner is the system (0)" test "$(tunnel_prop alice Office Owner)" = 0
check "it shows as a system tunnel" test "$(tunnel_prop alice Office System)" = True
ppp=$(tunnel_prop alice Office Interface)
check "every address goes through $ppp (full tunnel)" wait_for 5 goes_through 198.51.100.7 "$ppp"
check "its ssh runs as root, with root's key" \
    bash -c "ps -o user=,args= -C ssh | grep -E '^root .*$KEY'"
bob_sees_office() {
    as_user bob midwayctl status | grep -q Office
}
check "bob sees it in midwayctl status" bob_sees_office
out=$(as_user bob midwayctl up --system office --timeout 10 2>&1); rc=$?
echo "$out"
check "bob may not start it (the default, auth_admin, exit 4)" test "$rc" -eq 4
out=$(as_user bob midwayctl down --system office 2>&1); rc=$?
echo "$out"
check "nor stop it (exit 4)" test "$rc" -eq 4
check "it is still up" state_is alice Office up
check_fails "mallory may not stop it" as_user mallory midwayctl down --system office
check "alice asking again gets the same tunnel" as_user alice midwayctl up --system office --timeout 10
check "alice stops it" as_user alice midwayctl down --system office
check "it is gone" wait_for 20 no_tunnel Office
check "no pppd or ssh is left" wait_for 20 no_client_tunnel_processes

# ------------------------------------------------ the desktop app's own code
# app-driver --system runs the app's MidwayConnectionList as alice: the
# system profiles the real helper lists (hostile files left out), Office
# connected through ConnectSystemProfile, and the machine's tunnel on
# Office's entry, the window's "System" row.
DRIVER=$MIDWAY_BUILD_ROOT/tests/e2e/app-driver
DRIVER_LOG=$MIDWAY_LOG_DIR/app-driver-system.log
DRIVER_STOP=/tmp/app-driver-system.stop
driver_said() {
    grep -qF "$1" "$DRIVER_LOG"
}
as_user alice "$DRIVER" --system --stop-file "$DRIVER_STOP" --timeout 120 Office \
    </dev/null >"$DRIVER_LOG" 2>&1 &
driver_pid=$!
check "the app lists the system profiles, and only those" \
    wait_for 30 driver_said "system profiles: Lab, Office"
check "it connects Office" wait_for 30 driver_said "connect returned /io/github/midway_vpn/Midway/Tunnel/"
check "Office's entry follows the machine's tunnel up" wait_for 60 driver_said "system profile Office: up"
check "the tunnel is the system's" test "$(tunnel_prop alice Office System)" = True
touch "$DRIVER_STOP"
wait "$driver_pid"
check "app-driver exits 0" test $? -eq 0
cat "$DRIVER_LOG"
check "alice stops it" as_user alice midwayctl down --system office
check "it is gone" wait_for 20 no_tunnel Office
check "no pppd or ssh is left" wait_for 20 no_client_tunnel_processes

# ------------------------------------------------ machine-wide fail-closed
check "alice connects Lab" as_user alice midwayctl up --system lab --timeout 60
ppp=$(tunnel_prop alice Lab Interface)
check "the far network goes through $ppp" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the far host answers bob through it" reaches bob "$FAR_ADDR"
check "the block is in place for every user: an unreachable route" \
    bash -c "ip route show proto $MIDWAY_RTPROT type unreachable | grep -q '^unreachable $FAR_NET'"
check "and no per-user chain" bash -c "! iptables-legacy-save -t filter 2>/dev/null | grep -q -- midway-"
check "the tunnel drops and stays down" drop_and_hold Lab
check "alice's traffic to the far network is refused" unreachable alice "$FAR_ADDR"
check "so is bob's" unreachable bob "$FAR_ADDR"
check "and root's" unreachable root "$FAR_ADDR"
check "the ssh server is still reached" reaches bob "$MIDWAY_SRV_ADDR"
check "other addresses are not blocked" reaches bob "$OTHER_ADDR"
check "sshd listens again" sshd_back
check "the tunnel reconnects by itself" wait_for 75 state_is alice Lab up
check "alice stops it" as_user alice midwayctl down --system lab
check "the block is gone with it" wait_for 10 bash -c "[ -z \"\$(ip route show proto $MIDWAY_RTPROT)\" ]"
check "the far host answers bob in the clear" reaches bob "$FAR_ADDR"

# ------------------------------------------------ alice's session ends
LOGIND=org.freedesktop.login1
MOCK_LOG=$MIDWAY_LOG_DIR/logind-mock.log
cat >/etc/dbus-1/system.d/$LOGIND.conf <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root"><allow own="$LOGIND"/></policy>
  <policy context="default"><allow send_destination="$LOGIND"/></policy>
</busconfig>
EOF
logind_has_owner() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:"$LOGIND" | grep -q 'boolean true'
}
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
check "the bus reloads its configuration" dbus-send --system --print-reply --dest=org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus.ReloadConfig
python3 -m dbusmock --system --template logind --logfile "$MOCK_LOG" \
    </dev/null >>"$MIDWAY_LOG_DIR/logind-mock.err" 2>&1 &
mock_pid=$!
check "a python3-dbusmock logind owns $LOGIND" wait_for 20 logind_has_owner
check "alice has a session" mock AddSession "'c1'" "'seat0'" "dbus.UInt32($alice_uid)" "'alice'" True
check "alice's own profile" write_profile alice mine
check "alice's own tunnel comes up" as_user alice midwayctl up mine --timeout 60
check "alice connects Lab again" as_user alice midwayctl up --system lab --timeout 60
check "alice's session ends" mock RemoveObject "'/org/freedesktop/login1/session/c1'"
check "logind says so" mock EmitSignal "'org.freedesktop.login1.Manager'" "'SessionRemoved'" "'so'" \
    "['c1', dbus.ObjectPath('/org/freedesktop/login1/session/c1')]"
check "alice's user is removed" mock EmitSignal "'org.freedesktop.login1.Manager'" "'UserRemoved'" \
    "'uo'" "[dbus.UInt32($alice_uid), dbus.ObjectPath('/org/freedesktop/login1/user/$alice_uid')]"
check "alice's own tunnel ends" wait_for 30 no_tunnel mine
check "the system profile's tunnel is still up" state_is bob Lab up
check "bob reaches the far host through it" reaches bob "$FAR_ADDR"
kill "$mock_pid" 2>/dev/null
check "alice stops Lab" as_user alice midwayctl down --system lab
check "no pppd or ssh is left" wait_for 20 no_client_tunnel_processes

# ------------------------------------------------ at boot
# The guest has no systemd as PID 1: the installed boot unit's own
# ExecStart and ExecStop, for the instance Office, run as root as systemd
# would run them (systemd-analyze verifies the unit in the unit suite).
UNIT=/usr/lib/systemd/system/midway-connect@.service
unit_command() { # KEY: the unit's KEY= line for the instance Office, as words
    sed -n "s/^$1=//p" "$UNIT" | sed 's/%I/Office/g'
}
check "the boot unit is installed" test -f "$UNIT"
read -r -a boot_start <<<"$(unit_command ExecStart)"
read -r -a boot_stop <<<"$(unit_command ExecStop)"
check "its ExecStart connects Office as root" env -i PATH=/usr/bin:/bin "${boot_start[@]}"
check "Office is up" state_is alice Office up
check "a system tunnel" test "$(tunnel_prop alice Office System)" = True
check "its ExecStop disconnects it" env -i PATH=/usr/bin:/bin "${boot_stop[@]}"
check "it is gone" wait_for 20 no_tunnel Office
check "no pppd or ssh is left at the end" wait_for 20 no_client_tunnel_processes
dump_state
finish
