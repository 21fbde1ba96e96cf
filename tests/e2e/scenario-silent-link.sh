# shellcheck shell=bash
# Issue 2, scenario 3: the link goes silent (netem drops everything the
# server sends); the drop is detected within echo interval x failures + 2 s.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

# silent_ms PROFILE: silences the server, then prints the milliseconds
# until the tunnel leaves "up".  The moment comes from the helper's own
# PropertiesChanged signal (tests/bench/watch-state.py, as the benchmark
# measures it), not from a loop that starts a D-Bus client per poll: on a
# loaded machine each of those takes most of a second, which the figure
# would otherwise count against the link.
silent_ms() {
    local name=$1 out start line
    out=$(mktemp)
    python3 "$MIDWAY_SOURCE_ROOT/tests/bench/watch-state.py" "$name" >"$out" 2>&1 &
    local watcher=$!
    wait_for 30 grep -qx ready "$out" || { cat "$out" >&2; kill "$watcher"; return 1; }
    srv tc qdisc add dev veth1 root netem loss 100% >&2 || { kill "$watcher"; return 1; }
    start=${EPOCHREALTIME/./}
    wait "$watcher" || { cat "$out" >&2; return 1; }
    line=$(sed -n 2p "$out")
    rm -f "$out"
    line=${line%% *}
    echo $(( (${line/./} - start) / 1000 ))
}

interval=2
failures=3
deadline=$(( interval * failures + 2 ))

check "alice imports a profile" \
    write_profile alice office echo-interval=$interval echo-failures=$failures reconnect=false
check "midwayctl up succeeds" as_user alice midwayctl up office --timeout 60
iface=$(tunnel_prop alice office Interface)
check "ping crosses the link" ping -c 2 -W 2 -I "$iface" 10.66.0.2

elapsed_ms=$(silent_ms office)
check "netem silenced the server and the tunnel left up" test -n "$elapsed_ms"
echo "MIDWAY-FIGURE: silent link detected after ${elapsed_ms} ms (deadline ${deadline} s)"

check "the drop was detected within ${deadline} s (took ${elapsed_ms} ms)" \
    test "$elapsed_ms" -le $(( deadline * 1000 ))
check "the reason is the peer not responding" \
    wait_for 10 bash -c "[ \"\$(python3 '$PROBE' get office LastReason)\" = peer-not-responding ]"
check "the tunnel failed (reconnect is off)" wait_for 10 state_is alice office failed
check "pppd and ssh are gone" wait_for 10 no_tunnel_processes
check "the interface is gone" no_ppp_interface
check "netem is lifted" srv tc qdisc del dev veth1 root

# Issue 13: the default profile (no echo-interval or echo-failures) knows a
# dead link within 10 s, after traffic too: adaptive echoes skip a tick that
# saw any, which must not push detection past interval x failures.
home=$(getent passwd alice | cut -d: -f6)
check "alice imports a profile with the default echo settings" \
    write_profile alice plain-defaults reconnect=false
file=$(grep -l '^name=plain-defaults$' "$home"/.config/midway/profiles/*.midway)
sed -i '/^echo-/d' "$file"
check "its file has no echo settings" bash -c "! grep -q '^echo-' '$file'"
check "midwayctl up succeeds (default echo settings)" \
    as_user alice midwayctl up plain-defaults --timeout 60
iface=$(tunnel_prop alice plain-defaults Interface)
check "pppd probes adaptively" bash -c "tr '\\0' '\\n' </proc/$(local_pppd_pid)/cmdline | grep -qx lcp-echo-adaptive"
# Traffic until the moment the server goes silent: the worst case for
# adaptive echoes.
ping -q -i 0.2 -I "$iface" 10.66.0.2 >/dev/null 2>&1 &
pinger=$!
check "ping crosses the link" ping -c 2 -W 2 -I "$iface" 10.66.0.2
elapsed_ms=$(silent_ms plain-defaults)
kill "$pinger"
check "netem silenced the server and the tunnel left up (default echo settings)" \
    test -n "$elapsed_ms"
echo "MIDWAY-FIGURE: silent link (default profile, busy) detected after ${elapsed_ms} ms (deadline 10 s)"
check "the drop was detected within 10 s with the defaults (took ${elapsed_ms} ms)" \
    test "$elapsed_ms" -le 10000
check "the reason is the peer not responding (default echo settings)" \
    wait_for 10 bash -c "[ \"\$(python3 '$PROBE' get plain-defaults LastReason)\" = peer-not-responding ]"
check "the client's pppd and ssh are gone (default echo settings)" wait_for 10 no_client_tunnel_processes
# The server's side ends once it hears the client's reset again.
check "netem is lifted again" srv tc qdisc del dev veth1 root
check "the server's pppd ends too" wait_for 30 no_tunnel_processes
dump_state
finish
