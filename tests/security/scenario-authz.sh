# shellcheck shell=bash
# Issue 5: every method asks polkit.  A user polkit gives nothing is refused
# everything, a second user cannot touch the first user's tunnel, and a
# caller that leaves the bus during the check gets no tunnel.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

check "alice imports a profile" write_profile alice office
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
path=$(as_user alice python3 "$PROBE" path office)
check "alice's tunnel has a path ($path)" test -n "$path"

hostile mallory unauthorized "$path" >/tmp/mallory.out 2>&1
cat /tmp/mallory.out
record_cases /tmp/mallory.out

for method in Disconnect GetLog; do
    out=$(as_user bob python3 "$PROBE" call "$path" "$method")
    echo "bob $method: $out"
    check "bob's $method on alice's tunnel: NotAuthorized" \
        grep -q '^ERROR io.github.midway_vpn.Midway.Error.NotAuthorized' <<<"$out"
done
check "alice's tunnel is still up" state_is alice office up
check "it is the only tunnel" test "$(probe tunnels | grep -c '"path"')" -eq 1

# Callers that send Connect (a valid profile, allowed by polkit) and leave
# the bus at once: the helper cannot identify them, so it refuses.
hostile alice vanish 20 0 vanish >/tmp/vanish.out 2>&1
# The control: the same callers, staying 3 s, do get their tunnels.
hostile alice vanish 2 3 stay >>/tmp/vanish.out 2>&1
cat /tmp/vanish.out
record_cases /tmp/vanish.out
sleep 2
tunnels=$(probe tunnels)
check "no tunnel was created for a caller that left" \
    bash -c "! grep -q '\"ProfileName\": \"vanish-' <<<'$tunnels'"
check "callers that stayed got theirs" \
    test "$(grep -c '"ProfileName": "stay-' <<<"$tunnels")" -eq 2
check "alice's first tunnel and the two controls only" \
    test "$(grep -c '"path"' <<<"$tunnels")" -eq 3
check "the controls are tunnels 2 and 3: no number went to a vanished caller" \
    bash -c "grep -q '\"path\": \"/io/github/midway_vpn/Midway/Tunnel/3\"' <<<'$tunnels' && \
             ! grep -q 'Tunnel/4' <<<'$tunnels'"
check "one pppd of the helper's" test "$(pgrep -x -P "$(helper_pid)" pppd | wc -l)" -eq 1
check "the helper still answers" as_user bob python3 "$PROBE" tunnels
check "alice disconnects her tunnel" as_user alice midwayctl down office
finish
