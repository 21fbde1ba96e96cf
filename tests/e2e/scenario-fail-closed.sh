# shellcheck shell=bash
# Issue 4, scenario 7, and issue 10 (H3): fail-closed of an ordinary user's
# profile.  While alice's fail-closed tunnel is dropped and held down,
# alice's traffic to its networks is refused (a chain of Midway's,
# `-m owner`: this kernel has no nftables inet family), although those
# networks are reachable in the clear; bob's traffic and root's still flow,
# and so does alice's to the ssh server and to what is not in the profile;
# the tunnel reconnects by itself.  After a deliberate disconnect nothing
# is blocked.  Without fail-closed the same drop lets the traffic out in
# the clear.  No unreachable route (those are machine-wide) is put in for
# these profiles, which need no change-system-network.  A full tunnel
# does need it (the harness grants it to alice), and so its block is
# machine-wide: everything of everyone's but the server, IPv6 too, by
# unreachable routes.  A killed helper's block stays until the next
# helper starts.  A tunnel that gave up keeps its block for at most 60 s,
# although bob's tunnel keeps the helper running.
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
# Midway's per-user blocks: chains midway-* of the legacy iptables.
user_blocks() {
    iptables-legacy-save -t filter 2>/dev/null | grep -- 'midway-'
    ip6tables-legacy-save -t filter 2>/dev/null | grep -- 'midway-'
}
no_user_blocks() {
    [ -z "$(user_blocks)" ]
}
# reaches USER ADDR [ping options]: an echo of USER's answered.
reaches() {
    local user=$1 addr=$2
    shift 2
    as_user "$user" ping -c 1 -W 3 "$@" "$addr"
}
# refused USER ADDR [ping options]: USER's packet is not let out (IPv4:
# sendmsg: Operation not permitted; IPv6: the local reject's "Destination
# unreachable: Administratively prohibited"), which a lost answer is not.
refused() {
    local user=$1 addr=$2 out
    shift 2
    out=$(as_user "$user" ping -c 1 -W 2 "$@" "$addr" 2>&1)
    case "$out" in *"not permitted"*|*"dministratively prohibited"*) return 0 ;; esac
    echo "ping as $user $addr: $out"
    return 1
}
tunnel_log_has() {
    as_user alice midwayctl log "$1" | grep -qF "$2"
}
bob_active() {
    case "$(tunnel_prop bob bobs State 2>/dev/null)" in connecting|reconnecting) return 0 ;; esac
    return 1
}
no_offline() {
    ! as_user alice midwayctl log "$1" | grep -q 'waiting for the network'
}
# unreachable USER ADDR [ping options]: the kernel refuses USER's packet
# by a machine-wide block (an unreachable route), which a lost answer is not.
unreachable() {
    local user=$1 addr=$2 out
    shift 2
    out=$(as_user "$user" ping -c 1 -W 2 "$@" "$addr" 2>&1)
    case "$out" in *"nreachable"*|*"No route to host"*) return 0 ;; esac
    echo "ping as $user $addr: $out"
    return 1
}
has_blocked_routes() {
    [ -n "$(blocked_routes)" ]
}
ALICE_UID=$(id -u alice)

# Users' pings: ICMP datagram sockets, owned by the user who pings (the
# overlay over the host's files may lose ping's file capability).
check "every user may ping" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
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
check "alice's traffic goes through $ppp: the far host answers her" reaches alice "$FAR_ADDR"
check "while up, alice's block is in place" \
    bash -c "iptables-legacy-save -t filter | grep -- '-d $FAR_NET -j REJECT'"
check "it is hers" bash -c "iptables-legacy-save -t filter | grep -- '! --uid-owner $ALICE_UID -j RETURN'"
check "no machine-wide unreachable route" no_blocked_routes
check "the tunnel log says what is blocked, for whom" \
    tunnel_log_has office "fail-closed: blocking $FAR_NET for uid $ALICE_UID until the tunnel is up"

check "the tunnel drops and stays down" drop_and_hold office
check "alice's traffic to the far network is refused" refused alice "$FAR_ADDR"
check "bob's goes out in the clear: the far host answers him" reaches bob "$FAR_ADDR"
check "so does root's" ping -c 1 -W 3 "$FAR_ADDR"
check "alice still reaches an address not in the profile" reaches alice "$OTHER_ADDR"
check "and the ssh server itself" reaches alice "$MIDWAY_SRV_ADDR"
check "still no machine-wide unreachable route" no_blocked_routes
user_blocks

check "sshd listens again" sshd_back
check "the tunnel reconnects by itself" wait_for 75 state_is alice office up
ppp=$(tunnel_prop alice office Interface)
check "the far network goes through $ppp again" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the far host answers alice through $ppp again" reaches alice "$FAR_ADDR"

check "midwayctl down succeeds" as_user alice midwayctl down office
check "after a deliberate disconnect no block is left" no_user_blocks
check "nor any Midway route" no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check "and the far host answers alice in the clear again" reaches alice "$FAR_ADDR"

# ------------------------------------------------ fail-closed, full tunnel: machine-wide
# A full tunnel needs change-system-network, granted to alice by the
# harness: what the grant allows takes every user's network, and so does
# the block.
check "alice imports a fail-closed full-tunnel profile" write_profile alice full \
    full-tunnel=true fail-closed=true
check "it comes up" as_user alice midwayctl up full --timeout 60
ppp=$(tunnel_prop alice full Interface)
check "an arbitrary address goes through $ppp" wait_for 5 goes_through 198.51.100.7 "$ppp"
check "the far host answers alice through $ppp" reaches alice "$FAR_ADDR"
check "the block is machine-wide: unreachable routes" has_blocked_routes
check "and no per-user chain" no_user_blocks
check "the tunnel drops and stays down" drop_and_hold full
check "alice's traffic to the far network is refused" unreachable alice "$FAR_ADDR"
check "so is hers to the server's other address" unreachable alice "$OTHER_ADDR"
check "and her IPv6" unreachable alice 2001:db8::1 -6
check "bob's to the server's other address too" unreachable bob "$OTHER_ADDR"
check "and to the far host" unreachable bob "$FAR_ADDR"
check "and his IPv6" unreachable bob 2001:db8::1 -6
check "alice's ssh server still answers her" reaches alice "$MIDWAY_SRV_ADDR"
check "and bob" reaches bob "$MIDWAY_SRV_ADDR"
check "the helper does not think it is offline" no_offline full
blocked_routes
check "sshd listens again" sshd_back
check "the full tunnel reconnects by itself" wait_for 75 state_is alice full up
check "midwayctl down full" as_user alice midwayctl down full
check "no block is left" no_blocked_routes
check "no Midway route is left" no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check "alice reaches the old default route again" reaches alice "$OTHER_ADDR"
check "and bob" reaches bob "$OTHER_ADDR"
check "IPv6 goes out through veth0 again" goes_through 2001:db8::1 "$MIDWAY_CLIENT_IF"

# ------------------------------------------------ a killed helper
check "the fail-closed tunnel comes up again" as_user alice midwayctl up office --timeout 60
check "it drops and stays down" drop_and_hold office
kill -KILL "$(helper_pid)"
check "the helper is gone" wait_for 5 bash -c '[ -z "$(pgrep -f "^/usr/libexec/midway-helper")" ]'
check "with the helper killed, the block stays" \
    bash -c "iptables-legacy-save -t filter | grep -- '-d $FAR_NET -j REJECT'"
check "alice's traffic to the far network is still refused" refused alice "$FAR_ADDR"
check "bob's is not" reaches bob "$FAR_ADDR"
check "sshd listens again" sshd_back
check "a fresh helper is activated" dbus-send --system --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
    string:io.github.midway_vpn.Midway.Helper uint32:0
check "it removed its predecessor's block at startup" wait_for 5 no_user_blocks
check "the far host answers alice in the clear" reaches alice "$FAR_ADDR"

# ------------------------------------------------ given up, while bob's tunnel runs
# bob's own tunnel (no fail-closed) is up, and then keeps reconnecting
# while sshd is away: it is active throughout, and so the helper stays.
# alice's block must not stay with it.
check "bob imports a profile of his own" write_profile bob bobs \
    local-address=10.66.0.3 remote-address=10.66.0.4 reconnect=true
check "bob's tunnel comes up" as_user bob midwayctl up bobs --timeout 60
check "alice imports a fail-closed profile that does not reconnect" write_profile alice once \
    routes=$FAR_NET fail-closed=true reconnect=false
check "it comes up" as_user alice midwayctl up once --timeout 60
check "the server stops listening" stop_sshd
check "the server kills the sessions" srv pkill -KILL -f '^sshd: mwsrv'
check "alice's tunnel gives up" wait_for 20 state_is alice once failed
failed_at=$EPOCHSECONDS
check "right after, alice's traffic to the far network is refused" refused alice "$FAR_ADDR"
check "bob's is not" reaches bob "$FAR_ADDR"
check "bob's tunnel keeps trying" wait_for 20 bob_active
check "the block is lifted within 60 s of failing" wait_for 75 reaches alice "$FAR_ADDR"
check "not before about 60 s" test $((EPOCHSECONDS - failed_at)) -ge 55
check "the log says so" tunnel_log_has once "fail-closed: failed 60 s ago, block lifted"
check "no block is left" no_user_blocks
check "bob's tunnel is still active (the helper ran all along)" bob_active
check "bob stops it" as_user bob midwayctl down bobs
check "sshd listens again" sshd_back

# ------------------------------------------------ the uplink replaced while blocked
# The server's path must be found over the new uplink (never "offline"),
# and the tunnel reconnect over it, the (machine-wide) block standing
# throughout.
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
check "alice's traffic to the far network is still refused" unreachable alice "$FAR_ADDR"
check "so is bob's" unreachable bob "$FAR_ADDR"
check "the server is reached over the new uplink" wait_for 20 goes_through "$MIDWAY_SRV_ADDR" veth2
check "sshd listens again" sshd_back
check "the full tunnel reconnects over the new uplink" wait_for 75 state_is alice full up
check_fails "the helper never thought it was offline" tunnel_log_has full "waiting for the network"
check "the far host answers alice through the tunnel" reaches alice "$FAR_ADDR"
as_user alice midwayctl log full
check "midwayctl down full" as_user alice midwayctl down full
check "no block is left" no_blocked_routes
check "no Midway route is left" no_midway_routes
check "the far host answers alice in the clear over the new uplink" reaches alice "$FAR_ADDR"
midway_routes
dump_state
finish
