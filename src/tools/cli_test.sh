#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_test.sh MAILSLOT: the command-line tool, driven as a user and a
# script would: exact and safe output, exit codes, readiness, listing.
set -u
bin=$1
export MAILSLOT_NAMESPACE=cli-$$
tmp=$(mktemp -d)
trap 'kill -CONT $(jobs -p) 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $name"; fi
}
# rc_is WANT COMMAND...: the command exits with WANT.
rc_is() { local want=$1; shift; "$@" >/dev/null 2>&1; test $? -eq "$want"; }
# until_true CMD...: bounded wait (10 s) for a condition.
until_true() {
  for _ in $(seq 1 200); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}
listed() { "$bin" list | grep -qiF -- "$1"; }

# ---- usage -------------------------------------------------------------------
check "help exits 0" bash -c "'$bin' --help >/dev/null"
check "-V prints the version" bash -c "'$bin' -V | grep -q '^mailslot [0-9]'"
check "--version prints the version" bash -c "'$bin' --version | grep -q '^mailslot [0-9]'"
check "unknown command is EX_USAGE" rc_is 64 "$bin" bogus
check "send without name is EX_USAGE" rc_is 64 "$bin" send
"$bin" recv 2>"$tmp/err"; rc=$?
check "recv without NAME is EX_USAGE" test $rc -eq 64
check "recv without NAME says so" grep -q 'recv: missing NAME' "$tmp/err"
"$bin" recv x --bogus 2>"$tmp/err"; rc=$?
check "unknown option is EX_USAGE and named" bash -c "[ $rc -eq 64 ] && grep -q \"unknown option '--bogus'\" '$tmp/err'"
"$bin" recv x --count 2>"$tmp/err"
check "missing option value is named" grep -q "option '--count' needs a value" "$tmp/err"
check "list -j is accepted" "$bin" list -j
check "send --help says remote names go on the LAN" bash -c "'$bin' send --help | grep -q 'datagrams on the LAN'"

# ---- messages given as arguments, received as text lines ----------------------
"$bin" recv 'cli\one' --count 3 >"$tmp/out1" 2>&1 &
rpid=$!
check "wait returns once recv created the mailslot" "$bin" wait 'cli\one' --timeout 10000
check "list names the owner pid" bash -c "'$bin' list | grep -i 'cli.one' | grep -q ' $rpid '"
check "send args" "$bin" send '\\.\mailslot\CLI\ONE' "first message" "second"
check "send //./ form" "$bin" send //./mailslot/cli/one "third"
wait $rpid; check "recv exits 0 after --count" test $? -eq 0
check "recv prints each message on a line" diff <(printf 'first message\nsecond\nthird\n') "$tmp/out1"

# Boundaries survive: a newline inside a message, an empty message.
"$bin" recv bounds --count 3 >"$tmp/bounds" &
rpid=$!
"$bin" wait bounds
check "send --data, -d" "$bin" send bounds --data $'two\nlines' -d '' -d x
wait $rpid
check "text keeps boundaries: 3 messages, 3 lines" diff <(printf 'two\\nlines\n\nx\n') "$tmp/bounds"

# Standard input: one message per line; --json output.
"$bin" recv jsonbox --count 2 --json >"$tmp/out2" 2>&1 &
rpid=$!
"$bin" wait jsonbox
check "send from stdin" bash -c "printf 'line \"one\"\nline two\n' | '$bin' send jsonbox"
wait $rpid
check "json has size" grep -q '"size":10,' "$tmp/out2"
check "json has sender pid, uid, gid" grep -q '"sender":{"remote":false,"pid":[0-9]*,"uid":[0-9]*,"gid":[0-9]*}' "$tmp/out2"
check "json escapes data" grep -q '"data":"line \\"one\\""' "$tmp/out2"
check "json second line" grep -q '"data":"line two"' "$tmp/out2"

# ---- exact bytes ---------------------------------------------------------------
# Every byte value alone, all 256 in one message, and UTF-8 edge cases:
# overlong, surrogate, above U+10FFFF, truncated, C1, valid 2-4 byte forms.
python3 - "$tmp" <<'EOF'
import sys
d = sys.argv[1]
msgs = [bytes([b]) for b in range(256)] + [bytes(range(256)), b"",
        b"\xc0\x80", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82",
        b"caf\xe9", "café €𝄞".encode(), b"\xc2\x9b2J", "\u2028".encode(), b"x\x00\x00"]
with open(d + "/msgs.raw", "wb") as f:
    for m in msgs:
        f.write(len(m).to_bytes(4, "big") + m)
with open(d + "/count", "w") as f:
    f.write(str(len(msgs)))
EOF
n=$(cat "$tmp/count")
# decode_check FORM FILE: FILE, as recv --format FORM wrote it, holds the
# messages of msgs.raw exactly.
decode_check() {
  python3 - "$1" "$2" "$tmp/msgs.raw" <<'EOF'
import base64, json, sys
form, path, ref = sys.argv[1:]
want, b = [], open(ref, "rb").read()
while b:
    n = int.from_bytes(b[:4], "big"); want.append(b[4:4 + n]); b = b[4 + n:]
got, out = [], open(path, "rb").read()
if form == "raw":
    while out:
        n = int.from_bytes(out[:4], "big"); got.append(out[4:4 + n]); out = out[4 + n:]
elif form == "json":
    for line in out.split(b"\n")[:-1]:
        o = json.loads(line)  # strict: the line must be valid UTF-8 JSON
        raw = base64.b64decode(o["base64"], validate=True)
        assert o["size"] == len(raw), o
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        assert o["data"] == text, (o, raw)
        got.append(raw)
elif form == "hex":
    got = [bytes.fromhex(l.decode()) for l in out.split(b"\n")[:-1]]
if got != want:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w: print("message", i, "got", g, "want", w)
    print(len(got), "messages, want", len(want)); sys.exit(1)
EOF
}
for form in raw json hex; do
  "$bin" recv "exact-$form" --count "$n" --format "$form" >"$tmp/exact.$form" &
  rpid=$!
  "$bin" wait "exact-$form"
  "$bin" send "exact-$form" --raw <"$tmp/msgs.raw"
  wait $rpid
  check "every byte value round-trips through --format $form" decode_check "$form" "$tmp/exact.$form"
done
# recv --raw | send --raw is a lossless relay: the same bytes come out.
"$bin" recv relay2 --count "$n" --raw >"$tmp/relay.raw" &
r2=$!
"$bin" wait relay2
"$bin" recv relay1 --count "$n" --raw | "$bin" send relay2 --raw &
"$bin" wait relay1
"$bin" send relay1 --raw <"$tmp/msgs.raw"
wait $r2
check "recv --raw | send --raw relays every byte" cmp "$tmp/relay.raw" "$tmp/msgs.raw"
# --file sends a binary file as one message.
head -c 300000 /dev/urandom >"$tmp/blob"
"$bin" recv filebox --count 1 --raw >"$tmp/blob.raw" &
rpid=$!
"$bin" wait filebox
check "send --file" "$bin" send filebox --file "$tmp/blob"
wait $rpid
check "--file is one message of the exact bytes" cmp <(tail -c +5 "$tmp/blob.raw") "$tmp/blob"
check "--raw length prefix is big-endian" test "$(head -c 4 "$tmp/blob.raw" | od -An -tx1 | tr -d ' ')" = 000493e0
# -0: NUL-separated records in, NUL-terminated records out.
"$bin" recv nulbox --count 2 -0 >"$tmp/nul" &
rpid=$!
"$bin" wait nulbox
printf 'a\nb\0c d\0' | "$bin" send nulbox -0
wait $rpid
check "send -0 / recv -0 keep newlines" cmp "$tmp/nul" <(printf 'a\nb\0c d\0')

# ---- nothing reaches the terminal ---------------------------------------------
# safe FILE: no control byte but newline, no DEL, no C1, valid UTF-8.
safe() {
  python3 - "$1" <<'EOF'
import sys
b = open(sys.argv[1], "rb").read()
t = b.decode("utf-8")
bad = [c for c in t if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0]
sys.exit(1 if bad else 0)
EOF
}
for form in text quoted hex json; do
  "$bin" recv "safe-$form" --count "$n" --format "$form" >"$tmp/safe.$form" &
  rpid=$!
  "$bin" wait "safe-$form"
  "$bin" send "safe-$form" --raw <"$tmp/msgs.raw"
  wait $rpid
  check "no control byte reaches the terminal in $form" safe "$tmp/safe.$form"
  check "$form: one line per message" test "$(wc -l <"$tmp/safe.$form")" -eq "$n"
done
check "text shows an escape sequence quoted" grep -qxF '\x1b' "$tmp/safe.text"
check "text drops a Windows writer's trailing NULs only" grep -qxF 'x' "$tmp/safe.text"
check "text keeps UTF-8" grep -qxF 'café €𝄞' "$tmp/safe.text"
check "quoted keeps every byte, in ASCII" grep -qxF '"x\x00\x00"' "$tmp/safe.quoted"
check "quoted escapes UTF-8" grep -qxF '"caf\xc3\xa9 \xe2\x82\xac\xf0\x9d\x84\x9e"' "$tmp/safe.quoted"

# ---- per-message timeout --------------------------------------------------------
# Three messages 400 ms apart, each within --timeout 1000: the budget is
# per message, not for the run.  (The pauses are the test's input.)
"$bin" recv slow --count 3 --timeout 1000 >"$tmp/slow" 2>&1 &
rpid=$!
"$bin" wait slow
for i in 1 2 3; do sleep 0.4; "$bin" send slow "m$i"; done
wait $rpid; rc=$?
check "--timeout is per message (rc $rc)" test $rc -eq 0
check "recv timeout is EX_TEMPFAIL" rc_is 75 "$bin" recv waitbox --timeout 100
check "wait timeout is EX_TEMPFAIL" rc_is 75 "$bin" wait nobody --timeout 100

# ---- signals: 128+N -----------------------------------------------------------
# Background jobs of a script ignore SIGINT unless job control is on, and
# the tool keeps a signal that was ignored when it started, as shells do.
set -m
for sig in INT TERM HUP; do
  "$bin" recv "sig-$sig" >/dev/null 2>&1 &
  rpid=$!
  "$bin" wait "sig-$sig"
  kill -"$sig" $rpid
  wait $rpid; rc=$?
  check "recv on SIG$sig exits 128+$(kill -l "$sig") (rc $rc)" test $rc -eq $((128 + $(kill -l "$sig")))
done
"$bin" wait never >/dev/null 2>&1 &
wpid=$!
until_true grep -q . /proc/$wpid/cmdline
kill -TERM $wpid; wait $wpid; rc=$?
check "wait on SIGTERM exits 143 (rc $rc)" test $rc -eq 143
set +m

# ---- readiness: `wait` cannot race ------------------------------------------------
races=0
for i in $(seq 1 200); do
  "$bin" recv "race$i" --count 1 >/dev/null 2>&1 &
  rpid=$!
  "$bin" wait "race$i" --timeout 10000 && "$bin" send "race$i" hi || races=$((races + 1))
  wait $rpid || races=$((races + 1))
done
check "recv & wait && send: 0 failures in 200 ($races)" test $races -eq 0

# ---- errors name the mailslot and the reason, with sysexits codes ----------------
"$bin" send nosuchbox hi 2>"$tmp/err"; rc=$?
check "missing mailslot is EX_NOINPUT" test $rc -eq 66
check "error names mailslot and reason" grep -q 'send nosuchbox: no such mailslot' "$tmp/err"
"$bin" send '\\.\pipe\x' hi 2>"$tmp/err"; rc=$?
check "bad name is EX_DATAERR" test $rc -eq 65
check "bad name reason" grep -q 'not a valid mailslot name' "$tmp/err"
"$bin" recv dup --count 1 >/dev/null 2>&1 &
rpid=$!
"$bin" wait dup
"$bin" recv dup --count 1 2>"$tmp/err"; rc=$?
check "duplicate recv is EX_CANTCREAT" test $rc -eq 73
check "duplicate reason" grep -q 'already exists' "$tmp/err"
"$bin" recv small --max-size 4 --count 1 >/dev/null 2>&1 &
spid=$!
"$bin" wait small
"$bin" send small toolong 2>"$tmp/err"; rc=$?
check "too large is EX_DATAERR" test $rc -eq 65
"$bin" send dup done; "$bin" send small ok
wait $rpid $spid
# A writer whose server closed: the first line is read, recv exits, the
# second line's write finds the mailslot gone.
mkfifo "$tmp/fifo"
"$bin" recv gone --count 1 >/dev/null &
rpid=$!
"$bin" wait gone
"$bin" send gone <"$tmp/fifo" 2>"$tmp/err" &
spid=$!
exec 7>"$tmp/fifo"
echo first >&7
wait $rpid
echo second >&7
exec 7>&-
wait $spid; rc=$?
check "a writer whose server closed gets EX_NOINPUT (rc $rc)" test $rc -eq 66
check "... and says the server closed" grep -q 'has closed it' "$tmp/err"
"$bin" stats 2>"$tmp/err"; rc=$?
check "stats without mailslotd is EX_UNAVAILABLE" test $rc -eq 69
check "stats names the missing daemon" grep -q '^mailslot: stats: mailslotd is not running' "$tmp/err"
check "errors give the Win32 code" grep -q 'RPC_S_SERVER_UNAVAILABLE' "$tmp/err"

# ---- list --------------------------------------------------------------------------
# Queue depth: recv writes its first message into a pipe whose reader is
# stopped, so the next three stay queued (bounded wait on the count).
big=$(head -c 100000 /dev/zero | tr '\0' a)
"$bin" recv 'adm\q' --count 4 --max-size 200000 --access user --local-only |
  (echo $BASHPID >"$tmp/catpid"; kill -STOP $BASHPID; exec cat >/dev/null) &
"$bin" wait 'adm\q'
exec 8> >(exec "$bin" send 'adm\q')
for i in 1 2 3 4; do "$bin" send 'adm\q' "$big"; done
qrow() { "$bin" list -n -o name,msgs,bytes,writers,maxsize,access,remote,type | grep -F 'adm\q'; }
check "list shows queue depth, writers, max size, access, remote, type" \
  until_true bash -c "$(declare -f qrow); bin='$bin'; qrow | grep -qE ' 3 +300000 +1 +200000 user +no +user\$'"
qrow
"$bin" list -j -o name,msgs,qmsgs,qbytes,state >"$tmp/list.json"
check "list --json parses, with quota and state" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r = [x for x in rows if x["name"] == "\\\\.\\mailslot\\adm\\q"][0]
assert r == {"name": r["name"], "msgs": 3, "qmsgs": 1000000, "qbytes": 67108864, "state": "ok"}, r
' "$tmp/list.json"
check "list -o help names the columns" bash -c "'$bin' list -o help | grep -q '^WRITERS'"
check "unknown column is EX_USAGE" rc_is 64 "$bin" list -o nosuch
exec 8>&-
kill -CONT "$(cat "$tmp/catpid")"
wait

# A stopped owner still holds its name: list shows it as stopped.
"$bin" recv stopped >/dev/null 2>&1 &
rpid=$!
"$bin" wait stopped
kill -STOP $rpid
"$bin" list -o pid,state -n >"$tmp/list.stopped"
check "list shows a stopped owner ($(tr '\n' ' ' <"$tmp/list.stopped"))" grep -qE "^ *$rpid +stopped\$" "$tmp/list.stopped"
check "and recv says the name is taken" rc_is 73 "$bin" recv stopped -t 1
kill -CONT $rpid
kill $rpid
wait $rpid 2>/dev/null

echo "$pass passed, $fail failed"
test $fail -eq 0
