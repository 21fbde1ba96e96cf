# shellcheck shell=bash
# Issue 11, scenario 3: `midwayctl server setup --print` for an
# administrator who will not hand over sudo.  The script, run as root on
# the bare server (no ssh, no sudo involved), gives the same working
# result; `remove --print` run the same way leaves /etc as it was.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

check "a LAN sits behind the server" setup_server_networks
# An account with no sudo at all: only root can set it up.
check "alice's server account" bash -c "useradd --create-home --user-group --shell /bin/bash srvalice && usermod -p '*' srvalice"
check "alice makes her VPN key" make_vpn_key alice
check "alice imports her profile" server_profile alice office srvalice routes="$LAN_NET"
etc_before=$(etc_state)

# print_script FILE ARGS...: midwayctl server ARGS as alice, into FILE.
print_script() {
    local file=$1
    shift
    as_user alice midwayctl server "$@" --print >"$file"
}

script=/tmp/midway-setup.sh
check "setup --print writes the script" print_script "$script" setup office --lan "$LAN_NET"
check "it is POSIX sh that parses" sh -n "$script"
check "it is written for root, not for sudo" grep -qx "MW_VIA_SUDO='no'" "$script"
check "printing it changed nothing on the server" test "$(etc_state)" = "$etc_before"
check "the profile already calls the server's peers file" \
    test "$(profile_field alice office remote-command)" = "sudo -n pppd call midway-srvalice"

out=$(srv sh "$script" 2>&1); rc=$?
echo "$out"
check "root runs it on the server" test "$rc" -eq 0
check "it reports its records" grep -q '^midway-server end ok$' <<<"$out"
check "and the key's line went in" grep -q '^midway-server step authorized-key changed$' <<<"$out"
etc_set_up=$(etc_state)
out=$(srv sh "$script" 2>&1)
check "a second run changes nothing" lacks ' (changed|removed)$' "$out"
check "no file under /etc changed" test "$(etc_state)" = "$etc_set_up"

check "the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the LAN host answers through it" ping -c 2 -W 3 -I "$(tunnel_prop alice office Interface)" "$LAN_HOST"
check "the tunnel goes down" as_user alice midwayctl down office

check "remove --print writes the removal script" print_script /tmp/midway-remove.sh remove office
check "root runs it" srv sh /tmp/midway-remove.sh
check "/etc is as before setup" test "$(etc_state)" = "$etc_before"
diff <(echo "$etc_before") <(etc_state)
check "forwarding is off again" test "$(srv_forwarding)" = 0
finish
