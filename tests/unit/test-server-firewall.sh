#!/bin/sh
# The server firewall script's nftables backend, for real, in a network
# namespace of its own: the UML guest of the e2e tests has no nftables
# inet family (it tests the iptables fallback), this machine's kernel has.
# Needs root for unshare -n; without it the test fails rather than skips.
#
# Usage: test-server-firewall.sh PATH/TO/midway-server.sh
set -eu

src=$1
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    echo "FAIL: needs root and unshare -n (run the unit suite as root, as .ci/test does)" >&2
    exit 1
fi
command -v nft >/dev/null || { echo "FAIL: nft is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The firewall script is the here-document inside firewall_content().
awk '/^firewall_content\(\) \{/ { f = 1 }
     f && p && /^EOF$/ { exit }
     f && p { print }
     f && /cat <<.EOF./ { p = 1 }' "$src" >"$tmp/firewall"
[ -s "$tmp/firewall" ] || { echo "FAIL: no firewall script found in $src" >&2; exit 1; }

mkdir "$tmp/clients"
printf 'index=1\nlocal=10.77.0.2\nremote=10.77.0.3\nlan=10.99.0.0/24\ngateway=yes\n' >"$tmp/clients/alice"
printf 'index=2\nlocal=10.77.0.4\nremote=10.77.0.5\nlan=10.99.0.0/24\nlan=192.168.7.0/24\ngateway=no\n' >"$tmp/clients/bob"

unshare -n sh -eu -c '
fw=$1/firewall
fail() { echo "FAIL: $*" >&2; nft list ruleset >&2; exit 1; }
pass() { echo "ok - $*"; }

[ "$(sh "$fw" start)" = nft ] || fail "start did not pick nftables"
pass "start picks nftables"
nft list table inet midway >"$1/first"
grep -q "ip saddr 10.77.0.3 ip daddr 10.99.0.0/24 masquerade" "$1/first" || fail "no LAN masquerading for alice"
grep -q "ip saddr 10.77.0.5 ip daddr 192.168.7.0/24 masquerade" "$1/first" || fail "no LAN masquerading for bob"
grep -q "ip saddr 10.77.0.3 oifname != \"ppp\*\" masquerade" "$1/first" || fail "no gateway masquerading for alice"
grep -q "ip saddr 10.77.0.5 oifname" "$1/first" && fail "bob, without --gateway, is masqueraded everywhere"
[ "$(grep -c "maxseg size set rt mtu" "$1/first")" -eq 2 ] || fail "MSS clamping is not both ways for alice only"
grep -q "type nat hook postrouting" "$1/first" || fail "no postrouting hook"
pass "the rules of both client files"

sh "$fw" start >/dev/null
nft list table inet midway | cmp -s - "$1/first" || fail "a second start changed the rules"
[ "$(nft list tables | grep -c midway)" -eq 1 ] || fail "more than one Midway table"
pass "a second start gives the same table"

sh "$fw" status >/dev/null || fail "status fails while the table is there"
rm "$1/clients/bob"
sh "$fw" start >/dev/null
nft list table inet midway | grep -q 10.77.0.5 && fail "bob is still in the table after his file went"
pass "a client file removed takes its rules with it"

sh "$fw" stop
nft list table inet midway >/dev/null 2>&1 && fail "stop left the table"
sh "$fw" status >/dev/null && fail "status passes without the table"
[ -z "$(nft list ruleset)" ] || fail "stop left rules behind"
pass "stop removes the table and nothing is left"
' sh "$tmp"
