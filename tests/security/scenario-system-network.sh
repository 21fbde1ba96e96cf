# shellcheck shell=bash
# Issue 10 (H2): a profile that changes the network of every user (a full
# tunnel, a route over one the machine has, a LAN host's address, DNS for
# every name) needs io.github.midway_vpn.Midway.change-system-network,
# which the real polkitd refuses alice (auth_admin_keep, no agent) until a
# rules file grants it.  Each refusal names the field, and nothing is
# spawned; a profile of her own networks connects with `connect` alone.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

ACTION=io.github.midway_vpn.Midway.change-system-network
GRANT=/etc/polkit-1/rules.d/60-midway-test-system-network.rules
LAN_HOST=192.0.2.77   # on the client's uplink network, not in use

# alice_may: polkitd (which re-reads its rules when rules.d changes) says
# yes to alice for the action; pkcheck asks about her own process.
alice_may() {
    as_user alice sh -c 'exec pkcheck --action-id "$1" --process $$' sh "$ACTION"
}

check "the harness's grant is removed" rm "$GRANT"
alice_may_not() {
    ! alice_may
}
check "polkitd no longer grants alice $ACTION" wait_for 20 alice_may_not

no_tunnel_of() {
    ! as_user alice python3 "$PROBE" path "$1"
}

# refused NAME FIELD: midwayctl up fails with the field first and the
# action named, and no tunnel, process or interface appears.
refused() {
    local name=$1 field=$2 rc=0 out
    out=$(as_user alice midwayctl up "$name" --timeout 60 2>&1) || rc=$?
    echo "$out"
    check "$name: refused as not authorised (exit 4)" test "$rc" -eq 4
    check "$name: the message names $field first" grep -qE "(^|: )$field: " <<<"$out"
    check "$name: the message names $ACTION" grep -qF "$ACTION" <<<"$out"
    check "$name: no tunnel object" no_tunnel_of "$name"
    check "$name: no pppd or ssh ran" no_client_tunnel_processes
    check "$name: no ppp interface" no_ppp_interface
}

check "full-tunnel profile" write_profile alice full full-tunnel=true
check "profile routing the uplink's LAN" write_profile alice lan routes=192.0.2.0/24
check "profile routing one LAN host" write_profile alice host routes=10.99.0.0/24,$LAN_HOST/32
check "profile routing a network around the LAN" write_profile alice wide routes=192.0.0.0/16
check "profile taking a LAN host's address" write_profile alice local local-address=$LAN_HOST
check "profile whose peer is a LAN host" write_profile alice remote remote-address=$LAN_HOST
check "profile with DNS for every name" write_profile alice dns dns-servers=10.66.0.2
check "profile with the server's DNS for every name" write_profile alice peerdns peer-dns=true

refused full full-tunnel
refused lan routes
refused host routes
refused wide routes
refused local local-address
refused remote remote-address
refused dns dns-servers
refused peerdns peer-dns

# The control: her own networks and a peer of her own need nothing more.
check "profile of her own networks" write_profile alice own routes=10.99.0.0/24
check "it comes up without $ACTION" as_user alice midwayctl up own --timeout 60
check "alice disconnects it" as_user alice midwayctl down own

# Granted with a rules file: the same profiles come up.
cat >/etc/polkit-1/rules.d/70-alice-system-network.rules <<'EOF'
polkit.addRule(function(action, subject) {
    if (action.id == "io.github.midway_vpn.Midway.change-system-network" &&
        subject.user == "alice") {
        return polkit.Result.YES;
    }
});
EOF
chmod 0644 /etc/polkit-1/rules.d/70-alice-system-network.rules
check "polkitd grants alice $ACTION" wait_for 20 alice_may
for name in full dns; do
    check "$name: comes up with the grant" as_user alice midwayctl up "$name" --timeout 60
    check "$name: alice disconnects it" as_user alice midwayctl down "$name"
done
check "no pppd or ssh is left" wait_for 20 no_client_tunnel_processes
finish
