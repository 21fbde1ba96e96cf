#!/bin/bash
# Tests of midwayctl's tunnel commands (up, down, status, log, monitor)
# against mock-helper on a private bus standing in for the system bus.
#
# Usage: test-midwayctl-dbus.sh PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER.
# Prints TAP; skips (77) when dbus-daemon is not installed.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

MIDWAYCTL=${1:?usage: $0 PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER}
MOCK_HELPER=${2:?usage: $0 PATH-TO-MIDWAYCTL PATH-TO-MOCK-HELPER}

if ! command -v dbus-daemon >/dev/null; then
    echo "1..0 # SKIP dbus-daemon is not installed"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/midwayctl-dbus-test.XXXXXX") || exit 99
bus_pid=
mock_pid=
cleanup() {
    [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
    [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

export XDG_CONFIG_HOME=$work/config
export HOME=$work/home
export LC_ALL=C.UTF-8
export LANGUAGE=
mkdir -p "$HOME"

# A bus of our own, with the session bus's permissive policy.
dbus-daemon --session --fork --nopidfile --print-address=3 --print-pid=4 \
    3>"$work/bus-address" 4>"$work/bus-pid" || { echo "Bail out! dbus-daemon did not start"; exit 99; }
for _ in $(seq 50); do
    [ -s "$work/bus-address" ] && [ -s "$work/bus-pid" ] && break
    sleep 0.1
done
bus_pid=$(head -n 1 "$work/bus-pid")
DBUS_SYSTEM_BUS_ADDRESS=$(head -n 1 "$work/bus-address")
export DBUS_SYSTEM_BUS_ADDRESS
# Nothing here may fall back on a real session.
unset DBUS_SESSION_BUS_ADDRESS

n=0
failed=0

# within SECS CMD...: true as soon as CMD is, false if it is not within SECS
# seconds.  What the tests wait for, instead of a fixed pause.
within() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}
# monitor_listens FILE: the monitor writing its stderr to FILE says it listens.
monitor_listens() {
    within 10 grep -q "Watching Midway's tunnels" "$1"
}

pass() {
    n=$((n + 1))
    echo "ok $n - $1"
}

fail() {
    local line
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/#   /'
    done
}

run() {
    out=$(timeout 30 "$MIDWAYCTL" "$@" </dev/null 2>"$work/stderr")
    rc=$?
    err=$(cat "$work/stderr")
}

run_input() {
    local input=$1
    shift
    out=$(printf '%s' "$input" | timeout 30 "$MIDWAYCTL" "$@" 2>"$work/stderr")
    rc=$?
    err=$(cat "$work/stderr")
}

details() {
    printf 'exit status: %s\nstdout: %s\nstderr: %s\n' "$rc" "$out" "$err"
}

expect() {
    local description=$1 status=$2 condition
    shift 2
    if [ "$rc" -ne "$status" ]; then
        fail "$description" "expected exit status $status" "$(details)"
        return
    fi
    for condition in "$@"; do
        if ! eval "$condition"; then
            fail "$description" "failed: $condition" "$(details)"
            return
        fi
    done
    pass "$description"
}

# valid_json_lines FILE: every line parses as JSON (when python3 is here).
valid_json_lines() {
    command -v python3 >/dev/null || return 0
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$1"
}

valid_json() {
    command -v python3 >/dev/null || return 0
    python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$1"
}

import_profile() {
    local name=$1 host=$2 auth=$3 extra=${4:-}
    printf '[Midway Profile]\nname=%s\nhost=%s\nauth=%s\n%s' "$name" "$host" "$auth" "$extra" >"$work/p.midway"
    "$MIDWAYCTL" import "$work/p.midway" >/dev/null || echo "Bail out! could not import $name"
}

import_profile Up up.test agent
import_profile Fail fail.test agent
import_profile Flaky flaky.test agent
import_profile Slow slow.test agent
import_profile SlowOnce slow.test agent $'reconnect=false\n'
import_profile Denied denied.test agent
import_profile Password up.test password

# ---- no helper on the bus ---------------------------------------------------------

run status --json
expect "status without a helper: no tunnels, exit 0" 0 \
    '[[ $out == *"\"helper-running\":false"* && $out == *"\"tunnels\":[]"* ]]' 'valid_json "$out"'

run status
expect "status without a helper says there are no tunnels" 0 '[[ $out == "No tunnels." ]]'

run down Up
expect "down without a helper exits 1 (not connected)" 1 '[[ $err == *"not connected"* ]]'

run up Up
expect "up without a helper (and no way to start it) exits 1" 1 '[[ $err == *"helper"* ]]'

# ---- with the mock helper ------------------------------------------------------------

helper_running() {
    "$MIDWAYCTL" status --json 2>/dev/null | grep -q '"helper-running":true'
}
"$MOCK_HELPER" &
mock_pid=$!
within 5 helper_running

timeout 60 "$MIDWAYCTL" monitor --json >"$work/monitor.json" 2>"$work/monitor.err" &
monitor_pid=$!
timeout 60 "$MIDWAYCTL" monitor >"$work/monitor.txt" 2>&1 &
monitor_text_pid=$!
monitor_listens "$work/monitor.err" && monitor_listens "$work/monitor.txt" \
    || echo "# a monitor did not say it listens within 10 s"

export SSH_AUTH_SOCK=$work/agent.sock
run up Up
expect "up waits for the link and prints interface and addresses" 0 \
    '[[ $out == "Connected “Up”: ppp7 10.66.0.1 ⇄ 10.66.0.2" ]]'

run up Up
expect "up of a tunnel that is already up reports it at once" 0 '[[ $out == *"Connected “Up”: ppp7"* ]]'

run log Up
expect "the helper got SSH_AUTH_SOCK for an agent profile" 0 \
    '[[ $out == *"credential ssh-auth-sock=$work/agent.sock"* ]]'
expect "log never lets an escape sequence reach the terminal" 0 \
    '[[ $out != *$'"'"'\033'"'"'* && $out != *$'"'"'\007'"'"'* ]]' '[[ $out == *"\\x1b]0;pwned\\x07"* ]]'

run status
expect "status shows the tunnel with its state and details" 0 \
    '[[ $out == *"Up — up"* ]]' '[[ $out == *ppp7* ]]' '[[ $out == *"10.66.0.1 ⇄ 10.66.0.2"* ]]' \
    '[[ $out == *"01:02:0"* ]]' '[[ $out == *"123.5"?"kB received, 654.3"?"kB sent"* ]]'

run status --json
expect "status --json has the tunnel's properties" 0 'valid_json "$out"' \
    '[[ $out == *"\"helper-running\":true"* ]]' \
    '[[ $out == *"\"profile-name\":\"Up\""* && $out == *"\"state\":\"up\""* ]]' \
    '[[ $out == *"\"interface\":\"ppp7\""* && $out == *"\"rx-bytes\":123456"* ]]' \
    '[[ $out == *"\"owner\":$(id -u)"* && $out == *"\"uptime\":372"* ]]'

run up Fail
expect "up of a failing tunnel exits 5 with the reason in words and ssh's message" 5 \
    '[[ $err == *"host key"* && $err == *"Host key verification failed."* ]]'

run up Flaky
expect "up reports a reconnect and keeps waiting until the link is up" 0 \
    '[[ $out == *"Connected “Flaky”"* ]]' \
    '[[ $err == *"could not be reached"* && $err == *"Connection refused"* ]]' \
    '[[ $err != *$'"'"'\033'"'"'* ]]'

run up Slow --timeout 2
expect "up gives up after --timeout with status 6 and says the tunnel fails after 3 attempts" 6 \
    '[[ $err == *"fails if 3 attempts in all do not bring it up"* ]]' \
    '[[ $err != *"keeps trying"* ]]'

# reconnect=false: the helper makes one attempt only, and up says so.
run up SlowOnce --timeout 2
expect "up of a profile with reconnect=false says its one attempt is not retried" 6 \
    '[[ $err == *"one attempt goes on in the background and is not retried"* ]]'
run down SlowOnce
expect "down dismisses it" 0

# The mock's slow.test waits with NextRetry 0, as the helper does when it
# has no route to the server.
run status
expect "status says a tunnel without a route waits for the network" 0 \
    '[[ $out == *"Slow — reconnecting"* ]]' '[[ $out == *"Next attempt:"*"when the network is back"* ]]'

run up Slow --no-wait
expect "up --no-wait returns at once with the tunnel's path" 0 '[[ $out == *"/Tunnel/"* ]]'

run up Denied
expect "a refusal by the helper exits 4" 4 '[[ $err == *"Not authorized"* && $err != *"GDBus.Error"* ]]'

unset SSH_AUTH_SOCK
run_input $'hunter2\n' up Password --secret-stdin
expect "up --secret-stdin lends the password" 0 '[[ $out == *"Connected “Password”"* ]]'
run log Password
expect "the helper got the password, without its newline, and no agent socket" 0 \
    '[[ $out == *"credential password=hunter2"$'"'"'\n'"'"'* ]]' '[[ $out != *ssh-auth-sock* ]]'

run down Up
expect "down stops the tunnel and waits until it is gone" 0 '[[ $out == "Disconnected “Up”" ]]'

run status --json
expect "the tunnel is gone from status" 0 '[[ $out != *"\"profile-name\":\"Up\""* ]]'

run down Up
expect "down of a profile with no tunnel exits 1" 1 '[[ $err == *"not connected"* ]]'

run log Up
expect "log of a profile with no tunnel exits 1" 1 '[[ $err == *"not connected"* ]]'

run down Fail
expect "down dismisses a failed tunnel" 0 '[[ $out == *"Disconnected “Fail”"* ]]'

# A profile removed while its tunnel runs can still be brought down.
"$MIDWAYCTL" remove Flaky >/dev/null
run down Flaky
expect "down finds a tunnel by name after its profile was removed" 0 '[[ $out == *Flaky* ]]'

run down Slow --no-wait
expect "down --no-wait returns once asked" 0 '[[ $out == *"Disconnecting “Slow”"* ]]'

# Flaky's tunnel went last of those that were waited for: once both monitors
# have it, they have had every event before it.
within 10 grep -q '"event":"tunnel-removed".*"profile-name":"Flaky"' "$work/monitor.json"
within 10 grep -q '“Flaky”  tunnel removed' "$work/monitor.txt"
kill -INT "$monitor_pid"
wait "$monitor_pid"
rc=$?
out=$(cat "$work/monitor.json")
err=$(cat "$work/monitor.err")
expect "monitor --json exits 0 on SIGINT" 0
expect "monitor --json printed one valid JSON object per line" 0 'valid_json_lines "$work/monitor.json"'
expect "monitor --json saw the tunnels come and go and every state change" 0 \
    '[[ $out == *"\"event\":\"tunnel-added\""* ]]' \
    '[[ $out == *"\"event\":\"tunnel-removed\""* ]]' \
    '[[ $out == *"\"event\":\"state-changed\""*"\"profile-name\":\"Up\""*"\"state\":\"up\""* ]]' \
    '[[ $out == *"\"reason\":\"host-key-mismatch\",\"message\":\"Host key verification failed.\""* ]]' \
    '[[ $out == *"Connection refused\\u001b[0m"* ]]'

kill -TERM "$monitor_text_pid"
wait "$monitor_text_pid"
rc=$?
out=$(cat "$work/monitor.txt")
err=
expect "monitor exits 0 on SIGTERM" 0
expect "monitor prints reason codes and words, one event a line" 0 \
    '[[ $out == *"“Fail”  failed  host-key-mismatch: "*"(Host key verification failed.)"* ]]' \
    '[[ $out == *"“Up”  up"* ]]' '[[ $out == *"“Up”  tunnel removed"* ]]' \
    '[[ $out != *$'"'"'\033'"'"'* ]]'

# The helper goes away: monitor says so, status says there are no tunnels.
timeout 30 "$MIDWAYCTL" monitor >"$work/monitor2.txt" 2>&1 &
monitor_pid=$!
monitor_listens "$work/monitor2.txt"
kill "$mock_pid"
wait "$mock_pid" 2>/dev/null
mock_pid=
within 10 grep -q "helper stopped" "$work/monitor2.txt"
kill -INT "$monitor_pid"
wait "$monitor_pid"
rc=$?
out=$(cat "$work/monitor2.txt")
expect "monitor reports the helper stopping" 0 '[[ $out == *"helper stopped"* ]]'

# A monitor started while no helper runs reports only that it started.
timeout 30 "$MIDWAYCTL" monitor >"$work/monitor4.txt" 2>&1 &
monitor_pid=$!
monitor_listens "$work/monitor4.txt"
"$MOCK_HELPER" &
mock_pid=$!
within 10 helper_running
within 10 grep -q "helper started" "$work/monitor4.txt"
kill -INT "$monitor_pid"
wait "$monitor_pid"
rc=$?
out=$(cat "$work/monitor4.txt")
expect "monitor reports a helper that starts as started, not stopped first" 0 \
    '[[ $out == *"helper started"* ]]' '[[ $out != *"helper stopped"* ]]'

# Lines reach a pipe as they happen, not when monitor exits.
fifo=$work/fifo
mkfifo "$fifo"
timeout 30 "$MIDWAYCTL" monitor --json >"$fifo" 2>"$work/monitor3.err" &
monitor_pid=$!
exec 5<"$fifo"
monitor_listens "$work/monitor3.err"
SSH_AUTH_SOCK=/nonexistent timeout 30 "$MIDWAYCTL" up Up >/dev/null 2>&1 &
if IFS= read -r -t 10 line <&5; then
    pass "monitor flushes each line to a pipe as it happens"
else
    fail "monitor flushes each line to a pipe as it happens"
fi
kill -INT "$monitor_pid"
wait "$monitor_pid" 2>/dev/null
exec 5<&-

echo "1..$n"
[ "$failed" -eq 0 ]
