# shellcheck shell=bash
# Issue 5: faults injected into running tunnels.  kill -9 of the client's
# ssh, of the client's pppd, of the server's sshd session, and the server's
# sshd gone while the helper tries to reconnect: each drop is reported with
# its reason code and the link comes back (reconnect=true, the default).
# Then kill -9 of the helper with three tunnels up: every pppd and ssh, every
# ppp interface and every pty goes with it, and the next `midwayctl up`
# activates a fresh helper that works.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

no_server_session() {
    ! srv pgrep -f '^sshd: mwsrv' >/dev/null
}

# Every event the helper sends, as alice's `midwayctl monitor --json` sees
# it; in the log dir, so that a failed run prints it.
MONITOR_LOG=$MIDWAY_LOG_DIR/monitor.json
mark() {
    wc -l <"$MONITOR_LOG"
}
# saw MARK NAME STATE REASON: after line MARK of the monitor's log, a
# state-changed event took NAME's tunnel to STATE with REASON ("" for none).
saw() {
    tail -n +"$(($1 + 1))" "$MONITOR_LOG" | python3 -c '
import json, sys
name, state, reason = sys.argv[1:4]
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if (e.get("event") == "state-changed" and e.get("profile-name") == name
            and e.get("state") == state and e.get("reason") == reason):
        sys.exit(0)
sys.exit(1)' "$2" "$3" "$4"
}

# The client's processes: the helper's children.
client_count() {
    pgrep -c -x -P "$(helper_pid)" "$1"
}
client_pid() {
    pgrep -x -P "$(helper_pid)" "$1"
}
reconnects() {
    tunnel_prop alice office ReconnectCount
}
reconnects_at_least() {
    [ "$(reconnects)" -ge "$1" ]
}
# ptys_of PID...: the ptys (slaves) the processes have open, one a line.
ptys_of() {
    local p f
    for p in "$@"; do
        for f in "/proc/$p/fd"/*; do
            readlink "$f"
        done
    done 2>/dev/null | grep -x '/dev/pts/[0-9]*'
}
ptys_are() {
    [ "$(count_ptys)" -eq "$1" ]
}
ptys_initial=$(count_ptys)

# recovered WHAT MARK REASON COUNT OLD_SSH OLD_PPPD: after the fault WHAT,
# the drop was reported with REASON, the link is up again on a new ssh and
# pppd (exactly one of each), and ping crosses it.
recovered() {
    local what=$1 m=$2 reason=$3 count=$4 old_ssh=$5 old_pppd=$6 iface new_ssh new_pppd
    check "$what: the drop is reported as reconnecting ($reason)" \
        wait_for 20 saw "$m" office reconnecting "$reason"
    check "$what: the tunnel is up again" wait_for 30 saw "$m" office up ""
    check "$what: its state is up" state_is alice office up
    check "$what: LastReason is $reason" test "$(tunnel_prop alice office LastReason)" = "$reason"
    check "$what: ReconnectCount is $((count + 1))" test "$(reconnects)" = $((count + 1))
    new_ssh=$(client_pid ssh)
    new_pppd=$(client_pid pppd)
    check "$what: exactly one client ssh, a new one ($old_ssh -> $new_ssh)" \
        test "$(client_count ssh)" -eq 1 -a "$new_ssh" != "$old_ssh"
    check "$what: exactly one client pppd, a new one ($old_pppd -> $new_pppd)" \
        test "$(client_count pppd)" -eq 1 -a "$new_pppd" != "$old_pppd"
    check "$what: one ppp interface" test "$(ip -o link show | grep -c ': ppp[0-9]')" -eq 1
    iface=$(tunnel_prop alice office Interface)
    check "$what: ping crosses the new link ($iface)" ping -c 3 -W 2 -I "$iface" 10.66.0.2
}

# ------------------------------------------------------------- one tunnel
# reconnect is left out of the profile: true is its default.
check "alice imports a profile" write_profile alice office
check "the helper is activated" dbus-send --system --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
    string:io.github.midway_vpn.Midway.Helper uint32:0
as_user alice midwayctl monitor --json >"$MONITOR_LOG" 2>"$MONITOR_LOG.err" &
monitor=$!
check "the monitor listens" wait_for 10 grep -q "Watching Midway's tunnels" "$MONITOR_LOG.err"
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the monitor saw it come up" wait_for 5 saw 0 office up ""
check "its profile reconnects" test "$(as_user alice midwayctl export office | sed -n 's/^reconnect=//p')" != false
check "ReconnectCount is 0" test "$(reconnects)" = 0
check "ping crosses the link" ping -c 2 -W 2 10.66.0.2

# 1. kill -9 of the client's ssh.
old_ssh=$(client_pid ssh)
old_pppd=$(client_pid pppd)
check "the client's ssh runs ($old_ssh)" test -n "$old_ssh"
n=$(reconnects)
m=$(mark)
kill -KILL "$old_ssh"
recovered "client ssh killed" "$m" ssh-session-ended "$n" "$old_ssh" "$old_pppd"

# 2. kill -9 of the client's pppd.
old_ssh=$(client_pid ssh)
old_pppd=$(client_pid pppd)
check "the client's pppd runs ($old_pppd)" test -n "$old_pppd"
n=$(reconnects)
m=$(mark)
kill -KILL "$old_pppd"
recovered "client pppd killed" "$m" ssh-session-ended "$n" "$old_ssh" "$old_pppd"

# 3. kill -9 of the server's sshd session for the tunnel.
old_ssh=$(client_pid ssh)
old_pppd=$(client_pid pppd)
check "the server's sshd session for mwsrv is there" srv pgrep -f '^sshd: mwsrv'
n=$(reconnects)
m=$(mark)
srv pkill -KILL -f '^sshd: mwsrv'
recovered "server session killed" "$m" ssh-session-ended "$n" "$old_ssh" "$old_pppd"

# 4. The server's sshd stops listening and the session is killed: the
# attempts fail until sshd is back.
old_ssh=$(client_pid ssh)
old_pppd=$(client_pid pppd)
sshd_pid=$(cat "$SSHD_DIR/sshd.pid")
check "the server's listening sshd runs ($sshd_pid)" kill -0 "$sshd_pid"
n=$(reconnects)
m=$(mark)
kill -TERM "$sshd_pid"
check "the server no longer listens on port 22" wait_for 10 bash -c '! ip netns exec srv ss -Hltn "sport = :22" | grep -q .'
srv pkill -KILL -f '^sshd: mwsrv'
check "sshd down: the drop is reported as reconnecting (ssh-session-ended)" \
    wait_for 20 saw "$m" office reconnecting ssh-session-ended
check "sshd down: the next attempt fails as server-unreachable" \
    wait_for 20 saw "$m" office reconnecting server-unreachable
check "sshd down: the helper keeps trying (ReconnectCount >= $((n + 2)))" \
    wait_for 20 reconnects_at_least $((n + 2))
check_fails "sshd down: the tunnel is not up" state_is alice office up
check "sshd down: LastReason is server-unreachable" \
    test "$(tunnel_prop alice office LastReason)" = server-unreachable
check "sshd down: no ppp interface" no_ppp_interface
tries=$(reconnects)
m=$(mark)
check "sshd starts again" start_sshd
check "sshd listens again" wait_for 20 sshd_listens
check "sshd back: the tunnel is up again" wait_for 75 saw "$m" office up ""
check "sshd back: its state is up" state_is alice office up
check "sshd back: ReconnectCount went on counting ($tries -> $(reconnects))" \
    test "$(reconnects)" -gt "$tries"
new_ssh=$(client_pid ssh)
new_pppd=$(client_pid pppd)
check "sshd back: exactly one client ssh, a new one ($old_ssh -> $new_ssh)" \
    test "$(client_count ssh)" -eq 1 -a "$new_ssh" != "$old_ssh"
check "sshd back: exactly one client pppd, a new one ($old_pppd -> $new_pppd)" \
    test "$(client_count pppd)" -eq 1 -a "$new_pppd" != "$old_pppd"
iface=$(tunnel_prop alice office Interface)
check "sshd back: ping crosses the new link ($iface)" ping -c 3 -W 2 -I "$iface" 10.66.0.2

check "midwayctl down succeeds" as_user alice midwayctl down office
check "no ppp interface is left" no_ppp_interface
check "no pppd or ssh is left" wait_for 10 no_tunnel_processes
check "no pty is left ($(count_ptys), $ptys_initial before)" test "$(count_ptys)" -eq "$ptys_initial"

# ---------------------------------------------- kill -9 of the helper
ptys_before=$(count_ptys)
for i in 1 2 3; do
    check "alice imports profile t$i" write_profile alice "t$i" \
        local-address=10.66.$i.1 remote-address=10.66.$i.2
done
for i in 1 2 3; do
    check "tunnel t$i comes up" as_user alice midwayctl up "t$i" --timeout 60
done
old=$(helper_pid)
check "the helper runs ($old)" test -n "$old"
for i in 1 2 3; do
    check "ping crosses t$i" ping -c 2 -W 2 "10.66.$i.2"
done
children=$(pgrep -P "$old" | tr '\n' ' ')
check "three client pppd run" test "$(client_count pppd)" -eq 3
check "three client ssh run" test "$(client_count ssh)" -eq 3
check "three ppp interfaces" test "$(ip -o link show | grep -c ': ppp[0-9]')" -eq 3
# Each tunnel takes two ptys: the client's (pppd on the slave, ssh on the
# master) and the server's (pppd's own for "notty", with a second pppd
# process, its charshunt, on the master).
# (No process substitution: the guest's /dev has no /dev/fd.)
read -ra client_pppd <<<"$(pgrep -x -P "$old" pppd | tr '\n' ' ')"
server_pppd=()
for p in $(pgrep -x pppd); do
    [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$old" ] || server_pppd+=("$p")
done
check "each client pppd (${client_pppd[*]}) has a pty of its own" \
    test "$(ptys_of "${client_pppd[@]}" | sort -u | wc -l)" -eq 3
check "the server's pppd processes (${server_pppd[*]}) hold a pty per tunnel" \
    test "$(ptys_of "${server_pppd[@]}" | sort -u | wc -l)" -eq 3
check "six more ptys, the tunnels' ($ptys_before -> $(count_ptys))" \
    test "$(count_ptys)" -eq $((ptys_before + 6)) -a \
    "$(ptys_of "${client_pppd[@]}" "${server_pppd[@]}" | sort -u | wc -l)" -eq 6
check "three server sessions" test "$(srv pgrep -c -f '^sshd: mwsrv@')" -eq 3
ps -o pid,ppid,user,tty,args -C pppd,ssh,sudo || true

none_alive() {
    local p
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && return 1
    done
    return 0
}
kill -KILL "$old"
# shellcheck disable=SC2086 # one word per pid
check "every child of the helper dies with it ($children)" wait_for 5 none_alive $children
check "no pppd or ssh is left, the server's included" wait_for 10 no_tunnel_processes
check "no ppp interface is left" wait_for 5 no_ppp_interface
check "the ptys are released ($ptys_before as before)" wait_for 5 ptys_are "$ptys_before"
check "the server's sessions end" wait_for 10 no_server_session

check "a new up activates a fresh helper and works" as_user alice midwayctl up t2 --timeout 60
new=$(helper_pid)
check "it is a new helper process ($old -> $new)" test -n "$new" -a "$new" != "$old"
check "the fresh helper has only the new tunnel" test "$(probe tunnels | grep -c '"path"')" -eq 1
check "the stale runtime directories were cleaned" test "$(find /run/midway -mindepth 1 -maxdepth 1 -name 'tunnel-*' | wc -l)" -eq 1
check "ping crosses the new link" ping -c 2 -W 2 10.66.2.2
check "the new tunnel's two ptys in use" test "$(count_ptys)" -eq $((ptys_before + 2))
check "midwayctl down succeeds" as_user alice midwayctl down t2
check "no ppp interface is left at the end" no_ppp_interface
check "no pppd or ssh is left at the end" wait_for 10 no_tunnel_processes
check "no pty is left at the end" test "$(count_ptys)" -eq "$ptys_initial"
check "no runtime directory is left at the end" no_tunnel_dirs

kill "$monitor" 2>/dev/null
wait "$monitor" 2>/dev/null
dump_state
finish
