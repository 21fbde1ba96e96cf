# shellcheck shell=bash
# Where the time of `midwayctl up` goes (issue 13, goal 4), run in the UML
# guest by tests/bench/run-linkup-trace: N rounds (MIDWAY_TRACE_N) of
# "ssh host true" followed by `midwayctl up`, with every milestone of the
# link-up timestamped in the guest from three sources that need no change
# to Midway: the system bus (dbus-monitor --profile: midwayctl's calls,
# the helper's polkit check, the tunnel's state signals), syslog (both
# pppds with "debug", so every LCP/IPCP packet and script; the server's
# sudo) and the wall clock around midwayctl.  Prints
#   MIDWAY-TRACE: round N MILESTONE SECONDS-SINCE-START
#   MIDWAY-TRACE: handshake N SECONDS
# for run-linkup-trace to tabulate.  Not a test and not timed by one.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

N=${MIDWAY_TRACE_N:-5}
LOCAL=10.77.0.1
REMOTE=10.77.0.2
as_user alice true

# syslog with the time of arrival (the harness's sink keeps syslog's own
# stamp, which has whole seconds only).  The harness's sink keeps its
# unlinked socket and hears nothing more.
rm -f /dev/log
python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "a", buffering=1) as f:
    while True:
        m = s.recv(65536).rstrip(b"\0\n").decode(errors="replace").replace("\n", " ")
        f.write("%.6f SYSLOG %s\n" % (time.time(), m))
' /tmp/trace.log </dev/null >>"$MIDWAY_LOG_DIR/trace-sink.err" 2>&1 &
check "the timestamping syslog sink listens" wait_for 10 test -S /dev/log
# Both pppds (the client's and the server's, one file system) log every
# packet and script with "debug"; /etc is the guest's writable overlay.
echo debug >>/etc/ppp/options

check "alice imports the trace profile" write_profile alice trace \
    local-address=$LOCAL remote-address=$REMOTE echo-interval=2 echo-failures=3 reconnect=false
dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:io.github.midway_vpn.Midway.Helper uint32:0 >/dev/null
helper_running() { [ -n "$(helper_pid)" ]; }
check "the helper is activated" wait_for 20 helper_running
dbus-monitor --system --profile >/tmp/dbus.log 2>&1 &
check "dbus-monitor is on the bus" wait_for 10 grep -q NameAcquired /tmp/dbus.log

mark() { echo "${EPOCHREALTIME/,/.} MARK $*" >>/tmp/trace.log; }
# alice's own marks, just before midwayctl starts and just after it
# exits: what runuser costs on either side is then apart from midwayctl.
install -m 0666 /dev/null /tmp/trace-user.log
# shellcheck disable=SC2016
user_up='echo "${EPOCHREALTIME/,/.} MARK exec" >>/tmp/trace-user.log
midwayctl up trace --timeout 60
rc=$?
echo "${EPOCHREALTIME/,/.} MARK exited" >>/tmp/trace-user.log
exit $rc'

for i in $(seq 1 "$N"); do
    t0=$EPOCHREALTIME
    as_user alice ssh -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$MIDWAY_SRV_KNOWN_HOSTS" mwsrv@"$MIDWAY_SRV_ADDR" true
    t1=$EPOCHREALTIME
    echo "MIDWAY-TRACE: handshake $i $(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.3f", b - a }')"
    mark start "$i"
    check "round $i: midwayctl up succeeds" as_user alice bash -c "$user_up"
    mark returned "$i"
    check "round $i: midwayctl down succeeds" as_user alice midwayctl down trace
    check "round $i: no pppd or ssh left" wait_for 60 no_tunnel_processes
done
kill %dbus-monitor 2>/dev/null
awk 'NF >= 6 && $2 ~ /^[0-9.]+$/ { print $2, "DBUS", $0 }' /tmp/dbus.log >>/tmp/trace.log
sort -n /tmp/trace.log /tmp/trace-user.log | python3 "$MIDWAY_SOURCE_ROOT/tests/bench/linkup-trace.py"
finish
