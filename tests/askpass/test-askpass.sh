#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Checks midway-askpass as ssh would run it: the helper leaves the secret in
# a file of the user's own, mode 0400, named by MIDWAY_ASKPASS_FILE.
#
# Usage: test-askpass.sh PATH/midway-askpass      (TAP output)

set -u

askpass=${1:?usage: test-askpass.sh PATH/midway-askpass}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
}

# run FILE [VAR=VALUE...]: runs midway-askpass with the given
# MIDWAY_ASKPASS_FILE ("-" for unset) and extra environment, leaving stdout,
# stderr and the exit status in $tmp/out, $tmp/err and $rc.
run () {
  fileval=$1
  shift
  if [ "$fileval" = - ]; then
    env -u MIDWAY_ASKPASS_FILE -u SSH_ASKPASS_PROMPT "$@" \
      "$askpass" "user@host's password: " >"$tmp/out" 2>"$tmp/err"
  else
    env -u SSH_ASKPASS_PROMPT MIDWAY_ASKPASS_FILE="$fileval" "$@" \
      "$askpass" "user@host's password: " >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
}

# secret NAME: makes $tmp/NAME private (0400), as the helper does.
private () {
  chmod 0400 "$tmp/$1"
}

# expect_secret NAME FILE: stdout must be FILE's bytes plus "\n", status 0.
expect_secret () {
  printf '\n' | cat "$2" - >"$tmp/want"
  if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$tmp/want" && [ ! -s "$tmp/err" ]; then
    ok "$1"
  else
    not_ok "$1"
    echo "#   status $rc, stderr: $(cat "$tmp/err")"
  fi
}

# expect_refusal NAME [quiet]: status 1, nothing on stdout, the secret never
# on stderr; a reason on stderr unless "quiet" (then stderr must be empty).
expect_refusal () {
  if [ "$rc" -ne 1 ] || [ -s "$tmp/out" ]; then
    not_ok "$1"
    echo "#   status $rc, stdout $(wc -c <"$tmp/out") bytes"
    return
  fi
  if grep -q 'hunter2' "$tmp/err"; then
    not_ok "$1"
    echo "#   the secret leaked to stderr"
    return
  fi
  if [ "${2:-}" = quiet ]; then
    if [ -s "$tmp/err" ]; then
      not_ok "$1"
      echo "#   unexpected stderr: $(cat "$tmp/err")"
      return
    fi
  elif [ ! -s "$tmp/err" ]; then
    not_ok "$1"
    echo "#   no reason given on stderr"
    return
  fi
  ok "$1"
}

echo "TAP version 13"

printf 'hunter2 with spaces & $tricky\\chars' >"$tmp/secret"
private secret

run "$tmp/secret"
expect_secret "prints the secret and a newline" "$tmp/secret"

run "$tmp/secret"
expect_secret "a second invocation gets the same secret" "$tmp/secret"

run "$tmp/secret" SSH_ASKPASS_PROMPT=confirm
expect_refusal "refuses ssh's yes/no confirmation" quiet

run "$tmp/secret" SSH_ASKPASS_PROMPT=none
expect_refusal "refuses to answer a plain message" quiet

run "$tmp/secret" SSH_ASKPASS_PROMPT=
expect_secret "an empty SSH_ASKPASS_PROMPT is an ordinary prompt" "$tmp/secret"

printf 'hunter2\nsecond line' >"$tmp/newline"; private newline
run "$tmp/newline"
expect_refusal "refuses a secret with a newline"

printf 'hunter2\r' >"$tmp/cr"; private cr
run "$tmp/cr"
expect_refusal "refuses a secret with a carriage return"

printf 'hunter2\000tail' >"$tmp/nul"; private nul
run "$tmp/nul"
expect_refusal "refuses a secret with a NUL byte"

# 4096 bytes is the limit; one more is refused rather than cut short.
head -c 4096 /dev/zero | tr '\0' 'x' >"$tmp/max"; private max
run "$tmp/max"
expect_secret "accepts a 4096-byte secret" "$tmp/max"

head -c 4097 /dev/zero | tr '\0' 'x' >"$tmp/long"; private long
run "$tmp/long"
expect_refusal "refuses a 4097-byte secret"

: >"$tmp/empty"; private empty
run "$tmp/empty"
expect_secret "an empty secret is an empty line" "$tmp/empty"

for bad in - "" relative/path "$tmp/missing"; do
  run "$bad"
  expect_refusal "refuses MIDWAY_ASKPASS_FILE='$bad'"
done

printf 'hunter2' >"$tmp/readable"; chmod 0644 "$tmp/readable"
run "$tmp/readable"
expect_refusal "refuses a secret file others can read"

ln -s "$tmp/secret" "$tmp/link"
run "$tmp/link"
expect_refusal "refuses a symlink"

run /dev/null
expect_refusal "refuses something that is not a regular file"

mkfifo "$tmp/fifo"
run "$tmp/fifo"
expect_refusal "refuses a fifo without blocking"

echo "1..$n"
[ "$failed" -eq 0 ]
