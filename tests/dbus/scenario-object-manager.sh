# shellcheck shell=bash
# Issue 5, suite dbus: ObjectManager shows tunnels appearing and
# disappearing, with StateChanged signals in between.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

log=/tmp/signals.log
: >"$log"; chmod 0666 "$log"
# The helper is not running yet: the monitor watches the well-known name,
# so it also sees the objects of the helper that activation starts.
hostile alice monitor "$log" &
monitor_pid=$!
check "the monitor subscribed" wait_for 20 grep -qx ready "$log"

check "alice imports a profile" write_profile alice office
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
path=$(as_user alice python3 "$PROBE" path office)
check "GetManagedObjects lists the tunnel" bash -c "python3 '$PROBE' tunnels | grep -q '\"path\": \"$path\"'"
check "InterfacesAdded announced it with Tunnel1 and its properties" \
    wait_for 5 grep -qE "^added $path .*io.github.midway_vpn.Midway.Tunnel1.* name=office state=" "$log"
check "StateChanged reported starting-ssh" grep -q "^state $path starting-ssh" "$log"
check "StateChanged reported up" wait_for 5 grep -q "^state $path up" "$log"

check "bob imports a profile" write_profile bob home local-address=10.66.1.1 remote-address=10.66.1.2
check "bob's tunnel comes up" as_user bob midwayctl up home --timeout 60
bob_path=$(as_user bob python3 "$PROBE" path home)
check "two tunnels are listed" test "$(probe tunnels | grep -c '"path"')" -eq 2
check "bob's InterfacesAdded came too" wait_for 5 grep -q "^added $bob_path " "$log"

check "alice's tunnel goes down" as_user alice midwayctl down office
check "InterfacesRemoved announced its removal" \
    wait_for 10 grep -qE "^removed $path .*io.github.midway_vpn.Midway.Tunnel1" "$log"
check "StateChanged reported stopping before the removal" \
    bash -c "grep -n '' '$log' | grep -E ' $path (stopping|stopped)' | head -n1 | cut -d: -f1 | \
        xargs -I{} test {} -lt \"\$(grep -n '^removed $path' '$log' | cut -d: -f1)\""
check "alice's tunnel went starting-ssh, negotiating-ppp, up, stopping, stopped" \
    test "$(awk -v p="$path" '$1 == "state" && $2 == p { printf "%s ", $3 }' "$log")" = \
    "starting-ssh negotiating-ppp up stopping stopped "
check "GetManagedObjects no longer lists it" bash -c "! python3 '$PROBE' tunnels | grep -q '\"path\": \"$path\"'"
check "bob's tunnel is still listed" bash -c "python3 '$PROBE' tunnels | grep -q '\"path\": \"$bob_path\"'"
check "bob's tunnel goes down" as_user bob midwayctl down home
check "its InterfacesRemoved came" wait_for 10 grep -q "^removed $bob_path " "$log"
check "no tunnel is listed" test "$(probe tunnels | grep -c '"path"')" -eq 0
kill "$monitor_pid"
cat "$log"
finish
