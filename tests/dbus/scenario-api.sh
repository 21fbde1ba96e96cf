# shellcheck shell=bash
# Issue 5, suite dbus: the helper's live API is the one in
# data/io.github.midway_vpn.Midway.Helper1.xml (every method, signal and
# property with its types), and every error is a registered D-Bus name.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

check "alice imports a profile" write_profile alice office
check "alice's tunnel comes up" as_user alice midwayctl up office --timeout 60
path=$(as_user alice python3 "$PROBE" path office)

hostile alice introspect "$HELPER_XML" >/tmp/introspect.out 2>&1
grep -v $'^ok\t' /tmp/introspect.out
record_cases /tmp/introspect.out
n_xml=$(grep -cE '<(method|signal|property) ' "$HELPER_XML")
check "every member of the XML was compared and matched ($n_xml)" \
    test "$(grep -c $'^ok\tio.github' /tmp/introspect.out)" -eq "$n_xml"

hostile bob errors "$path" >/tmp/errors.out 2>&1
cat /tmp/errors.out
record_cases /tmp/errors.out
check "no error was sent unregistered (org.gtk.GDBus.UnmappedGError)" \
    bash -c "! grep -q UnmappedGError /tmp/errors.out"

# The rest of the domain, where a client can reach it.
out=$(as_user alice python3 "$PROBE" connect '{"id":"s:x"}')
echo "$out"
check "a profile with a bad id: InvalidProfile naming id" \
    grep -qE '^ERROR io.github.midway_vpn.Midway.Error.InvalidProfile (GDBus.Error:[^ ]+ )?id: ' <<<"$out"
out=$(as_user mallory python3 "$PROBE" connect '{"id":"s:x"}')
echo "$out"
check "mallory: NotAuthorized, before any validation" \
    grep -q '^ERROR io.github.midway_vpn.Midway.Error.NotAuthorized ' <<<"$out"
check "alice disconnects" as_user alice midwayctl down office
finish
