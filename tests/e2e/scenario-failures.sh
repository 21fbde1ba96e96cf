# shellcheck shell=bash
# Issue 2, scenario 4: a wrong host key, a key the server refuses, and a
# remote pppd that needs a sudo password each fail with their own reason
# code, and nothing is left running; a remote command's escape sequences
# reach LastMessage only as inert text.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

alice_home=$(getent passwd alice | cut -d: -f6)

# try PROFILE EXPECTED-REASON LOG-NEEDLE
try() {
    local name=$1 want=$2 needle=$3 rc=0 out path
    out=$(as_user alice midwayctl up "$name" --timeout 60 2>&1) || rc=$?
    echo "$out"
    check "$name: midwayctl up exits 5 (the tunnel failed)" test "$rc" -eq 5
    check "$name: the reason is $want" test "$(tunnel_prop alice "$name" LastReason)" = "$want"
    check "$name: the state is failed" state_is alice "$name" failed
    check "$name: no pppd or ssh is left" wait_for 10 no_tunnel_processes
    check "$name: no interface is left" no_ppp_interface
    path=$(as_user alice python3 "$PROBE" path "$name")
    out=$(as_user alice python3 "$PROBE" call "$path" GetLog)
    check "$name: its log has ssh's own words ($needle)" grep -qF "$needle" <<<"$out"
    check "$name: midwayctl down dismisses the failed tunnel" as_user alice midwayctl down "$name"
}

check "profile with a wrong host key" \
    write_profile alice wrong-key "host-key=$MIDWAY_WRONG_HOST_KEY"
check "profile with a key the server refuses" \
    write_profile alice refused "key-file=$alice_home/.ssh/id_refused"
check "profile whose remote sudo wants a password" \
    write_profile alice sudo-pw user=mwsudopw

# A remote command that writes escape sequences (a window title, a
# screen clear, a C1 CSI, a bidi override) to ssh's stderr and fails.
cat >/tmp/evil-pppd <<'EVIL'
#!/bin/sh
printf '\033]0;owned\007\033[2J\302\23331mno pppd here\342\200\256 sorry\n' >&2
exit 1
EVIL
chmod 0755 /tmp/evil-pppd
check "profile whose remote command prints escape sequences" \
    write_profile alice escapes remote-command=/tmp/evil-pppd

try wrong-key host-key-mismatch "Host key verification failed"
try refused ssh-auth-failed "Permission denied"
try sudo-pw remote-pppd-failed "a password is required"
# try's checks, with LastMessage read before the tunnel is dismissed:
# every account can read it, and every client prints it.
rc=0
as_user alice midwayctl up escapes --timeout 60 || rc=$?
check "escapes: midwayctl up exits 5 (the tunnel failed)" test "$rc" -eq 5
check "escapes: the reason is remote-pppd-failed" \
    test "$(tunnel_prop alice escapes LastReason)" = remote-pppd-failed
message=$(tunnel_prop bob escapes LastMessage)
printf 'LastMessage as bob reads it: %q\n' "$message"
check "escapes: LastMessage has what the server said" grep -qF "no pppd here" <<<"$message"
check "escapes: LastMessage has no ESC, BEL, C1 or format character" \
    python3 -c 'import sys, unicodedata; sys.exit(any(unicodedata.category(c) in ("Cc", "Cf") for c in sys.argv[1]))' "$message"
check "escapes: no pppd or ssh is left" wait_for 10 no_tunnel_processes
check "escapes: midwayctl down dismisses the failed tunnel" as_user alice midwayctl down escapes
check "the helper's runtime directories are gone" \
    bash -c "! ls -d /run/midway/tunnel-* 2>/dev/null"
finish
