# shellcheck shell=bash
# Issue 11, scenario 3: `midwayctl server setup --print` for an
# administrator who will not hand over sudo.  The script, run as root on a
# second bare server (a network and an /etc of its own; no ssh, no sudo
# involved), gives the same working result and leaves the first server's
# /etc alone; `remove --print` run the same way, for alice's key and then
# for bob's on the same account, leaves the second server's /etc and the
# account's ~/.ssh (which setup made) as they were.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

srv2_etc_state() {
    srv2 bash -c "$(declare -f etc_state); etc_state"
}
srv2_ssh_state() {
    srv2 bash -c "$(declare -f ssh_state); ssh_state /home/srvalice"
}

check "a second bare server with its own network, /etc and LAN" make_second_server
# An account with no sudo at all and no ~/.ssh: only root can set it up.
check "alice's account on the second server" \
    srv2 bash -c "useradd --create-home --user-group --shell /bin/bash srvalice && usermod -p '*' srvalice"
check "the first server has no such account" bash -c "! getent passwd srvalice"
check "the account has no ~/.ssh" srv2 test ! -e /home/srvalice/.ssh
check "alice makes her VPN key" make_vpn_key alice
check "alice imports her profile for the second server" server_profile alice office srvalice \
    host="$SRV2_ADDR" host-key="$(srv2_host_key)" routes="$LAN2_NET"
first_etc=$(etc_state)
etc_before=$(srv2_etc_state)
ssh_before=$(srv2_ssh_state)

# print_script FILE ARGS...: midwayctl server ARGS as alice, into FILE.
print_script() {
    print_script_as alice "$@"
}
print_script_as() { # CLIENT FILE ARGS...
    local client=$1 file=$2
    shift 2
    as_user "$client" midwayctl server "$@" --print >"$file"
}

script=/tmp/midway-setup.sh
check "setup --print writes the script" print_script "$script" setup office --lan "$LAN2_NET"
check "it is POSIX sh that parses" sh -n "$script"
check "it is written for root, not for sudo" grep -qx "MW_VIA_SUDO='no'" "$script"
check "printing it changed nothing on the server" test "$(srv2_etc_state)" = "$etc_before"
check "the profile already calls the server's peers file" \
    test "$(profile_field alice office remote-command)" = "sudo -n pppd call $(vpn_peer alice srvalice)"

out=$(srv2 sh "$script" 2>&1); rc=$?
echo "$out"
check "root runs it on the second server" test "$rc" -eq 0
check "it reports its records" grep -q '^midway-server end ok$' <<<"$out"
check "and the key's line went in" grep -q '^midway-server step authorized-key changed$' <<<"$out"
address_alice=$(grep '^midway-server address ' <<<"$out")
check "the second server has Midway's pool" srv2 test -f /etc/midway/pool
etc_set_up=$(srv2_etc_state)
out=$(srv2 sh "$script" 2>&1)
check "a second run changes nothing" lacks ' (changed|removed)$' "$out"
check "no file under its /etc changed" test "$(srv2_etc_state)" = "$etc_set_up"

check "the tunnel to the second server comes up" as_user alice midwayctl up office --timeout 60
check "the LAN host behind it answers through it" \
    ping -c 2 -W 3 -I "$(tunnel_prop alice office Interface)" "$LAN2_HOST"
check "the tunnel goes down" as_user alice midwayctl down office
check "the first server's /etc is untouched" test "$(etc_state)" = "$first_etc"
peer=$(vpn_peer alice srvalice)
check "and has no Midway files" test ! -e /etc/midway -a ! -e "/etc/sudoers.d/zz-$peer" -a ! -e "/etc/ppp/peers/$peer"

# A second client key on the same account, after setup had made ~/.ssh.
check "bob makes his VPN key" make_vpn_key bob
check "bob imports a profile for the same account" server_profile bob lab srvalice \
    host="$SRV2_ADDR" host-key="$(srv2_host_key)" routes="$LAN2_NET"
check "bob's setup --print" print_script_as bob /tmp/midway-setup-bob.sh setup lab --lan "$LAN2_NET"
out=$(srv2 sh /tmp/midway-setup-bob.sh 2>&1); rc=$?
echo "$out"
check "root runs it on the same account" test "$rc" -eq 0
address_bob=$(grep '^midway-server address ' <<<"$out")
check "bob's key has a pair of its own ($address_bob)" \
    test -n "$address_bob" -a "$address_bob" != "$address_alice"

check "remove --print writes the removal script" print_script /tmp/midway-remove.sh remove office
check "root runs it" srv2 sh /tmp/midway-remove.sh
check "bob's key line stays in the ~/.ssh setup made for alice's" \
    srv2 grep -q "call $(vpn_peer bob srvalice) nodetach" /home/srvalice/.ssh/authorized_keys
check "bob's remove --print" print_script_as bob /tmp/midway-remove-bob.sh remove lab
check "root runs it" srv2 sh /tmp/midway-remove-bob.sh
check "its /etc is as before setup" test "$(srv2_etc_state)" = "$etc_before"
diff <(echo "$etc_before") <(srv2_etc_state)
check "the account has no ~/.ssh again after the last key's remove" test "$(srv2_ssh_state)" = "$ssh_before"
srv2_ssh_state
check "forwarding is off again" test "$(srv2 cat /proc/sys/net/ipv4/ip_forward)" = 0
check "the first server's /etc is still untouched" test "$(etc_state)" = "$first_etc"
finish
