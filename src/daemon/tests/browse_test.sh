#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# browse_test.sh MAILSLOTD MAILSLOT NBTOOL: `mailslot browse` against
# Samba's nmbd as master browser (docs/network.md, LAN discovery).
#
# One subnet: S runs nmbd SAMBAS, the master browser of WG; U runs nmbd
# SAMBAU in WG (never master); T runs nmbd SAMBAT, the master browser of
# OTHERWG; B runs mailslotd (HOSTB, WG).  `mailslot browse` on B asks WG
# and OTHERWG to announce and lists what it hears: SAMBAS as WG's master
# and SAMBAU as hosts with their comments (HostAnnouncement,
# LocalMasterAnnouncement), WG and OTHERWG as workgroups with their
# masters (DomainAnnouncement to __MSBROWSE__<01>), as JSON and as a
# table.  Without mailslotd it refuses with exit 69.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=browsetest
nl_need_samba

nl_lan S U T B C

# samba HOST NAME LINE...: nmbd on HOST with its own configuration.
samba() {
  local h=$1 name=$2 sd="$NL_TMP/samba-$1"
  shift 2
  nl_samba_conf "$sd" "$name" "wins support = no" "$@"
  nl_nmbd_bg "$h" "$sd" "$NL_TMP/nmbd-$h.log" 3
  check "nmbd $name starts on $h" wait_until 10 test -S "$sd/sock/unexpected"
}
samba S SAMBAS "local master = yes" "preferred master = yes" "os level = 65" "server string = Samba on S"
samba U SAMBAU "local master = no" "server string = Samba on U"
samba T SAMBAT "workgroup = OTHERWG" "local master = yes" "preferred master = yes" "os level = 65" \
  "server string = Samba on T"
check "mailslotd starts on B" start_daemon B HOSTB

nl_log "waiting for the browser elections (up to 90 s)"
check "SAMBAS becomes master browser of WG" \
  wait_until 90 grep -q "is now a local master browser for workgroup WG" "$NL_TMP/nmbd-S.log"
check "SAMBAT becomes master browser of OTHERWG" \
  wait_until 90 grep -q "is now a local master browser for workgroup OTHERWG" "$NL_TMP/nmbd-T.log"

out="$NL_TMP/browse.json"
nl_bg B "$out" "$MAILSLOT" browse -t 20000 -w OTHERWG --json
bpid=$NL_LAST_PID
check "mailslot browse listens on \\\\.\\mailslot\\browse" wait_until 10 mailslot_listed B browse
# C, a mailslotd host with "announce = yes", announces itself as it starts.
check "mailslotd starts on C, announcing" start_daemon C HOSTC -o "announce = yes" \
  -o "server string = mailslot on C"
wait "$bpid"
rc=$?
cat "$out"
check "mailslot browse --json exits 0 (rc $rc)" test $rc -eq 0
# entry KIND NAME: the JSON line of that entry.
entry() { grep -F "{\"kind\":\"$1\",\"name\":\"$2\"," "$out"; }
check "host SAMBAS at S's address" bash -c "grep -F '{\"kind\":\"host\",\"name\":\"SAMBAS\",' '$out' | grep -qF '\"address\":\"$IP_S\"'"
check "  a master browser, with its comment" bash -c "grep -F '\"name\":\"SAMBAS\"' '$out' | grep -F '\"comment\":\"Samba on S\"' | grep -q 'roles\":\"[a-z,]*master'"
check "host SAMBAU, with its comment" bash -c "grep -F '{\"kind\":\"host\",\"name\":\"SAMBAU\",' '$out' | grep -qF '\"comment\":\"Samba on U\"'"
check "  not a master browser" bash -c "grep -F '\"name\":\"SAMBAU\"' '$out' | grep -vq 'roles\":\"[a-z,]*master'"
check "workgroup WG, master SAMBAS" bash -c "grep -F '{\"kind\":\"workgroup\",\"name\":\"WG\",' '$out' | grep -qF '\"master\":\"SAMBAS\"'"
check "workgroup OTHERWG, master SAMBAT (a DomainAnnouncement)" \
  bash -c "grep -F '{\"kind\":\"workgroup\",\"name\":\"OTHERWG\",' '$out' | grep -qF '\"master\":\"SAMBAT\"'"
check "host HOSTC (mailslotd's own HostAnnouncement), a workstation, with its comment" \
  bash -c "grep -F '{\"kind\":\"host\",\"name\":\"HOSTC\",' '$out' | grep -F '\"comment\":\"mailslot on C\"' | grep -qF '\"roles\":\"workstation\"'"
check "each name once" bash -c "[ \$(sed 's/\"address\".*//' '$out' | sort | uniq -d | wc -l) -eq 0 ]"
check "nmbd on S answered B's AnnouncementRequest" grep -q "process_announce_request: Announce request from HOSTB" "$NL_TMP/nmbd-S.log"

nl_run B "$MAILSLOT" browse -t 15000 >"$NL_TMP/browse.txt" 2>&1
rc=$?
cat "$NL_TMP/browse.txt"
check "mailslot browse (table) exits 0 (rc $rc)" test $rc -eq 0
check "  a header line" grep -qE '^KIND +NAME +ADDRESS +ROLES +COMMENT' "$NL_TMP/browse.txt"
check "  SAMBAS's row" grep -qE "^host +SAMBAS +$IP_S .*Samba on S\$" "$NL_TMP/browse.txt"
check "  WG's row" grep -qE "^workgroup +WG +[0-9.]+ +master SAMBAS\$" "$NL_TMP/browse.txt"

nl_run S "$MAILSLOT" browse -t 100 >/dev/null 2>"$NL_TMP/nodaemon.err"
rc=$?
check "without mailslotd: exit 69 (rc $rc)" test $rc -eq 69
check "  saying it needs mailslotd" grep -q "needs mailslotd" "$NL_TMP/nodaemon.err"
finish_daemons B C
nl_summary
