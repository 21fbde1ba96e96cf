# shellcheck shell=bash
# Issue 2, scenario 7: `midwayctl down` leaves no interface, process, pty or
# runtime file behind.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

ptys_before=$(count_ptys)
check "alice imports a profile" write_profile alice office
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "a pty is in use while up" test "$(count_ptys)" -gt "$ptys_before"
helper=$(helper_pid)
fds_up=$(ls /proc/"$helper"/fd | wc -l)

check "midwayctl down succeeds" as_user alice midwayctl down office
check "no ppp interface is left" no_ppp_interface
check "no pppd or ssh is left on the client" no_client_tunnel_processes
# The server's pppd holds a pty of its own and ends once it has seen the
# link go: wait for it before counting ptys.
check "the server's session ended" wait_for 10 bash -c "! ip netns exec srv pgrep -f '^sshd: mwsrv' >/dev/null"
check "the server's pppd ended too" wait_for 10 no_tunnel_processes
check "the pty is gone" test "$(count_ptys)" -eq "$ptys_before"
check "the tunnel object is gone" test "$(probe tunnels)" = "[]"
check "no runtime directory is left" bash -c "! ls -d /run/midway/tunnel-* 2>/dev/null"
fds_down=$(ls /proc/"$helper"/fd | wc -l)
check "the helper closed the tunnel's descriptors ($fds_up up, $fds_down down)" \
    test "$fds_down" -lt "$fds_up"
dump_state
finish
