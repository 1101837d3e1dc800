#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# reader_test.sh READER MAILSLOT: an example reader (epoll_reader or
# glib_reader) against messages sent by the `mailslot` tool, another
# process.  It checks that every message arrives whole and in order,
# empty and large ones included, that the reader stops after COUNT, and
# that SIGTERM ends a reader that waits forever, with status 0.
set -u
reader=$1 cli=$2
export MAILSLOT_NAMESPACE=example-$$
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh" # check, wait_for, summary
# exited PID: the process is gone; then `wait PID` gives its status.
exited() { ! kill -0 "$1" 2>/dev/null; }

# Three messages, one of them empty, then the reader exits by itself.
"$reader" 'example\jobs' 3 >"$tmp/out" 2>&1 &
rpid=$!
check "reader announces its mailslot" wait_for 10 grep -qF 'ready \\.\mailslot\example\jobs' "$tmp/out"
check "send exits 0" "$cli" send 'example\jobs' first '' third
check "reader exits after 3 messages" wait_for 10 exited $rpid
wait $rpid; rc=$?
check "reader status 0 (got $rc)" test $rc -eq 0
check "first message" grep -qE '^message 1: 5 bytes from pid [0-9]+: first$' "$tmp/out"
check "empty message counted" grep -qE '^message 2: 0 bytes from pid [0-9]+: $' "$tmp/out"
check "third message" grep -qE '^message 3: 5 bytes from pid [0-9]+: third$' "$tmp/out"

# A message larger than the reader's first buffer (64 KiB), then SIGTERM.
"$reader" 'example\big' >"$tmp/out2" 2>&1 &
rpid=$!
check "second reader ready" wait_for 10 grep -q '^ready ' "$tmp/out2"
# Through standard input (one line, one message): one argument is limited
# to 128 KiB by the kernel.
check "send 200000 bytes" bash -c "head -c 200000 /dev/zero | tr '\\0' x | '$cli' send 'example\\big'"
# whole200k FILE: message 1 is 200000 bytes, all of them x.
whole200k() {
  awk '/^message 1: 200000 bytes from pid [0-9]+: / { sub(/^[^:]*: [^:]*: /, "")
       if ($0 ~ /^x+$/ && length($0) == 200000) ok = 1 } END { exit !ok }' "$1"
}
check "large message arrives whole" wait_for 10 whole200k "$tmp/out2"
kill -TERM $rpid
check "SIGTERM stops the reader" wait_for 10 exited $rpid
wait $rpid; rc=$?
check "stopped with status 0 (got $rc)" test $rc -eq 0
check "reader says why it stopped" grep -q '^stopped by .*after 1 messages$' "$tmp/out2"
check "the name is free again" bash -c "! '$cli' list | grep -qi 'example.big'"
check "no sanitizer report" bash -c "! grep -qE 'Sanitizer|runtime error:' '$tmp/out' '$tmp/out2'"

summary
