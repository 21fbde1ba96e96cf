# shellcheck shell=bash
# Issue 12, item 4: on a kernel without PPP (here: /dev/ppp is a node with
# no driver behind it, so open() fails with ENXIO as with ppp_generic
# missing) the helper fails the tunnel once with no-kernel-ppp, before it
# starts ssh or pppd, and never retries.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

# 240 is a major number for local use: no driver claims it.
mknod -m 0600 /dev/midway-no-ppp c 240 0
mount --bind /dev/midway-no-ppp /dev/ppp
trap 'umount /dev/ppp; rm -f /dev/midway-no-ppp' EXIT
check "/dev/ppp cannot be opened" bash -c "! exec 3<>/dev/ppp"

check "a profile that reconnects" write_profile alice noppp reconnect=true

rc=0
out=$(as_user alice env LC_ALL=C.UTF-8 midwayctl up noppp --timeout 60 2>&1) || rc=$?
echo "$out"
check "midwayctl up exits 5 (the tunnel failed)" test "$rc" -eq 5
check "midwayctl says so in plain words" grep -qF "kernel has no PPP support" <<<"$out"
check "the reason is no-kernel-ppp" test "$(tunnel_prop alice noppp LastReason)" = no-kernel-ppp
check "the state is failed" state_is alice noppp failed
check "it was not retried" test "$(tunnel_prop alice noppp ReconnectCount)" = 0
path=$(as_user alice python3 "$PROBE" path noppp)
log=$(as_user alice python3 "$PROBE" call "$path" GetLog)
echo "$log"
check "the log has pppd's words" grep -qF "Couldn't open the /dev/ppp device" <<<"$log"
check "neither ssh nor pppd was started" bash -c '! grep -qF "started pppd" <<<"$1"' _ "$log"
check "no pppd or ssh is running" no_tunnel_processes
check "midwayctl down dismisses the failed tunnel" as_user alice midwayctl down noppp
finish
