#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gui_remote_test.sh MAILSLOTD MAILSLOT NBTOOL SERVER CLIENT: the two
# windows on two hosts.  A LAN of network namespaces made by this test
# (the daemon tests' netlib.sh), never a real network: host B runs
# mailslotd and the Receive window, host A runs mailslotd and the Send
# window, aimed at \\HOSTB\mailslot\MyMailslot.  Both windows show on one
# Xvfb, which they reach through its socket file.  The text typed on A
# must appear in B's window, named in B's daemon counters.  Skipped (77)
# without root, Xvfb or xdotool.
set -u
. "$(dirname "$0")/../../src/daemon/tests/netlib.sh" # reads $1..$3
server=${4:?usage: gui_remote_test.sh MAILSLOTD MAILSLOT NBTOOL SERVER CLIENT}
client=${5:?usage: gui_remote_test.sh MAILSLOTD MAILSLOT NBTOOL SERVER CLIENT}
export MAILSLOT_NAMESPACE=guiremote

nl_init
tmp=$NL_TMP
# netlib's exit trap ends what is in NL_PIDS, Xvfb included.
declare -n gui_pids=NL_PIDS
. "$(dirname "$0")/../tests/lib.sh" # check, wait_for, summary
. "$(dirname "$0")/guilib.sh"       # Xvfb and the windows
gui_init 708x305
nl_conf
nl_host A 1
nl_host B 2

check "mailslotd starts on A" start_daemon A HOSTA
check "mailslotd starts on B" start_daemon B HOSTB
delivered0=$(counter B delivered)

msg="Across the LAN from host A"
check "Receive window opens on B" start s 10 ip netns exec "$(nl_ns B)" "$server"
check "Send window opens on A, aimed at HOSTB" \
  start c 359 ip netns exec "$(nl_ns A)" "$client" '\\HOSTB\mailslot\MyMailslot'
check "it shows that name" shows c 'name="\\\\HOSTB\\mailslot\\MyMailslot"'
check "type into the text box" type_into c "$msg"
exchange "$msg"
grew() { local v; v=$(counter B delivered); [ -n "$v" ] && [ "$v" -gt "$delivered0" ]; }
check "B's mailslotd counted the delivery" wait_for 10 grew
check "the Receive window closes with status 0" stop s
check "the Send window closes with status 0" stop c
check "no GTK critical, no sanitizer report" \
  bash -c "! grep -E 'CRITICAL|Sanitizer|runtime error:' '$tmp/s.log' '$tmp/c.log'"
finish_daemons A B
summary
