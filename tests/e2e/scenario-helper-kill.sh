# shellcheck shell=bash
# Issue 2, scenario 6: kill -9 of the helper; pppd and ssh die with it, the
# interface disappears, and the next call activates a fresh helper.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

check "alice imports a profile" write_profile alice office
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "pppd and ssh run" bash -c "pgrep -x pppd && pgrep -x ssh"
old=$(helper_pid)
check "the helper runs (pid $old)" test -n "$old"

kill -KILL "$old"
check "pppd and ssh die with the helper" wait_for 5 no_tunnel_processes
check "the ppp interface disappears" wait_for 5 no_ppp_interface
check "the server's session ends too" wait_for 10 bash -c "! ip netns exec srv pgrep -f '^sshd: mwsrv' >/dev/null"

check "a new up activates a fresh helper and works" as_user alice midwayctl up office --timeout 60
new=$(helper_pid)
check "it is a new helper process" test -n "$new" -a "$new" != "$old"
check "the stale runtime directory was cleaned" test "$(ls -d /run/midway/tunnel-* | wc -l)" -eq 1
check "ping crosses the new link" ping -c 2 -W 2 10.66.0.2
check "midwayctl down succeeds" as_user alice midwayctl down office
dump_state
finish
