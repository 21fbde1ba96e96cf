# shellcheck shell=bash
# Issue 4 scenarios: a third namespace "far" behind the server, and probes
# of Midway's routes.  Sourced after common.sh.

MIDWAY_RTPROT=77
FAR_NET=10.99.0.0/24
FAR_ADDR=10.99.0.5
# On the server, reachable in the clear, not in any profile's routes.
OTHER_ADDR=10.98.0.5

# far <-> srv over veth, srv forwards.  far only knows the way back to the
# tunnel's addresses, so it is reachable through the tunnel and nothing
# else.
setup_far() {
    ip netns add far &&
    ip link add vfar0 type veth peer name vfar1 &&
    ip link set vfar0 netns srv &&
    ip link set vfar1 netns far &&
    srv ip addr add 10.99.0.1/24 dev vfar0 &&
    srv ip addr add "$OTHER_ADDR"/32 dev lo &&
    srv ip link set vfar0 up &&
    ip netns exec far ip addr add "$FAR_ADDR"/24 dev vfar1 &&
    ip netns exec far ip link set vfar1 up &&
    ip netns exec far ip link set lo up &&
    ip netns exec far ip route add 10.66.0.0/24 via 10.99.0.1 &&
    srv sysctl -qw net.ipv4.ip_forward=1
}

midway_routes() {
    ip route show proto "$MIDWAY_RTPROT"; ip -6 route show proto "$MIDWAY_RTPROT" 2>/dev/null
}

no_midway_routes() {
    [ -z "$(midway_routes)" ]
}

# route_dev ADDR: the interface the kernel picks for ADDR now.
route_dev() {
    ip route get "$1" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1
}

goes_through() {
    case "$(route_dev "$1")" in $2) return 0 ;; esac
    return 1
}

ppp_tx_packets() {
    cat /sys/class/net/"$1"/statistics/tx_packets
}
