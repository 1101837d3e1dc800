#!/usr/bin/env bash
# cli_test.sh MAILSLOT: the command-line tool, driven as a user would.
set -u
bin=$1
export MAILSLOT_NAMESPACE=cli-$$
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $name"; fi
}
# wait_listed NAME: bounded wait until `mailslot list` shows NAME.
wait_listed() {
  for _ in $(seq 1 100); do
    "$bin" list | grep -qi -- "$1" && return 0
    sleep 0.05
  done
  return 1
}

check "help exits 0" "$bin" --help
"$bin" bogus >/dev/null 2>&1; check "unknown command is EX_USAGE" test $? -eq 64
"$bin" send >/dev/null 2>&1; check "send without name is EX_USAGE" test $? -eq 64

# Messages given as arguments, received as text lines.
"$bin" recv 'cli\one' --count 3 >"$tmp/out1" 2>&1 &
rpid=$!
check "recv creates the mailslot" wait_listed 'mailslot\\cli\\one'
check "list names the owner pid" bash -c "'$bin' list | grep -i 'cli.one' | grep -q ' $rpid '"
check "send args" "$bin" send '\\.\mailslot\CLI\ONE' "first message" "second"
check "send //./ form" "$bin" send //./mailslot/cli/one "third"
wait $rpid; check "recv exits 0 after --count" test $? -eq 0
check "recv prints each message on a line" diff <(printf 'first message\nsecond\nthird\n') "$tmp/out1"

# Standard input: one message per line; --json output.
"$bin" recv jsonbox --count 2 --json >"$tmp/out2" 2>&1 &
rpid=$!
check "json recv listed" wait_listed 'jsonbox'
check "send from stdin" bash -c "printf 'line \"one\"\nline two\n' | '$bin' send jsonbox"
wait $rpid
check "json has size" grep -q '"size":10,' "$tmp/out2"
check "json has sender pid" grep -q '"sender":{"remote":false,"pid":[0-9]*,"uid":[0-9]*}' "$tmp/out2"
check "json escapes data" grep -q '"data":"line \\"one\\""' "$tmp/out2"
check "json second line" grep -q '"data":"line two"' "$tmp/out2"

# Errors name the mailslot and the reason, with sysexits codes.
"$bin" send nosuchbox hi 2>"$tmp/err"; rc=$?
check "missing mailslot is EX_NOINPUT" test $rc -eq 66
check "error names mailslot and reason" grep -q 'send nosuchbox: no such mailslot' "$tmp/err"
"$bin" recv waitbox --timeout 100 2>"$tmp/err"; rc=$?
check "recv timeout is EX_TEMPFAIL" test $rc -eq 75
"$bin" send '\\.\pipe\x' hi 2>"$tmp/err"; rc=$?
check "bad name is EX_DATAERR" test $rc -eq 65
check "bad name reason" grep -q 'not a valid mailslot name' "$tmp/err"
"$bin" recv dup --count 1 >/dev/null 2>&1 &
rpid=$!
wait_listed dup
"$bin" recv dup --count 1 2>"$tmp/err"; rc=$?
check "duplicate recv is EX_UNAVAILABLE" test $rc -eq 69
check "duplicate reason" grep -q 'already exists' "$tmp/err"
"$bin" recv small --max-size 4 --count 1 >/dev/null 2>&1 &
spid=$!
wait_listed small
"$bin" send small toolong 2>"$tmp/err"; rc=$?
check "too large is EX_DATAERR" test $rc -eq 65
"$bin" send dup done; "$bin" send small ok
wait $rpid $spid
"$bin" stats 2>"$tmp/err"; rc=$?
check "stats without mailslotd is EX_UNAVAILABLE" test $rc -eq 69
check "stats names the missing daemon" grep -q 'mailslotd is not running' "$tmp/err"
check "errors give the Win32 code" grep -q 'RPC_S_SERVER_UNAVAILABLE' "$tmp/err"

echo "$pass passed, $fail failed"
test $fail -eq 0
