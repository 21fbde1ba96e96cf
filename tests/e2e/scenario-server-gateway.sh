# shellcheck shell=bash
# Issue 11, scenario 2: `midwayctl server setup --gateway` for a full
# tunnel.  The client reaches an "internet" host beyond the server that
# knows no way back to the tunnel: the server forwards, masquerades to its
# uplink and clamps the MSS (iptables-legacy in this guest).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

check "a LAN and an internet host sit behind the server" setup_server_networks
check "alice has a server account with sudo and nothing else" make_server_account srvalice alice
check "alice makes her VPN key" make_vpn_key alice
check "alice imports a full-tunnel profile" server_profile alice full srvalice full-tunnel=true
etc_before=$(etc_state)

out=$(server_cmd alice setup full --gateway 2>&1); rc=$?
echo "$out"
check "setup --gateway succeeds" test "$rc" -eq 0
pair=$(sed -n 's/^Address pair: \([0-9.]*\) on the server, \([0-9.]*\) for this client.*/\1 \2/p' <<<"$out")
client=${pair#* }
check "it reports the address pair ($pair)" test -n "$pair"
check "the server forwards" test "$(srv_forwarding)" = 1
check "alice's traffic is masqueraded where it leaves other than by ppp" \
    bash -c "ip netns exec srv iptables-legacy -t nat -S MIDWAY-POSTROUTING | grep -q -- '-s $client/32 ! -o ppp+ -j MASQUERADE'"
check "the MSS is clamped both ways" \
    test "$(ip netns exec srv iptables-legacy -t mangle -S MIDWAY-FORWARD | grep -c 'TCPMSS --clamp-mss-to-pmtu')" -eq 2
check "the rules come back at boot through a unit" \
    bash -c "test -L /etc/systemd/system/multi-user.target.wants/midway-firewall.service && grep -q '^ExecStart=/bin/sh /etc/midway/firewall start' /etc/systemd/system/midway-firewall.service"
# What the unit runs at boot, run here: the same rules, not twice.
rules=$(ip netns exec srv iptables-legacy -t nat -S; ip netns exec srv iptables-legacy -t mangle -S)
check "the boot script reloads the rules" srv sh /etc/midway/firewall start
check "to the same rules" test "$(ip netns exec srv iptables-legacy -t nat -S; ip netns exec srv iptables-legacy -t mangle -S)" = "$rules"

check "the full tunnel comes up" as_user alice midwayctl up full --timeout 60
ppp=$(tunnel_prop alice full Interface)
check "the internet host is routed through $ppp" wait_for 5 goes_through "$INET_HOST" "$ppp"
check "the internet host answers through the tunnel" ping -c 2 -W 3 "$INET_HOST"
check "the internet host has no route back to the tunnel" \
    bash -c "! ip netns exec inet ip route get $client >/dev/null 2>&1"
check "the tunnel goes down" as_user alice midwayctl down full

# The same account without --gateway: its rules and forwarding go again.
out=$(server_cmd alice setup full 2>&1); rc=$?
echo "$out"
check "setup again without --gateway succeeds" test "$rc" -eq 0
check "it takes the masquerading back" \
    bash -c "! ip netns exec srv iptables-legacy -t nat -S | grep -q MIDWAY"
check "and forwarding" test "$(srv_forwarding)" = 0
check "and the boot service" test ! -e /etc/systemd/system/midway-firewall.service

out=$(server_cmd alice remove full 2>&1); rc=$?
echo "$out"
check "remove succeeds" test "$rc" -eq 0
check "/etc is as before setup" test "$(etc_state)" = "$etc_before"
check "forwarding is off again" test "$(srv_forwarding)" = 0
check "Midway's chains are gone" \
    bash -c "! ip netns exec srv iptables-legacy -t nat -S | grep -q MIDWAY && ! ip netns exec srv iptables-legacy -t mangle -S | grep -q MIDWAY"
finish
