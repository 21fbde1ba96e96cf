# shellcheck shell=bash
# Issue 10 (M1): the caller's key file and agent socket are looked at as
# the caller, not as root, and whatever is wrong with one (missing,
# someone else's, a symlink, not a file or socket, or out of the caller's
# reach), the answer is one message per field: no root file-existence
# oracle.  Paths that only root could reach are refused even when what
# lies there is the caller's own.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

alice_uid=$(id -u alice)
bob_key=/home/bob/.ssh/id_ed25519
check "bob's key exists" test -f "$bob_key"
ln -s "$bob_key" /home/alice/bob-key && chown -h alice: /home/alice/bob-key
bob_sock=/tmp/bob-agent.sock
as_user bob ssh-agent -a "$bob_sock" >/dev/null
check "bob's agent socket is bob's" test -S "$bob_sock" -a "$(stat -c %U "$bob_sock")" = bob
ln -s "$bob_sock" /home/alice/bob-sock && chown -h alice: /home/alice/bob-sock

# alice's own key and socket, where only root can look.
hidden=/run/midway-test-hidden
install -d -m 0700 "$hidden"
install -m 0600 -o alice -g alice /home/alice/.ssh/id_ed25519 "$hidden/key"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$hidden/agent.sock"
chown alice: "$hidden/agent.sock"
check_fails "alice cannot see into $hidden" as_user alice test -e "$hidden/key"

hostile alice paths \
    /home/alice/.ssh/none "$bob_key" /home/alice/bob-key /dev/null /home/alice/.ssh \
    "$hidden/key" "$hidden/none" \
    -- \
    "/run/user/$alice_uid/none.sock" "$bob_sock" /home/alice/bob-sock \
    /home/alice/.ssh/id_ed25519 "$hidden/agent.sock" >/tmp/paths.out 2>&1
cat /tmp/paths.out
record_cases /tmp/paths.out
check "no client pppd or ssh is left" wait_for 20 no_client_tunnel_processes

# The control: her own key, and her own agent with that key in it.
alice_sock=/run/user/$alice_uid/agent.sock
as_user alice ssh-agent -a "$alice_sock" >/dev/null
check "alice's agent holds her key" as_user alice env SSH_AUTH_SOCK="$alice_sock" \
    ssh-add /home/alice/.ssh/id_ed25519
check "alice imports a key-file profile" write_profile alice own-key
check "her own key file is accepted" as_user alice midwayctl up own-key --timeout 60
check "alice disconnects it" as_user alice midwayctl down own-key
check "alice imports an agent profile" write_profile alice own-agent auth=agent key-file=
check "her own agent is accepted" as_user alice env SSH_AUTH_SOCK="$alice_sock" \
    midwayctl up own-agent --timeout 60
check "alice disconnects it" as_user alice midwayctl down own-agent
check "nothing is left" wait_for 20 no_client_tunnel_processes
finish
