# shellcheck shell=bash
# Issue 2, scenario 3: the link goes silent (netem drops everything the
# server sends); the drop is detected within echo interval x failures + 2 s.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

interval=2
failures=3
deadline=$(( interval * failures + 2 ))

check "alice imports a profile" \
    write_profile alice office echo-interval=$interval echo-failures=$failures reconnect=false
check "midwayctl up succeeds" as_user alice midwayctl up office --timeout 60
iface=$(tunnel_prop alice office Interface)
check "ping crosses the link" ping -c 2 -W 2 -I "$iface" 10.66.0.2

check "netem silences the server" srv tc qdisc add dev veth1 root netem loss 100%
start=${EPOCHREALTIME/./}
wait_for 30 bash -c "! [ \"\$(python3 '$PROBE' get office State 2>/dev/null)\" = up ]"
end=${EPOCHREALTIME/./}
elapsed_ms=$(( (end - start) / 1000 ))
echo "MIDWAY-FIGURE: silent link detected after ${elapsed_ms} ms (deadline ${deadline} s)"

check "the drop was detected within ${deadline} s (took ${elapsed_ms} ms)" \
    test "$elapsed_ms" -le $(( deadline * 1000 ))
check "the reason is the peer not responding" \
    wait_for 10 bash -c "[ \"\$(python3 '$PROBE' get office LastReason)\" = peer-not-responding ]"
check "the tunnel failed (reconnect is off)" wait_for 10 state_is alice office failed
check "pppd and ssh are gone" wait_for 10 no_tunnel_processes
check "the interface is gone" no_ppp_interface
dump_state
finish
