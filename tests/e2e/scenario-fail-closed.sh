# shellcheck shell=bash
# Issue 4, scenario 7: fail-closed.  While a fail-closed tunnel is dropped
# and held down, traffic to its networks is blocked (unreachable routes of
# Midway's, proto 77), although those networks are reachable in the clear;
# other traffic and the ssh server itself still flow, and the tunnel
# reconnects by itself.  After a deliberate disconnect nothing is blocked.
# Without fail-closed the same drop lets the traffic out in the clear.  A
# full tunnel blocks everything but the server, IPv6 too.  A killed
# helper's block stays until the next helper starts.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"


# drop_and_hold NAME: the server stops listening and kills the tunnel's
# session, so the tunnel drops and its attempts fail until sshd is back.
drop_and_hold() {
    stop_sshd && srv pkill -KILL -f '^sshd: mwsrv' &&
        wait_for 15 state_is alice "$1" reconnecting && wait_for 5 no_ppp_interface
}
sshd_back() {
    start_sshd && wait_for 20 sshd_listens
}

blocked_routes() {
    ip route show proto "$MIDWAY_RTPROT" type unreachable
    ip -6 route show proto "$MIDWAY_RTPROT" type unreachable 2>/dev/null
}
no_blocked_routes() {
    [ -z "$(blocked_routes)" ]
}
# unreachable ADDR: the kernel has no way to ADDR (`ip route get` fails
# with "No route to host"), and ping says so.
unreachable() {
    local out
    out=$(ip route get "$1" 2>&1)
    case "$out" in *"No route to host"*|unreachable*) ;; *) echo "ip route get $1: $out"; return 1 ;; esac
    out=$(ping -c 1 -W 2 "$1" 2>&1)
    case "$out" in *"No route to host"*|*nreachable*) return 0 ;; esac
    echo "ping $1: $out"
    return 1
}
unreachable6() {
    ip -6 route get "$1" 2>&1 | grep -q "No route to host"
}
tunnel_log_has() {
    as_user alice midwayctl log "$1" | grep -qF "$2"
}

# IPv6 for the full tunnel's part: an on-link default route, so that a
# block is told from IPv6 simply being absent.
check "IPv6 is loaded" modprobe ipv6
check "the client has an IPv6 default route" ip -6 route add default dev "$MIDWAY_CLIENT_IF"
check "a third namespace sits behind the server" setup_far
# Unlike the routes scenarios, the far host also answers the client's
# uplink address: the clear path a leak would take.
check "the far host knows the way back to the uplink" \
    ip netns exec far ip route add 192.0.2.0/24 via 10.99.0.1
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
check "before any tunnel, the far host answers in the clear" ping -c 1 -W 2 "$FAR_ADDR"
routes_before=$(ip -4 route show table all)

# ------------------------------------------------ the control: it leaks
check "alice imports a plain split profile" write_profile alice plain routes=$FAR_NET
check "it comes up" as_user alice midwayctl up plain --timeout 60
ppp=$(tunnel_prop alice plain Interface)
check "the far network goes through $ppp" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the far host answers through the tunnel" ping -c 1 -W 2 "$FAR_ADDR"
check "the tunnel drops and stays down" drop_and_hold plain
check "without fail-closed the far network goes through veth0" goes_through "$FAR_ADDR" "$MIDWAY_CLIENT_IF"
check "and the far host answers in the clear (a leak)" ping -c 1 -W 2 "$FAR_ADDR"
check "Midway has no unreachable route for it" no_blocked_routes
check "midwayctl down plain" as_user alice midwayctl down plain
check "sshd listens again" sshd_back

# ------------------------------------------------ fail-closed, split
check "alice imports a fail-closed split profile" write_profile alice office \
    routes=$FAR_NET fail-closed=true
check "it comes up" as_user alice midwayctl up office --timeout 60
ppp=$(tunnel_prop alice office Interface)
check "the far network goes through $ppp" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the far host answers through $ppp" ping -c 2 -W 2 -I "$ppp" "$FAR_ADDR"
check "while up, the block waits under the tunnel's route" \
    bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^unreachable $FAR_NET metric 2147483632'"
check "the server is pinned to its path" \
    bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR dev $MIDWAY_CLIENT_IF'"
check "the tunnel log says what is blocked" \
    tunnel_log_has office "fail-closed: blocking $FAR_NET until the tunnel is up"

check "the tunnel drops and stays down" drop_and_hold office
check "the far network is unreachable" unreachable "$FAR_ADDR"
check_fails "the far host does not answer in the clear" ping -c 2 -W 2 "$FAR_ADDR"
check "an address not in the profile still answers in the clear" ping -c 1 -W 2 "$OTHER_ADDR"
check "the ssh server itself still answers" ping -c 1 -W 2 "$MIDWAY_SRV_ADDR"
blocked_routes

check "sshd listens again" sshd_back
check "the tunnel reconnects by itself" wait_for 75 state_is alice office up
ppp=$(tunnel_prop alice office Interface)
check "the far network goes through $ppp again" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the far host answers through $ppp again" ping -c 2 -W 2 -I "$ppp" "$FAR_ADDR"

check "midwayctl down succeeds" as_user alice midwayctl down office
check "after a deliberate disconnect no unreachable route is left" no_blocked_routes
check "nor any Midway route" no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check "and the far host answers in the clear again" ping -c 1 -W 2 "$FAR_ADDR"

# ------------------------------------------------ fail-closed, full tunnel
check "alice imports a fail-closed full-tunnel profile" write_profile alice full \
    full-tunnel=true fail-closed=true
check "it comes up" as_user alice midwayctl up full --timeout 60
ppp=$(tunnel_prop alice full Interface)
check "an arbitrary address goes through $ppp" wait_for 5 goes_through 198.51.100.7 "$ppp"
check "the far host answers through $ppp" ping -c 2 -W 2 "$FAR_ADDR"
check "the tunnel drops and stays down" drop_and_hold full
check "an arbitrary address is unreachable" bash -c "ip route get 198.51.100.7 2>&1 | grep -q 'No route to host'"
check "the far network is unreachable" unreachable "$FAR_ADDR"
check "so is the server's other address" unreachable "$OTHER_ADDR"
check "IPv6 is blocked too" unreachable6 2001:db8::1
check "the ssh server still answers" ping -c 1 -W 2 "$MIDWAY_SRV_ADDR"
check "through its pinned path" \
    bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR dev $MIDWAY_CLIENT_IF'"
check "the helper does not think it is offline" \
    bash -c "! as_user alice midwayctl log full | grep -q 'waiting for the network'"
blocked_routes
check "sshd listens again" sshd_back
check "the full tunnel reconnects by itself" wait_for 75 state_is alice full up
check "midwayctl down full" as_user alice midwayctl down full
check "no Midway route is left" no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check "the old default route works again" ping -c 1 -W 2 "$OTHER_ADDR"
check "IPv6 goes out through veth0 again" goes_through 2001:db8::1 "$MIDWAY_CLIENT_IF"

# ------------------------------------------------ a killed helper
check "the fail-closed tunnel comes up again" as_user alice midwayctl up office --timeout 60
check "it drops and stays down" drop_and_hold office
kill -KILL "$(helper_pid)"
check "the helper is gone" wait_for 5 bash -c '[ -z "$(pgrep -f "^/usr/libexec/midway-helper")" ]'
check "with the helper killed, the block stays" \
    bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^unreachable $FAR_NET'"
check "the far network is still unreachable" unreachable "$FAR_ADDR"
check "sshd listens again" sshd_back
check "a fresh helper is activated" dbus-send --system --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
    string:io.github.midway_vpn.Midway.Helper uint32:0
check "it removed its predecessor's block at startup" wait_for 5 no_midway_routes
check "the far host answers in the clear" ping -c 1 -W 2 "$FAR_ADDR"

# ------------------------------------------------ the uplink replaced while blocked
# The pin goes with the old uplink, and a full tunnel's block covers the
# server: its path must still be found past the block (never "offline"),
# and the server pinned again through the new uplink.
NEW_CLIENT=198.51.100.1
NEW_GATEWAY=198.51.100.2
check "the server's address is also on its loopback" srv ip addr add "$MIDWAY_SRV_ADDR/32" dev lo
check "the far host knows the way back to the new uplink" \
    ip netns exec far ip route add 198.51.100.0/24 via 10.99.0.1
check "the full tunnel comes up again" as_user alice midwayctl up full --timeout 60
check "it drops and stays down" drop_and_hold full
check "a second uplink appears" bash -c "ip link add veth2 type veth peer name veth3 netns srv &&
    ip addr add $NEW_CLIENT/24 dev veth2 && ip link set veth2 up &&
    ip netns exec srv ip addr add $NEW_GATEWAY/24 dev veth3 && ip netns exec srv ip link set veth3 up &&
    ip route add default via $NEW_GATEWAY dev veth2 metric 10"
check "the old uplink goes away" ip link del "$MIDWAY_CLIENT_IF"
# Whether the network watch or the next retry gets there first (a loaded
# machine decides), the server's path is found past the block and pinned.
check "the helper finds the server's new path past the block and pins it" wait_for 10 \
    bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR via $NEW_GATEWAY dev veth2'"
check_fails "the helper never thought it was offline" tunnel_log_has full "waiting for the network"
check "the far network is still unreachable" unreachable "$FAR_ADDR"
check "sshd listens again" sshd_back
check "the full tunnel reconnects over the new uplink" wait_for 75 state_is alice full up
check "the far host answers through the tunnel" ping -c 2 -W 2 "$FAR_ADDR"
as_user alice midwayctl log full
check "midwayctl down full" as_user alice midwayctl down full
check "no Midway route is left" no_midway_routes
check "the far host answers in the clear over the new uplink" ping -c 1 -W 2 "$FAR_ADDR"
midway_routes
dump_state
finish
