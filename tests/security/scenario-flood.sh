# shellcheck shell=bash
# Issue 5: at least 1000 pipelined Connect calls from one user, over ten bus
# connections (the helper's per-connection limit alone would not hold them
# back).  The per-user limit holds and the helper keeps answering another
# user meanwhile.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

rm -f /tmp/flood-stop /tmp/flood-stop.started /tmp/flood-stop.busy
# The flood goes on until bob has had his answers (and 1000 calls at least).
hostile alice flood 1000 /tmp/flood-stop 10 >/tmp/flood.out 2>&1 &
flood_pid=$!
check "the flood started" wait_for 60 test -e /tmp/flood-stop.started
check "the helper has answered a hundred of them" wait_for 60 test -e /tmp/flood-stop.busy
check "the flood is under way" kill -0 "$flood_pid"
hostile bob prompt >/tmp/prompt.out 2>&1
cat /tmp/prompt.out
check "the flood was still under way when bob was answered" kill -0 "$flood_pid"
touch /tmp/flood-stop
wait "$flood_pid"
cat /tmp/flood.out
record_cases /tmp/prompt.out
record_cases /tmp/flood.out

alice_uid=$(id -u alice)
bob_uid=$(id -u bob)
owners=$(probe tunnels | python3 -c 'import json,sys; print(" ".join(str(t["Owner"]) for t in json.load(sys.stdin)))')
n_alice=$(tr ' ' '\n' <<<"$owners" | grep -cx "$alice_uid")
n_bob=$(tr ' ' '\n' <<<"$owners" | grep -cx "$bob_uid")
check "alice has at most 8 tunnels ($n_alice)" test "$n_alice" -le 8
check "bob's tunnel exists ($n_bob)" test "$n_bob" -eq 1
check "the helper still answers" probe tunnels
finish
