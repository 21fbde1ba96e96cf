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
mkdir -p /run/evil && chmod 0755 /run/evil && chown srvevil /run/evil
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

# The forced command ran and kept its standard input, and the password is
# not in it.
password_not_sent() {
    ls /run/evil/stdin-of-* >/dev/null 2>&1 && ! grep -q "$SUDO_PW" /run/evil/stdin-of-*
}

# hostile NAME [SECS]: the output in /run/evil/out must fail the run and change
# nothing on the client.
hostile() {
    local name=$1 limit=${2:-20} out rc start
    rm -f /run/evil/stdin-of-*
    start=${EPOCHREALTIME%[.,]*}
    out=$(server_cmd alice setup evil --lan 10.99.0.0/24 2>&1); rc=$?
    echo "$out"
    check "$name: setup fails" test "$rc" -eq 1
    # Not after the 3-minute limit: the forced command keeps its session
    # open, waiting for input that never comes.
    check "$name: and stops within $limit s" test $(( ${EPOCHREALTIME%[.,]*} - start )) -lt "$limit"
    check "$name: the profile is unchanged" test "$(sha256sum "$profile_file")" = "$profile_before"
    check "$name: nothing ran on the client" test ! -e /tmp/pwned
    # A checkout or build dir under /tmp is the host's, shown to the guest
    # whole, and meson writes its logs there meanwhile: not the client's.
    check "$name: no file written in alice's home or /tmp" \
        test -z "$(find /home/alice /tmp /run/user -newer "$marker" -type f ! -path "$profile_file" \
                   ! -path "$MIDWAY_SOURCE_ROOT/*" ! -path "$MIDWAY_BUILD_ROOT/*" 2>/dev/null)"
    check "$name: no escape sequence reached the terminal" lacks $'\e' "$out"
}

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server step sudoers changed; touch /tmp/pwned\nmidway-server end ok\n' >/run/evil/out
hostile "shell code in a record"
check "the password was never sent without sudo's prompt" password_not_sent

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server step pppd ok\e]0;owned\a\nmidway-server end ok\n' >/run/evil/out
hostile "a terminal escape in a record"

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server pool 8.8.8.0/24\nmidway-server address 8.8.8.2 8.8.8.3\nmidway-server end ok\n' >/run/evil/out
hostile "a public address pool"

printf 'midway-server-ready\nmidway-server begin 1\nmidway-server remote-command sh -c reboot\nmidway-server end ok\n' >/run/evil/out
hostile "an unknown record"

printf '\x7e\xff\x7d\x23\xc0\x21\x7d\x21\x7d\x21\x7d\x20' >/run/evil/out
hostile "PPP frames (a key restricted to pppd)"
check "the password was never sent to the forced pppd" password_not_sent

: >/run/evil/out
printf 'midway-sudo-password:Sorry, try again.\nmidway-sudo-password:' >/run/evil/err
hostile "two sudo prompts"

# \e[2J in ssh's or sudo's words is shown escaped, not acted on.  This
# server takes the password and then says nothing: the client gives up
# after 45 s rather than 3 minutes.
printf 'midway-sudo-password:\e[2Jsudo: 3 incorrect password attempts\n' >/run/evil/err
hostile "an escape sequence on stderr, then silence" 60
finish
