# shellcheck shell=bash
# Issue 4, scenario 4: IPv6.  With ipv6=true both pppds run IPv6CP, the
# link gets its link-local addresses, ping6 crosses it, and the profile's
# IPv6 networks are routed through it (proto 77) until down.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

modprobe ipv6 2>/dev/null
# The peer's link-local address, as pppd configured it ("peer fe80::…").
peer_ll() {
    ip -6 addr show dev "$1" scope link 2>/dev/null | sed -n 's/.* peer \(fe80::[0-9a-f:]*\).*/\1/p' | head -n 1
}
srv_ppp() {
    srv ip -o link show | sed -n 's/^[0-9]*: \(ppp[0-9]*\).*/\1/p' | head -n 1
}

check "the client has an IPv6 source address" ip -6 addr add fd00:98::1/128 dev lo
check "the server has an address in the tunnelled network" srv ip -6 addr add fd00:99::2/128 dev lo
check "alice imports an IPv6 profile" write_profile alice office ipv6=true routes=10.99.0.0/24,fd00:99::/64
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
ppp=$(tunnel_prop alice office Interface)
check "IPv6CP configures the link-local addresses" wait_for 10 bash -c "ip -6 addr show dev $ppp scope link | grep -q peer"
peer=$(peer_ll "$ppp")
check "ping6 crosses the link ($peer%$ppp)" ping -6 -c 2 -W 2 "$peer%$ppp"
check "the IPv6 network is routed through $ppp" wait_for 5 bash -c \
    "ip -6 route show proto $MIDWAY_RTPROT | grep -q '^fd00:99::/64 dev $ppp'"
check "and the IPv4 one too" bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^10.99.0.0/24 dev $ppp'"
sppp=$(srv_ppp)
check "the server routes the client's address back through its $sppp" \
    srv ip -6 route add fd00:98::1/128 dev "$sppp"
check "an address in the IPv6 network answers through the tunnel" \
    ping -6 -c 2 -W 2 -I fd00:98::1 fd00:99::2
check "midwayctl down succeeds" as_user alice midwayctl down office
check "no Midway route is left" no_midway_routes
check_fails "the IPv6 network is unreachable again" ping -6 -c 1 -W 2 -I fd00:98::1 fd00:99::2
midway_routes
dump_state
finish
