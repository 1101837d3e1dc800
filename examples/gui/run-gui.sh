#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-gui.sh SERVER CLIENT [NAME]: `make demo-gui`.  Opens the Receive and
# Send windows side by side on this display and waits until both are
# closed.  Press Receive, type in Send, press Send.  NAME, if given, is the
# Send window's mailslot, such as \\HOST\mailslot\MyMailslot for a Receive
# window on another host (with mailslotd running there).
set -u
server=$1 client=$2
if [ ! -x "$server" ] || [ ! -x "$client" ]; then
  echo "demo-gui: the GTK windows are not built because GTK 3 was not found;" >&2
  echo "install it (as root: scripts/deps.sh, or apt-get install libgtk-3-dev) and run make demo-gui again" >&2
  exit 1
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo-gui: no display to open windows on (DISPLAY is not set)." >&2
  echo "Run it from a desktop session; examples/gui/gui_test.sh drives the pair under Xvfb." >&2
  exit 1
fi
"$server" --at 60,60 &
spid=$!
"$client" --at 420,60 ${3:+"$3"} &
cpid=$!
trap 'kill $spid $cpid 2>/dev/null' INT TERM
wait $spid $cpid
