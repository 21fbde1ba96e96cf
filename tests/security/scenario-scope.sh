# shellcheck shell=bash
# Issue 10 (M2): where systemd runs, the user's ssh (and whatever it
# starts) runs in a transient scope in the user's slice, not in the
# helper's service, and the scope is stopped (its cgroup killed) when ssh
# ends.  The guest has no systemd, so python3-dbusmock stands in for
# org.freedesktop.systemd1 on the guest's real system bus and records the
# calls: the launcher's pid (still the launcher, before anything of the
# user's ran), the slice user-UID.slice, then StopUnit of the same scope.
# Without systemd on the bus, and when systemd refuses the scope, the
# tunnel comes up all the same (the process-group kill is then what ends
# ssh's children).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

SYSTEMD=org.freedesktop.systemd1
POLICY=/etc/dbus-1/system.d/$SYSTEMD.conf
TEMPLATE=/run/midway-test-systemd.py
CALLS=/run/midway-test-systemd.calls
REFUSE=/run/midway-test-systemd.refuse
MOCK_LOG=$MIDWAY_LOG_DIR/systemd-mock.log
MOCK_ERR=$MIDWAY_LOG_DIR/systemd-mock.err
alice_uid=$(id -u alice)

bus_call() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus "org.freedesktop.DBus.$1" "${@:2}"
}
systemd_has_owner() {
    bus_call NameHasOwner string:"$SYSTEMD" | grep -q 'boolean true'
}
calls_lines() {
    [ -f "$CALLS" ] && [ "$(wc -l <"$CALLS")" -ge "$1" ]
}
client_ssh_pid() {
    pgrep -x -P "$(helper_pid)" ssh
}

check "python3-dbusmock is installed (Debian package python3-dbusmock)" \
    python3 -c 'import dbusmock'
check_fails "nothing owns $SYSTEMD" systemd_has_owner

# Without systemd: today's way, and it works.
check "alice imports a profile" write_profile alice office
check "without systemd the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "and goes down" as_user alice midwayctl down office
check "nothing is left" wait_for 20 no_client_tunnel_processes

cat >"$POLICY" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="$SYSTEMD"/>
    <allow send_destination="$SYSTEMD"/>
  </policy>
</busconfig>
EOF
check "the bus reloads its configuration" bus_call ReloadConfig

# One line per call.  StartTransientUnit answers as systemd does: the job
# ends (JobRemoved "done"), and the reply names it.
cat >"$TEMPLATE" <<EOF
import os

import dbus

BUS_NAME = '$SYSTEMD'
MAIN_OBJ = '/org/freedesktop/systemd1'
MAIN_IFACE = 'org.freedesktop.systemd1.Manager'
SYSTEM_BUS = True

CALLS = '$CALLS'
REFUSE = '$REFUSE'
jobs = [0]


def _record(*words):
    with open(CALLS, 'a', encoding='UTF-8') as f:
        f.write(' '.join(str(w) for w in words) + '\n')


def _start(self, name, mode, properties, aux):
    props = {str(k): v for k, v in properties}
    pids = [int(p) for p in props.get('PIDs', [])]
    exes = []
    for pid in pids:
        try:
            exes.append(os.readlink('/proc/%d/exe' % pid))
        except OSError as e:
            exes.append('?%s' % e.strerror)
    _record('StartTransientUnit', name, mode, 'Slice=%s' % props.get('Slice', ''),
            'PIDs=%s' % ','.join(map(str, pids)), 'exe=%s' % ','.join(exes),
            'aux=%d' % len(aux))
    if os.path.exists(REFUSE):
        raise dbus.exceptions.DBusException('refused by the test',
                                            name='org.freedesktop.DBus.Error.AccessDenied')
    jobs[0] += 1
    job = '/org/freedesktop/systemd1/job/%d' % jobs[0]
    self.EmitSignal(MAIN_IFACE, 'JobRemoved', 'uoss', [jobs[0], job, name, 'done'])
    return job


def _stop(self, name, mode):
    _record('StopUnit', name, mode)
    jobs[0] += 1
    return '/org/freedesktop/systemd1/job/%d' % jobs[0]


def load(mock, parameters):
    mock.AddMethod(MAIN_IFACE, 'StartTransientUnit', 'ssa(sv)a(sa(sv))', 'o', _start)
    mock.AddMethod(MAIN_IFACE, 'StopUnit', 'ss', 'o', _stop)
EOF
python3 -m dbusmock --system --template "$TEMPLATE" --logfile "$MOCK_LOG" \
    </dev/null >>"$MOCK_ERR" 2>&1 &
mock_pid=$!
check "the mock owns $SYSTEMD on the system bus" wait_for 20 systemd_has_owner

rm -f "$CALLS"
check "with systemd the tunnel comes up" as_user alice midwayctl up office --timeout 60
ssh_pid=$(client_ssh_pid)
check "the helper's ssh runs ($ssh_pid)" test -n "$ssh_pid"
cat "$CALLS"
check "one StartTransientUnit: ssh's pid, alice's slice, before the launcher exec'd ssh" \
    test "$(cat "$CALLS")" = "StartTransientUnit midway-ssh-$ssh_pid.scope fail Slice=user-$alice_uid.slice PIDs=$ssh_pid exe=/usr/libexec/midway-helper-launch aux=0"
check "ssh was let go when the job ended, not after the helper's time-out" \
    bash -c "! grep -q 'no word from systemd' '$MIDWAY_LOG_DIR/dbus.log'"
check "alice disconnects" as_user alice midwayctl down office
check "the helper stops the scope" wait_for 10 calls_lines 2
cat "$CALLS"
check "StopUnit of the same scope" \
    test "$(sed -n 2p "$CALLS")" = "StopUnit midway-ssh-$ssh_pid.scope replace"
check "nothing is left" wait_for 20 no_client_tunnel_processes

# A systemd that refuses the scope: the tunnel comes up all the same, and
# there is no scope to stop.
rm -f "$CALLS"
touch "$REFUSE"
check "with the scope refused the tunnel comes up" as_user alice midwayctl up office --timeout 60
check "the helper asked once" test "$(grep -c '^StartTransientUnit ' "$CALLS")" -eq 1
check "the helper logged that ssh has no scope" grep -q 'no scope for pid' "$MIDWAY_LOG_DIR/dbus.log"
check "alice disconnects" as_user alice midwayctl down office
check "nothing is left" wait_for 20 no_client_tunnel_processes
check "no StopUnit for a scope that never was" bash -c "! grep -q '^StopUnit' '$CALLS'"

check "the mock is still running" kill -0 "$mock_pid"
kill "$mock_pid" 2>/dev/null
echo "--- dbusmock's log"; cat "$MOCK_LOG"
finish
