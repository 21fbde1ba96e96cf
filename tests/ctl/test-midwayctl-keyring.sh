#!/bin/bash
# midwayctl and the keyring: "key generate" and "key show", "up" lending the
# keyring's key and password to the helper, "remove" leaving nothing behind.
# Runs under tests/gui/run-session.sh --keyring: a real, unlocked
# gnome-keyring-daemon on a private session bus that also stands in for the
# system bus, where mock-helper answers Helper1.  secret-tool (libsecret's
# own client) reads the entries back, so the test does not trust midwayctl's
# word for what it stored.
#
# Usage: test-midwayctl-keyring.sh PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
umask 077

MIDWAYCTL=${1:?usage: $0 PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER}
MOCK_HELPER=${2:?usage: $0 PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER}
SCHEMA=io.github.midway_vpn.Midway.Secret

command -v secret-tool >/dev/null || { echo "Bail out! secret-tool not found (libsecret-tools)"; exit 1; }
command -v ssh-keygen >/dev/null || { echo "Bail out! ssh-keygen not found (openssh-client)"; exit 1; }
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || { echo "Bail out! run me under tests/gui/run-session.sh --keyring"; exit 1; }

work=$(mktemp -d "${MIDWAY_TEST_TMPDIR:-/tmp}/midwayctl-keyring.XXXXXX") || exit 1
mock_pid=
cleanup() {
    [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
    local line
    n=$((n + 1)); failed=$((failed + 1))
    echo "not ok $n - $1"; shift
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
run() {
    out=$(timeout 30 "$MIDWAYCTL" "$@" </dev/null 2>"$work/stderr"); rc=$?
    err=$(cat "$work/stderr")
}
expect() {
    local description=$1 status=$2 condition
    shift 2
    if [ "$rc" -ne "$status" ]; then
        fail "$description" "expected exit status $status, got $rc" "stdout: $out" "stderr: $err"
        return
    fi
    for condition in "$@"; do
        if ! eval "$condition"; then
            fail "$description" "failed: $condition" "stdout: $out" "stderr: $err"
            return
        fi
    done
    pass "$description"
}

import_profile() {
    printf '[Midway Profile]\nname=%s\nhost=up.test\nuser=tunnel\nauth=%s\n' "$1" "$2" >"$work/p.midway"
    "$MIDWAYCTL" import "$work/p.midway" >/dev/null || echo "Bail out! could not import $1"
}
profile_id() {
    "$MIDWAYCTL" export "$1" | sed -n 's/^id=//p'
}
profile_file() {
    echo "$XDG_CONFIG_HOME/midway/profiles/$(profile_id "$1").midway"
}

import_profile Office agent
import_profile Lab password
office_id=$(profile_id Office)
lab_id=$(profile_id Lab)

"$MOCK_HELPER" &
mock_pid=$!
for _ in $(seq 50); do
    "$MIDWAYCTL" status --json 2>/dev/null | grep -q '"helper-running":true' && break
    sleep 0.1
done

# ---- key generate ------------------------------------------------------------------

run key generate Office
public=$(printf '%s\n' "$out" | sed -n 1p)
expect "key generate prints an ed25519 public key and the server's lines" 0 \
    '[[ $public == "ssh-ed25519 AAAA"*" midway-Office" ]]' \
    '[[ $out == *"restrict,command=\"sudo -n pppd "* ]]' \
    '[[ $out == *"tunnel ALL=(root) NOPASSWD: /usr/sbin/pppd "* ]]'

secret-tool lookup xdg:schema "$SCHEMA" profile-id "$office_id" kind private-key >"$work/key" 2>"$work/stderr"
derived=$(ssh-keygen -y -f "$work/key" 2>&1)
if [[ $derived == "$public" ]]; then
    pass "the keyring holds the private key whose public half was printed"
else
    fail "the keyring holds the private key whose public half was printed" \
        "printed: $public" "ssh-keygen -y: $derived" "secret-tool: $(cat "$work/stderr")"
fi
key_digest=$(sha256sum <"$work/key" | cut -d' ' -f1)
rm -f "$work/key"

if grep -q '^auth=keyring-key$' "$(profile_file Office)"; then
    pass "key generate switches the profile to the keyring key"
else
    fail "key generate switches the profile to the keyring key" "$(cat "$(profile_file Office)")"
fi

# The key exists only in the keyring: gnome-keyring's own file is
# encrypted, so no file anywhere in the session holds the key in clear.
if grep -rlq 'OPENSSH PRIVATE KEY' "$HOME" "$XDG_RUNTIME_DIR" "$work" 2>/dev/null; then
    fail "no file holds the private key in clear" "$(grep -rl 'OPENSSH PRIVATE KEY' "$HOME" "$XDG_RUNTIME_DIR" "$work" 2>/dev/null)"
else
    pass "no file holds the private key in clear"
fi

run key generate Office
expect "a second key generate is refused without --replace" 3 '[[ $err == *"--replace"* ]]'

run key show Office
expect "key show prints the same public key" 0 '[[ $(printf "%s\n" "$out" | sed -n 1p) == "$public" ]]'

run key show Lab
expect "key show without a stored key exits 3 and says how to make one" 3 '[[ $err == *"key generate"* ]]'

run key frobnicate Office
expect "an unknown key command is a usage error" 2 '[[ $err == *"generate or show"* ]]'

# ---- up lends what the keyring holds --------------------------------------------------

# A password left from an earlier sign-in method stays in the keyring;
# the helper refuses credentials the profile's method does not use.
printf 'old password' | secret-tool store --label "Midway SSH password for Office" \
    xdg:schema "$SCHEMA" profile-id "$office_id" kind password
run up Office
expect "up of the keyring-key profile connects" 0
run log Office
expect "the helper received exactly the keyring's key, and no password" 0 \
    '[[ $out == *"credential private-key of type ay sha256 $key_digest"* ]]' \
    '[[ $out != *"credential password"* ]]'
run down Office

run up Lab
expect "up of a password profile with nothing in the keyring asks for --secret-stdin" 2 \
    '[[ $err == *"--secret-stdin"* ]]'

printf 'correct horse' | secret-tool store --label "Midway SSH password for Lab" \
    xdg:schema "$SCHEMA" profile-id "$lab_id" kind password
run up Lab
expect "up of a password profile lends the keyring's password" 0
run log Lab
expect "the helper received the keyring's password" 0 '[[ $out == *"credential password=correct horse"* ]]'
run down Lab

# ---- remove takes the profile's keyring entries with it -----------------------------

run remove Office
expect "remove of the keyring-key profile succeeds" 0
if [ -z "$(secret-tool search --all xdg:schema "$SCHEMA" profile-id "$office_id" 2>&1)" ]; then
    pass "remove leaves no keyring entry of the profile"
else
    fail "remove leaves no keyring entry of the profile" "$(secret-tool search --all xdg:schema "$SCHEMA" profile-id "$office_id" 2>&1)"
fi
if [ -n "$(secret-tool lookup xdg:schema "$SCHEMA" profile-id "$lab_id" kind password 2>/dev/null)" ]; then
    pass "the other profile's entries stay"
else
    fail "the other profile's entries stay"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
