# shellcheck shell=bash
# Issue 11, scenario 1: `midwayctl server setup` on a bare server, for two
# users at once, re-run, checked, broken by hand, and removed.  Real sshd,
# sudo (with a password), visudo, pppd and iptables (legacy: the guest
# kernel has no nftables inet family).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

check "a LAN and an internet host sit behind the server" setup_server_networks
check "the server reaches the LAN host" srv ping -c 1 -W 2 "$LAN_HOST"
check "alice has a server account with sudo and nothing else" make_server_account srvalice alice
check "bob has another" make_server_account srvbob bob
check "alice makes her VPN key" make_vpn_key alice
check "bob makes his" make_vpn_key bob
peer=$(vpn_peer alice srvalice)
check "alice imports her profile" server_profile alice office srvalice routes="$LAN_NET"
check "bob imports his" server_profile bob lab srvbob routes="$LAN_NET"
check_fails "before setup the server forwards nothing" test "$(srv_forwarding)" = 1

etc_before=$(etc_state)
ssh_before=$(ssh_state /home/srvalice)

out=$(server_cmd alice setup office --lan "$LAN_NET" 2>&1); rc=$?
echo "$out"
check "alice's setup succeeds" test "$rc" -eq 0
check "it put the sudoers drop-in in place" grep -Eq "the sudoers drop-in +put in place" <<<"$out"
check "it names the firewall backend it used" grep -q "^Firewall: iptables-legacy" <<<"$out"
pair_alice=$(sed -n 's/^Address pair: \([0-9.]*\) on the server, \([0-9.]*\) for this client.*/\1 \2/p' <<<"$out")
check "it reports alice's address pair ($pair_alice)" test -n "$pair_alice"
check "the profile's remote command is the server's pppd call" \
    test "$(profile_field alice office remote-command)" = "sudo -n pppd call $peer"
check "the profile leaves the addresses to the server" \
    test -z "$(profile_field alice office local-address)$(profile_field alice office remote-address)"
check "each file setup wrote says what wrote it" \
    grep -q "^# Written by Midway" "/etc/sudoers.d/zz-$peer" "/etc/ppp/peers/$peer" /etc/midway/pool /etc/sysctl.d/60-midway.conf
check "visudo accepts the drop-in" visudo -cqf "/etc/sudoers.d/zz-$peer"
check "the key's line is restricted to the pppd call" \
    grep -q "^restrict,command=\"sudo -n pppd call $peer nodetach notty noauth\" ssh-ed25519 " /home/srvalice/.ssh/authorized_keys
check "the server forwards" test "$(srv_forwarding)" = 1
check "Midway's NAT chain masquerades alice's address to the LAN" \
    bash -c "ip netns exec srv iptables-legacy -t nat -S MIDWAY-POSTROUTING | grep -q -- '-s ${pair_alice#* }/32 -d $LAN_NET -j MASQUERADE'"

out=$(server_cmd bob setup lab --lan "$LAN_NET" 2>&1); rc=$?
echo "$out"
check "bob's setup succeeds" test "$rc" -eq 0
pair_bob=$(sed -n 's/^Address pair: \([0-9.]*\) on the server, \([0-9.]*\) for this client.*/\1 \2/p' <<<"$out")
check "bob gets another address pair ($pair_bob)" test -n "$pair_bob" -a "$pair_bob" != "$pair_alice"

check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
check "bob's tunnel comes up" as_user bob midwayctl up lab --timeout 60
check "alice's tunnel has the address the server gave" \
    test "$(tunnel_prop alice office LocalAddress) $(tunnel_prop alice office RemoteAddress)" = "${pair_alice#* } ${pair_alice% *}"
check "bob's too" \
    test "$(tunnel_prop bob lab LocalAddress) $(tunnel_prop bob lab RemoteAddress)" = "${pair_bob#* } ${pair_bob% *}"
check "the LAN host answers alice through the tunnel" \
    ping -c 2 -W 3 -I "$(tunnel_prop alice office Interface)" "$LAN_HOST"
check "and bob, both tunnels up at once" \
    ping -c 2 -W 3 -I "$(tunnel_prop bob lab Interface)" "$LAN_HOST"
check "the LAN host has no route back to the tunnels" \
    bash -c "! ip netns exec lan ip route get ${pair_alice#* } >/dev/null 2>&1"

# A second run changes nothing on the server: contents, modes, owners.
etc_set_up=$(etc_state)
keys_set_up=$(cat /home/srvalice/.ssh/authorized_keys; stat -c '%a %U' /home/srvalice/.ssh/authorized_keys)
out=$(server_cmd alice setup office --lan "$LAN_NET" 2>&1); rc=$?
echo "$out"
check "alice's second setup succeeds" test "$rc" -eq 0
check "it puts nothing in place" lacks 'put in place' "$out"
check "it keeps alice's address pair" grep -q "^Address pair: ${pair_alice% *} on the server, ${pair_alice#* } for" <<<"$out"
check "no file under /etc changed" test "$(etc_state)" = "$etc_set_up"
check "alice's authorized_keys did not change" \
    test "$(cat /home/srvalice/.ssh/authorized_keys; stat -c '%a %U' /home/srvalice/.ssh/authorized_keys)" = "$keys_set_up"

out=$(server_cmd alice check office 2>&1); rc=$?
echo "$out"
check "server check passes" test "$rc" -eq 0
check "server check changed nothing" test "$(etc_state)" = "$etc_set_up"
rm -f "/etc/sudoers.d/zz-$peer"
out=$(server_cmd alice check office 2>&1); rc=$?
echo "$out"
check "with the drop-in removed by hand, check fails with status 1" test "$rc" -eq 1
check "and names the sudoers drop-in as missing" grep -Eq "the sudoers drop-in +MISSING" <<<"$out"
check "and nothing else" test "$(grep -c 'MISSING\|WRONG' <<<"$out")" -eq 1
check "setup puts it back" server_cmd alice setup office --lan "$LAN_NET"
check "and check passes again" server_cmd alice check office

# A wrong sudo password stops before anything is done.
out=$(echo wrong-password | as_user alice midwayctl server setup office --lan 10.98.0.0/24 \
        --identity /home/alice/.ssh/id_ed25519 --password-stdin 2>&1); rc=$?
echo "$out"
check "a wrong sudo password fails" test "$rc" -eq 1
check "and says so" grep -q "did not accept the password" <<<"$out"
check "and changed nothing" test "$(etc_state)" = "$etc_set_up"

check "alice's tunnel goes down" as_user alice midwayctl down office
check "bob's tunnel goes down" as_user bob midwayctl down lab

out=$(server_cmd bob remove lab 2>&1); rc=$?
echo "$out"
check "bob's remove succeeds" test "$rc" -eq 0
check "alice's masquerading stays" \
    bash -c "ip netns exec srv iptables-legacy -t nat -S MIDWAY-POSTROUTING | grep -q -- '-s ${pair_alice#* }/32'"
check "bob's is gone" \
    bash -c "! ip netns exec srv iptables-legacy -t nat -S MIDWAY-POSTROUTING | grep -q -- '-s ${pair_bob#* }/32'"
out=$(server_cmd alice remove office 2>&1); rc=$?
echo "$out"
check "alice's remove succeeds" test "$rc" -eq 0
check "/etc is as before setup (file list, modes, contents)" test "$(etc_state)" = "$etc_before"
diff <(echo "$etc_before") <(etc_state)
# ~/.ssh and authorized_keys were there before: only Midway's line goes.
check "alice's ~/.ssh is as before (entries, modes, contents)" test "$(ssh_state /home/srvalice)" = "$ssh_before"
check "the server forwards no more" test "$(srv_forwarding)" = 0
check "Midway's chains are gone" bash -c "! ip netns exec srv iptables-legacy -t nat -S MIDWAY-POSTROUTING"
check "and their jump" bash -c "! ip netns exec srv iptables-legacy -t nat -S POSTROUTING | grep -q MIDWAY"
check "the profile's remote command is the default again" \
    test "$(profile_field alice office remote-command)" = "sudo -n pppd"
finish
