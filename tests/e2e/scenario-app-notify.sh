# shellcheck shell=bash
# GTK front end, end to end: the app's own connection code
# (MidwayConnectionList + MidwaySecretStore, run by app-driver) brings a
# link up; the server kills the ssh session; the app's MidwayNotifier tells
# the real notification server (dunst, on Xvfb, on alice's session bus)
# that the link is up, that it dropped and that it is restored, in that
# order and with the texts of src/app/midway-notifier.c.
#
# The driver connects through the keyring, as the app does: its connect
# path always asks the Secret Service for the profile's secrets, so a real
# gnome-keyring-daemon runs here (unlocked, empty: the key-file profile
# needs nothing from it).
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"

DRIVER=$MIDWAY_BUILD_ROOT/tests/e2e/app-driver
DUNST_LOG=$MIDWAY_LOG_DIR/dunst-print.log
DRIVER_LOG=$MIDWAY_LOG_DIR/app-driver.log
NOTES=/tmp/dunst-notes.py

check "alice imports a profile" write_profile alice office reconnect=true

# ------------------------------------------------------ alice's desktop session
as_user alice true   # creates /run/user/UID
uid=$(id -u alice)
sess=/run/user/$uid/app-session
install -d -m 0700 -o alice -g alice "$sess"
# Xvfb, not being root, would not create it.
install -d -m 1777 /tmp/.X11-unix
# Nothing is activated on this bus: each service here is started by hand, so
# a missing one fails its own check instead of being started behind our back.
cat >"$sess/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$sess/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
chmod 0644 "$sess/bus.conf"
# Bubbles stay until replaced or closed: with dunst's default of 10 s the
# connected one could expire before the drop, and the notifier's one bubble
# per tunnel (one id, replaced in place) could not be checked.
cat >"$sess/dunstrc" <<'DUNSTRC'
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
DUNSTRC
chmod 0644 "$sess/dunstrc"
BUS=unix:path=$sess/bus
display=

# in_session CMD...: CMD as alice inside her session (bus, display).
in_session() {
    as_user alice env DBUS_SESSION_BUS_ADDRESS="$BUS" ${display:+DISPLAY=:$display} "$@"
}
bus_has_name() {
    in_session dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.GetNameOwner "string:$1"
}

as_user alice dbus-daemon --config-file="$sess/bus.conf" --nofork --nopidfile \
    </dev/null >/dev/null 2>"$MIDWAY_LOG_DIR/session-bus.log" &
check "alice's session bus is up" wait_for 20 bus_has_name org.freedesktop.DBus

in_session Xvfb -displayfd 3 -nolisten tcp -screen 0 800x600x24 \
    3>"$sess/display" </dev/null >/dev/null 2>"$MIDWAY_LOG_DIR/xvfb.log" &
check "Xvfb runs" wait_for 30 test -s "$sess/display"
display=$(cat "$sess/display")

# -print: dunst writes every notification it receives, the record the
# checks below read.
in_session dunst -config "$sess/dunstrc" -print \
    </dev/null >"$DUNST_LOG" 2>"$MIDWAY_LOG_DIR/dunst.log" &
check "dunst owns org.freedesktop.Notifications" \
    wait_for 20 bus_has_name org.freedesktop.Notifications

in_session sh -c 'printf midway | gnome-keyring-daemon --daemonize --unlock --components=secrets' \
    </dev/null >/dev/null 2>"$MIDWAY_LOG_DIR/gnome-keyring.log"
check "gnome-keyring-daemon owns org.freedesktop.secrets" \
    wait_for 20 bus_has_name org.freedesktop.secrets

# For the post-mortem: the Notify calls as they cross the bus.
in_session dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications'" \
    </dev/null >"$MIDWAY_LOG_DIR/notify-monitor.log" 2>&1 &

# ------------------------------------------------------ what dunst received
cat >"$NOTES" <<'EOF'
# dunst-notes.py LOG list | LOG expect SUMMARY BODY_RE [SUMMARY BODY_RE...]
# Reads `dunst -print` output.  expect: exit 0 when the notifications
# received are exactly these, in this order, each body matching its regular
# expression in full, all in one bubble (one id, replaced in place).
import re, sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
notes = [(int(m.group(3)), m.group(1), m.group(2)) for m in re.finditer(
    r"^\tsummary: '(.*?)'\n\tbody: '(.*?)'\n\ticon: .*?^\tid: (\d+)$", text, re.S | re.M)]
if sys.argv[2] == "list":
    for n in notes:
        print("%d\t%s\t%s" % n)
    sys.exit(0)
want = list(zip(sys.argv[3::2], sys.argv[4::2]))
ok = len(notes) == len(want) and all(
    s == ws and re.fullmatch(wb, b) for (_, s, b), (ws, wb) in zip(notes, want))
ok = ok and len({n[0] for n in notes}) == 1
if not ok:
    print("received: %r\nwanted:   %r" % (notes, want), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
notes_are() {
    python3 "$NOTES" "$DUNST_LOG" expect "$@"
}
re_quote() {
    python3 -c 'import re, sys; print(re.escape(sys.argv[1]))' "$1"
}

# ------------------------------------------------------------- connect
in_session env LC_ALL=C LANGUAGE= "$DRIVER" --stop-file "$sess/stop" --timeout 200 office \
    </dev/null >"$DRIVER_LOG" 2>&1 &
driver=$!
driver_says() {
    grep -q -- "$1" "$DRIVER_LOG"
}

check "the app's connect call returns a tunnel" wait_for 60 driver_says 'connect returned /'
check "the tunnel is up" wait_for 60 state_is alice office up
iface=$(tunnel_prop alice office Interface)
addresses="Address 10.66.0.1, peer 10.66.0.2 on $iface."
connected_re=$(re_quote "$addresses")
check "dunst received \"Connected to office\" with the addresses" \
    wait_for 20 notes_are "Connected to office" "$connected_re"
check "ping crosses the link" ping -c 3 -W 2 -I "$iface" 10.66.0.2

# ------------------------------------------------------------- drop
check "the server's sshd session for mwsrv is there" srv pgrep -f '^sshd: mwsrv'
killed_at=$EPOCHSECONDS
srv pkill -KILL -f 'sshd: mwsrv'

dropped_re=$(re_quote "The SSH session ended. Reconnecting…")
check "dunst received \"office dropped\" next" \
    wait_for 20 notes_are "Connected to office" "$connected_re" "office dropped" "$dropped_re"

# The restored bubble has the new link's interface, known once it is up.
restored_seen() {
    python3 "$NOTES" "$DUNST_LOG" list | grep -q $'\toffice restored\t'
}
check "dunst received \"office restored\"" wait_for 60 restored_seen
seen_at=$EPOCHSECONDS
check "the tunnel is up again" state_is alice office up
iface=$(tunnel_prop alice office Interface)
addresses="Address 10.66.0.1, peer 10.66.0.2 on $iface."
# "after N s" counts from the drop: at least the time a new ssh and PPP
# session takes, at most the time from the kill until dunst had it.
restored_after=$(python3 "$NOTES" "$DUNST_LOG" list |
                 sed -n 's/^[0-9]*\toffice restored\tUp again after \([0-9]*\) .*/\1/p')
echo "restored after ${restored_after:-?} s; $((seen_at - killed_at)) s from the kill to dunst"
check "\"Up again after N s\" is plausible (1 <= ${restored_after:-?} <= $((seen_at - killed_at + 1)))" \
    test -n "$restored_after" -a "${restored_after:-0}" -ge 1 -a "${restored_after:-0}" -le $((seen_at - killed_at + 1))
unit=seconds
[ "$restored_after" = 1 ] && unit=second
restored_re=$(re_quote "Up again after $restored_after $unit. $addresses")
check "the notifications are connected, dropped, restored, in that order, in one bubble" \
    notes_are "Connected to office" "$connected_re" "office dropped" "$dropped_re" \
        "office restored" "$restored_re"
check "ping crosses the restored link" ping -c 3 -W 2 -I "$iface" 10.66.0.2

# ------------------------------------------------------------- teardown
check "midwayctl down succeeds" as_user alice midwayctl down office
check "the tunnel is gone on the client" wait_for 20 no_client_tunnel_processes
touch "$sess/stop"
driver_rc=0
wait "$driver" || driver_rc=$?
check "the driver exits 0 when told to stop" test "$driver_rc" -eq 0
# A stop the person asked for closes the bubble rather than adding one.
check "no notification after the restore" \
    notes_are "Connected to office" "$connected_re" "office dropped" "$dropped_re" \
        "office restored" "$restored_re"

echo "--- app-driver"; cat "$DRIVER_LOG"
echo "--- notifications dunst received (id, summary, body)"
python3 "$NOTES" "$DUNST_LOG" list
for name in dbus-monitor gnome-keyring-daemon dunst Xvfb dbus-daemon; do
    pkill -TERM -u alice -x "$name"
done
finish
