# shellcheck shell=bash
# Removing the midway-core package (its prerm, as dpkg runs it) ends every
# tunnel and takes away every route the helper put in and every fail-closed
# block (a user's: chains midway-* of iptables, this kernel having no
# nftables inet family): nothing keeps the machine or a user blocked or
# routed into a dead tunnel.
# Once with the tunnel up, once with it dropped and held down (only the block
# stands then), and once after the helper was killed: its block stays until
# a helper starts again, and removing the package must not leave it.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

PRERM=$MIDWAY_SOURCE_ROOT/data/debian/midway-core.prerm

blocked() {
    iptables-legacy-save -t filter | grep -q -- "-d $FAR_NET -j REJECT"
}
no_user_blocks() {
    ! iptables-legacy-save -t filter | grep -q -- 'midway-'
}
no_helper() {
    [ -z "$(helper_pid)" ]
}
all_gone() {
    check "$1: no helper is left" wait_for 10 no_helper
    check "$1: no pppd or ssh is left on the client" wait_for 10 no_client_tunnel_processes
    check "$1: no ppp interface is left" wait_for 10 no_ppp_interface
    check "$1: no route of Midway's is left" no_midway_routes
    check "$1: no block is left" no_user_blocks
    check "$1: no runtime directory is left" bash -c "! ls -d /run/midway/tunnel-* 2>/dev/null"
}

check "a third namespace sits behind the server" setup_far
check "alice imports a fail-closed split profile" write_profile alice office \
    routes=$FAR_NET fail-closed=true

# ------------------------------------------------ with the tunnel up
check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the far network goes through the tunnel" goes_through "$FAR_ADDR" 'ppp*'
check "alice's block is in place behind the tunnel" blocked
check "prerm remove succeeds" sh "$PRERM" remove
all_gone "tunnel up"
check "the server's session ended" wait_for 10 bash -c "! ip netns exec srv pgrep -f '^sshd: mwsrv' >/dev/null"

# ------------------------------------------------ dropped, only the block
check "the tunnel comes up again (the bus starts a new helper)" \
    as_user alice midwayctl up office --timeout 60
check "the server stops listening" stop_sshd
check "the server kills the tunnel's session" srv pkill -KILL -f '^sshd: mwsrv'
check "the tunnel is held down" wait_for 15 state_is alice office reconnecting
check "the ppp interface went" wait_for 10 no_ppp_interface
check "the far network is blocked" blocked
check "prerm upgrade succeeds" sh "$PRERM" upgrade
all_gone "held down"

# ------------------------------------------------ a killed helper's block
check "the server listens once more" start_sshd
check "sshd is ready" wait_for 20 sshd_listens
check "the tunnel comes up a third time" as_user alice midwayctl up office --timeout 60
check "the server stops listening again" stop_sshd
check "the server kills the session again" srv pkill -KILL -f '^sshd: mwsrv'
check "the tunnel is held down again" wait_for 15 state_is alice office reconnecting
check "the helper is killed" kill -KILL "$(helper_pid)"
check "its block stays without a helper" blocked
check "prerm remove succeeds with no helper running" sh "$PRERM" remove
all_gone "killed helper"
check "the server listens again" start_sshd

dump_state
finish
