#!/usr/bin/env bash
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
for t in Xvfb xdotool; do
  command -v $t >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
export MAILSLOT_NAMESPACE=guitest-$$
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../tests/lib.sh" # check, wait_for, summary
t0=$(date +%s%N)

# Xvfb picks a free display itself (-displayfd), so parallel runs never
# collide; no TCP, only its local socket.
Xvfb -displayfd 3 -screen 0 708x305x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
if ! wait_for 20 test -s "$tmp/display"; then
  echo "Xvfb did not start:"; cat "$tmp/xvfb.log"; exit 1
fi
export DISPLAY=:$(head -n1 "$tmp/display")
# No accessibility bus and no desktop settings: the windows must not
# depend on a session.  GTK keeps some memory until exit by design, which
# is not this program's leak.
export NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory
export ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}

# state W: window W's latest report.
state() { tail -n 1 "$tmp/$1.state" 2>/dev/null; }
# shows W TEXT...: W's latest report holds every TEXT (fixed strings).
shows() {
  local s f
  s=$(state "$1"); shift
  for f; do [[ $s == *"$f"* ]] || return 1; done
}
# wait_state W TEXT...: bounded wait until W shows every TEXT.
wait_state() { local w=$1; shift; wait_for 10 shows "$w" "$@"; }
# at W WIDGET: the screen position "X Y" of W's button, textbox or ok.
at() { state "$1" | sed -n "s/.* $2=\([0-9]*\),\([0-9]*\).*/\1 \2/p"; }
# click W WIDGET: a real pointer click on it.
click() {
  local xy
  xy=$(at "$1" "$2")
  [ -n "$xy" ] && [ "$xy" != "0 0" ] && xdotool mousemove $xy click 1
}
# start W PROGRAM X [ARGS]: window W at X,10, with its state in $tmp/W.state;
# waits until it is on screen.  Its pid goes to pid_W.
start() {
  local w=$1 prog=$2 x=$3
  shift 3
  MAILSLOT_GUI_STATE="$tmp/$w.state" "$prog" --at "$x,10" "$@" >"$tmp/$w.log" 2>&1 &
  pids+=($!)
  printf -v "pid_$w" %s $!
  wait_state "$w" mapped=1
}
# stop W: SIGTERM, then its exit status must be 0.
stop() {
  local v=pid_$1 rc
  kill -TERM "${!v}" 2>/dev/null || return 1
  wait_for 10 bash -c "! kill -0 ${!v} 2>/dev/null" || return 1
  wait "${!v}"; rc=$?
  [ $rc -eq 0 ] || { echo "$1 exited with status $rc"; return 1; }
}
ok_dialog() { click "$1" ok && wait_state "$1" 'dialog=""'; }

msg="Hello from the Send window"
label() { echo "label=\"$1\""; }

# ---- Send with no server -------------------------------------------------
check "Send window opens" start c "$client" 359
check "its button reads Send" shows c "$(label Send)" sensitive=1
check "click into the text box" click c textbox
xdotool type --delay 15 "$msg"
check "typed text is in the box" wait_state c "text=\"$msg\""
check "Send without a server" click c button
check "shows \"Open mailslot failed.\"" wait_state c 'dialog="Open mailslot failed."' \
  'detail="GetLastError() = 2"'
check "OK closes the message box" ok_dialog c

# ---- Failed to send data!: a reader whose maximum message size is 8 -------
"$cli" recv MyMailslot --max-size 8 --count 1 >"$tmp/recv8.log" 2>&1 &
rpid=$!
pids+=($rpid)
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
check "Receive window opens" start s "$server" 10
check "its button reads Receive" shows s "$(label Receive)" sensitive=1 'text=""' \
  'name="\\\\.\\mailslot\\MyMailslot"'
check "press Receive" click s button
check "button greyed, reads Reading..." wait_state s "$(label Reading...)" sensitive=0
check "press Send" click c button
check "Receive's box holds the text, button reads Receive" \
  wait_state s "text=\"$msg\"" "$(label Receive)" sensitive=1
check "no message box in Send" shows c 'dialog=""'
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
check "a second Receive window opens" start s2 "$server" 10
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
