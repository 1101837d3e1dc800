#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# daemon_test.sh MAILSLOTD MAILSLOT NBTOOL: mailslotd as an administrator
# and systemd run it.  -t refuses the configurations that would leave the
# daemon deaf (an interface or a user that does not exist) and prints what
# it read in the file's own words; start-up refuses the same; SIGHUP
# reloads the allow list and the aliases with the sockets kept, and keeps
# the running configuration when the new one is bad; READY=1, RELOADING=1
# and STOPPING=1 reach $NOTIFY_SOCKET.  A datagram crafted on host B is
# what shows each change.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=daemontest

nl_lan A B

# ---- -t --------------------------------------------------------------------
# t_rc ARGS...: mailslotd -t's exit status; its output in t.out and t.err.
t_rc() { "$MAILSLOTD" -c "$NL_CONF" -t "$@" >"$NL_TMP/t.out" 2>"$NL_TMP/t.err"; echo $?; }
rc=$(t_rc -o 'interfaces = eht0' -o "user = $NL_USER")
check "-t refuses an interface that does not exist (rc $rc)" test "$rc" -eq 78
check "  and names it" grep -q "no interface 'eht0'" "$NL_TMP/t.err"
rc=$(t_rc -o 'user = nosuchuser')
check "-t refuses a user that does not exist (rc $rc)" test "$rc" -eq 78
check "  and names it" grep -q "no user 'nosuchuser'" "$NL_TMP/t.err"
rc=$(t_rc -o 'interfaces = eht0' -o 'user = nosuchuser')
check "-t reports both problems at once" test "$(grep -c '^mailslotd: ' "$NL_TMP/t.err")" -eq 2
rc=$(t_rc -o "user = $NL_USER" -o 'log level = 2' -o 'hosts allow = 10.1.' -o 'netbios aliases = files')
check "-t passes a good configuration (rc $rc)" test "$rc" -eq 0
check "-t prints the log level as the file's word" grep -qx 'log level = info' "$NL_TMP/t.out"
check "-t prints hosts allow" grep -qx 'hosts allow = 10.1.0.0/16' "$NL_TMP/t.out"
check "-t prints netbios aliases" grep -qx 'netbios aliases = FILES' "$NL_TMP/t.out"
cp "$NL_TMP/t.out" "$NL_TMP/printed.conf"
check "-t's output reads back to the same configuration" \
  bash -c "'$MAILSLOTD' -c '$NL_TMP/printed.conf' -t | diff - '$NL_TMP/printed.conf'"
timeout 10 ip netns exec "$(nl_ns A)" "$MAILSLOTD" -c "$NL_CONF" -o 'interfaces = eht0' \
  -o "user = $NL_USER" >/dev/null 2>&1
rc=$?
check "start-up refuses what -t refuses, exit 78 (rc $rc)" test $rc -eq 78

# ---- sd_notify and SIGHUP -------------------------------------------------------
# A stand-in for systemd's notify socket: each message on a line of its own.
# World-writable like systemd's: the daemon sends after it left root.
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", 0) as f:
    while True:
        f.write(s.recv(4096).replace(b"\n", b" ") + b"\n")
' "$NL_TMP/notify.sock" "$NL_TMP/notify.log" &
npid=$!
check "notify listener ready" wait_until 10 test -S "$NL_TMP/notify.sock"
export NOTIFY_SOCKET="$NL_TMP/notify.sock"

# A accepts only a host that is not B, at first.
printf 'hosts allow = 10.250.0.1\n' >"$NL_CONF"
check "mailslotd starts on A" start_daemon A HOSTA
check "READY=1 after start-up" wait_until 10 grep -q '^READY=1' "$NL_TMP/notify.log"
check "reader on A" start_recv A box "$NL_TMP/box.out"
send_b() { nl_run B "$NBTOOL" send "$IP_A" 138 valid "$1" '\MAILSLOT\BOX' "$2" >/dev/null; }
na0=$(counter A drop_not_allowed)
send_b HOSTA before-reload
check "B is not allowed yet" wait_until 10 bash -c "[ \"\$(ip netns exec $(nl_ns A) '$MAILSLOT' stats | awk '\$1==\"drop_not_allowed\"{print \$2}')\" -gt ${na0:-0} ]"

# readies N: the notify log holds N READY=1 lines.
readies() { [ "$(grep -c '^READY=1' "$NL_TMP/notify.log")" -ge "$1" ]; }
printf 'hosts allow = %s\nnetbios aliases = ALIAS1\n' "$IP_B" >"$NL_CONF"
kill -HUP "$DPID_A"
check "RELOADING=1 on SIGHUP" wait_until 10 grep -q '^RELOADING=1 MONOTONIC_USEC=[0-9]' "$NL_TMP/notify.log"
check "READY=1 once reloaded" wait_until 10 readies 2
send_b HOSTA after-reload
check "the reloaded allow list lets B in" wait_until 10 has_msg "$NL_TMP/box.out" after-reload
send_b ALIAS1 to-alias
check "the new netbios alias is A's name" wait_until 10 has_msg "$NL_TMP/box.out" to-alias
check "a delivery is logged as key=value" \
  grep -qE "event=deliver source=$IP_B:[0-9]+ sender=[A-Z0-9]+ mailslot=BOX bytes=12\$" "$NL_TMP/mailslotd-A.log"
check "the reload is logged as key=value" grep -q 'event=reload result=ok' "$NL_TMP/mailslotd-A.log"

# A bad configuration is refused and the running one stays.
printf 'interfaces = eht0\n' >"$NL_CONF"
kill -HUP "$DPID_A"
check "a bad reload is refused, saying why" \
  wait_until 10 grep -q "event=reload result=refused reason=.*no interface 'eht0'" "$NL_TMP/mailslotd-A.log"
check "  READY=1 again, with a status that says so" wait_until 10 readies 3
send_b HOSTA after-bad-reload
check "  the previous configuration still serves" wait_until 10 has_msg "$NL_TMP/box.out" after-bad-reload

finish_daemons A
check "STOPPING=1 on SIGTERM" wait_until 10 grep -q '^STOPPING=1' "$NL_TMP/notify.log"
kill "$npid" 2>/dev/null
nl_summary
