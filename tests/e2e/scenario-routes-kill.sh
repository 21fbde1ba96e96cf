# shellcheck shell=bash
# Issue 4, scenario 5: kill -9 of the helper with routes applied.  The
# routes through ppp die with the interface, but the host route to the
# server would stay: the next helper removes it before anything else.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

host_routes() {
    ip route show proto "$MIDWAY_RTPROT" | grep -c "^$MIDWAY_SRV_ADDR "
}

check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
routes_before=$(ip -4 route show table all)
check "alice imports a full-tunnel profile" write_profile alice office \
    full-tunnel=true routes=10.99.0.0/24
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the routes are in place" wait_for 5 bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^10.99.0.0/24 dev ppp'"
check "one host route to the server" test "$(host_routes)" -eq 1

kill -KILL "$(helper_pid)"
check "the ppp interface disappears" wait_for 5 no_ppp_interface
check "the host route to the server is left behind by the dead helper" test "$(host_routes)" -eq 1

check "a fresh helper is activated without a tunnel" dbus-send --system --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
    string:io.github.midway_vpn.Midway.Helper uint32:0
check "it runs" test -n "$(helper_pid)"
check "it removed the stale route at startup" wait_for 5 no_midway_routes
check "the IPv4 routing tables are as before" test "$(ip -4 route show table all)" = "$routes_before"

check "a new up works" as_user alice midwayctl up office --timeout 60
check "with exactly one host route to the server" wait_for 5 test "$(host_routes)" -eq 1
check "ping crosses the new link" ping -c 2 -W 2 10.66.0.2
check "midwayctl down succeeds" as_user alice midwayctl down office
check "no Midway route is left" no_midway_routes
check "the IPv4 routing tables are as before again" test "$(ip -4 route show table all)" = "$routes_before"
midway_routes
dump_state
finish
