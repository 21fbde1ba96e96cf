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

iperf_mbps() {
    timeout 40 iperf3 -c "$REMOTE" -t 5 -J >/tmp/iperf.json 2>&1 \
        && python3 -c '
import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' /tmp/iperf.json
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

    if mbps=$(iperf_mbps); then
        bench sample iperf_mbps plain "$mbps"
    else
        fail "plain round $i: iperf3 ($(tail -n 3 /tmp/iperf.json | tr '\n' ' '))"
    fi

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
    local i=$1 t0 t1 iface mbps t_state="" t_if="" deadline line
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

    if mbps=$(iperf_mbps); then
        bench sample iperf_mbps midway "$mbps"
    else
        fail "Midway round $i: iperf3 ($(tail -n 3 /tmp/iperf.json | tr '\n' ' '))"
    fi

    # The watcher reports the change itself, from the signal.
    python3 "$BENCH_DIR/watch-state.py" bench >/tmp/watch.out 2>&1 &
    local watcher=$!
    check "Midway round $i: the state watcher is ready" \
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
    if check "Midway round $i: the helper noticed the silent link ($(sed -n 2p /tmp/watch.out))" \
        test -n "$t_state" -a -n "$t_if"; then
        bench sample down_ms midway "$(ms_since "$t0" "$t_state")"
        bench sample gone_ms midway "$(ms_since "$t0" "$t_if")"
    else
        cat /tmp/watch.out
    fi
    # reconnect=false: the next state is the last one.
    check "Midway round $i: the tunnel failed" test "$(sed -n 's/^[0-9.]* //p' /tmp/watch.out)" = failed
    check "Midway round $i: no pppd or ssh left" settle
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
check "alice imports bench2" write_profile alice bench2 \
    local-address=10.78.0.1 remote-address=10.78.0.2 echo-interval=2 echo-failures=3
check "alice imports bench3" write_profile alice bench3 \
    local-address=10.79.0.1 remote-address=10.79.0.2 echo-interval=2 echo-failures=3

srv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1
check "iperf3 listens in the server namespace" \
    wait_for 20 bash -c "ip netns exec srv ss -Hltn 'sport = :5201' | grep -q ."

# The helper is D-Bus activated; activate it first so that the link-up
# times compare pppd and ssh, not one process start (and measure it idle).
check "the helper is activated" dbus-send --system --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:io.github.midway_vpn.Midway.Helper uint32:0 \
    >/dev/null
helper_running() { [ -n "$(helper_pid)" ]; }
check "the helper runs" wait_for 20 helper_running
sleep 1
bench mem helper_idle_kb "$(rss_kb "$(helper_pid)")"
helper_at_start=$(helper_pid)

for i in $(seq 1 "$N"); do
    echo "MIDWAY-BENCH-PROGRESS: round $i of $N (${SECONDS} s into the scenario)"
    plain_round "$i"
    midway_round "$i"
done

echo "MIDWAY-BENCH-PROGRESS: memory (${SECONDS} s into the scenario)"
# Helper memory with 1 and 3 tunnels up.
alice midwayctl down bench >/dev/null 2>&1
quiet() { "$@" >/dev/null; }
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
check "one helper process served the whole benchmark" test "$(helper_pid)" = "$helper_at_start"

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

# Every round records 5 samples per side, the ssh baseline 4 per round.
count() { grep -c "^$1" /tmp/bench.lines; }
check "all measurements completed ($(count 'sample [a-z_]* plain ') plain, $(count 'sample [a-z_]* midway ') Midway, $(count 'sample ssh_mbps ') ssh, $(count 'mem ') memory samples)" \
    test "$(count 'sample [a-z_]* plain ')" -eq $(( N * 5 )) \
    -a "$(count 'sample [a-z_]* midway ')" -eq $(( N * 5 )) \
    -a "$(count 'sample ssh_mbps ')" -eq $(( SSH_N * 2 )) \
    -a "$(count 'sample cipher_mbps ')" -eq $(( SSH_N * 2 )) \
    -a "$(count 'mem ')" -eq 4
finish
