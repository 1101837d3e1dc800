#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gui_test.sh SERVER CLIENT MAILSLOT [SCREENSHOT]: the GTK demo end to end
# under Xvfb, driven as a person would drive it, with real pointer clicks
# and key presses (xdotool).  Each window reports what it shows through
# its test hook ($MAILSLOT_GUI_STATE, see demo_window.h), and every wait
# is a bounded wait for the state the test expects, never a guess.
#
#  - Send with no server shows "Open mailslot failed."; Send to a reader
#    whose maximum message size is smaller shows "Failed to send data!";
#  - text typed in Send, then Receive, then Send: the Receive window's box
#    holds the text and its button reads "Receive" again, enabled; the
#    screenshot of the pair is taken then;
#  - Receive in a second window while the first reads the same name shows
#    "CreateMailslot error";
#  - a message longer than the 400-TCHAR buffer shows "ReadFile error";
#  - SIGTERM closes a window, one that is reading too, with status 0, and
#    no window logged a GTK critical or a sanitizer report.
# Skipped (exit 77) without Xvfb or xdotool.
set -u
server=$1 client=$2 cli=$3 shot=${4:-}
export MAILSLOT_NAMESPACE=guitest-$$
tmp=$(mktemp -d)
gui_pids=()
cleanup() {
  local p
  for p in "${gui_pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../tests/lib.sh" # check, wait_for, summary
. "$(dirname "$0")/guilib.sh"       # Xvfb and the windows
t0=$(date +%s%N)
gui_init 708x305

msg="Hello from the Send window"

# ---- Send with no server -------------------------------------------------
check "Send window opens" start c 359 "$client"
check "its button reads Send" shows c "$(label Send)" sensitive=1
check "type into the text box" type_into c "$msg"
check "Send without a server" click c button
check "shows \"Open mailslot failed.\"" wait_state c 'dialog="Open mailslot failed."' \
  'detail="GetLastError() = 2"'
check "OK closes the message box" ok_dialog c

# ---- Failed to send data!: a reader whose maximum message size is 8 -------
"$cli" recv MyMailslot --max-size 8 --count 1 >"$tmp/recv8.log" 2>&1 &
rpid=$!
gui_pids+=($rpid)
listed() { "$cli" list | grep -qi 'mailslot.MyMailslot '; }
unlisted() { ! listed; }
check "a reader of at most 8 bytes is listed" wait_for 10 listed
check "Send the longer text" click c button
check "shows \"Failed to send data!\"" wait_state c 'dialog="Failed to send data!"' \
  'detail="GetLastError() = 87"'
check "OK closes the message box" ok_dialog c
check "a short message ends that reader" "$cli" send MyMailslot short
got_short() { ! kill -0 $rpid 2>/dev/null && [ "$(cat "$tmp/recv8.log")" = short ]; }
check "the reader got only that" wait_for 10 got_short

# ---- the exchange ----------------------------------------------------------
check "Receive window opens" start s 10 "$server"
check "its button reads Receive" shows s "$(label Receive)" sensitive=1 'text=""' \
  'name="\\\\.\\mailslot\\MyMailslot"'
exchange "$msg"
if [ -n "$shot" ] && command -v import >/dev/null 2>&1; then
  # Only once both windows have been painted in this state.
  painted() { wait_state s drawn=1 "text=\"$msg\"" && wait_state c drawn=1; }
  check "both windows painted" painted
  check "screenshot of the pair" import -window root "$shot"
  check "screenshot is a PNG" bash -c "head -c 8 '$shot' | grep -q PNG"
fi

# ---- CreateMailslot error: the name is taken ---------------------------------
check "press Receive again" click s button
check "Reading... again" wait_state s "$(label Reading...)" sensitive=0
check "a second Receive window opens" start s2 10 "$server"
check "its Receive" click s2 button
check "shows \"CreateMailslot error\"" wait_state s2 'dialog="CreateMailslot error"' \
  'detail="GetLastError() = 183"' \
  "$(label Receive)" sensitive=1
check "OK closes it" ok_dialog s2
check "the second window closes with status 0" stop s2

# ---- ReadFile error: longer than the 400-TCHAR buffer ---------------------
long=$(printf 'z%.0s' $(seq 1 401))
check "send 401 bytes" "$cli" send MyMailslot "$long"
check "shows \"ReadFile error\", button reads Receive" \
  wait_state s 'dialog="ReadFile error"' 'detail="GetLastError() = 122"' \
  "$(label Receive)" sensitive=1
check "the box still holds the last message" shows s "text=\"$msg\""
check "OK closes it" ok_dialog s

# ---- closing ---------------------------------------------------------------
check "press Receive once more" click s button
check "Reading..." wait_state s "$(label Reading...)" sensitive=0
check "its mailslot is listed" listed
check "the Receive window closes while reading, status 0" stop s
check "its mailslot is gone with it" unlisted
check "the Send window closes with status 0" stop c
check "no GTK critical, no sanitizer report" \
  bash -c "! grep -E 'CRITICAL|Sanitizer|runtime error:' '$tmp'/*.log"

echo "gui test took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
summary
