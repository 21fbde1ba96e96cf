# shellcheck shell=bash
# Issue 10 (H1): a user who stops a child of the helper before it execs
# must not stop the helper.  freeze-preload.so (in /etc/ld.so.preload)
# makes every child of the helper that becomes alice stop itself right
# after its uid changes, as alice's own SIGSTOP loop could.  While her
# child is stopped, bob calls GetManagedObjects and Connect twice a second
# and each call is answered within 1 s; once her processes continue, her
# attempt ends (the link comes up).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

preload=$MIDWAY_BUILD_ROOT/tests/e2e/freeze-preload.so
alice_uid=$(id -u alice)

# Copied: every user's processes load it, and the build tree may not be
# theirs to read.
check "the fault-injection library is built" test -f "$preload"
install -m 0644 "$preload" /usr/local/lib/midway-freeze-preload.so
install -d -m 0755 /run/midway-test-freeze
echo "$alice_uid" >/run/midway-test-freeze/stop-uid
echo /usr/local/lib/midway-freeze-preload.so >/etc/ld.so.preload

# stopped_child: a process of alice's, stopped, whose parent is the helper.
stopped_child() {
    local hp pid
    hp=$(helper_pid)
    [ -n "$hp" ] || return 1
    for pid in $(pgrep -P "$hp" -U "$alice_uid"); do
        if [ "$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" = T ]; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}

check "alice imports a profile" write_profile alice office reconnect=false
as_user alice midwayctl up office --timeout 90 >/tmp/alice-up.out 2>&1 &
up_pid=$!
check "alice's child of the helper stopped itself after its uid changed" wait_for 60 stopped_child
child=$(stopped_child)
echo "stopped: $child $(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null)"

hostile bob steady 5 >/tmp/steady.out 2>&1
cat /tmp/steady.out
record_cases /tmp/steady.out
check "alice's child was still stopped after bob's calls" stopped_child

# alice's processes continue, and no later child of hers stops.
rm -f /etc/ld.so.preload /run/midway-test-freeze/stop-uid
pkill -CONT -U "$alice_uid"
check "alice's midwayctl up ends once her processes continue" wait_for 90 bash -c "! kill -0 $up_pid"
wait "$up_pid"
up_status=$?
cat /tmp/alice-up.out
check "alice's link came up (midwayctl up: exit $up_status)" test "$up_status" -eq 0
check "alice's tunnel is up" state_is alice office up
check "alice disconnects" as_user alice midwayctl down office
check "no client pppd or ssh is left" wait_for 20 no_client_tunnel_processes
check "the helper still answers" probe tunnels
finish
