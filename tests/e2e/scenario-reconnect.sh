# shellcheck shell=bash
# Issue 2, scenario 2: the server kills the ssh session; the drop is
# reported with its reason, the helper reconnects and the link is up again.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

check "alice imports a profile" write_profile alice office reconnect=true
check "midwayctl up succeeds" as_user alice midwayctl up office --timeout 60

# Everything the helper says from here on, as a client sees it.
as_user alice midwayctl monitor >/tmp/monitor.log 2>/tmp/monitor.err &
monitor=$!
check "the monitor listens" wait_for 10 grep -q "Watching Midway's tunnels" /tmp/monitor.err

check "the server's sshd session for mwsrv is there" srv pgrep -f '^sshd: mwsrv'
srv pkill -KILL -f 'sshd: mwsrv'

check "the drop is reported as the ssh session ending" \
    wait_for 15 grep -q 'ssh-session-ended' /tmp/monitor.log
check "the tunnel is up again within 20 s" wait_for 20 state_is alice office up
check "LastReason says why it dropped" \
    test "$(tunnel_prop alice office LastReason)" = ssh-session-ended
check "ReconnectCount is 1" test "$(tunnel_prop alice office ReconnectCount)" = 1
iface=$(tunnel_prop alice office Interface)
check "ping crosses the new link" ping -c 3 -W 2 -I "$iface" 10.66.0.2
check "the monitor saw reconnecting, then up" \
    bash -c "grep -n reconnecting /tmp/monitor.log | head -1 | cut -d: -f1 >/tmp/a;
             grep -n ' up' /tmp/monitor.log | tail -1 | cut -d: -f1 >/tmp/b;
             [ -s /tmp/a ] && [ -s /tmp/b ] && [ \$(cat /tmp/a) -lt \$(cat /tmp/b) ]"

kill "$monitor" 2>/dev/null
cat /tmp/monitor.log
check "midwayctl down succeeds" as_user alice midwayctl down office
finish
