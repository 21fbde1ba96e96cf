# Smoke test of the UML harness (run by tests/uml/midway-uml-run): the
# classic PPP-over-SSH command line works on the guest's real kernel PPP
# stack, the server accounts behave as documented, and polkitd is activated
# on the guest's system bus with the Midway actions and the test rules.
# shellcheck shell=bash disable=SC2317 # functions run through check/wait_for
set -u
# shellcheck source-path=SCRIPTDIR source=../uml/lib.sh
. "$MIDWAY_UML_LIB"

srv_addr=$MIDWAY_SRV_ADDR
kh=$MIDWAY_SRV_KNOWN_HOSTS
wrong_kh=/tmp/smoke-wrong-known-hosts
printf '%s %s\n' "$srv_addr" "$MIDWAY_WRONG_HOST_KEY" >"$wrong_kh"
chmod 0644 "$wrong_kh"

# ssh_as USER KNOWN_HOSTS ARGS...: non-interactive ssh as USER.
ssh_as() {
    local user=$1 known=$2
    shift 2
    as_user "$user" ssh -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$known" -o ConnectTimeout=20 "$@"
}

# ------------------------------------------------------------ server side
check "alice logs in to mwsrv with her key" \
    ssh_as alice "$kh" "mwsrv@$srv_addr" true
check_fails "a wrong host key is refused" \
    ssh_as alice "$wrong_kh" "mwsrv@$srv_addr" true
check_fails "alice's id_refused key is refused" \
    ssh_as alice "$kh" -o IdentitiesOnly=yes -i /home/alice/.ssh/id_refused "mwsrv@$srv_addr" true
check "mwsrv may run pppd with sudo -n" \
    ssh_as alice "$kh" "mwsrv@$srv_addr" sudo -n -l /usr/sbin/pppd
check_fails "mwsudopw may not run pppd with sudo -n" \
    ssh_as alice "$kh" "mwsudopw@$srv_addr" sudo -n -l /usr/sbin/pppd

# --------------------------------------------- PPP over SSH, by hand
ppp_has_addr() {
    ip -4 addr show dev ppp0 2>/dev/null | grep -q 'inet 10\.66\.0\.1 '
}
no_ppp0() {
    ! ip link show dev ppp0 >/dev/null 2>&1
}
srv_no_ppp0() {
    ! srv ip link show dev ppp0 >/dev/null 2>&1
}
pppd_gone() {
    ! kill -0 "$pppd_pid" 2>/dev/null
}

t0=${EPOCHREALTIME%[.,]*}
/usr/sbin/pppd nodetach noauth local nocrtscts silent 10.66.0.1:10.66.0.2 \
    pty "runuser -u alice -- ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$kh mwsrv@$srv_addr sudo -n pppd nodetach notty noauth" \
    >"$MIDWAY_LOG_DIR/smoke-pppd.log" 2>&1 &
pppd_pid=$!
if check "ppp0 gets 10.66.0.1 within 45 s" wait_for 45 ppp_has_addr; then
    echo "smoke: PPP link up after $(( ${EPOCHREALTIME%[.,]*} - t0 )) s"
    check "ping 10.66.0.2 through the PPP link" ping -c 3 -W 5 10.66.0.2
    check "the server's ppp0 has 10.66.0.2" \
        sh -c "ip netns exec srv ip -4 addr show dev ppp0 | grep -q 'inet 10\.66\.0\.2 '"
fi
kill "$pppd_pid" 2>/dev/null
check "pppd exits on SIGTERM" wait_for 15 pppd_gone
check "ppp0 is gone" wait_for 10 no_ppp0
check "the server's ppp0 is gone" wait_for 15 srv_no_ppp0

# ------------------------------------------------------------ polkit
polkitd_is_real() {
    local pid
    pid=$(dbus-send --system --print-reply --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
        string:org.freedesktop.PolicyKit1 | awk '/uint32/ { print $2 }')
    [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe")" = /usr/lib/polkit-1/polkitd ]
}
# pkcheck on the caller's own process: `exec` makes $$ pkcheck itself.
pk_as() { # USER ACTION
    # shellcheck disable=SC2016 # $1 and $$ belong to the inner shell
    as_user "$1" sh -c 'exec pkcheck --action-id "$1" --process $$' sh "$2"
}
check "the real polkitd owns org.freedesktop.PolicyKit1" polkitd_is_real
check "polkit knows the Midway connect action (policy installed)" \
    pkaction --action-id io.github.midway_vpn.Midway.connect
check "the helper's D-Bus activation file is installed" \
    test -f /usr/share/dbus-1/system-services/io.github.midway_vpn.Midway.Helper.service
check "connect is authorised for alice" pk_as alice io.github.midway_vpn.Midway.connect
check "manage-own-tunnel is authorised for bob" pk_as bob io.github.midway_vpn.Midway.manage-own-tunnel
check_fails "connect is not authorised for mallory" pk_as mallory io.github.midway_vpn.Midway.connect
check_fails "manage-other-tunnels is not authorised for alice" \
    pk_as alice io.github.midway_vpn.Midway.manage-other-tunnels

finish
