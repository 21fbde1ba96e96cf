# shellcheck shell=bash
# Issue 10: what the peer may negotiate.  A server that gives the client
# its own uplink address or another LAN host's, that takes the ssh
# server's own address as its end of the link, or that leaves a profile's
# DNS server outside the tunnel: each attempt fails at once with its own
# reason, is not retried, and leaves the uplink, the routes and
# resolv.conf as they were.  The checks the profile alone can make are
# made at import.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

LAN_HOST=192.0.2.77   # on the client's uplink network, not in use
# A second address of the client's uplink: a server that took the first
# one as its peer's address would cut its own end of the ssh session.
UPLINK_ADDR=192.0.2.9
check "the client's uplink gets a second address" \
    ip addr add "$UPLINK_ADDR/24" dev "$MIDWAY_CLIENT_IF"

routes_before=$(ip -4 route show)
cp -a /etc/resolv.conf /run/resolv.conf.before

uplink_intact() {
    ip -4 addr show dev "$MIDWAY_CLIENT_IF" | grep -q "inet $MIDWAY_CLIENT_ADDR/" &&
        ip -4 addr show dev "$MIDWAY_CLIENT_IF" | grep -q "inet $UPLINK_ADDR/" &&
        [ "$(ip -4 route show)" = "$routes_before" ] &&
        ping -c 1 -W 2 "$MIDWAY_SRV_ADDR" >/dev/null
}

# refused PROFILE REASON LOG-NEEDLE: the attempt fails with REASON, is not
# retried, and nothing is left.
refused() {
    local name=$1 want=$2 needle=$3 rc=0 out path
    out=$(as_user alice midwayctl up "$name" --timeout 60 2>&1) || rc=$?
    echo "$out"
    check "$name: midwayctl up exits 5 (the tunnel failed)" test "$rc" -eq 5
    check "$name: the reason is $want" test "$(tunnel_prop alice "$name" LastReason)" = "$want"
    check "$name: the state is failed, not reconnecting" state_is alice "$name" failed
    check "$name: it was not retried" test "$(tunnel_prop alice "$name" ReconnectCount)" = 0
    check "$name: midwayctl names the reason in words" grep -qiF "$4" <<<"$out"
    check "$name: no pppd or ssh is left" wait_for 10 no_client_tunnel_processes
    check "$name: no interface is left" wait_for 10 no_ppp_interface
    check "$name: the uplink, its routes and the server are as before" wait_for 10 uplink_intact
    path=$(as_user alice python3 "$PROBE" path "$name")
    out=$(as_user alice python3 "$PROBE" call "$path" GetLog)
    check "$name: the log says why ($needle)" grep -qF "$needle" <<<"$out"
    check "$name: midwayctl down dismisses the failed tunnel" as_user alice midwayctl down "$name"
}

# 1. The peer gives the client its own uplink address, then another LAN
# host's (the server's pppd is told "its:ours" on its command line; the
# profile leaves the local address to negotiation).
check "profile whose peer assigns the client's uplink address" \
    write_profile alice uplink local-address= remote-address= \
    "remote-command=sudo -n pppd 10.66.0.2:$UPLINK_ADDR"
check "profile whose peer assigns another LAN host's address" \
    write_profile alice lanhost local-address= remote-address= \
    "remote-command=sudo -n pppd 10.66.0.2:$LAN_HOST"
refused uplink address-in-use "$UPLINK_ADDR is this machine's address on $MIDWAY_CLIENT_IF" \
    "already in use"
refused lanhost address-in-use "$LAN_HOST is on $MIDWAY_CLIENT_IF's network" "already in use"

# 2. The peer's end of the link is the ssh server's own address: its
# route would capture the ssh session.  Named in the profile, the import
# refuses it; negotiated, the attempt does.
check_fails "a profile whose remote-address is the server's is refused at import" \
    write_profile alice self-remote remote-address="$MIDWAY_SRV_ADDR"
check "profile whose peer takes the server's address" \
    write_profile alice self-peer remote-address= \
    "remote-command=sudo -n pppd $MIDWAY_SRV_ADDR:10.66.0.1"
refused self-peer peer-is-server "the peer's address $MIDWAY_SRV_ADDR is the SSH server's own" \
    "SSH server"

# 3. DNS servers outside the tunnel: named against a named peer address,
# the import refuses; against a negotiated one, the attempt does, and
# resolv.conf never sees the server.
check_fails "a profile with a DNS server outside the tunnel is refused at import" \
    write_profile alice leak dns-servers=192.0.2.53
check_fails "so is one with the ssh server as DNS server, full tunnel or not" \
    write_profile alice leak-server full-tunnel=true dns-servers="$MIDWAY_SRV_ADDR"
check "a profile with a DNS server and a negotiated peer address" \
    write_profile alice leak-late remote-address= dns-servers=10.66.0.9 \
    "remote-command=sudo -n pppd 10.66.0.2:"
refused leak-late dns-outside-tunnel "DNS server 10.66.0.9 is not reached through the tunnel (peer 10.66.0.2)" \
    "DNS server"
check "resolv.conf is byte for byte what it was" cmp -s /etc/resolv.conf /run/resolv.conf.before

# The same profiles with what they should have: all come up.
check "a negotiated peer that is the DNS server is fine" \
    write_profile alice dns-ok remote-address= dns-servers=10.66.0.2 \
    "remote-command=sudo -n pppd 10.66.0.2:"
check "it comes up" as_user alice midwayctl up dns-ok --timeout 60
check "resolv.conf gets its server" wait_for 10 grep -q "^nameserver 10.66.0.2\$" /etc/resolv.conf
check "it goes down" as_user alice midwayctl down dns-ok
check "a negotiated address off the LAN is fine" \
    write_profile alice free local-address= remote-address= \
    "remote-command=sudo -n pppd 10.66.0.2:10.66.0.7"
check "it comes up" as_user alice midwayctl up free --timeout 60
check "with the address the peer gave" test "$(tunnel_prop alice free LocalAddress)" = 10.66.0.7
check "it goes down" as_user alice midwayctl down free

dump_state
finish
