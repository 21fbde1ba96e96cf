# shellcheck shell=bash
# Issue 4, scenario 3: DNS.  A resolver reachable only through the tunnel
# (dnsmasq on the server's end of the link) answers a name no other resolver
# knows while the tunnel is up, first from the profile's own dns-servers,
# then from the servers the peer offers (peer-dns), then as the only
# servers of a full tunnel; after each down,
# /etc/resolv.conf is byte for byte what it was.  The guest has no
# systemd-resolved, so this is the resolvconf path (openresolv).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

NAME=vpnonly.midway.test
NAME_ADDR=10.77.0.7
TUNNEL_DNS=10.66.0.2     # the server's end of the link (write_profile)
IP_UP_ENV=/run/midway-test-ip-up.env

resolves() {
    [ "$(getent hosts "$1" | awk '{ print $1 }')" = "$NAME_ADDR" ]
}

dnsmasq_bin=$(command -v dnsmasq || true)
check "dnsmasq is installed (Debian package dnsmasq-base)" test -n "$dnsmasq_bin"
check "resolvconf is installed (Debian package openresolv)" test -x /sbin/resolvconf

# What the machine had before: its uplink's resolver, given to resolvconf
# the way a DHCP client does.  The server's veth address has nothing on
# port 53, so lookups through it fail at once (ICMP port unreachable).
check "the uplink's resolver goes in through resolvconf" \
    bash -c "printf 'nameserver %s\n' '$MIDWAY_SRV_ADDR' | resolvconf -a $MIDWAY_CLIENT_IF.dhcp"
check "resolv.conf names it" grep -q "^nameserver $MIDWAY_SRV_ADDR\$" /etc/resolv.conf
cp -a /etc/resolv.conf /run/resolv.conf.before

# The tunnel's resolver: dnsmasq on the server's end of the link, started
# by each part once that address exists and stopped with its tunnel.
# (--bind-dynamic, which waits for the address, now and then never bound
# it on a loaded machine, and every lookup of a run failed.)
dns_up() {
    srv "$dnsmasq_bin" --conf-file=/dev/null --no-resolv --no-hosts \
        --bind-interfaces --listen-address="$TUNNEL_DNS" --user=root --group=root \
        --pid-file=/run/midway-test-dnsmasq.pid --log-queries --log-facility=/run/midway-test-dnsmasq.log \
        --host-record="$NAME,$NAME_ADDR" &&
        wait_for 10 bash -c "ip netns exec srv ss -Hlun | grep -qF '$TUNNEL_DNS:53'"
}
dns_down() {
    kill "$(cat /run/midway-test-dnsmasq.pid)" 2>/dev/null
    rm -f /run/midway-test-dnsmasq.pid
}
check_fails "before up, no resolver knows $NAME" resolves "$NAME"

# Part 1: the profile's own servers and search domain.
check "alice imports a profile with DNS settings" write_profile alice office \
    dns-servers="$TUNNEL_DNS" dns-search=midway.test
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the tunnel's resolver listens" dns_up
check "resolv.conf gets the tunnel's server" \
    wait_for 10 grep -q "^nameserver $TUNNEL_DNS\$" /etc/resolv.conf
check "and its search domain" grep -q "^search.*midway.test" /etc/resolv.conf
check "$NAME resolves through the tunnel" wait_for 15 resolves "$NAME"
check "the search domain completes a short name" resolves vpnonly
check "the answer came from the server's dnsmasq" grep -q "query.*$NAME" /run/midway-test-dnsmasq.log
check "midwayctl down succeeds" as_user alice midwayctl down office
check "resolv.conf is byte for byte what it was" \
    wait_for 10 cmp -s /etc/resolv.conf /run/resolv.conf.before
check_fails "$NAME no longer resolves" resolves "$NAME"
dns_down

# Part 2: the peer's servers (pppd usepeerdns, the server's pppd offers
# ms-dns).  An ip-up.d script records what pppd's scripts see: the plugin
# must have hidden the servers from them (Debian's 0000usepeerdns would
# otherwise merge them into /etc/resolv.conf itself).
cat >/etc/ppp/ip-up.d/zz-midway-test <<EOF
#!/bin/sh
# Only the client's pppd has an ipparam.
[ -n "\$6" ] || exit 0
env >$IP_UP_ENV
EOF
chmod 0755 /etc/ppp/ip-up.d/zz-midway-test
check "alice imports a peer-dns profile" write_profile alice peer \
    peer-dns=true "remote-command=sudo -n pppd ms-dns $TUNNEL_DNS"
check "the tunnel comes up" as_user alice midwayctl up peer --timeout 60
check "the tunnel's resolver listens" dns_up
check "resolv.conf gets the server the peer offered" \
    wait_for 10 grep -q "^nameserver $TUNNEL_DNS\$" /etc/resolv.conf
check "$NAME resolves through the tunnel" wait_for 15 resolves "$NAME"
check "the client's ip-up scripts ran" wait_for 10 test -s "$IP_UP_ENV"
check_fails "they did not see USEPEERDNS" grep -q '^USEPEERDNS=' "$IP_UP_ENV"
check_fails "nor the servers" grep -q '^DNS1=' "$IP_UP_ENV"
check "midwayctl down succeeds" as_user alice midwayctl down peer
check "resolv.conf is byte for byte what it was" \
    wait_for 10 cmp -s /etc/resolv.conf /run/resolv.conf.before
check_fails "$NAME no longer resolves" resolves "$NAME"
dns_down

# Part 3: a full tunnel's servers are the only ones (openresolv's
# exclusive mark): the uplink's resolver would be asked in the clear.
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
check "alice imports a full-tunnel profile with DNS" write_profile alice full \
    full-tunnel=true dns-servers="$TUNNEL_DNS"
check "the tunnel comes up" as_user alice midwayctl up full --timeout 60
check "the tunnel's resolver listens" dns_up
check "resolv.conf gets the tunnel's server" \
    wait_for 10 grep -q "^nameserver $TUNNEL_DNS\$" /etc/resolv.conf
check_fails "and only that one" grep -q "^nameserver $MIDWAY_SRV_ADDR\$" /etc/resolv.conf
check "$NAME resolves through the tunnel" wait_for 15 resolves "$NAME"
check "midwayctl down succeeds" as_user alice midwayctl down full
check "resolv.conf is byte for byte what it was" \
    wait_for 10 cmp -s /etc/resolv.conf /run/resolv.conf.before
dns_down

# Part 4: two tunnels in turn on ppp0 keep their own records.  The
# first one's `resolvconf -d` is held back until the second is up on the
# same interface name, as a slow resolvconf on a loaded machine would
# do; once it runs, the second tunnel's server must still be there.
ip route del default via "$MIDWAY_SRV_ADDR"
mv /usr/sbin/resolvconf /usr/sbin/resolvconf.real
cat >/usr/sbin/resolvconf <<'WRAPPER'
#!/bin/sh
if [ "$1" = -d ] && [ -e /run/midway-test-hold ]; then
    echo "$2" >/run/midway-test-held
    while [ -e /run/midway-test-hold ]; do sleep 0.1; done
    /usr/sbin/resolvconf.real "$@"
    rc=$?
    echo "$rc" >/run/midway-test-released
    exit "$rc"
fi
exec /usr/sbin/resolvconf.real "$@"
WRAPPER
chmod 0755 /usr/sbin/resolvconf
SECOND_DNS=10.66.0.6
check "alice imports a first profile with DNS" write_profile alice first \
    dns-servers="$TUNNEL_DNS"
check "and a second one, other addresses and server" write_profile alice second \
    local-address=10.66.0.5 remote-address="$SECOND_DNS" dns-servers="$SECOND_DNS"
check "the first tunnel comes up" as_user alice midwayctl up first --timeout 60
check "on ppp0" test "$(tunnel_prop alice first Interface)" = ppp0
check "resolv.conf gets the first tunnel's server" \
    wait_for 10 grep -q "^nameserver $TUNNEL_DNS\$" /etc/resolv.conf
touch /run/midway-test-hold
check "the first tunnel goes down" as_user alice midwayctl down first
check "its resolvconf -d is held back" wait_for 10 test -s /run/midway-test-held
check "ppp0 is gone" wait_for 10 no_ppp_interface
check "the second tunnel comes up" as_user alice midwayctl up second --timeout 60
check "on ppp0 again" test "$(tunnel_prop alice second Interface)" = ppp0
check "resolv.conf gets the second tunnel's server" \
    wait_for 10 grep -q "^nameserver $SECOND_DNS\$" /etc/resolv.conf
rm -f /run/midway-test-hold
check "the first tunnel's late resolvconf -d ran" wait_for 10 test -s /run/midway-test-released
check "it succeeded (record $(cat /run/midway-test-held))" \
    test "$(cat /run/midway-test-released)" = 0
check "the second tunnel's server is still in resolv.conf" \
    grep -q "^nameserver $SECOND_DNS\$" /etc/resolv.conf
check "the second tunnel goes down" as_user alice midwayctl down second
check "resolv.conf is byte for byte what it was" \
    wait_for 10 cmp -s /etc/resolv.conf /run/resolv.conf.before
mv /usr/sbin/resolvconf.real /usr/sbin/resolvconf

echo "--- dnsmasq"; cat /run/midway-test-dnsmasq.log 2>/dev/null
echo "--- resolv.conf"; cat /etc/resolv.conf
echo "--- ip-up environment"; cat "$IP_UP_ENV" 2>/dev/null
dump_state
finish
