# shellcheck shell=bash
# Issue 2, scenario 1: an unprivileged user runs `midwayctl up`; the link
# comes up on a real kernel PPP stack, ping crosses it, and what the helper
# says over D-Bus matches the kernel's view.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

check "alice imports a profile" write_profile alice office
check "midwayctl up succeeds" as_user alice midwayctl up office --timeout 60

iface=$(tunnel_prop alice office Interface)
check "the tunnel is up over D-Bus" state_is alice office up
check "the interface is a ppp device ($iface)" test -n "$iface" -a -d "/sys/class/net/$iface"
check "the kernel has the local address on $iface" ppp_has_address "$iface" 10.66.0.1
check "LocalAddress over D-Bus" test "$(tunnel_prop alice office LocalAddress)" = 10.66.0.1
check "RemoteAddress over D-Bus" test "$(tunnel_prop alice office RemoteAddress)" = 10.66.0.2
check "Owner is alice's uid" test "$(tunnel_prop alice office Owner)" = "$(id -u alice)"
check "ConnectedSince is set" test "$(tunnel_prop alice office ConnectedSince)" -gt 0
check "ping crosses the link" ping -c 3 -W 2 -I "$iface" 10.66.0.2

# The byte counters follow the traffic (refreshed every 2 s).
rx_bytes_counted() {
    [ "$(tunnel_prop alice office RxBytes)" -gt 0 ]
}
check "RxBytes counts the ping replies" wait_for 5 rx_bytes_counted

check "ssh runs as alice" test "$(ps -o user= -C ssh | sort -u)" = alice
check "the helper's pppd runs as root" test "$(ps -o user= -p "$(local_pppd_pid)")" = root
pppd_pid=$(local_pppd_pid)
check "pppd's environment is the fixed one" \
    test "$(tr '\0' '\n' <"/proc/$pppd_pid/environ")" = "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
check "pppd was given no pty command or option file" \
    bash -c "! tr '\0' '\n' <'/proc/$pppd_pid/cmdline' | grep -qxE 'pty|file|call|connect|init'"
ssh_pid=$(pgrep -x ssh)
check "ssh got -- before the host" \
    bash -c "tr '\0' '\n' <'/proc/$ssh_pid/cmdline' | grep -A1 -x -- '--' | grep -qx '$MIDWAY_SRV_ADDR'"

out=$(as_user alice midwayctl status)
check "midwayctl status names the profile and the state" grep -Eq "office.*up" <<<"$out"
log=$(as_user alice midwayctl log office)
check "midwayctl log shows pppd's output" grep -q "pppd: " <<<"$log"

# The profile has no ipv6=true: the client's pppd turns away IPv6CP, which
# Debian's pppd otherwise opens by default, and the link stays IPv4 on both
# ends.  IPv6CP runs beside IPCP, whose end the ping above has seen.
srv_iface=$(srv ip -4 -o addr show to 10.66.0.2 | awk '{ print $2; exit }')
check "the server's end of the link is found (${srv_iface:-none})" test -n "$srv_iface"
check "$iface has no IPv6 address" bash -c "! ip -6 -o addr show dev '$iface' | grep -q inet6"
check "the server's $srv_iface has no IPv6 address" \
    bash -c "! ip netns exec srv ip -6 -o addr show dev '$srv_iface' | grep -q inet6"

check "midwayctl down succeeds" as_user alice midwayctl down office
finish
