# shellcheck shell=bash
# What the Midway scenarios share: profiles for the guest's server and probes
# of the system's state.  Sourced after tests/uml/lib.sh.

E2E_DIR=$MIDWAY_SOURCE_ROOT/tests/e2e
PROBE=$E2E_DIR/probe.py

# write_profile USER NAME [KEY=VALUE...]: imports a profile for USER that
# reaches the guest's server as mwsrv with USER's key and the pinned host key;
# KEY=VALUE lines override or add fields.
write_profile() {
    local user=$1 name=$2 home file
    shift 2
    home=$(getent passwd "$user" | cut -d: -f6)
    file=$(mktemp /tmp/profile.XXXXXX)
    {
        echo "[Midway Profile]"
        echo "name=$name"
        echo "host=$MIDWAY_SRV_ADDR"
        echo "user=mwsrv"
        echo "auth=key-file"
        echo "key-file=$home/.ssh/id_ed25519"
        echo "host-key=$MIDWAY_SRV_HOST_KEY"
        echo "local-address=10.66.0.1"
        echo "remote-address=10.66.0.2"
        echo "echo-interval=2"
        echo "echo-failures=3"
    } >"$file"
    local kv key
    for kv in "$@"; do
        key=${kv%%=*}
        sed -i "/^$key=/d" "$file"
        echo "$kv" >>"$file"
    done
    chmod 0644 "$file"
    as_user "$user" midwayctl import "$file" >/dev/null
    local rc=$?
    rm -f "$file"
    return $rc
}

# The server's listening sshd, exactly as tests/uml/guest-init.sh starts it.
SSHD_DIR=$MIDWAY_UML_STATE/sshd
start_sshd() {
    srv /usr/sbin/sshd -f "$SSHD_DIR/sshd_config" -E "$MIDWAY_LOG_DIR/sshd.log"
}
sshd_listens() {
    srv ss -Hltn 'sport = :22' | grep -q .
}
stop_sshd() {
    kill -TERM "$(cat "$SSHD_DIR/sshd.pid")" && wait_for 10 bash -c '! ip netns exec srv ss -Hltn "sport = :22" | grep -q .'
}

probe() {
    python3 "$PROBE" "$@"
}

# tunnel_prop USER PROFILE PROP
tunnel_prop() {
    as_user "$1" python3 "$PROBE" get "$2" "$3"
}

ppp_has_address() {
    ip -4 addr show dev "$1" 2>/dev/null | grep -q "inet $2 "
}

no_ppp_interface() {
    ! ip -o link show | grep -q ': ppp[0-9]'
}

no_tunnel_processes() {
    ! pgrep -x pppd >/dev/null && ! pgrep -x ssh >/dev/null
}

# The client's side only: the server's pppd runs in the srv namespace and
# ends on its own time, once it has seen the link go.
no_client_tunnel_processes() {
    ! pgrep --nslist net --ns $$ -x pppd >/dev/null && ! pgrep -x ssh >/dev/null
}

state_is() {
    [ "$(tunnel_prop "$1" "$2" State 2>/dev/null)" = "$3" ]
}

count_ptys() {
    find /dev/pts -maxdepth 1 -name '[0-9]*' | wc -l
}

helper_pid() {
    pgrep -f '^/usr/libexec/midway-helper' | head -n 1
}

# The client's pppd, the helper's child (the server's pppd runs in the same
# guest, so `pgrep -x pppd` finds both).
local_pppd_pid() {
    pgrep -x -P "$(helper_pid)" pppd
}

# Prints what the helper knows, for a scenario's post-mortem: the tunnels,
# each tunnel's log (read as root, which polkit lets through here as the
# guest has no rule for it: as its owner), processes and links.
dump_state() {
    local path owner
    echo "--- tunnels"; probe tunnels 2>&1 || true
    for path in $(probe tunnels 2>/dev/null | sed -n 's/.*"path": "\(.*\)".*/\1/p'); do
        owner=$(getent passwd "$(probe tunnels | python3 -c "import json,sys; print([t['Owner'] for t in json.load(sys.stdin) if t['path']=='$path'][0])")" | cut -d: -f1)
        echo "--- log of $path ($owner)"
        as_user "$owner" python3 "$PROBE" call "$path" GetLog | python3 -c "import json,sys; l=sys.stdin.read(); print('\n'.join(json.loads(l)[0]) if l.startswith('[') else l)"
    done
    echo "--- processes"; ps -eo pid,user,args | grep -E 'pppd|ssh|midway' | grep -v grep || true
    echo "--- links"; ip -o addr show || true
}
