# shellcheck shell=bash
# What the security and dbus scenarios share.  Sourced after
# tests/uml/lib.sh and tests/e2e/common.sh.

HOSTILE=$MIDWAY_SOURCE_ROOT/tests/security/hostile.py
HELPER_XML=$MIDWAY_SOURCE_ROOT/data/io.github.midway_vpn.Midway.Helper1.xml

# hostile USER ARGS...: runs hostile.py as USER, which needs the server's
# address and host key for its base profile.
hostile() {
    local user=$1
    shift
    as_user "$user" env MIDWAY_SRV_ADDR="$MIDWAY_SRV_ADDR" \
        MIDWAY_SRV_HOST_KEY="$MIDWAY_SRV_HOST_KEY" python3 "$HOSTILE" "$@"
}

# record_cases FILE: one check per "ok|FAIL<TAB>case<TAB>detail" line of
# hostile.py's output; fails when there is no case at all.
record_cases() {
    local status case detail n=0
    while IFS=$'\t' read -r status case detail; do
        case $status in
            ok|FAIL) ;;
            *) continue ;;
        esac
        n=$((n + 1))
        [ "$status" = ok ] || echo "  $case: $detail"
        check "$case" test "$status" = ok
    done <"$1"
    check "hostile.py reported its cases ($n)" test "$n" -gt 0
}

# The names of all processes, sampled as fast as the guest allows (a
# 20 ms pause between samples), to catch a pppd or ssh that lived only for
# a moment.  One sample is the comm lines followed by "--".
WATCH_LOG=/tmp/ps-watch.log
watch_start() {
    : >"$WATCH_LOG"
    (
        while [ ! -e /tmp/ps-watch.stop ]; do
            cat /proc/[0-9]*/comm 2>/dev/null >>"$WATCH_LOG"
            echo -- >>"$WATCH_LOG"
            sleep 0.02
        done
    ) &
    WATCH_PID=$!
}

watch_stop() {
    touch /tmp/ps-watch.stop
    wait "$WATCH_PID"
    rm -f /tmp/ps-watch.stop
}

watch_samples() {
    grep -cx -- -- "$WATCH_LOG"
}

# watch_settle N: returns once the watcher has taken N more samples: a
# process started late by what came before is seen however slow the guest
# is (a fixed pause would give a loaded guest fewer samples).
watch_settle() {
    local target=$(( $(watch_samples) + $1 ))
    wait_for 60 bash -c "[ \$(grep -cx -- -- '$WATCH_LOG') -ge $target ]"
}

# watch_saw COMM: some sample had a COMM process.
watch_saw() {
    grep -qx -- "$1" "$WATCH_LOG"
}

no_tunnel_dirs() {
    ! ls -d /run/midway/tunnel-* >/dev/null 2>&1
}
