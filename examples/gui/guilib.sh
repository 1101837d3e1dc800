# SPDX-License-Identifier: MIT
# guilib.sh: drives the demo's windows under Xvfb for the GUI tests, which
# source it after ../tests/lib.sh (wait_for).  The caller sets `tmp`, a
# private directory, and `gui_pids`, an array (or a name reference to
# one) of the processes its exit trap ends; the functions add to it.
#
#   gui_init WxH              skip (exit 77) without Xvfb or xdotool; start
#                             Xvfb on a free display and export DISPLAY
#   start W X CMD...          run window command CMD at X,10, its state in
#                             $tmp/W.state, its output in $tmp/W.log; waits
#                             until it is on screen; its pid is in pid_W
#   state W                   W's latest report (see demo_window.h)
#   shows W TEXT...           W's latest report holds every TEXT (fixed strings)
#   wait_state W TEXT...      bounded wait until it does
#   click W WIDGET            a real pointer click on W's button, textbox or ok
#   ok_dialog W               click the message box's OK, wait until it is gone
#   stop W                    SIGTERM; W must exit with status 0
#   label TEXT                the report's text for a button label TEXT
#   type_into W TEXT          click W's text box, type TEXT, wait until it shows
#   exchange TEXT             the demo's exchange, as checks (lib.sh): Receive
#                             in window s, then Send in window c; s must read,
#                             then hold TEXT with its button back

gui_init() {
  local t
  for t in Xvfb xdotool; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
  done
  # Xvfb picks a free display itself (-displayfd), so parallel runs never
  # collide; no TCP, only its local socket.
  Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
  gui_pids+=($!)
  if ! wait_for 20 test -s "$tmp/display"; then
    echo "Xvfb did not start:"; cat "$tmp/xvfb.log"; exit 1
  fi
  export DISPLAY=:$(head -n1 "$tmp/display")
  # No accessibility bus and no desktop settings: the windows must not
  # depend on a session.  GTK keeps some memory until exit by design,
  # which is not the demo's leak.
  export NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory
  export ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
}

start() {
  local w=$1 x=$2
  shift 2
  MAILSLOT_GUI_STATE="$tmp/$w.state" "$@" --at "$x,10" >"$tmp/$w.log" 2>&1 &
  gui_pids+=($!)
  printf -v "pid_$w" %s $!
  wait_state "$w" mapped=1
}

state() { tail -n 1 "$tmp/$1.state" 2>/dev/null; }

shows() {
  local s f
  s=$(state "$1"); shift
  for f; do [[ $s == *"$f"* ]] || return 1; done
}

wait_state() { local w=$1; shift; wait_for 10 shows "$w" "$@"; }

# at W WIDGET: the screen position "X Y" of the widget's centre.
at() { state "$1" | sed -n "s/.* $2=\([0-9]*\),\([0-9]*\).*/\1 \2/p"; }

click() {
  local xy
  xy=$(at "$1" "$2")
  [ -n "$xy" ] && [ "$xy" != "0 0" ] && xdotool mousemove $xy click 1
}

ok_dialog() { click "$1" ok && wait_state "$1" 'dialog=""'; }

stop() {
  local v=pid_$1 rc
  kill -TERM "${!v}" 2>/dev/null || return 1
  wait_for 10 bash -c "! kill -0 ${!v} 2>/dev/null" || return 1
  wait "${!v}"; rc=$?
  [ $rc -eq 0 ] || { echo "$1 exited with status $rc"; return 1; }
}

label() { echo "label=\"$1\""; }

type_into() {
  click "$1" textbox && xdotool type --delay 15 "$2" && wait_state "$1" "text=\"$2\""
}

exchange() {
  check "press Receive" click s button
  check "button greyed, reads Reading..." wait_state s "$(label Reading...)" sensitive=0
  check "press Send" click c button
  check "Receive's box holds the text, button reads Receive" \
    wait_state s "text=\"$1\"" "$(label Receive)" sensitive=1
  check "no message box in Send" shows c 'dialog=""'
}
