#!/bin/bash
# Tests of midwayctl's offline commands (list, import, export, remove), its
# command line, and the checks "up" makes before it touches the bus.
#
# Usage: test-midwayctl-offline.sh PATH-TO-MIDWAYCTL [PATH-TO-MIDWAYCTL.1].
# Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

MIDWAYCTL=${1:?usage: $0 PATH-TO-MIDWAYCTL [PATH-TO-MIDWAYCTL.1]}
MAN_PAGE=${2:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/midwayctl-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# A private store, English messages, no agent, and a system bus that does
# not exist: nothing in here may reach a real helper.
export XDG_CONFIG_HOME=$work/config
export HOME=$work/home
export LC_ALL=C.UTF-8
export LANGUAGE=
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-such-bus
unset SSH_AUTH_SOCK
mkdir -p "$HOME"
store=$XDG_CONFIG_HOME/midway/profiles

n=0
failed=0

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

# run [ARG...]: runs midwayctl with no input; sets rc, out and err.
run() {
    out=$("$MIDWAYCTL" "$@" </dev/null 2>"$work/stderr")
    rc=$?
    err=$(cat "$work/stderr")
}

# run_input TEXT [ARG...]: the same, with TEXT on standard input.
run_input() {
    local input=$1
    shift
    out=$(printf '%s' "$input" | "$MIDWAYCTL" "$@" 2>"$work/stderr")
    rc=$?
    err=$(cat "$work/stderr")
}

details() {
    printf 'exit status: %s\nstdout: %s\nstderr: %s\n' "$rc" "$out" "$err"
}

# expect DESCRIPTION STATUS [CONDITION...]: the last run exited with STATUS
# and every CONDITION (a shell expression) holds.
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

store_listing() {
    ls -A "$store" 2>/dev/null | LC_ALL=C sort
}

mode_of() {
    stat -c %a "$1"
}

# write_profile FILE LINE...: a profile file with the given lines.
write_profile() {
    local file=$1
    shift
    { echo "[Midway Profile]"; printf '%s\n' "$@"; } >"$file"
}

office_id=0b8d2a3e-5f6c-4d7e-8f90-a1b2c3d4e5f6

write_profile "$work/office.midway" \
    "id=$office_id" \
    "name=Office" \
    "host=vpn.example.com" \
    "port=2222" \
    "user=alice" \
    "auth=agent" \
    "mtu=1300" \
    "echo-interval=5" \
    "echo-failures=4" \
    "reconnect=false" \
    "local-address=10.66.0.1" \
    "remote-address=10.66.0.2"

# ---- the command line -------------------------------------------------------

run --help
expect "--help exits 0 and lists the commands and exit statuses" 0 \
    '[[ $out == *"Usage:"* ]]' \
    '[[ $out == *"import FILE"* && $out == *"monitor"* && $out == *"status"* ]]' \
    '[[ $out == *"Exit status:"* && $out == *"6  timed out"* ]]'

run help
expect "'help' is --help" 0 '[[ $out == *"Exit status:"* ]]'

run --version
expect "--version prints the version" 0 '[[ $out =~ ^midwayctl\ [0-9]+\.[0-9]+ ]]'

for command in list import export remove up down status log monitor; do
    run "$command" --help
    expect "$command --help exits 0 with its usage and the exit statuses" 0 \
        '[[ $out == *"midwayctl $command"* ]]' \
        '[[ $out == *"Exit status:"* ]]'
done

run help up
expect "'help up' is 'up --help'" 0 '[[ $out == *"--secret-stdin"* ]]'

run frobnicate
expect "an unknown command exits 2 and says so" 2 \
    '[[ $err == *"unknown command"*"frobnicate"* ]]' '[[ -z $out ]]'

run
expect "no command exits 2" 2 '[[ $err == *"Usage:"* ]]'

run --frobnicate
expect "an unknown option exits 2" 2 '[[ $err == *"unknown option"* ]]'

run list --frobnicate
expect "an unknown command option exits 2" 2 '[[ $err == *"frobnicate"* ]]'

run list extra
expect "an extra argument exits 2" 2 '[[ $err == *"extra"* ]]'

run import
expect "a missing argument exits 2" 2 '[[ $err == *"missing argument"* ]]'

run up Office --timeout -1
expect "a negative --timeout exits 2" 2 '[[ $err == *"--timeout"* ]]'

# ---- an empty store -------------------------------------------------------------

run list
expect "list of an empty store prints nothing and exits 0" 0 '[[ -z $out ]]'

run list --json
expect "list --json of an empty store is []" 0 '[[ $out == "[]" ]]'

# ---- import ----------------------------------------------------------------------

run import "$work/office.midway"
expect "import of a valid file exits 0 and prints the name and id" 0 \
    '[[ $out == *"Office"* && $out == *"$office_id"* ]]'

stored=$store/$office_id.midway
if [ -f "$stored" ] && [ "$(store_listing)" = "$office_id.midway" ]; then
    pass "the profile lands in the store as <id>.midway"
else
    fail "the profile lands in the store as <id>.midway" "$(ls -la "$store" 2>&1)"
fi

if [ "$(mode_of "$stored")" = 600 ]; then
    pass "the stored profile is mode 0600"
else
    fail "the stored profile is mode 0600" "mode $(mode_of "$stored")"
fi

if [ "$(mode_of "$store")" = 700 ] && [ "$(mode_of "$XDG_CONFIG_HOME/midway")" = 700 ]; then
    pass "the store directories are mode 0700"
else
    fail "the store directories are mode 0700" "$(ls -ld "$store" "$XDG_CONFIG_HOME/midway")"
fi

# The stored file says what the input said, field by field.
all_present=yes
for line in "id=$office_id" name=Office host=vpn.example.com port=2222 user=alice auth=agent \
            mtu=1300 echo-interval=5 echo-failures=4 reconnect=false \
            local-address=10.66.0.1 remote-address=10.66.0.2; do
    grep -qxF -- "$line" "$stored" || { all_present="missing $line"; break; }
done
if [ "$all_present" = yes ]; then
    pass "the stored profile has every field of the input"
else
    fail "the stored profile has every field of the input" "$all_present" "$(cat "$stored")"
fi

run list --json
expect "list --json parses the stored profile back with every value and type" 0 \
    '[[ $out == *"\"id\":\"$office_id\""* ]]' \
    '[[ $out == *"\"name\":\"Office\""* ]]' \
    '[[ $out == *"\"host\":\"vpn.example.com\""* ]]' \
    '[[ $out == *"\"port\":2222"* ]]' \
    '[[ $out == *"\"auth\":\"agent\""* ]]' \
    '[[ $out == *"\"mtu\":1300"* ]]' \
    '[[ $out == *"\"echo-interval\":5"* ]]' \
    '[[ $out == *"\"echo-failures\":4"* ]]' \
    '[[ $out == *"\"reconnect\":false"* ]]' \
    '[[ $out == *"\"remote-command\":\"sudo -n pppd\""* ]]'

run export Office
expect "export to stdout gives the stored profile" 0 '[[ $out == "$(cat "$stored")" ]]'

# Round trip: what export writes imports into another store as the same file.
printf '%s\n' "$out" >"$work/exported.midway"
out=$(XDG_CONFIG_HOME=$work/other "$MIDWAYCTL" import "$work/exported.midway" 2>&1)
rc=$?
err=
expect "an exported profile imports elsewhere into an identical file" 0 \
    'cmp -s "$stored" "$work/other/midway/profiles/$office_id.midway"'

run export "$office_id" "$work/by-id.midway"
expect "export by id to a file writes it 0600" 0 \
    'cmp -s "$stored" "$work/by-id.midway"' '[[ $(mode_of "$work/by-id.midway") == 600 ]]'
printf 'not a profile\n' >"$work/by-id.midway"
run export "$office_id" "$work/by-id.midway"
expect "export never overwrites a file without --force" 3 \
    '[[ $err == *"already exists; use --force"* ]]' '[[ $(cat "$work/by-id.midway") == "not a profile" ]]'
run export --force "$office_id" "$work/by-id.midway"
expect "export --force replaces it" 0 'cmp -s "$stored" "$work/by-id.midway"'

run_input "$(printf '[Midway Profile]\nname=Lab\nhost=192.0.2.7\nauth=password\nuser=bob\n')" import -
expect "import - reads standard input and gives the profile an id" 0 \
    '[[ $out == *"Lab"* ]]' '[[ $(store_listing | wc -l) -eq 2 ]]'
lab_id=$(sed -n 's/^id=//p' "$store"/*.midway | grep -vx "$office_id")

# ---- invalid profiles -----------------------------------------------------------

# invalid DESCRIPTION FIELD-IN-MESSAGE LINE...: importing the lines is
# refused with status 3, a message naming the field, and nothing written.
invalid() {
    local description=$1 field=$2 before
    shift 2
    write_profile "$work/invalid.midway" "$@"
    before=$(store_listing; cat "$store"/* 2>/dev/null)
    run import "$work/invalid.midway"
    expect "import refuses $description with status 3, naming $field, writing nothing" 3 \
        '[[ $err == *"$field"* ]]' \
        '[[ $(store_listing; cat "$store"/* 2>/dev/null) == "$before" ]]' \
        '[[ -z $(ls -A "$store" | grep -v "\.midway$") ]]'
}

invalid "port 0" "port:" name=Bad host=h.example port=0
invalid "port 65536" "port:" name=Bad host=h.example port=65536
invalid "a port that is not a number" "port:" name=Bad host=h.example port=ssh
invalid "an unknown key" "colour" name=Bad host=h.example colour=blue
invalid "a newline in the name" "name:" 'name=Bad\nName' host=h.example
invalid "a host starting with '-'" "host:" name=Bad "host=-oProxyCommand=touch /tmp/x"
invalid "a missing host" "host" name=Bad
invalid "an unknown auth method" "auth:" name=Bad host=h.example auth=telepathy
invalid "key-file auth without a key file" "key-file" name=Bad host=h.example auth=key-file
invalid "a relative key file" "key-file:" name=Bad host=h.example auth=key-file key-file=id_rsa
invalid "an MTU of 100" "mtu:" name=Bad host=h.example mtu=100
invalid "a remote command with a shell metacharacter" "remote-command:" \
    name=Bad host=h.example "remote-command=sudo pppd; rm -rf /"

printf 'not a key file\n' >"$work/garbage.midway"
run import "$work/garbage.midway"
expect "import refuses a file that is not a key file with status 3" 3 '[[ $err == *garbage.midway* ]]'

run import "$work/does-not-exist.midway"
expect "import of a missing file exits 1 (not an invalid profile)" 1 '[[ $err == *"does-not-exist"* ]]'

# ---- duplicates -----------------------------------------------------------------

write_profile "$work/office2.midway" name=Office host=other.example.com
before=$(store_listing; cat "$store"/*)
run import "$work/office2.midway"
expect "import refuses a second profile named Office with status 3" 3 \
    '[[ $err == *"already exists"* && $err == *"--replace"* ]]' \
    '[[ $(store_listing; cat "$store"/*) == "$before" ]]'

run import "$work/office.midway"
expect "import refuses the same id again with status 3" 3 '[[ $err == *"already exists"* ]]'

# Names are unique whatever their case.
write_profile "$work/office3.midway" name=OFFICE host=third.example.com
run import "$work/office3.midway"
expect "import refuses OFFICE next to Office with status 3" 3 \
    '[[ $err == *"named “OFFICE” already exists"* ]]' \
    '[[ $(store_listing; cat "$store"/*) == "$before" ]]'

run import --replace "$work/office2.midway"
expect "import --replace replaces the profile of the same name" 0 \
    '[[ ! -e $stored ]]' \
    '[[ $(store_listing | wc -l) -eq 2 ]]' \
    '[[ $(grep -l "^name=Office$" "$store"/*.midway | wc -l) -eq 1 ]]' \
    'grep -qx "host=other.example.com" "$store"/*.midway'

run import --replace "$work/office.midway"
expect "import --replace puts the original back under its id" 0 \
    '[[ -f $stored ]]' '[[ $(store_listing | wc -l) -eq 2 ]]' \
    'grep -qx "host=vpn.example.com" "$stored"'

# ---- list ---------------------------------------------------------------------------

write_profile "$work/alpha.midway" "name=Älpha Büro" host=2001:db8::1 auth=key-file key-file=/home/alice/.ssh/id_ed25519
run import "$work/alpha.midway"
run list
header=$(sed -n 1p <<<"$out")
expect "list prints a header and one line per profile, sorted by name" 0 \
    '[[ $header =~ ^NAME\ +HOST\ +AUTH\ +ID$ ]]' \
    '[[ $(wc -l <<<"$out") -eq 4 ]]' \
    '[[ $(sed -n 2p <<<"$out") =~ ^Lab\ +192\.0\.2\.7\ +password\ +$lab_id$ ]]' \
    '[[ $(sed -n 3p <<<"$out") =~ ^Office\ +vpn\.example\.com\ +agent\ +$office_id$ ]]' \
    '[[ $(sed -n 4p <<<"$out") =~ ^Älpha\ Büro\ +2001:db8::1\ +key-file\ +[0-9a-f-]{36}$ ]]'

# Columns line up in characters, not bytes ("Älpha Büro" is 12 bytes wide);
# bash counts characters in a UTF-8 locale.
columns=$(while IFS= read -r line; do prefix=${line% *}; echo "${#prefix}"; done <<<"$out" | sort -u)
if [ "$(wc -l <<<"$columns")" -eq 1 ]; then
    pass "list aligns the id column in characters"
else
    fail "list aligns the id column in characters" "$out"
fi

write_profile "$work/quote.midway" 'name=Say "hi" \\ now' host=h.example
run import "$work/quote.midway"
run list --json
expect "list --json escapes quotes and backslashes" 0 \
    '[[ $out == *"\"name\":\"Say \\\"hi\\\" \\\\ now\""* ]]'

# A file dropped into the store by hand that does not parse is reported and
# skipped, not fatal.
echo garbage >"$store/broken.midway"
run list
expect "list warns about a broken file and lists the rest" 0 \
    '[[ $err == *"broken.midway"* ]]' '[[ $out == *Office* ]]'
rm -f "$store/broken.midway"

# Two files with one name (copied in by hand) make the name ambiguous.
sed -e 's/^id=.*/id=11111111-2222-4333-8444-555555555555/' "$stored" >"$store/copy.midway"
run export Office
expect "a name two stored profiles share is refused with status 3" 3 '[[ $err == *"More than one"* ]]'
run export 11111111-2222-4333-8444-555555555555
expect "... and each is still reachable by its id" 0 '[[ $out == *"id=11111111-2222-4333-8444-555555555555"* ]]'
rm -f "$store/copy.midway"

# ---- remove ------------------------------------------------------------------------

run remove "No Such Profile"
expect "remove of an unknown profile exits 3" 3 '[[ $err == *"No profile named"* ]]'

run export "No Such Profile"
expect "export of an unknown profile exits 3" 3 '[[ $err == *"No profile named"* ]]'

run remove Lab
expect "remove deletes the profile's file" 0 '[[ $out == *Lab* ]]' \
    '[[ ! -e $store/$lab_id.midway ]]' '! grep -qx name=Lab "$store"/*.midway'

# ---- up: what is checked before the bus -----------------------------------------

write_profile "$work/keyring.midway" name=Keyring host=h.example auth=keyring-key
run import "$work/keyring.midway"
run up Keyring
# No session bus here, so no Secret Service: the keyring's own message.
expect "up of a keyring-key profile without a keyring exits 1 and says so" 1 \
    '[[ $err == *"No keyring is running"* ]]'

write_profile "$work/password.midway" name=Password host=h.example auth=password
run import "$work/password.midway"
run up Password
expect "up of a password profile without --secret-stdin exits 2" 2 '[[ $err == *"--secret-stdin"* ]]'

run up Office --secret-stdin
expect "up of an agent profile with --secret-stdin exits 2" 2 '[[ $err == *"agent"* ]]'

run_input "" up Password --secret-stdin
expect "up --secret-stdin with nothing on standard input exits 1" 1 '[[ $err == *"No secret"* ]]'

# The helper's one control-character rule, C1 (here CSI, U+009B) included.
run_input $'hunter\u009b2J\n' up Password --secret-stdin
expect "up --secret-stdin with a C1 control exits 1" 1 '[[ $err == *"control characters"* ]]'

run up "No Such Profile"
expect "up of an unknown profile exits 3" 3 '[[ $err == *"No profile named"* ]]'

# ---- the bus, absent ------------------------------------------------------------

run status
expect "status without a system bus exits 1 and says why" 1 '[[ $err == *"system bus"* ]]'

run up Office
expect "up without a system bus exits 1 (and warns that there is no agent)" 1 \
    '[[ $err == *"system bus"* ]]' '[[ $err == *"SSH_AUTH_SOCK"* ]]'

run down Office
expect "down without a system bus exits 1" 1 '[[ $err == *"system bus"* ]]'

# ---- import --ssh-config --------------------------------------------------------

mkdir -p "$HOME/.ssh"
cat >"$HOME/.ssh/config" <<'SSHCONFIG'
Host gateway relay
  HostName gw.example.net
  User tunnel
  IdentityFile ~/.ssh/id_gateway
Host evil
  HostName -oProxyCommand=x
Host *
  Port 2022
SSHCONFIG
chmod 600 "$HOME/.ssh/config"

run import --ssh-config gateway no-such-host
expect "import --ssh-config imports a named host and fails for an unknown one" 3 \
    '[[ $out == *"Imported “gateway”"* ]]' '[[ $err == *"No host “no-such-host”"* ]]' \
    '[[ $out != *"relay"* ]]'

run export gateway
expect "the host has the server, port, user and key file ssh would use" 0 \
    '[[ $out == *"host=gw.example.net"* && $out == *"port=2022"* ]]' \
    '[[ $out == *"user=tunnel"* && $out == *"auth=key-file"* ]]' \
    '[[ $out == *"key-file=$HOME/.ssh/id_gateway"* ]]'

run import --ssh-config
expect "import --ssh-config of every host says which were not imported, and why" 3 \
    '[[ $out == *"Imported “relay”"* ]]' \
    '[[ $err == *"“evil” not imported: host: must not start with “-”"* ]]' \
    '[[ $err == *"“gateway” not imported: A profile named “gateway” already exists"* ]]'

# ---- server (issue 11): what runs before ssh -----------------------------------

write_profile "$work/srv.midway" "name=srv" "host=vpn.example.com" "user=alice" \
    "auth=key-file" "key-file=$HOME/.ssh/id_vpn" "local-address=10.66.0.1" "remote-address=10.66.0.2"
mkdir -p "$HOME/.ssh"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF alice@laptop" >"$HOME/.ssh/id_vpn.pub"
run import "$work/srv.midway"
srv_file=$(grep -l '^name=srv$' "$store"/*.midway)
srv_before=$(cat "$srv_file")

run server frobnicate srv
expect "server with an unknown subcommand exits 2" 2 '[[ $err == *"Unknown server command"* ]]'
run server check srv --lan 10.99.0.0/24
expect "--lan only goes with setup" 2 '[[ $err == *"only go with setup"* ]]'
run server setup srv --lan 10.99.0.1/24 --print
expect "a --lan with host bits is refused, with nothing printed or changed" 1 \
    '[[ $err == *"--lan: “10.99.0.1/24” is not a canonical IPv4 network"* ]]' '[[ -z $out ]]' \
    '[[ $(cat "$srv_file") == "$srv_before" ]]'
run server setup srv --lan "10.99.0.0/24;reboot" --print
expect "a --lan with shell text is refused" 1 '[[ -z $out ]]' '[[ $(cat "$srv_file") == "$srv_before" ]]'
run server setup nosuch --print
expect "server setup of an unknown profile exits 3" 3

run server setup srv --lan 10.99.0.0/24 --gateway --dns 10.99.0.53 --print
expect "server setup --print writes the script and updates the profile" 0 \
    '[[ $out == "#!/bin/sh"* ]]' \
    '[[ $out == *"MW_USER='"'"'alice'"'"'"* && $out == *"MW_LANS='"'"'10.99.0.0/24'"'"'"* ]]' \
    '[[ $out == *"MW_GATEWAY='"'"'yes'"'"'"* && $out == *"MW_DNS='"'"'10.99.0.53'"'"'"* ]]' \
    '[[ $out == *"MW_KEY='"'"'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF midway-alice'"'"'"* ]]' \
    '[[ $err == *"remote command “sudo -n pppd call midway-alice-79c9151e”"* ]]' \
    'grep -qx "remote-command=sudo -n pppd call midway-alice-79c9151e" "$srv_file"' \
    'grep -qx "peer-dns=true" "$srv_file"' \
    '! grep -q "^local-address=10" "$srv_file" && ! grep -q "^remote-address=10" "$srv_file"'
printf '%s\n' "$out" >"$work/setup.sh"
if sh -n "$work/setup.sh" 2>"$work/sh-n"; then
    pass "the printed script parses as POSIX sh"
else
    fail "the printed script parses as POSIX sh" "$(cat "$work/sh-n")"
fi
run server remove srv --print
expect "server remove --print writes the removal and restores the remote command" 0 \
    '[[ $out == *"MW_ACTION='"'"'remove'"'"'"* ]]' 'grep -qx "remote-command=sudo -n pppd" "$srv_file"' \
    '[[ $out == *"MW_KEY_ID='"'"'79c9151e'"'"'"* ]]'

# ---- the man page's example ----------------------------------------------------

if [ -n "$MAN_PAGE" ]; then
    # The example between ".EX" and ".EE" that holds the group line, with
    # roff's "\-" turned back into "-".
    sed -n '/^\.EX/,/^\.EE/p' "$MAN_PAGE" | sed -n '/^\[Midway Profile\]/,/^\.EE/p' |
        sed -e '/^\.EE/d' -e 's/\\-/-/g' >"$work/man-example.midway"
    out=$(XDG_CONFIG_HOME=$work/man "$MIDWAYCTL" import "$work/man-example.midway" 2>&1)
    rc=$?
    err=
    expect "the man page's example profile imports" 0 '[[ $(wc -l <"$work/man-example.midway") -gt 5 ]]'
fi

echo "1..$n"
[ "$failed" -eq 0 ]
