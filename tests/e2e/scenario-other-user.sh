# shellcheck shell=bash
# Issue 2, scenario 5: a second unprivileged user can neither stop nor read
# the first user's tunnel; a user polkit gives nothing cannot connect.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

check "alice imports a profile" write_profile alice office
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
path=$(as_user alice python3 "$PROBE" path office)

out=$(as_user bob python3 "$PROBE" call "$path" Disconnect)
echo "$out"
check "bob cannot disconnect alice's tunnel" grep -q '^ERROR io.github.midway_vpn.Midway.Error.NotAuthorized' <<<"$out"
out=$(as_user bob python3 "$PROBE" call "$path" GetLog)
check "bob cannot read alice's log" grep -q '^ERROR io.github.midway_vpn.Midway.Error.NotAuthorized' <<<"$out"
check "bob's log reply carries no log line" bash -c "! grep -q 'pppd:' <<<'$out'"
check "alice's tunnel is still up" state_is alice office up

out=$(as_user alice python3 "$PROBE" call "$path" GetLog)
check "alice reads her own log" grep -q 'pppd: ' <<<"$out"

check_fails "bob can't bring alice's tunnel down with midwayctl either" \
    as_user bob midwayctl down office

check "mallory imports a profile" write_profile mallory office
out=$(as_user mallory midwayctl up office --timeout 20 2>&1); rc=$?
echo "$out"
check "mallory, whom polkit gives nothing, is refused (exit 4)" test "$rc" -eq 4
check "alice's tunnel is the only one" test "$(probe tunnels | grep -c '"path"')" -eq 1

check "alice disconnects her tunnel" as_user alice midwayctl down office
finish
