# shellcheck shell=bash
# Issue 4, scenario 3b: DNS through systemd-resolved.  The guest has no
# systemd-resolved (and the host must not install it: the package takes
# over /etc/resolv.conf), so python3-dbusmock stands in for it on the
# guest's real system bus, owning org.freedesktop.resolve1 and recording
# every call on org.freedesktop.resolve1.Manager with its arguments.  The
# helper picks its back end by whether that name has an owner, so with the
# mock running it must talk to it and leave resolvconf (openresolv, which
# the guest does have) and /etc/resolv.conf alone.
#
# A split tunnel: the tunnel's server on the ppp link, its domain as a
# routing-only domain, not a DNS default route; RevertLink on down.
# A full tunnel: its domain plus "~." (routing-only "."), DNS default
# route; RevertLink on down.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/net-common.sh"

TUNNEL_DNS=10.66.0.2     # the server's end of the link (write_profile)
DOMAIN=corp.example
RESOLVED=org.freedesktop.resolve1
POLICY=/etc/dbus-1/system.d/$RESOLVED.conf
TEMPLATE=/run/midway-test-resolved.py
CALLS=/run/midway-test-resolved.calls          # one line per call, ours
MOCK_LOG=$MIDWAY_LOG_DIR/resolved-mock.log      # dbusmock's own log
MOCK_ERR=$MIDWAY_LOG_DIR/resolved-mock.err

bus_call() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus "org.freedesktop.DBus.$1" "${@:2}"
}

resolved_has_owner() {
    bus_call NameHasOwner string:"$RESOLVED" | grep -q 'boolean true'
}

# The ppp interface with the tunnel's local address, in the client's netns.
ppp_ifname() {
    local dev
    for dev in /sys/class/net/ppp*; do
        [ -e "$dev" ] || continue
        if ppp_has_address "${dev##*/}" 10.66.0.1; then
            echo "${dev##*/}"
            return 0
        fi
    done
    return 1
}

calls_lines() {
    [ -f "$CALLS" ] && [ "$(wc -l <"$CALLS")" -ge "$1" ]
}

# calls_are EXPECTED: the recorded calls are exactly EXPECTED (and nothing
# else, in that order).
calls_are() {
    local got
    got=$(cat "$CALLS" 2>/dev/null)
    if [ "$got" != "$1" ]; then
        printf 'calls recorded:\n%s\nexpected:\n%s\n' "$got" "$1" >&2
        return 1
    fi
}

no_midway_resolvconf_record() {
    ! resolvconf -i 2>/dev/null | grep -q '\.midway'
}

resolv_conf_untouched() {
    cmp -s /etc/resolv.conf /run/resolv.conf.before
}

check "python3-dbusmock is installed (Debian package python3-dbusmock)" \
    python3 -c 'import dbusmock'
check "resolvconf is installed (Debian package openresolv)" test -x /sbin/resolvconf
check_fails "nothing owns $RESOLVED yet" resolved_has_owner

# What the machine had before, as in the resolvconf scenario: if the helper
# fell back to resolvconf, the file would be regenerated with the tunnel's
# server in it.
check "the uplink's resolver goes in through resolvconf" \
    bash -c "printf 'nameserver %s\n' '$MIDWAY_SRV_ADDR' | resolvconf -a $MIDWAY_CLIENT_IF.dhcp"
check "resolv.conf names it" grep -q "^nameserver $MIDWAY_SRV_ADDR\$" /etc/resolv.conf
cp -a /etc/resolv.conf /run/resolv.conf.before

# The system bus's default policy lets nobody own a name or be sent method
# calls; systemd-resolved ships a policy file, the stand-in gets this one.
cat >"$POLICY" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="$RESOLVED"/>
    <allow send_destination="$RESOLVED"/>
  </policy>
</busconfig>
EOF
check "the bus reloads its configuration" bus_call ReloadConfig

# The mock: each Manager method the helper uses appends one line with its
# arguments in a fixed form; anything else it might call is unknown and
# would show up as an error in the tunnel's log.
cat >"$TEMPLATE" <<EOF
BUS_NAME = '$RESOLVED'
MAIN_OBJ = '/org/freedesktop/resolve1'
MAIN_IFACE = 'org.freedesktop.resolve1.Manager'
SYSTEM_BUS = True

CALLS = '$CALLS'


def _record(*words):
    with open(CALLS, 'a', encoding='UTF-8') as f:
        f.write(' '.join(str(w) for w in words) + '\n')


def _dns(self, ifindex, servers):
    _record('SetLinkDNS', int(ifindex),
            *['%d:%s' % (int(family), '.'.join(str(int(b)) for b in address))
              for family, address in servers])


def _domains(self, ifindex, domains):
    _record('SetLinkDomains', int(ifindex),
            *['%s:%s' % (str(name), 'true' if routing else 'false')
              for name, routing in domains])


def _default_route(self, ifindex, enable):
    _record('SetLinkDefaultRoute', int(ifindex), 'true' if enable else 'false')


def _revert(self, ifindex):
    _record('RevertLink', int(ifindex))


def load(mock, parameters):
    mock.AddMethod(MAIN_IFACE, 'SetLinkDNS', 'ia(iay)', '', _dns)
    mock.AddMethod(MAIN_IFACE, 'SetLinkDomains', 'ia(sb)', '', _domains)
    mock.AddMethod(MAIN_IFACE, 'SetLinkDefaultRoute', 'ib', '', _default_route)
    mock.AddMethod(MAIN_IFACE, 'RevertLink', 'i', '', _revert)
EOF
python3 -m dbusmock --system --template "$TEMPLATE" --logfile "$MOCK_LOG" \
    </dev/null >>"$MOCK_ERR" 2>&1 &
mock_pid=$!
check "the mock owns $RESOLVED on the system bus" wait_for 20 resolved_has_owner

# run_part NAME EXPECTED_UP_CALLS_TEMPLATE: up, compare the calls (with
# IFX replaced by the ppp link's ifindex), down, RevertLink for that link.
run_part() {
    local name=$1 expected_up=$2 ifname ifindex expected
    rm -f "$CALLS"
    check "the tunnel $name comes up" as_user alice midwayctl up "$name" --timeout 60
    ifname=$(ppp_ifname)
    check "$name has a ppp interface" test -n "$ifname"
    ifindex=$(cat "/sys/class/net/$ifname/ifindex" 2>/dev/null)
    check "its ifindex is known ($ifname: $ifindex)" test -n "$ifindex"
    expected=${expected_up//IFX/$ifindex}
    check "$name: the helper made three calls to resolved" wait_for 10 calls_lines 3
    sleep 0.5   # a stray fourth call would show up now
    check "$name: they are for $ifname (ifindex $ifindex) and exactly what a ${name} tunnel needs" \
        calls_are "$expected"
    check "$name: no resolvconf record for the tunnel" no_midway_resolvconf_record
    check "$name: resolv.conf is untouched while up" resolv_conf_untouched
    check "$name: midwayctl down succeeds" as_user alice midwayctl down "$name"
    check "$name: the helper reverts the link" wait_for 10 calls_lines 4
    sleep 0.5
    check "$name: RevertLink for ifindex $ifindex, nothing else" \
        calls_are "$expected"$'\n'"RevertLink $ifindex"
    check "$name: no resolvconf record after down" no_midway_resolvconf_record
    check "$name: resolv.conf is byte for byte what it was" resolv_conf_untouched
    cp "$CALLS" "$MIDWAY_LOG_DIR/resolved-calls.$name" 2>/dev/null
    echo "--- calls recorded for $name"; cat "$CALLS"
}

# Split: only names under the profile's domain go through the tunnel.
check "alice imports a split profile with DNS settings" write_profile alice split \
    dns-servers="$TUNNEL_DNS" dns-search="$DOMAIN"
run_part split "SetLinkDNS IFX 2:$TUNNEL_DNS
SetLinkDomains IFX $DOMAIN:true
SetLinkDefaultRoute IFX false"

# Full: every query goes through the tunnel ("~." and the default route).
check "the client has a default route" ip route add default via "$MIDWAY_SRV_ADDR"
check "alice imports a full-tunnel profile with DNS settings" write_profile alice full \
    full-tunnel=true dns-servers="$TUNNEL_DNS" dns-search="$DOMAIN"
run_part full "SetLinkDNS IFX 2:$TUNNEL_DNS
SetLinkDomains IFX $DOMAIN:false .:true
SetLinkDefaultRoute IFX true"

check "the mock is still running" kill -0 "$mock_pid"
check "resolv.conf is byte for byte what it was at the end" resolv_conf_untouched
kill "$mock_pid" 2>/dev/null
echo "--- dbusmock's log"; cat "$MOCK_LOG"
echo "--- resolvconf records"; resolvconf -i
dump_state
finish
