# shellcheck shell=bash
# Issue 4, network changes.  The client's uplink is replaced by another link
# on another subnet: the tunnel reconnects at once over the new path rather
# than after its LCP echoes time out (30 s x 3 here).  Then the uplink goes
# away entirely: the tunnel waits without trying, and comes up as soon as
# a route to the server is back.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

interval=30
failures=3
NEW_CLIENT=198.51.100.1
NEW_GATEWAY=198.51.100.2

# The profile the checks below look at.
profile=office

# new_uplink CLIENT_IF SERVER_IF [CLIENT GATEWAY METRIC]: another veth pair,
# another subnet, and a default route through the server's end of it.
new_uplink() {
    local client=${3:-$NEW_CLIENT} gateway=${4:-$NEW_GATEWAY} metric=${5:-0}
    ip link add "$1" type veth peer name "$2" netns srv &&
    ip addr add "$client/24" dev "$1" &&
    ip link set "$1" up &&
    srv ip addr add "$gateway/24" dev "$2" &&
    srv ip link set "$2" up &&
    ip route add default via "$gateway" dev "$1" metric "$metric"
}

tunnel_log() {
    as_user alice midwayctl log "$profile"
}

log_has() {
    tunnel_log | grep -qF -- "$1"
}

attempts() {
    tunnel_log | grep -c 'started pppd'
}

up_with_count() {
    state_is alice "$profile" up && [ "$(tunnel_prop alice "$profile" ReconnectCount)" = "$1" ]
}

one_server_ppp() {
    [ "$(srv ip -o link show | grep -c ': ppp')" = 1 ]
}

# The server's end of a dropped link cannot know the client went away until
# its own pppd's echoes time out; meanwhile its stale ppp interface holds
# the same addresses and catches the replies to our pings.  A real server
# sorts that out by itself within a couple of minutes; here the old session
# is ended so that the new link can be pinged at once.
end_server_sessions() {
    # shellcheck disable=SC2086
    [ -n "$1" ] && kill -KILL $1 2>/dev/null
    wait_for 10 one_server_ppp
}

elapsed_since() {
    local now=${EPOCHREALTIME/./}
    echo $(( (now - $1) / 1000 ))
}

check "alice imports a profile" write_profile alice office reconnect=true \
    echo-interval=$interval echo-failures=$failures
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
as_user alice midwayctl monitor >/tmp/monitor.log 2>&1 &
monitor=$!
check "the server's path is veth0" goes_through "$MIDWAY_SRV_ADDR" "$MIDWAY_CLIENT_IF"

# ------------------------------------------------------- the uplink moves
# The server keeps its address whatever link it is reached over.
check "the server's address is also on its loopback" srv ip addr add "$MIDWAY_SRV_ADDR/32" dev lo
check "a second uplink appears, with a default route" new_uplink veth2 veth3
check "the server's path is still veth0" goes_through "$MIDWAY_SRV_ADDR" "$MIDWAY_CLIENT_IF"
sleep 2
check "a new link and a route that do not move the server's path change nothing" up_with_count 0
check_fails "nothing in the log about a path" log_has 'path to'

old_sessions=$(pgrep -f '^sshd: mwsrv' | tr '\n' ' ')
start=${EPOCHREALTIME/./}
check "the old uplink goes away" ip link del "$MIDWAY_CLIENT_IF"
check "the server's path is now veth2" goes_through "$MIDWAY_SRV_ADDR" veth2
check "the tunnel is up again over the new path within 15 s" wait_for 15 up_with_count 1
elapsed_ms=$(elapsed_since "$start")
echo "MIDWAY-FIGURE: uplink change -> tunnel up again after ${elapsed_ms} ms (echo timeout $((interval * failures)) s)"
check "that took well under echo-interval x echo-failures (${elapsed_ms} ms)" test "$elapsed_ms" -lt 15000
check "LastReason says the network changed" \
    test "$(tunnel_prop alice office LastReason)" = network-changed
check "LastMessage names the path change" \
    test "$(tunnel_prop alice office LastMessage)" = "path to $MIDWAY_SRV_ADDR changed: veth0 -> veth2 via $NEW_GATEWAY"
check "the tunnel log names the change" \
    log_has "path to $MIDWAY_SRV_ADDR changed: veth0 -> veth2 via $NEW_GATEWAY, reconnecting now"
check "the monitor saw network-changed" grep -q 'network-changed' /tmp/monitor.log
check "the server's stale session ends" end_server_sessions "$old_sessions"
iface=$(tunnel_prop alice office Interface)
check "ping crosses the new link ($iface)" ping -c 3 -W 2 -I "$iface" 10.66.0.2

# ------------------------------------------------------ no uplink at all
old_sessions=$(pgrep -f '^sshd: mwsrv' | tr '\n' ' ')
check "the uplink goes away entirely" ip link del veth2
check "there is no route to the server" bash -c "! ip route get $MIDWAY_SRV_ADDR"
check "the tunnel gives the dead link up and waits for a route" wait_for 10 \
    log_has "no route to $MIDWAY_SRV_ADDR, waiting for the network"
check "it is reconnecting" state_is alice office reconnecting
before=$(attempts)
sleep 6
after=$(attempts)
check "no attempt while there is no route ($before -> $after attempts in 6 s)" test "$before" = "$after"
check "no ssh runs" bash -c "! pgrep -x ssh"
check "still reconnecting" state_is alice office reconnecting
check "NextRetry is 0: the next attempt waits for the network" \
    test "$(tunnel_prop alice office NextRetry)" = 0

start=${EPOCHREALTIME/./}
check "an uplink comes back" new_uplink veth4 veth5
check "the tunnel comes up within 15 s" wait_for 15 up_with_count 2
elapsed_ms=$(elapsed_since "$start")
echo "MIDWAY-FIGURE: route back -> tunnel up after ${elapsed_ms} ms"
check "the log says why it tried again" \
    log_has "a route to $MIDWAY_SRV_ADDR appeared: veth4 via $NEW_GATEWAY, retrying now"
check "one attempt brought it back" test "$(attempts)" = $((after + 1))
check "the server's stale session ends" end_server_sessions "$old_sessions"
iface=$(tunnel_prop alice office Interface)
check "ping crosses the link ($iface)" ping -c 3 -W 2 -I "$iface" 10.66.0.2

kill "$monitor" 2>/dev/null
cat /tmp/monitor.log
dump_state
check "midwayctl down succeeds" as_user alice midwayctl down office

# ------------------------------------------- the same under a full tunnel
# Its own routes (0.0.0.0/1 and 128.0.0.0/1 through ppp, and the host route
# that pins the server's path) go in after the link is up: they must not
# look like a change.  When the uplink goes, the server's path falls into
# the tunnel's own routes: that is a change.
profile=home
check "alice imports a full-tunnel profile" write_profile alice "$profile" reconnect=true \
    echo-interval=$interval echo-failures=$failures full-tunnel=true
check "the full tunnel comes up" as_user alice midwayctl up "$profile" --timeout 60
ppp=$(tunnel_prop alice "$profile" Interface)
check "an arbitrary address goes through $ppp" wait_for 5 goes_through 192.0.2.99 "$ppp"
check "the server's path is pinned to veth4" bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR via $NEW_GATEWAY dev veth4'"
sleep 2
check "the tunnel's own routes changed nothing" up_with_count 0
check_fails "nothing in its log about a path" log_has 'path to'

old_sessions=$(pgrep -f '^sshd: mwsrv' | tr '\n' ' ')
check "a third uplink appears, its default route second best" \
    new_uplink veth6 veth7 203.0.113.1 203.0.113.2 100
start=${EPOCHREALTIME/./}
check "the second uplink goes away" ip link del veth4
check "the full tunnel is up again within 15 s" wait_for 15 up_with_count 1
elapsed_ms=$(elapsed_since "$start")
echo "MIDWAY-FIGURE: full tunnel, uplink change -> up again after ${elapsed_ms} ms"
check "its log names the change" log_has "path to $MIDWAY_SRV_ADDR changed: veth4 via $NEW_GATEWAY -> $ppp, reconnecting now"
check "the server's path is pinned to veth6 now" \
    wait_for 5 bash -c "ip route show proto $MIDWAY_RTPROT | grep -q '^$MIDWAY_SRV_ADDR via 203.0.113.2 dev veth6'"
check "the server's stale session ends" end_server_sessions "$old_sessions"
iface=$(tunnel_prop alice "$profile" Interface)
check "ping crosses the link ($iface)" ping -c 3 -W 2 -I "$iface" 10.66.0.2
dump_state
check "midwayctl down succeeds" as_user alice midwayctl down "$profile"
check "no Midway route is left" no_midway_routes
finish
