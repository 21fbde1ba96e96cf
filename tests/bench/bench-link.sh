# shellcheck shell=bash
# The link benchmark (issue 2), run in the UML guest by tests/bench/run-benchmark:
# the plain pppd-over-ssh command line against Midway with the same server,
# N rounds each (MIDWAY_BENCH_N, default 5), alternating so that drift in
# the guest's speed hits both alike.  Raw samples go to the console as
#   MIDWAY-BENCH: sample METRIC SIDE VALUE
#   MIDWAY-BENCH: mem NAME KIB
#   MIDWAY-BENCH: meta NAME TEXT...
# and run-benchmark turns them into the table.  See README.md beside this.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

N=${MIDWAY_BENCH_N:-5}
BENCH_DIR=$MIDWAY_SOURCE_ROOT/tests/bench
SSH_MIB=100
LOCAL=10.77.0.1
REMOTE=10.77.0.2
ALICE_HOME=$(getent passwd alice | cut -d: -f6)
ALICE_UID=$(id -u alice)
as_user alice true   # creates alice's XDG_RUNTIME_DIR once

bench() {
    echo "MIDWAY-BENCH: $*"
    echo "$*" >>/tmp/bench.lines
}
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# A sleep without a fork: read from a FIFO that nobody writes.  Process
# creation is slow under UML, and the polling loops below measure times.
mkfifo /tmp/bench-nap
exec {NAP_FD}<>/tmp/bench-nap
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# as_user without its look-ups, so that they are not part of a timing.
alice() {
    runuser -u alice -- env -i -C "$ALICE_HOME" \
        HOME="$ALICE_HOME" USER=alice LOGNAME=alice SHELL=/bin/bash \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$ALICE_HOME/.config" XDG_RUNTIME_DIR="/run/user/$ALICE_UID" "$@"
}

rss_kb() {
    local p v sum=0
    for p in "$@"; do
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
        sum=$(( sum + ${v:-0} ))
    done
    echo "$sum"
}

descendants() {
    local p
    for p in $(pgrep -P "$1"); do
        echo "$p"
        descendants "$p"
    done
}

alive() {
    local s
    s=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${s:0:1}" != Z ]
}

# iface_with ADDR: the interface holding local address ADDR, if any.
iface_with() {
    ip -4 -o addr show to "$1" 2>/dev/null | awk '{ print $2; exit }'
}

# ping_avg_ms FILE: the average round trip of a ping run's summary line.
ping_avg_ms() {
    sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' "$1"
}

# ssh_handshake_ms: "ssh host true", the handshake, authentication and a
# session that does nothing: the floor under any link-up time.
ssh_handshake_ms() {
    local t0 t1
    t0=$(now_us)
    alice ssh -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$MIDWAY_SRV_KNOWN_HOSTS" mwsrv@"$MIDWAY_SRV_ADDR" true || return 1
    t1=$(now_us)
    ms_since "$t0" "$t1"
}

# latency SIDE: ping through the idle tunnel, then while iperf3 saturates it
# upward (the existing throughput figure) and downward (-R).  The pings start
# 1 s into the 5 s transfer, once TCP has filled whatever queue there is.
latency() {
    local side=$1 dir opt mbps avg
    # Not straight after link-up: both pppds then run their ip-up scripts,
    # and process starts are slow enough under UML to show in the RTT.
    nap 5
    ping -n -q -c 10 -i 0.2 -W 5 "$REMOTE" >/tmp/ping-idle.txt 2>&1
    if avg=$(ping_avg_ms /tmp/ping-idle.txt) && [ -n "$avg" ]; then
        bench sample rtt_idle_ms "$side" "$avg"
    else
        fail "$side: idle ping ($(tr '\n' ' ' </tmp/ping-idle.txt))"
    fi
    for dir in up down; do
        opt=()
        [ "$dir" = up ] || opt=(-R)
        timeout 40 iperf3 -c "$REMOTE" -t 5 -J "${opt[@]}" >/tmp/iperf.json 2>&1 &
        local iperf=$!
        nap 1
        ping -n -q -c 12 -i 0.25 -W 10 "$REMOTE" >/tmp/ping-load.txt 2>&1
        if wait "$iperf" && mbps=$(python3 -c '
import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' /tmp/iperf.json); then
            bench sample "iperf_${dir}_mbps" "$side" "$mbps"
        else
            fail "$side: iperf3 $dir ($(tail -n 3 /tmp/iperf.json | tr '\n' ' '))"
        fi
        if avg=$(ping_avg_ms /tmp/ping-load.txt) && [ -n "$avg" ]; then
            bench sample "rtt_${dir}_ms" "$side" "$avg"
        else
            fail "$side: ping under load $dir ($(tr '\n' ' ' </tmp/ping-load.txt))"
        fi
    done
}

# idle_traffic SIDE: what an idle tunnel costs on the wire, both directions
# of the server's uplink (the ssh connection's TCP/IP packets carrying LCP
# echoes and replies of both pppds, ssh's keep-alives and their ACKs) over
# IDLE_S seconds, scaled to an hour.
IDLE_S=20
uplink_counter() {
    local f=/sys/class/net/$MIDWAY_SRV_IF/statistics
    srv cat "$f/rx_$1" "$f/tx_$1" | awk '{ s += $1 } END { print s }'
}
idle_traffic() {
    local side=$1 b0 p0 b1 p1 t0 t1
    # The transfers before it must be over: wait until a second passes
    # with fewer than 5 packets.
    local deadline=$(( $(now_us) + 20000000 ))
    while [ "$(now_us)" -lt "$deadline" ]; do
        p0=$(uplink_counter packets)
        nap 1
        [ $(( $(uplink_counter packets) - p0 )) -lt 5 ] && break
    done
    t0=$(now_us)
    b0=$(uplink_counter bytes)
    p0=$(uplink_counter packets)
    nap "$IDLE_S"
    b1=$(uplink_counter bytes)
    p1=$(uplink_counter packets)
    t1=$(now_us)
    bench sample idle_kib_h "$side" "$(awk -v b=$(( b1 - b0 )) -v us=$(( t1 - t0 )) 'BEGIN { printf "%.1f", b / 1024 * 3600e6 / us }')"
    bench sample idle_pkts_min "$side" "$(awk -v p=$(( p1 - p0 )) -v us=$(( t1 - t0 )) 'BEGIN { printf "%.1f", p * 60e6 / us }')"
}

silence() { srv tc qdisc add dev "$MIDWAY_SRV_IF" root netem loss 100%; }
unsilence() { srv tc qdisc del dev "$MIDWAY_SRV_IF" root 2>/dev/null; }

# Waits (up to 60 s) until neither side has a pppd or ssh left, so that a
# round never measures the leftovers of the one before.
settle() {
    wait_for 60 no_tunnel_processes
}

ms_since() { echo $(( ($2 - $1) / 1000 )); }

# ------------------------------------------------------------------ plain
PLAIN_PTY="runuser -u alice -- ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$MIDWAY_SRV_KNOWN_HOSTS mwsrv@$MIDWAY_SRV_ADDR sudo -n pppd nodetach notty noauth"

plain_round() {
    local i=$1 t0 t1 pid iface mbps t_addr="" t_if="" deadline
    t0=$(now_us)
    pppd nodetach noauth local nocrtscts "$LOCAL:$REMOTE" lcp-echo-interval 2 lcp-echo-failure 3 \
        pty "$PLAIN_PTY" >/tmp/plain-pppd.log 2>&1 &
    pid=$!
    deadline=$(( t0 + 60000000 ))
    iface=""
    while [ -z "$iface" ] && [ "$(now_us)" -lt "$deadline" ] && alive "$pid"; do
        iface=$(iface_with "$LOCAL")
        [ -n "$iface" ] || nap 0.01
    done
    t1=$(now_us)
    if ! check "plain round $i: $iface has $LOCAL" test -n "$iface"; then
        sed 's/^/  pppd: /' /tmp/plain-pppd.log
        kill "$pid" 2>/dev/null
        wait "$pid"
        settle
        return 1
    fi
    bench sample up_ms plain "$(ms_since "$t0" "$t1")"
    # The client-side processes of this tunnel: pppd, sh, runuser, ssh.
    # shellcheck disable=SC2046
    bench sample procs_kb plain "$(rss_kb "$pid" $(descendants "$pid"))"

    # Idle first: the silent link below then follows a transfer, as Midway's.
    idle_traffic plain
    latency plain

    silence
    t0=$(now_us)
    deadline=$(( t0 + 60000000 ))
    while [ -z "$t_if" ] && [ "$(now_us)" -lt "$deadline" ]; do
        if [ -z "$t_addr" ] && [ -z "$(iface_with "$LOCAL")" ]; then
            t_addr=$(now_us)
        fi
        if [ ! -e "/sys/class/net/$iface" ]; then
            t_if=$(now_us)
            [ -n "$t_addr" ] || t_addr=$t_if
        fi
        [ -n "$t_if" ] || nap 0.01
    done
    unsilence
    if check "plain round $i: pppd noticed the silent link" test -n "$t_if"; then
        bench sample down_ms plain "$(ms_since "$t0" "$t_addr")"
        bench sample gone_ms plain "$(ms_since "$t0" "$t_if")"
    fi
    check "plain round $i: pppd exited" wait_for 30 bash -c "! ps -o stat= -p $pid | grep -qv Z"
    wait "$pid"
    check "plain round $i: no pppd or ssh left" settle
}

# ----------------------------------------------------------------- Midway
midway_round() {
    local i=$1 t0 t1 iface
    check "Midway round $i: the helper is activated" activate_helper
    t0=$(now_us)
    alice midwayctl up bench --timeout 60 >/tmp/midway-up.log 2>&1
    local rc=$?
    t1=$(now_us)
    if ! check "Midway round $i: midwayctl up succeeds" test "$rc" -eq 0; then
        sed 's/^/  midwayctl: /' /tmp/midway-up.log
        dump_state
        alice midwayctl down bench >/dev/null 2>&1
        settle
        return 1
    fi
    iface=$(iface_with "$LOCAL")
    # midwayctl names the interface it was told about ("Connected ...: IFACE
    # LOCAL ..."); no second D-Bus client here, UML starts processes slowly.
    check "Midway round $i: ${iface:-no interface} has $LOCAL, as midwayctl said" \
        grep -q ": $iface $LOCAL " /tmp/midway-up.log
    bench sample up_ms midway "$(ms_since "$t0" "$t1")"
    # shellcheck disable=SC2046
    bench sample procs_kb midway "$(rss_kb $(descendants "$(helper_pid)"))"

    latency midway
    midway_silent_link "$i" bench "$iface" down_ms gone_ms

    # The default profile: no echo-interval or echo-failures in it.
    alice midwayctl up benchdef --timeout 60 >/tmp/midway-up.log 2>&1
    rc=$?
    if ! check "Midway round $i: the default profile comes up" test "$rc" -eq 0; then
        sed 's/^/  midwayctl: /' /tmp/midway-up.log
        alice midwayctl down benchdef >/dev/null 2>&1
        settle
        return 1
    fi
    iface=$(iface_with "$LOCAL")
    idle_traffic midway
    midway_silent_link "$i" benchdef "$iface" down_default_ms gone_default_ms
}

# midway_silent_link ROUND PROFILE IFACE DOWN-METRIC GONE-METRIC
midway_silent_link() {
    local i=$1 name=$2 iface=$3 t0 t_state="" t_if="" deadline line
    # The watcher reports the change itself, from the signal.
    python3 "$BENCH_DIR/watch-state.py" "$name" >/tmp/watch.out 2>&1 &
    local watcher=$!
    check "Midway round $i: the state watcher is ready ($name)" \
        wait_for 30 grep -qx ready /tmp/watch.out
    silence
    t0=$(now_us)
    deadline=$(( t0 + 60000000 ))
    while { [ -z "$t_if" ] || [ -z "$t_state" ]; } && [ "$(now_us)" -lt "$deadline" ]; do
        if [ -z "$t_state" ]; then
            line=$(sed -n 2p /tmp/watch.out)
            [ -n "$line" ] && t_state=${line%% *} && t_state=${t_state/./}
        fi
        if [ -z "$t_if" ] && [ ! -e "/sys/class/net/$iface" ]; then
            t_if=$(now_us)
        fi
        { [ -n "$t_if" ] && [ -n "$t_state" ]; } || nap 0.01
    done
    unsilence
    wait "$watcher"
    if check "Midway round $i: the helper noticed the silent link ($name: $(sed -n 2p /tmp/watch.out))" \
        test -n "$t_state" -a -n "$t_if"; then
        bench sample "$4" midway "$(ms_since "$t0" "$t_state")"
        bench sample "$5" midway "$(ms_since "$t0" "$t_if")"
    else
        cat /tmp/watch.out
    fi
    # reconnect=false: the next state is the last one.
    check "Midway round $i: the tunnel failed ($name)" test "$(sed -n 's/^[0-9.]* //p' /tmp/watch.out)" = failed
    check "Midway round $i: no pppd or ssh left ($name)" settle
}

# ------------------------------------------------------------------- run
bench meta guest_kernel "$(uname -r)"
bench meta pppd "$(pppd --version 2>&1 | head -n 1)"
bench meta ssh "$(ssh -V 2>&1)"
bench meta iperf3 "$(iperf3 --version | head -n 1)"
bench meta rounds "$N"
bench meta ssh_default_cipher "$(alice ssh -v -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$MIDWAY_SRV_KNOWN_HOSTS" mwsrv@"$MIDWAY_SRV_ADDR" true 2>&1 \
    | sed -n 's/.*kex: client->server cipher: \([^ ]*\).*/\1/p' | head -n 1)"

check "alice imports the bench profile" write_profile alice bench \
    local-address=$LOCAL remote-address=$REMOTE echo-interval=2 echo-failures=3 reconnect=false
# The same without echo-interval and echo-failures: Midway's defaults.
check "alice imports benchdef" write_profile alice benchdef \
    local-address=$LOCAL remote-address=$REMOTE reconnect=false
benchdef_file=$(grep -l '^name=benchdef$' "$ALICE_HOME"/.config/midway/profiles/*.midway)
sed -i '/^echo-/d' "$benchdef_file"
check "benchdef has no echo settings" bash -c "! grep -q '^echo-' '$benchdef_file'"
check "alice imports bench2" write_profile alice bench2 \
    local-address=10.78.0.1 remote-address=10.78.0.2 echo-interval=2 echo-failures=3
check "alice imports bench3" write_profile alice bench3 \
    local-address=10.79.0.1 remote-address=10.79.0.2 echo-interval=2 echo-failures=3

srv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1
check "iperf3 listens in the server namespace" \
    wait_for 20 bash -c "ip netns exec srv ss -Hltn 'sport = :5201' | grep -q ."

# The helper is D-Bus activated; activate it first so that the link-up
# times compare pppd and ssh, not one process start (and measure it idle).
# A plain round lasts longer than the helper's 60 s idle time, so each
# Midway round activates it again before its clock starts.
activate_helper() {
    dbus-send --system --print-reply \
        --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.StartServiceByName string:io.github.midway_vpn.Midway.Helper uint32:0 \
        >/dev/null && wait_for 20 helper_running
}
helper_running() { [ -n "$(helper_pid)" ]; }
check "the helper is activated" activate_helper
sleep 1
bench mem helper_idle_kb "$(rss_kb "$(helper_pid)")"

for i in $(seq 1 "$N"); do
    echo "MIDWAY-BENCH-PROGRESS: round $i of $N (${SECONDS} s into the scenario)"
    if ms=$(ssh_handshake_ms); then
        bench sample handshake_ms ssh "$ms"
    else
        fail "round $i: ssh host true"
    fi
    plain_round "$i"
    midway_round "$i"
done

echo "MIDWAY-BENCH-PROGRESS: memory (${SECONDS} s into the scenario)"
# Helper memory with 1 and 3 tunnels up.
alice midwayctl down bench >/dev/null 2>&1
quiet() { "$@" >/dev/null; }
check "the helper is activated for the memory figures" activate_helper
helper_at_start=$(helper_pid)
check "Midway: bench comes up for the memory figures" quiet alice midwayctl up bench --timeout 60
sleep 1
bench mem helper_1_kb "$(rss_kb "$(helper_pid)")"
check "Midway: bench2 comes up" quiet alice midwayctl up bench2 --timeout 60
check "Midway: bench3 comes up" quiet alice midwayctl up bench3 --timeout 60
sleep 1
check "three tunnels are up" test "$(probe tunnels | grep -c '"State": "up"')" -eq 3
bench mem helper_3_kb "$(rss_kb "$(helper_pid)")"
for p in bench bench2 bench3; do
    check "Midway: $p goes down" quiet alice midwayctl down "$p"
done
check "no pppd or ssh left after the memory figures" settle
sleep 1
bench mem helper_after_kb "$(rss_kb "$(helper_pid)")"
check "one helper process served the memory figures" test "$(helper_pid)" = "$helper_at_start"

# ssh alone, no PPP: what the cipher costs.  At most 2 rounds: 100 MiB
# through ssh takes 10 to 20 s under UML.
SSH_N=$(( N < 2 ? N : 2 ))
bench meta ssh_rounds "$SSH_N"
echo "MIDWAY-BENCH-PROGRESS: ssh baseline (${SECONDS} s into the scenario)"
check "openssl is installed (for the cipher speed figures)" test -x "$(command -v openssl)"
for i in $(seq 1 "$SSH_N"); do
    for cipher in default aes128-gcm@openssh.com; do
        copt=()
        [ "$cipher" = default ] || copt=(-c "$cipher")
        t0=$(now_us)
        if head -c "${SSH_MIB}M" /dev/zero | alice ssh -o BatchMode=yes -o StrictHostKeyChecking=yes \
            -o UserKnownHostsFile="$MIDWAY_SRV_KNOWN_HOSTS" "${copt[@]}" \
            mwsrv@"$MIDWAY_SRV_ADDR" 'cat >/dev/null'; then
            t1=$(now_us)
            bench sample ssh_mbps "${cipher%%@*}" \
                "$(awk -v us=$(( t1 - t0 )) -v mib="$SSH_MIB" 'BEGIN { printf "%.1f", mib * 1048576 * 8 / us }')"
        else
            fail "ssh baseline with cipher $cipher"
        fi
    done
    # The ciphers' own speed on this CPU, without ssh or the network: what
    # the link would get if the cipher were its only cost.  openssl prints
    # thousands of bytes per second.
    for evp in chacha20-poly1305 aes-128-gcm; do
        kbps=$(openssl speed -evp "$evp" -seconds 1 -bytes 16384 2>/dev/null | tail -n 1 | awk '{ print $NF }')
        case $kbps in
            *k) bench sample cipher_mbps "$evp" "$(awk -v k="${kbps%k}" 'BEGIN { printf "%.0f", k * 8 / 1000 }')" ;;
            *) fail "openssl speed -evp $evp (got '$kbps')" ;;
        esac
    done
done

# Every round records 11 samples for plain, 13 for Midway (the default
# profile's dead link too) and one ssh handshake; the ssh baseline 4 per
# round.
count() { grep -c "^$1" /tmp/bench.lines; }
check "all measurements completed ($(count 'sample [a-z_]* plain ') plain, $(count 'sample [a-z_]* midway ') Midway, $(count 'sample ssh_mbps ') ssh, $(count 'mem ') memory samples)" \
    test "$(count 'sample [a-z_]* plain ')" -eq $(( N * 11 )) \
    -a "$(count 'sample [a-z_]* midway ')" -eq $(( N * 13 )) \
    -a "$(count 'sample handshake_ms ')" -eq "$N" \
    -a "$(count 'sample ssh_mbps ')" -eq $(( SSH_N * 2 )) \
    -a "$(count 'sample cipher_mbps ')" -eq $(( SSH_N * 2 )) \
    -a "$(count 'mem ')" -eq 4
finish
