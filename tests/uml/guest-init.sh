#!/bin/bash
# shellcheck disable=SC2153 # MIDWAY_* are set by the host's env file
# PID 1 of the user-mode-linux guest booted by midway-uml-run.
#
# The guest sees the host's / read-only through hostfs.  This script makes the
# places that services write to private and writable (tmpfs, or overlays with
# a tmpfs upper layer), "installs" the freshly built Midway from the staging
# dir into the overlaid /usr, creates the test users, a client/server network
# with a real sshd on the server side, a real system bus and polkitd, and then
# runs one scenario script.  Results go to the console, which the host reads:
#   MIDWAY-SETUP: ...        something in the set-up went wrong (and why)
#   MIDWAY-CHECK: ...        one check of the scenario (lib.sh)
#   MIDWAY-RESULT: PASS|FAIL the verdict
#   MIDWAY-DONE run=TOKEN result=PASS|FAIL   last line, then power off
# The token comes from the host so that a stray "MIDWAY-DONE" printed by a
# scenario cannot end a run early or fake a pass.
#
# There is deliberately no `set -e`: PID 1 must never just die (the kernel
# panics), every step that matters goes through must(), and an EXIT trap turns
# any unexpected exit into a reported failure.

set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8
umask 022

# The kernel hands command-line parameters it does not know to init as
# environment variables; midway_run names the host's per-run dir.
run_dir=${midway_run:-}
unset midway_run mem uml_dir

readonly STATE=/run/midway-uml            # the harness's own state, tmpfs
readonly LOG_DIR=/var/log/midway-uml      # logs printed when a run fails
readonly SRV_ADDR=192.0.2.2
readonly CLIENT_ADDR=192.0.2.1
readonly CLIENT_IF=veth0
readonly SRV_IF=veth1
# Known to the scenario so that it can test sudo with a password.
readonly MWSUDOPW_PASSWORD=midway-sudo-pw

token=unknown
start_time=${EPOCHREALTIME%[.,]*}

poweroff_now() {
    sync
    poweroff -f >/dev/null 2>&1
    # poweroff is systemd's systemctl here; if it is missing, ask the kernel.
    echo o >/proc/sysrq-trigger 2>/dev/null
    sleep 30
}

# Print the logs of the daemons (and any a scenario put in $LOG_DIR).
dump_logs() {
    local f
    for f in "$LOG_DIR"/*; do
        if [ ! -f "$f" ] || [ ! -s "$f" ]; then
            continue
        fi
        printf 'MIDWAY-LOG: ----- %s (last 60 lines) -----\n' "$f"
        tail -n 60 "$f" | sed 's/^/MIDWAY-LOG: /'
    done
}

# The end of every run: the final line and power off.  Never returns.
done_and_poweroff() {
    trap - EXIT
    printf 'MIDWAY-DONE run=%s result=%s\n' "$token" "$1"
    poweroff_now
    exit 1
}

setup_fail() {
    printf 'MIDWAY-SETUP: FAILED: %s\n' "$1"
    dump_logs
    printf 'MIDWAY-RESULT: FAIL (setup: %s)\n' "$1"
    done_and_poweroff FAIL
}

trap 'setup_fail "guest init exited unexpectedly (line $LINENO)"' EXIT

# must DESCRIPTION CMD...: run CMD; on failure print its output and give up.
# Output goes to a file, not a $(...) capture, so that daemons which fork and
# keep a descriptor open cannot hang us.
must() {
    local desc=$1 rc=0 out=/dev/null
    shift
    [ -d "$STATE" ] && out=$STATE/step.out
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        [ "$out" != /dev/null ] && sed 's/^/MIDWAY-SETUP:   /' "$out"
        setup_fail "$desc (exit $rc: $*)"
    fi
}

# wait_until SECS CMD...: poll CMD until it succeeds; 1 on time-out.
wait_until() {
    local deadline=$(( ${EPOCHREALTIME%[.,]*} + $1 ))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "${EPOCHREALTIME%[.,]*}" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# ---------------------------------------------------------------- host input
[ -n "$run_dir" ] || setup_fail "no midway_run=DIR on the kernel command line"
# Read now: the host's /tmp, where run_dir usually is, is hidden below.
[ -r "$run_dir/env" ] || setup_fail "cannot read $run_dir/env"
# Sets MIDWAY_UML_TOKEN, MIDWAY_SCENARIO, MIDWAY_SOURCE_ROOT,
# MIDWAY_BUILD_ROOT, MIDWAY_UML_DIR, MIDWAY_UML_STAGE, MIDWAY_UML_TIMEOUT.
# shellcheck source=/dev/null
. "$run_dir/env"
token=$MIDWAY_UML_TOKEN
for v in MIDWAY_SCENARIO MIDWAY_SOURCE_ROOT MIDWAY_BUILD_ROOT MIDWAY_UML_DIR \
         MIDWAY_UML_STAGE MIDWAY_UML_TIMEOUT; do
    [ -n "${!v:-}" ] || setup_fail "$v missing from $run_dir/env"
done

# ------------------------------------------------------------ file systems
mount -t proc -o nosuid,nodev,noexec proc /proc || setup_fail "mount /proc"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || setup_fail "mount /run"
mkdir -p "$STATE" "$STATE/host" || setup_fail "mkdir $STATE"
must "mount /sys" mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
# devtmpfs is normally mounted by the kernel already.
if ! mountpoint -q /dev; then
    must "mount /dev" mount -t devtmpfs devtmpfs /dev
fi
# The host's / as it is, so that host paths hidden by the tmpfs mounts below
# (the build dir is often under /tmp) can be bound back into place.
must "bind the host root" mount --bind -o ro / "$STATE/host"
must "mount /tmp" mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
must "mount /root" mount -t tmpfs -o mode=0700 tmpfs /root
must "mkdir /dev/shm /dev/pts" mkdir -p /dev/shm /dev/pts
must "mount /dev/shm" mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
# A private devpts instance; /dev/ptmx must point into it for ssh/pppd ptys.
must "mount /dev/pts" mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
must "link /dev/ptmx" ln -sf pts/ptmx /dev/ptmx
# Bash's process substitution (<(...)) needs /dev/fd, which devtmpfs lacks.
[ -e /dev/fd ] || must "link /dev/fd" ln -s /proc/self/fd /dev/fd

# ----------------------------------------------------------------- modules
# modprobe wants ROOT/lib/modules/$(uname -r); the UML package keeps its
# modules under /usr/lib/uml/modules/VERSION, so point a private root there
# (the host's own /lib/modules belongs to the host kernel, not to us).
kver=$(uname -r)
moddir=/usr/lib/uml/modules/$kver
[ -d "$moddir" ] || setup_fail "no modules for guest kernel $kver in /usr/lib/uml/modules (have: $(cd /usr/lib/uml/modules 2>/dev/null && echo *))"
must "mkdir modroot" mkdir -p "$STATE/modroot/lib/modules"
must "link modroot" ln -s "$moddir" "$STATE/modroot/lib/modules/$kver"
# modprobe resolves dependencies (ppp_async needs crc-ccitt, ppp_generic
# needs slhc) from modules.dep.
for m in overlay slhc ppp_generic crc-ccitt ppp_async veth sch_netem; do
    must "load module $m" modprobe -d "$STATE/modroot" "$m"
done
if [ ! -e /dev/ppp ]; then
    must "mknod /dev/ppp" mknod -m 0600 /dev/ppp c 108 0
fi

# Overlays with a tmpfs upper layer: writable, private to this run, and the
# host's files stay untouched.
must "mount overlay tmpfs" mkdir -p "$STATE/ovl"
must "mount overlay tmpfs" mount -t tmpfs -o mode=0755 tmpfs "$STATE/ovl"
for d in /usr /etc /var /home; do
    [ -d "$d" ] || setup_fail "host has no $d"
    u=$STATE/ovl${d}
    must "mkdir overlay dirs for $d" mkdir -p "$u/upper" "$u/work"
    must "overlay $d" mount -t overlay overlay -o "lowerdir=$d,upperdir=$u/upper,workdir=$u/work" "$d"
done
must "mkdir /run/lock" mkdir -p -m 1777 /run/lock
must "mkdir $LOG_DIR" mkdir -p "$LOG_DIR"
# So that a plain `modprobe X` in a scenario finds the UML modules.
must "link /usr/lib/modules/$kver" mkdir -p /usr/lib/modules
must "link /usr/lib/modules/$kver" ln -sfn "$moddir" "/usr/lib/modules/$kver"

# Bring back host paths that the tmpfs mounts above hid (read-only).
expose_host_path() {
    local p=$1
    [ -e "$p" ] && return 0
    [ -e "$STATE/host$p" ] || setup_fail "host path $p not found"
    must "mkdir $p" mkdir -p "$p"
    must "bind $p" mount --bind -o ro "$STATE/host$p" "$p"
}
# Shortest first: a parent bound into place brings its children along,
# whereas a child bound first would leave an empty directory that makes
# the parent look present (a checkout under /tmp lost tests/e2e that way).
exposed=$(printf '%s\n' "$MIDWAY_UML_DIR" "$MIDWAY_SOURCE_ROOT" "$MIDWAY_BUILD_ROOT" \
              "$(dirname "$MIDWAY_SCENARIO")" "$MIDWAY_UML_STAGE" |
          awk '{ print length($0) "\t" $0 }' | sort -n | cut -f2-)
while IFS= read -r p; do
    expose_host_path "$p"
done <<<"$exposed"
[ -r "$MIDWAY_SCENARIO" ] || setup_fail "cannot read scenario $MIDWAY_SCENARIO"

# ------------------------------------------------ install the staged build
[ -d "$MIDWAY_UML_STAGE/usr" ] || setup_fail "stage $MIDWAY_UML_STAGE has no usr/"
must "copy the stage into /usr" cp -a "$MIDWAY_UML_STAGE/usr/." /usr/
if [ -d "$MIDWAY_UML_STAGE/etc" ]; then
    must "copy the stage into /etc" cp -a "$MIDWAY_UML_STAGE/etc/." /etc/
fi

# -------------------------------------------------------- identity, syslog
echo midway-uml >/proc/sys/kernel/hostname
echo midway-uml >/etc/hostname
# sudo looks its host name up; say where it is rather than wait on DNS.
printf '127.0.1.1\tmidway-uml\n%s\tmidway-srv\n' "$SRV_ADDR" >>/etc/hosts
must "machine-id" sh -c 'dbus-uuidgen >/etc/machine-id'

# A minimal syslog sink: sudo, polkitd and dbus-daemon log to /dev/log, and
# without a reader their messages (the useful ones when a test fails) vanish.
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
' "$LOG_DIR/syslog" </dev/null >>"$LOG_DIR/syslog-sink.err" 2>&1 &
    wait_until 10 test -S /dev/log || setup_fail "syslog sink did not start"
else
    printf 'MIDWAY-SETUP: no /usr/bin/python3: no syslog in %s\n' "$LOG_DIR"
fi

# ------------------------------------------------------------------- users
add_user() {
    id -u "$1" >/dev/null 2>&1 && return 0
    must "add user $1" useradd --create-home --user-group --shell /bin/bash "$1"
}
for u in alice bob mallory mwsrv mwsudopw; do
    add_user "$u"
done
# sshd (UsePAM no) refuses accounts whose password is locked ("!"); "*" is no
# password but not locked.  mwsudopw gets a real password for sudo.
must "unlock mwsrv" usermod -p '*' mwsrv
must "password for mwsudopw" sh -c "echo 'mwsudopw:$MWSUDOPW_PASSWORD' | chpasswd"

cat >/etc/sudoers.d/midway-test <<'EOF'
# Midway UML test harness.  mwsrv may run pppd without a password (what a
# Midway server account needs); mwsudopw only with its password, so that
# `sudo -n pppd` fails for it.
mwsrv    ALL=(root) NOPASSWD: /usr/sbin/pppd
mwsudopw ALL=(root) /usr/sbin/pppd
EOF
must "sudoers mode" chmod 0440 /etc/sudoers.d/midway-test
must "sudoers syntax" visudo -c -q -f /etc/sudoers.d/midway-test

# Client keys: alice has an authorised key and one that nobody accepts; bob
# has an authorised key too (for scenarios with two users).
make_key() { # USER FILE
    local home
    home=$(getent passwd "$1" | cut -d: -f6)
    must "mkdir ~$1/.ssh" install -d -m 0700 -o "$1" -g "$1" "$home/.ssh"
    must "ssh key $2 for $1" ssh-keygen -q -t ed25519 -N '' -C "$1@midway-uml" -f "$home/.ssh/$2"
    must "chown key" chown "$1:$1" "$home/.ssh/$2" "$home/.ssh/$2.pub"
}
make_key alice id_ed25519
make_key alice id_refused
make_key bob id_ed25519
for u in mwsrv mwsudopw; do
    home=$(getent passwd "$u" | cut -d: -f6)
    must "mkdir ~$u/.ssh" install -d -m 0700 -o "$u" -g "$u" "$home/.ssh"
    cat /home/alice/.ssh/id_ed25519.pub /home/bob/.ssh/id_ed25519.pub >"$home/.ssh/authorized_keys"
    must "authorized_keys of $u" chown "$u:$u" "$home/.ssh/authorized_keys"
    chmod 0600 "$home/.ssh/authorized_keys"
done

# ----------------------------------------------------------------- network
must "lo up" ip link set lo up
must "netns srv" ip netns add srv
must "veth pair" ip link add "$CLIENT_IF" type veth peer name "$SRV_IF" netns srv
must "client address" ip addr add "$CLIENT_ADDR/24" dev "$CLIENT_IF"
must "client link up" ip link set "$CLIENT_IF" up
must "srv lo up" ip -n srv link set lo up
must "srv address" ip -n srv addr add "$SRV_ADDR/24" dev "$SRV_IF"
must "srv link up" ip -n srv link set "$SRV_IF" up

# ------------------------------------------------------------------- sshd
sshd_dir=$STATE/sshd
must "mkdir sshd dir" mkdir -p -m 0755 "$sshd_dir" /run/sshd
must "host key" ssh-keygen -q -t ed25519 -N '' -C '' -f "$sshd_dir/ssh_host_ed25519_key"
must "wrong host key" ssh-keygen -q -t ed25519 -N '' -C '' -f "$sshd_dir/wrong_host_key"
cat >"$sshd_dir/sshd_config" <<EOF
# Midway UML test server.  No PAM: nothing here needs a login session.
ListenAddress $SRV_ADDR
Port 22
HostKey $sshd_dir/ssh_host_ed25519_key
PidFile $sshd_dir/sshd.pid
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
UseDNS no
MaxStartups 100
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
must "sshd config" /usr/sbin/sshd -t -f "$sshd_dir/sshd_config"
must "start sshd" ip netns exec srv /usr/sbin/sshd -f "$sshd_dir/sshd_config" -E "$LOG_DIR/sshd.log"
wait_until 20 sh -c "ip netns exec srv ss -Hltn 'sport = :22' | grep -q ." \
    || setup_fail "sshd does not listen on $SRV_ADDR:22"
MIDWAY_SRV_HOST_KEY=$(cut -d' ' -f1,2 "$sshd_dir/ssh_host_ed25519_key.pub")
MIDWAY_WRONG_HOST_KEY=$(cut -d' ' -f1,2 "$sshd_dir/wrong_host_key.pub")
printf '%s %s\n' "$SRV_ADDR" "$MIDWAY_SRV_HOST_KEY" >"$STATE/known_hosts"
chmod 0644 "$STATE/known_hosts"

# --------------------------------------------------------- system bus, polkit
cat >/etc/polkit-1/rules.d/50-midway-test.rules <<'EOF'
// Midway UML test harness: alice and bob may connect and manage their own
// tunnels.  Nothing else is granted: manage-other-tunnels falls back to the
// action's default (auth_admin), which with no agent is a refusal; mallory
// gets nothing.
polkit.addRule(function(action, subject) {
    if ((action.id == "io.github.midway_vpn.Midway.connect" ||
         action.id == "io.github.midway_vpn.Midway.manage-own-tunnel") &&
        (subject.user == "alice" || subject.user == "bob")) {
        return polkit.Result.YES;
    }
});
EOF
chmod 0644 /etc/polkit-1/rules.d/50-midway-test.rules
# The scenarios' profiles route the server's networks, full tunnels and DNS
# for every name, which need change-system-network (auth_admin_keep, a
# refusal with no agent).  Granted here in a file of its own, which the
# security-system-network scenario removes to see the refusals.
cat >/etc/polkit-1/rules.d/60-midway-test-system-network.rules <<'EOF'
polkit.addRule(function(action, subject) {
    if (action.id == "io.github.midway_vpn.Midway.change-system-network" &&
        (subject.user == "alice" || subject.user == "bob")) {
        return polkit.Result.YES;
    }
});
EOF
chmod 0644 /etc/polkit-1/rules.d/60-midway-test-system-network.rules

must "mkdir /run/dbus" mkdir -p -m 0755 /run/dbus
# --nofork in the background keeps its stderr (and that of the services it
# activates) in our log; --fork would close it.
dbus-daemon --system --nofork --nopidfile </dev/null >>"$LOG_DIR/dbus.log" 2>&1 &
wait_until 20 dbus-send --system --print-reply --dest=org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus.GetId \
    || setup_fail "system bus did not come up"
# Activation of system services goes through the setuid launch helper; this
# call activates the real polkitd through it and proves the path works.
must "activate polkitd on the system bus" dbus-send --system --print-reply \
    --reply-timeout=30000 --dest=org.freedesktop.PolicyKit1 \
    /org/freedesktop/PolicyKit1/Authority org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.PolicyKit1.Authority string:BackendName

# -------------------------------------------------------------- scenario
export MIDWAY_SRV_HOST_KEY MIDWAY_WRONG_HOST_KEY MIDWAY_SOURCE_ROOT MIDWAY_BUILD_ROOT
export MIDWAY_SRV_ADDR=$SRV_ADDR MIDWAY_CLIENT_ADDR=$CLIENT_ADDR
export MIDWAY_CLIENT_IF=$CLIENT_IF MIDWAY_SRV_IF=$SRV_IF
export MIDWAY_SRV_KNOWN_HOSTS=$STATE/known_hosts
export MIDWAY_MWSUDOPW_PASSWORD=$MWSUDOPW_PASSWORD
export MIDWAY_UML_LIB=$MIDWAY_UML_DIR/lib.sh MIDWAY_UML_STATE=$STATE
export MIDWAY_LOG_DIR=$LOG_DIR
export HOME=/root
unset MIDWAY_UML_TOKEN MIDWAY_UML_STAGE
: >"$STATE/checks"

printf 'MIDWAY-SETUP: ready after %s s; running %s\n' \
    "$(( ${EPOCHREALTIME%[.,]*} - start_time ))" "$MIDWAY_SCENARIO"

# Leave the host's kill as the last resort: a hung scenario is cut off here
# so that its logs still get printed.
scenario_timeout=$(( MIDWAY_UML_TIMEOUT - ${EPOCHREALTIME%[.,]*} + start_time - 15 ))
[ "$scenario_timeout" -ge 10 ] || scenario_timeout=10
cd /root || setup_fail "cd /root"
rc=0
timeout --kill-after=5 "$scenario_timeout" bash "$MIDWAY_SCENARIO" </dev/null || rc=$?

# ------------------------------------------------------------- verdict
# Decided here from the recorded checks, not from the scenario's exit status
# nor only from what finish printed.
trap - EXIT
passes=$(grep -c '^PASS ' "$STATE/checks")
fails=$(grep -c '^FAIL ' "$STATE/checks")
said=$(cat "$STATE/finished" 2>/dev/null)
reason=""
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    reason="scenario timed out after $scenario_timeout s"
elif [ -z "$said" ]; then
    reason="scenario exited with status $rc without calling finish"
elif [ "$fails" -gt 0 ]; then
    reason="$fails of $((passes + fails)) checks failed"
elif [ "$passes" -eq 0 ]; then
    reason="scenario ran no check"
fi
if [ -z "$reason" ]; then
    [ "$said" = PASS ] || printf 'MIDWAY-RESULT: PASS (%d checks)\n' "$passes"
    done_and_poweroff PASS
fi
if [ "$fails" -gt 0 ]; then
    sed -n 's/^FAIL /MIDWAY-FAILED-CHECK: /p' "$STATE/checks"
fi
dump_logs
# finish may have printed PASS before a late failure (a background check):
# this line overrides it, and the host fails on any FAIL line.
[ "$said" = FAIL ] || printf 'MIDWAY-RESULT: FAIL (%s)\n' "$reason"
done_and_poweroff FAIL
