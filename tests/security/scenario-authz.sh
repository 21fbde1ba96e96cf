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

# Callers that send Connect and leave the bus at once (CVE-2021-3560: a
# check that fails because the caller is gone must not count as a yes).
# mallory, whom polkit refuses, never gets a tunnel however the race goes.
hostile mallory vanish 20 0 mallory-vanish >/tmp/vanish.out 2>&1
# alice is allowed to connect: whether her check still sees her depends on
# timing, but whatever is created is hers, never root's (5 of them, so
# that with the controls she stays within her limit of 8 tunnels).
hostile alice vanish 5 0 vanish >>/tmp/vanish.out 2>&1
# The control: callers that stay 3 s get their tunnels.
hostile alice vanish 2 3 stay >>/tmp/vanish.out 2>&1
cat /tmp/vanish.out
record_cases /tmp/vanish.out
sleep 2
tunnels=$(probe tunnels)
owner_of() {
    python3 -c 'import json,sys; print(" ".join(str(t["Owner"]) for t in json.load(sys.stdin) if t["ProfileName"].startswith(sys.argv[1])))' "$1" <<<"$tunnels"
}
check "no tunnel for mallory, who left during the check" test -z "$(owner_of mallory-)"
check "no tunnel is owned by anyone but alice" \
    test -z "$(owner_of '' | tr ' ' '\n' | grep -vx "$(id -u alice)")"
n_vanished=$(owner_of vanish- | wc -w)
echo "alice's vanished callers that still got a tunnel: $n_vanished of 5"
check "callers that stayed got theirs" test "$(owner_of stay- | wc -w)" -eq 2
check "one pppd of the helper's" test "$(pgrep -x -P "$(helper_pid)" pppd | wc -l)" -eq 1
check "the helper still answers" as_user bob python3 "$PROBE" tunnels
check "alice disconnects her tunnel" as_user alice midwayctl down office
finish
