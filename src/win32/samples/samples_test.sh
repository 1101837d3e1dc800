#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# samples_test.sh BINDIR: runs the programs shaped like Microsoft's three
# mailslot samples, and the TCHAR-clean classic pair, in their ANSI and
# UNICODE builds, and checks that they behave as on Windows.  Readiness is
# a line read from a FIFO with a time limit, never a fixed sleep.
set -u
bin=$1
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local n=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $n"; fi; }

# start_reader NAME CMD...: runs CMD with its output in $tmp/NAME.out (via a
# FIFO) and returns once its first line (readiness) has been read.
start_reader() {
  local name=$1 line; shift
  mkfifo "$tmp/$name.fifo"
  "$@" >"$tmp/$name.fifo" 2>&1 &
  pids+=($!)
  exec {fd}<"$tmp/$name.fifo"
  IFS= read -r -t 10 line <&"$fd" || line="(no output)"
  printf '%s\n' "$line" >"$tmp/$name.out"
  # The rest of the output follows in the background.
  cat <&"$fd" >>"$tmp/$name.out" &
  pids+=($!)
  exec {fd}<&-
}

# finish NAME: waits (bounded by the test's timeout) for the reader's exit status.
finish() { wait "${pids[-2]}"; local rc=$?; wait "${pids[-1]}"; return $rc; }

for mode in ansi unicode; do
  export MAILSLOT_NAMESPACE="samples-$$-$mode"
  check "$mode: creating a mailslot" bash -c "'$bin/sample_create_slot_$mode' | grep -q 'Mailslot created successfully.'"

  start_reader read_$mode "$bin/sample_read_slot_$mode"
  check "$mode: reader ready" grep -q '^ready' "$tmp/read_$mode.out"
  out=$("$bin/sample_write_slot_$mode")
  check "$mode: three writes" test "$(grep -c 'Slot written to successfully.' <<<"$out")" = 3
  check "$mode: reader exits 0" finish
  for m in one two three; do
    check "$mode: message $m read" grep -q "Contents of the mailslot: Message $m for mailslot." "$tmp/read_$mode.out"
  done
  check "$mode: message headers" grep -q '^Message #1 of [123]$' "$tmp/read_$mode.out"

  text='Grüße from the Send window 🙂'
  start_reader pair_$mode "$bin/sample_pair_server_$mode" '\\.\mailslot\MyMailslot' 1
  check "$mode: pair server waiting" grep -q 'Receive: waiting on \\\\.\\mailslot\\MyMailslot' "$tmp/pair_$mode.out"
  out=$("$bin/sample_pair_client_$mode" '\\.\mailslot\MyMailslot' "$text")
  # ANSI sends UTF-8 bytes; UNICODE sends UTF-16LE: 27 characters, then
  # 🙂 as a surrogate pair, then the terminator.
  if [ "$mode" = ansi ]; then n=$(( $(printf '%s' "$text" | wc -c) + 1 )); else n=$(( (27 + 2 + 1) * 2 )); fi
  check "$mode: pair client wrote $n bytes" test "$out" = "Send: wrote $n bytes"
  check "$mode: pair server exits 0" finish
  check "$mode: pair server got the text" grep -qF "Receive: got $n bytes: $text" "$tmp/pair_$mode.out"

  # _tWinMain gets the command line after the program name.
  start_reader winmain_$mode "$bin/sample_pair_server_$mode" '\\.\mailslot\win' 1
  check "$mode: _tWinMain program exits 0" "$bin/sample_winmain_$mode" '\\.\mailslot\win' two words
  check "$mode: server for _tWinMain exits 0" finish
  check "$mode: _tWinMain's command line" grep -qF ": two words" "$tmp/winmain_$mode.out"
done
echo "$pass passed, $fail failed"
test "$fail" -eq 0
