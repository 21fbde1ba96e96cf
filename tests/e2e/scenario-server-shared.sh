# shellcheck shell=bash
# Issue 11: two clients (alice's and bob's machines, each with its own VPN
# key) on the SAME server account.  Each key gets an address pair, a peers
# file, a sudoers drop-in and an authorized_keys line of its own, so both
# tunnels run at once; one client's setup or remove leaves the other's
# alone.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

pair_of() { # setup's output
    sed -n 's/^Address pair: \([0-9.]*\) on the server, \([0-9.]*\) for this client.*/\1 \2/p' <<<"$1"
}

check "a LAN sits behind the server" setup_server_networks
check "one server account, with sudo and nothing else" make_server_account srvteam alice
check "bob may sign in to it too" \
    bash -c "cat /home/bob/.ssh/id_ed25519.pub >>/home/srvteam/.ssh/authorized_keys"
check "alice makes her VPN key" make_vpn_key alice
check "bob makes his" make_vpn_key bob
check "alice imports her profile for the account" server_profile alice office srvteam routes="$LAN_NET"
check "bob imports his for the same account" server_profile bob lab srvteam routes="$LAN_NET"
peer_alice=$(vpn_peer alice srvteam)
peer_bob=$(vpn_peer bob srvteam)
etc_before=$(etc_state)
ssh_before=$(ssh_state /home/srvteam)

out=$(server_cmd alice setup office --lan "$LAN_NET" 2>&1); rc=$?
echo "$out"
check "alice's setup succeeds" test "$rc" -eq 0
pair_alice=$(pair_of "$out")
out=$(server_cmd bob setup lab --lan "$LAN_NET" 2>&1); rc=$?
echo "$out"
check "bob's setup on the same account succeeds" test "$rc" -eq 0
pair_bob=$(pair_of "$out")
check "bob's key gets another address pair ($pair_bob, alice's $pair_alice)" \
    test -n "$pair_alice" -a -n "$pair_bob" -a "$pair_bob" != "$pair_alice"
check "each profile calls its own key's peers file" \
    test "$(profile_field alice office remote-command) $(profile_field bob lab remote-command)" = \
         "sudo -n pppd call $peer_alice sudo -n pppd call $peer_bob"
check "alice's key line is still there after bob's setup" \
    grep -q "^restrict,command=\"sudo -n pppd call $peer_alice nodetach notty noauth\" ssh-ed25519 " /home/srvteam/.ssh/authorized_keys
check "next to bob's" \
    grep -q "^restrict,command=\"sudo -n pppd call $peer_bob nodetach notty noauth\" ssh-ed25519 " /home/srvteam/.ssh/authorized_keys
check "each has a sudoers drop-in visudo accepts" \
    bash -c "visudo -cqf /etc/sudoers.d/zz-$peer_alice && visudo -cqf /etc/sudoers.d/zz-$peer_bob"

check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
check "bob's tunnel comes up beside it" as_user bob midwayctl up lab --timeout 60
check "alice's tunnel has her pair" \
    test "$(tunnel_prop alice office LocalAddress) $(tunnel_prop alice office RemoteAddress)" = "${pair_alice#* } ${pair_alice% *}"
check "bob's has his" \
    test "$(tunnel_prop bob lab LocalAddress) $(tunnel_prop bob lab RemoteAddress)" = "${pair_bob#* } ${pair_bob% *}"
check "the LAN host answers alice" ping -c 2 -W 3 -I "$(tunnel_prop alice office Interface)" "$LAN_HOST"
check "and bob, both tunnels up at once" ping -c 2 -W 3 -I "$(tunnel_prop bob lab Interface)" "$LAN_HOST"
check "alice's tunnel goes down" as_user alice midwayctl down office
check "bob's tunnel goes down" as_user bob midwayctl down lab

out=$(server_cmd bob remove lab 2>&1); rc=$?
echo "$out"
check "bob's remove succeeds" test "$rc" -eq 0
check "bob's files are gone" test ! -e "/etc/sudoers.d/zz-$peer_bob" -a ! -e "/etc/ppp/peers/$peer_bob"
check "and his key line" bash -c "! grep -q '$peer_bob' /home/srvteam/.ssh/authorized_keys"
out=$(server_cmd alice check office 2>&1); rc=$?
echo "$out"
check "alice's half still checks out complete" test "$rc" -eq 0
out=$(server_cmd alice remove office 2>&1); rc=$?
echo "$out"
check "alice's remove succeeds" test "$rc" -eq 0
check "/etc is as before setup" test "$(etc_state)" = "$etc_before"
diff <(echo "$etc_before") <(etc_state)
check "the account's ~/.ssh is as before" test "$(ssh_state /home/srvteam)" = "$ssh_before"
finish
