# shellcheck shell=bash
# Issue 11, scenario 4: a hostile server.  Its account's forced command
# forges what the setup script prints: records with shell code, terminal
# escapes, a public pool, extra sudo prompts, binary noise.  midwayctl
# fails each time; the profile stays byte for byte, nothing runs and
# nothing is written on the client, and the password never reaches a
# forced command that did not ask for it.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/server-common.sh"

check "alice has an account on the hostile server" make_server_account srvevil alice
check "alice makes her VPN key" make_vpn_key alice
check "alice imports a profile for it" server_profile alice evil srvevil

# The forced command plays back /run/evil/out and /run/evil/err, and keeps
# what it read on stdin.
mkdir -p /run/evil && chmod 0755 /run/evil
cat >/usr/local/bin/midway-evil <<'SH'
#!/bin/sh
cat /run/evil/err >&2
cat /run/evil/out
cat >/run/evil/stdin-of-$$
SH
chmod 0755 /usr/local/bin/midway-evil
printf 'command="/usr/local/bin/midway-evil",no-pty %s\n' "$(cat /home/alice/.ssh/id_ed25519.pub)" \
    >/home/srvevil/.ssh/authorized_keys
touch /run/evil/err

profile_file=$(grep -l '^name=evil$' /home/alice/.config/midway/profiles/*.midway)
profile_before=$(sha256sum "$profile_file")
marker=/tmp/midway-hostile-marker
touch "$marker"

# hostile NAME: the output in /run/evil/out must fail the run and change
# nothing on the client.
hostile() {
    local name=$1 out rc
    rm -f /run/evil/stdin-of-*
    out=$(server_cmd alice setup evil --lan 10.99.0.0/24 2>&1); rc=$?
    echo "$out"
    check "$name: setup fails" test "$rc" -eq 1
    check "$name: the profile is unchanged" test "$(sha256sum "$profile_file")" = "$profile_before"
    check "$name: nothing ran on the client" test ! -e /tmp/pwned
    check "$name: no file written in alice's home or /tmp" \
        test -z "$(find /home/alice /tmp /run/user -newer "$marker" -type f ! -path "$profile_file" 2>/dev/null)"
    check "$name: no escape sequence reached the terminal" lacks $'\e' "$out"
}

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server step sudoers changed; touch /tmp/pwned\nmidway-server end ok\n' >/run/evil/out
hostile "shell code in a record"
check "the password was never sent without sudo's prompt" bash -c "! grep -q '$SUDO_PW' /run/evil/stdin-of-*"

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server step pppd ok\e]0;owned\a\nmidway-server end ok\n' >/run/evil/out
hostile "a terminal escape in a record"

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server pool 8.8.8.0/24\nmidway-server address 8.8.8.2 8.8.8.3\nmidway-server end ok\n' >/run/evil/out
hostile "a public address pool"

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server remote-command sh -c reboot\nmidway-server end ok\n' >/run/evil/out
hostile "an unknown record"

printf '\x7e\xff\x7d\x23\xc0\x21\x7d\x21\x7d\x21\x7d\x20' >/run/evil/out
hostile "PPP frames (a key restricted to pppd)"
check "the password was never sent to the forced pppd" bash -c "! grep -q '$SUDO_PW' /run/evil/stdin-of-*"

: >/run/evil/out
printf 'midway-sudo-password:Sorry, try again.\nmidway-sudo-password:' >/run/evil/err
hostile "two sudo prompts"

# \e[2J in ssh's or sudo's words is shown escaped, not acted on.
printf 'midway-sudo-password:\e[2Jsudo: 3 incorrect password attempts\n' >/run/evil/err
hostile "an escape sequence on stderr"
finish
