# shellcheck shell=bash
# Issue 4, scenario 2: full tunnel.  Everything but the ssh server goes
# through ppp (0.0.0.0/1 and 128.0.0.0/1, which win over the default route
# without replacing it), the ssh server still answers through its old path,
# and the routing table is as before after down.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

check "a third namespace sits behind the server" setup_far
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
routes_before=$(ip -4 route show table all)
check "an arbitrary address goes through veth0 before" goes_through 198.51.100.7 "$MIDWAY_CLIENT_IF"

check "alice imports a full-tunnel profile" write_profile alice office full-tunnel=true
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
ppp=$(tunnel_prop alice office Interface)
check "the tunnel has an interface ($ppp)" test -n "$ppp"
check "an arbitrary address goes through $ppp" wait_for 5 goes_through 198.51.100.7 "$ppp"
check "so does the far network" goes_through "$FAR_ADDR" "$ppp"
check "the far host answers through the tunnel" ping -c 2 -W 2 "$FAR_ADDR"
check "the ssh server keeps its path through veth0" goes_through "$MIDWAY_SRV_ADDR" "$MIDWAY_CLIENT_IF"
check "through a host route of Midway's" bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR dev $MIDWAY_CLIENT_IF'"
check "the ssh server still answers a new ssh connection" as_user alice ssh -o BatchMode=yes \
    -o UserKnownHostsFile="$MIDWAY_SRV_KNOWN_HOSTS" mwsrv@"$MIDWAY_SRV_ADDR" true
check "the old default route is untouched" bash -c "ip route show default | grep -q 'via $MIDWAY_SRV_ADDR dev $MIDWAY_CLIENT_IF'"
check "the tunnel stays up" state_is alice office up

check "midwayctl down succeeds" as_user alice midwayctl down office
check "no Midway route is left" no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"
check "an arbitrary address goes through veth0 again" goes_through 198.51.100.7 "$MIDWAY_CLIENT_IF"
midway_routes
dump_state
finish
