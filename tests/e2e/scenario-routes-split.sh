# shellcheck shell=bash
# Issue 4, scenario 1: split routes.  A host behind the server is reached
# through the tunnel; an address not in the list does not go into it; the
# routes are Midway's (proto 77) and gone after down.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

check "a third namespace sits behind the server" setup_far
# The client's ordinary uplink: everything not in the profile's list goes
# to the server's veth address in the clear.
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
check "the server reaches the far host" srv ping -c 1 -W 2 "$FAR_ADDR"
check "the server's other address is reachable in the clear" ping -c 1 -W 2 "$OTHER_ADDR"
check_fails "before up, the far network is not reachable" ping -c 1 -W 2 "$FAR_ADDR"
routes_before=$(ip -4 route show table all)

# A long echo interval: LCP echoes would count as packets on ppp0.
check "alice imports a split profile" write_profile alice office \
    routes=$FAR_NET echo-interval=60
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
ppp=$(tunnel_prop alice office Interface)
check "the tunnel has an interface ($ppp)" test -n "$ppp"
check "the far network is routed through $ppp" wait_for 5 goes_through "$FAR_ADDR" "$ppp"
check "the route is marked as Midway's" bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$FAR_NET dev $ppp'"
check "the far host answers through the tunnel" ping -c 2 -W 2 "$FAR_ADDR"

tx_before=$(ppp_tx_packets "$ppp")
check "an address not in the list goes through veth0" goes_through "$OTHER_ADDR" "$MIDWAY_CLIENT_IF"
check "it is reachable in the clear" ping -c 3 -W 2 "$OTHER_ADDR"
tx_after=$(ppp_tx_packets "$ppp")
# Fewer than the 3 pings: the kernel may send a stray packet of its own.
check "and none of it went into $ppp ($tx_before -> $tx_after packets)" test $((tx_after - tx_before)) -lt 3
check "the ssh server itself does not go into the tunnel" goes_through "$MIDWAY_SRV_ADDR" "$MIDWAY_CLIENT_IF"

check "midwayctl down succeeds" as_user alice midwayctl down office
check "no Midway route is left" no_midway_routes
check "the routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check_fails "the far network is unreachable again" ping -c 1 -W 2 "$FAR_ADDR"
midway_routes
dump_state
finish
