#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-demo.sh SERVER CLIENT [--test]: the classic demo.  The Receive
# program (server) creates \\.\mailslot\MyMailslot and blocks in ReadFile;
# the Send program (client), a separate process, writes 400 bytes to it.
# With --test the output is checked and the script exits non-zero on a
# mismatch.
set -euo pipefail
server=$1 client=$2 mode=${3:-}
export MAILSLOT_NAMESPACE=${MAILSLOT_NAMESPACE:-demo-$$}
out=$(mktemp)
trap 'rm -f "$out"; kill "$spid" 2>/dev/null || true' EXIT

"$server" 1 >"$out" 2>&1 &
spid=$!
# Wait (bounded) until the server's mailslot exists: its first line says so.
for _ in $(seq 1 200); do
  grep -q "waiting" "$out" && break
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.05
done
echo "[Receive, pid $spid] $(head -n1 "$out")"
msg="Hello from the Send window (pid $$)"
echo "[Send] $("$client" "$msg")"
wait "$spid"
spid=
echo "[Receive] $(tail -n1 "$out")"
if [ "$mode" = --test ]; then
  grep -q "Receive: got 400 bytes: $msg" "$out" || { echo "demo: message did not arrive" >&2; exit 1; }
  echo "1 passed, 0 failed"
fi
