# shellcheck shell=bash
# Issue 5: many connect/disconnect cycles (`midwayctl up`, `midwayctl down`)
# leak nothing: the helper's descriptors, ptys, processes (the client's pppd
# and ssh, and every process of the guest), ppp interfaces and runtime
# directories are the same after the cycles as before, and the helper is the
# same process (it did not crash or exit).
#
# MIDWAY_CYCLES in the scenario's environment sets the number of cycles
# (default 200).  midway-uml-run does not pass the host's environment into
# the guest: to run fewer cycles by hand, run a two-line scenario with
#     MIDWAY_CYCLES=10 exec bash "$MIDWAY_SOURCE_ROOT/tests/security/scenario-cycles.sh"
# One cycle takes 2 to 3.5 s in the guest (the MIDWAY-CYCLES line of the log).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

CYCLES=${MIDWAY_CYCLES:-200}

# The guest's processes but the kernel's threads, by name, one a line.
user_processes() {
    ps -e -o pid=,ppid=,comm= | awk '$1 != 2 && $2 != 2 { print $3 }' | sort
}

# What the helper's descriptors point at, one a line (pipe:[N] and the like
# without their inode numbers, which differ from one tunnel to the next).
helper_fd_targets() {
    local f
    for f in /proc/"$1"/fd/*; do
        readlink "$f"
    done 2>/dev/null | sed 's/:\[[0-9]*\]$/:[]/' | sort
}

server_sessions() {
    srv pgrep -c -f '^sshd: mwsrv'
}

# Nothing of a tunnel is left on either side: no pppd, no ssh, no server
# session, no sudo.  Taken before each snapshot, so that the server's end
# of the last tunnel (which goes away after `midwayctl down` returns) is
# not counted.
settled() {
    no_tunnel_processes && [ "$(server_sessions)" -eq 0 ] && ! pgrep -x sudo >/dev/null
}

# snapshot FILE: one NAME=VALUE line per count.
snapshot() {
    local hp
    hp=$(helper_pid)
    {
        echo "helper-pid=$hp"
        echo "helper-fds=$(find /proc/"$hp"/fd -mindepth 1 -maxdepth 1 | wc -l)"
        echo "ptys=$(count_ptys)"
        echo "client-pppd=$(pgrep -c -x -P "$hp" pppd)"
        echo "client-ssh=$(pgrep -c -x -P "$hp" ssh)"
        echo "helper-children=$(pgrep -c -P "$hp")"
        echo "pppd-anywhere=$(pgrep -c -x pppd)"
        echo "ssh-anywhere=$(pgrep -c -x ssh)"
        echo "server-sessions=$(server_sessions)"
        echo "processes=$(user_processes | wc -l)"
        echo "ppp-interfaces=$(ip -o link show | grep -c ': ppp[0-9]')"
        echo "server-ppp-interfaces=$(srv ip -o link show | grep -c ': ppp[0-9]')"
        echo "tunnel-dirs=$(find /run/midway -mindepth 1 -maxdepth 1 -name 'tunnel-*' | wc -l)"
        echo "tunnels=$(probe tunnels | grep -c '"path"')"
    } >"$1"
    user_processes >"$1.processes"
    helper_fd_targets "$hp" >"$1.fds"
}

# What the helper's memory does is printed, not checked: GLib's and the
# allocator's caches make it no exact measure of a leak.
helper_memory() {
    awk '/^(VmRSS|VmData|Threads):/ { printf "%s %s %s  ", $1, $2, $3 } END { print "" }' \
        "/proc/$(helper_pid)/status"
}

now_ms() {
    local t=${EPOCHREALTIME//[!0-9]/}
    echo $((t / 1000))
}

check "alice imports a profile" write_profile alice office
# One warm-up cycle: the helper is activated and has answered once.
check "warm-up: the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "warm-up: ping crosses the link" ping -c 2 -W 2 10.66.0.2
check "warm-up: the tunnel goes down" as_user alice midwayctl down office
check "warm-up: nothing of the tunnel is left" wait_for 15 settled
helper=$(helper_pid)
check "the helper runs ($helper)" test -n "$helper"
snapshot /tmp/before
echo "--- before $CYCLES cycles:"
cat /tmp/before
echo "helper memory before: $(helper_memory)"

done_cycles=0
up_ms=0
down_ms=0
start=$(now_ms)
for ((i = 1; i <= CYCLES; i++)); do
    t=$(now_ms)
    if ! out=$(as_user alice midwayctl up office --timeout 60 2>&1); then
        echo "$out"
        fail "cycle $i: midwayctl up failed"
        break
    fi
    up_ms=$((up_ms + $(now_ms) - t))
    t=$(now_ms)
    if ! out=$(as_user alice midwayctl down office 2>&1); then
        echo "$out"
        fail "cycle $i: midwayctl down failed"
        break
    fi
    down_ms=$((down_ms + $(now_ms) - t))
    done_cycles=$i
    if ((i % 20 == 0)); then
        elapsed=$(($(now_ms) - start))
        printf 'cycle %d: %d.%03d s, %d ms a cycle; helper fds %s, ptys %s; %s\n' \
            "$i" $((elapsed / 1000)) $((elapsed % 1000)) $((elapsed / i)) \
            "$(find /proc/"$helper"/fd -mindepth 1 -maxdepth 1 | wc -l)" "$(count_ptys)" \
            "$(helper_memory)"
    fi
done
elapsed=$(($(now_ms) - start))
if [ "$done_cycles" -gt 0 ]; then
    printf 'MIDWAY-CYCLES: %d cycles in %d.%03d s, %d ms a cycle (up %d ms, down %d ms)\n' \
        "$done_cycles" $((elapsed / 1000)) $((elapsed % 1000)) $((elapsed / done_cycles)) \
        $((up_ms / done_cycles)) $((down_ms / done_cycles))
fi
check "all $CYCLES connect/disconnect cycles succeeded ($done_cycles)" test "$done_cycles" -eq "$CYCLES"

check "after the cycles: nothing of the tunnel is left" wait_for 15 settled
snapshot /tmp/after
echo "--- after $done_cycles cycles:"
cat /tmp/after
echo "helper memory after: $(helper_memory)"

check "the helper is the same process ($helper -> $(helper_pid))" test "$(helper_pid)" = "$helper"
while IFS='=' read -r name before; do
    after=$(sed -n "s/^$name=//p" /tmp/after)
    check "$name: $before before, $after after the cycles" test "$after" = "$before"
done </tmp/before
for what in processes fds; do
    if ! cmp -s "/tmp/before.$what" "/tmp/after.$what"; then
        echo "--- $what that differ (before < > after):"
        diff "/tmp/before.$what" "/tmp/after.$what"
    fi
done
check "the same processes by name" cmp -s /tmp/before.processes /tmp/after.processes
check "the helper's descriptors point at the same kinds of thing" cmp -s /tmp/before.fds /tmp/after.fds
check "no ppp interface is left" no_ppp_interface
check "no runtime directory is left" no_tunnel_dirs
check "the helper still works: a last cycle" as_user alice midwayctl up office --timeout 60
check "ping crosses the link" ping -c 2 -W 2 10.66.0.2
check "and down" as_user alice midwayctl down office
dump_state
finish
